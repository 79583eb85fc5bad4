import Foundation
import Stimuli

/// The stimulus script reader, `Script(json:expecting:)`, as `render --script` and
/// `simulate` call it. An accepted script must also survive the writer: `json()` read back
/// must give the same script.
struct ScriptTarget: FuzzTarget {
    let name = "script"
    let seeds: [FuzzInput]
    let weights: [Int]
    let maxLength = 4 << 20

    init(root: String) {
        var texts: [[UInt8]] = []
        for dir in ["assets/scripts", "assets/posters"] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? []).sorted()
            for name in names where name.hasSuffix(".json") && !name.contains("manifest") {
                if let data = FileManager.default.contents(atPath: root + "/" + dir + "/" + name) { texts.append(Array(data)) }
            }
        }
        // Scripts with every event type, with and without a clock, from the writer itself.
        var rng = FuzzRandom(seed: 0x5C41_7715)
        for k in 0..<6 {
            var events: [StimulusEvent] = []
            var t = 0.0
            for _ in 0..<(k * 3) {
                t += Double(rng.below(1000)) / 100
                let x = Double(rng.below(1001)) / 1000, y = Double(rng.below(1001)) / 1000
                let stimuli: [Stimulus] = [.pointer(x: x, y: y), .click(x: x, y: y), .leave, .answer(correct: rng.oneIn(2)),
                                           .pressure(remaining: x), .key(rng.pick(["space", "h", "f", "é"]))]
                events.append(StimulusEvent(t: t, rng.pick(stimuli)))
            }
            let clock = k % 2 == 0 ? WallClock(rfc3339: "2026-11-21T10:30:00.250+01:00") : nil
            texts.append(Array(Script(scene: k % 3 == 0 ? .emergence : .candlefish, clock: clock, events: events).json().utf8))
        }
        texts.append(Array("{\"scene\":\"candlefish\",\"events\":[]}".utf8))
        seeds = texts.map { FuzzInput(bytes: $0) }
        // The long recorded script is slow to mutate: choose it less often.
        weights = texts.map { $0.count > 8192 ? 1 : 8 }
    }

    func mutate(_ input: inout FuzzInput, rng: inout FuzzRandom) {
        JSONMutator.mutate(&input.bytes, rng: &rng, seeds: seeds.map(\.bytes), maxLength: maxLength)
    }

    func run(_ input: FuzzInput) -> Outcome {
        // The command line refuses text that is not UTF-8 before parsing; the reader must
        // still cope with whatever a String holds, so it reads the repaired text too.
        let valid = String(validating: input.bytes, as: UTF8.self) != nil
        let text = String(decoding: input.bytes, as: UTF8.self)
        // Mostly no expectation: a wrong one stops the reader before the events.
        let expecting: SceneName? = [nil, nil, nil, .candlefish, .emergence][input.bytes.count % 5]
        do {
            let script = try Script(json: text, expecting: expecting)
            let again = try Script(json: script.json(), expecting: expecting)
            if again != script { return .failed("the writer's text reads back as another script: \(String(describing: script).prefix(300)) became \(String(describing: again).prefix(300))") }
            return valid ? .accepted : .rejected("not UTF-8 text")
        } catch {
            return .rejected(error.description)
        }
    }

    func command(for path: String) -> String { "photophore simulate candlefish --script \(path)" }
}
