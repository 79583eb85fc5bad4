import Engine
import Mind
import Raster
import Stimuli
import Testing

let busyFishScript: [StimulusEvent] = pointerSweep(from: 0.2, to: 2, speed: 0.8)
    + [StimulusEvent(t: 2.2, .click(x: 0.3, y: 0.3)), StimulusEvent(t: 3, .leave)]
let emergenceScript: [StimulusEvent] = [
    StimulusEvent(t: 0.5, .answer(correct: false)), StimulusEvent(t: 1.0, .pressure(remaining: 0.3)),
    StimulusEvent(t: 1.5, .answer(correct: false)),
]

@Suite("Determinism")
struct DeterminismTests {
    @Test("the same seed and script give the same bytes; another seed does not", arguments: SceneRegistry.names)
    func sameSeedSameBytes(scene: SceneName) throws {
        let script = scene == .candlefish ? busyFishScript : emergenceScript
        let a = try renderFrame(small(scene, seed: 11, script: script), 200)
        let b = try renderFrame(small(scene, seed: 11, script: script), 200)
        let c = try renderFrame(small(scene, seed: 12, script: script), 200)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("1 and 2 threads give identical bytes", arguments: SceneRegistry.names)
    func threadCounts(scene: SceneName) throws {
        let script = scene == .candlefish ? busyFishScript : emergenceScript
        let one = try renderFrame(small(scene, script: script, threads: 1), 170)
        let two = try renderFrame(small(scene, script: script, threads: 2), 170)
        let three = try renderFrame(small(scene, script: script, threads: 3), 170)
        #expect(one == two)
        #expect(one == three)
    }

    @Test("frame k alone equals frame k inside a range, forwards or backwards, at 60 and 24 fps",
          arguments: SceneRegistry.names)
    func frameAloneEqualsRange(scene: SceneName) throws {
        let script = scene == .candlefish ? busyFishScript : emergenceScript
        for fps in [60, 24] {
            let settings = small(scene, script: script, fps: fps)
            let k = fps == 60 ? 150 : 61
            let alone = try renderFrame(settings, k)
            let ranged = try SceneRenderer(settings)
            var inRange: Image8?
            for f in (k - 3)...(k + 3) {
                let img = ranged.render(frame: f)
                if f == k { inRange = img }
            }
            #expect(inRange == alone, "fps \(fps)")
            // Asking for an earlier frame re-simulates from the start.
            #expect(ranged.render(frame: k) == alone, "fps \(fps), backwards")
        }
    }

    @Test("live stimuli are kept: re-rendering an earlier frame replays them exactly")
    func liveStimuliReplay() throws {
        let r = try SceneRenderer(small(.candlefish))
        _ = r.render(frame: 30)
        r.post(.click(x: 0.5, y: 0.5))
        let live = r.render(frame: 120)
        _ = r.render(frame: 10)
        #expect(r.render(frame: 120) == live)
        #expect(r.fishMood == .excited)
        // A recording of the session renders the same frames headless.
        let recorded = try SceneRenderer(small(.candlefish, script: r.stimuli))
        #expect(recorded.render(frame: 120) == live)
        // A stimulus stamped ahead applies at its time; one stamped in the past at the next step.
        let ahead = try SceneRenderer(small(.candlefish))
        _ = ahead.render(frame: 10)
        #expect(ahead.post(.click(x: 0.5, y: 0.5), at: 1.0) == 1.0)
        #expect(ahead.post(.leave, at: 0.01) == 11.0 / 60)
        _ = ahead.render(frame: 59)
        #expect(ahead.fishMood != .excited)
        _ = ahead.render(frame: 61)
        #expect(ahead.fishMood == .excited)
        // Resizing keeps the session.
        let bigger = try r.resized(width: 640, height: 360)
        _ = bigger.render(frame: 120)
        #expect(bigger.hud == r.hud)
    }
}

@Suite("Richness")
struct RichnessTests {
    @Test("richness changes the look, not the behaviour: the fish swims the same path")
    func sameBehaviour() throws {
        var spines: [[SIMD2<Double>]] = []
        var images: [Image8] = []
        for richness in Richness.allCases {
            let r = try SceneRenderer(small(.candlefish, script: busyFishScript, richness: richness))
            images.append(r.render(frame: 300))
            spines.append(r.fishSpine!)
        }
        #expect(spines[0] == spines[1] && spines[1] == spines[2])
        #expect(images[0] != images[2])
    }
}
