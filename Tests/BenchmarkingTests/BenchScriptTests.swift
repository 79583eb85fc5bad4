import Benchmarking
import Mind
import Stimuli
import Testing

/// The benchmark must see every mood and every stage.
@Suite struct BenchScriptTests {
    static func run(_ script: Script, observe: (SceneMind) -> Void) {
        var mind = SceneMind(script.scene, memory: .fresh, clock: script.clock)
        var queue = StimulusQueue(script.events)
        var n = 0
        while Double(n) / 60 <= BenchScripts.duration {
            let t = Double(n) / 60
            _ = mind.step(to: t, stimuli: queue.due(at: t).map(\.stimulus))
            observe(mind)
            n += 1
        }
    }

    @Test func candlefishShowsEveryMood() throws {
        var seen = Set<Mood>()
        Self.run(BenchScripts.candlefish()) { mind in
            if case let .candlefish(fish) = mind { seen.insert(fish.mood) }
        }
        #expect(seen == Set(Mood.allCases), "missing \(Set(Mood.allCases).subtracting(seen))")
        // The script is valid STIMULI.md: it reads back.
        let text = BenchScripts.candlefish().json()
        #expect(try Script(json: text) == BenchScripts.candlefish())
    }

    @Test func emergenceShowsEveryStage() throws {
        var stages = Set<Int>()
        var corruption = 0
        Self.run(BenchScripts.emergence()) { mind in
            if case let .emergence(e) = mind { stages.insert(e.stage); corruption = max(corruption, e.corruption) }
        }
        #expect(stages == Set(1...5), "stages seen: \(stages.sorted())")
        #expect(corruption >= 3)
        #expect(try Script(json: BenchScripts.emergence().json()) == BenchScripts.emergence())
    }
}
