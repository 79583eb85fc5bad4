import Benchmarking
import Engine
import Mind
import Stimuli
import Testing

/// The benchmark must see every mood and every stage.
@Suite struct BenchScriptTests {
    /// Steps `step` at 60 Hz over the script's events for `BenchScripts.duration` seconds.
    static func run(_ script: Script, step: (Double, [Stimulus]) -> Void) {
        var queue = StimulusQueue(script.events)
        var n = 0
        while Double(n) / 60 <= BenchScripts.duration {
            let t = Double(n) / 60
            step(t, queue.due(at: t).map(\.stimulus))
            n += 1
        }
    }

    @Test func candlefishShowsEveryMood() throws {
        var seen = Set<Mood>()
        let script = BenchScripts.candlefish()
        var fish = CandlefishMind(memory: CandlefishMemory(), clock: script.clock)
        Self.run(script) { t, due in
            _ = fish.step(to: t, stimuli: due)
            seen.insert(fish.mood)
        }
        #expect(seen == Set(Mood.allCases), "missing \(Set(Mood.allCases).subtracting(seen))")
        // The script is a valid stimulus script (docs/stimuli.md): it reads back.
        let text = BenchScripts.candlefish().json()
        #expect(try Script(json: text) == BenchScripts.candlefish())
    }

    @Test func emergenceShowsEveryStage() throws {
        var stages = Set<Int>()
        var corruption = 0
        var e = EmergenceMind(memory: EmergenceMemory())
        Self.run(BenchScripts.emergence()) { t, due in
            _ = e.step(to: t, stimuli: due)
            stages.insert(e.stage)
            corruption = max(corruption, e.corruption)
        }
        #expect(stages == Set(1...5), "stages seen: \(stages.sorted())")
        #expect(corruption >= 3)
        #expect(try Script(json: BenchScripts.emergence().json()) == BenchScripts.emergence())
    }

    /// The benchmark samples the 60 fps timeline evenly and never past the scripts' end, for
    /// any frame count, including more frames than the timeline has (the old bench put frame
    /// k at k seconds for 300 frames: half of them after the scripts ended).
    @Test(arguments: [4, 8, 299, 300, 600, 9599, 9600, 9601, 20_000, 1_000_000])
    func samplesStayWithinTheTimeline(n: Int) {
        #expect(BenchScripts.fps == 60 && BenchScripts.timelineFrames == 9600)
        var previous = -1
        var bad: (k: Int, frame: Int, t: Double)?
        for k in 0..<n where bad == nil {
            let frame = BenchScripts.sampledFrame(k, of: n)
            let t = BenchScripts.sampledTime(k, of: n)
            if frame < 0 || frame >= BenchScripts.timelineFrames || frame < previous || t < 0 || t >= BenchScripts.duration {
                bad = (k, frame, t)
            }
            previous = frame
        }
        #expect(bad == nil, "sample \(bad.map { "\($0.k): frame \($0.frame) at \($0.t) s" } ?? "")")
        #expect(BenchScripts.sampledFrame(0, of: n) == 0)
        // The last sample is within one sampling interval of the end: the whole timeline is seen.
        let last = BenchScripts.sampledTime(n - 1, of: n)
        #expect(last >= BenchScripts.duration - max(1.0 / 60, BenchScripts.duration / Double(n)) - 1.0 / 60 - 1e-9, "last sample at \(last) s")
        // Samples are evenly spread: the middle one is at half time.
        #expect(abs(BenchScripts.sampledTime(n / 2, of: n) - BenchScripts.duration / 2) <= BenchScripts.duration / Double(n) + 1.0 / 60)
    }

    @Test func threeHundredSamplesAreHalfASecondApart() {
        #expect((0..<300).map { BenchScripts.sampledFrame($0, of: 300) } == (0..<300).map { $0 * 32 })
        #expect(abs(BenchScripts.sampledTime(299, of: 300) - 9568.0 / 60) < 1e-9)
    }
}

/// Each registered scene's own script is the benchmark's, through the registry.
@Suite struct RegisteredBenchScriptTests {
    @Test func everySceneHasAScriptWithinTheTimeline() throws {
        for scene in SceneRegistry.scenes {
            let script = BenchScripts.script(for: scene.name)
            #expect(script == scene.benchScript())
            #expect(script.scene == scene.name && !script.events.isEmpty, "\(scene.name)")
            #expect(script.events.filter { $0.t < BenchScripts.duration }.count > script.events.count / 2,
                    "\(scene.name): most of its events fall within the timeline")
            #expect(try Script(json: script.json(), expecting: scene.name) == script)
        }
    }
}
