import Engine
import Foundation
import Plot
import Mind
import Stimuli
import Store

/// How `memory show`, `history` and `stats` present one scene's memory. The built-in scenes
/// have their own wording (`MemoryPresentation.byScene`); any other registered scene is
/// presented from its memory's JSON and its events' kinds and times (`general`).
struct MemoryPresentation: Sendable {
    /// `memory show --json`: the scene's member.
    var showJSON: @Sendable (Memory) -> [(key: String, value: JSONValue)]
    /// `memory show`: the scene's line (after its name).
    var showLine: @Sendable (Memory) -> String
    /// `memory history`: one event.
    var describe: @Sendable (MemoryEvent) -> String
    /// `memory stats --json`: a session's own members.
    var statsJSON: @Sendable (SessionSummary) -> [(key: String, value: JSONValue)] = { _ in [] }
    /// `memory stats`: a session's own lines.
    var statsLines: @Sendable (SessionSummary) -> [String] = { _ in [] }
    /// The colour of the scene's trust chart.
    var colour = SIMD3<Float>(0.9, 0.9, 0.9)
    /// `memory stats --plot`: a panel of the scene's own over its sessions, if it has one.
    var panel: @Sendable ([SessionSummary]) -> ChartPanel? = { _ in nil }

    static func of(_ scene: SceneName) -> MemoryPresentation { byScene[scene] ?? general(scene) }

    static let byScene: [SceneName: MemoryPresentation] = [.candlefish: candlefish, .emergence: emergence]

    /// Any scene: its memory's members as JSON, "key value" pairs, and events by kind and time.
    static func general(_ scene: SceneName) -> MemoryPresentation {
        @Sendable func members(_ m: Memory) -> [(key: String, value: JSONValue)] {
            guard let part = m.part(scene) ?? SceneRegistry.scene(named: scene).map({ $0.memoryType.init() }) else { return [] }
            return part.summaryJSON
        }
        return MemoryPresentation(
            showJSON: members,
            showLine: { m in members(m).map { "\($0.key) \($0.value.rendered())" }.joined(separator: "  ") },
            describe: { e in (e.time.map { "t=\(fixed($0, 3))  " } ?? "") + e.kind })
    }

    static let candlefish = MemoryPresentation(
        showJSON: { m in
            let c = m.candlefish
            return [("trust", .number(SimulateCommand.round(c.trust))), ("mood", .string(c.mood.rawValue)),
                    ("visits", .number(Double(c.visits))),
                    ("feeding_spots", .array(c.feedingSpots.map { .array([.number($0.x), .number($0.y)]) })),
                    ("usual_speed", c.usualSpeed.map { .number(SimulateCommand.round($0)) } ?? .null)]
        },
        showLine: { m in
            let c = m.candlefish
            return "trust \(fixed(c.trust))  mood \(c.mood.rawValue)  visits \(c.visits)  feeding spots \(c.feedingSpots.count)"
                + (c.usualSpeed.map { "  usual speed \(fixed($0, 2)) view-heights/s" } ?? "")
        },
        describe: { e in
            switch e.candlefishEvent! {
            case let .visit(wall, offset, _):
                return "visit" + (wall.map { " at " + WallClock(unixSeconds: $0, utcOffsetSeconds: offset).rfc3339 } ?? "")
            case let .moved(t, _, seconds, speed, fast, _):
                return "t=\(fixed(t, 3))  \(fast ? "fast" : "gentle") movement \(fixed(seconds, 3)) s at \(fixed(speed, 2)) view-heights/s"
            case let .fed(t, _, x, y, _): return "t=\(fixed(t, 3))  fed at (\(fixed(x, 2)), \(fixed(y, 2)))"
            case let .foodEaten(t, _, _): return "t=\(fixed(t, 3))  food eaten"
            case let .mood(t, from, to, trigger): return "t=\(fixed(t, 3))  mood \(from.rawValue) → \(to.rawValue) (\(trigger))"
            case let .sessionEnd(t): return "t=\(fixed(t, 3))  session end"
            }
        },
        statsJSON: { s in
            let seconds = CandlefishMemory.moodSeconds(in: s.events)
            return [("mood_seconds", .object(Mood.allCases.map { ($0.rawValue, JSONValue.number(SimulateCommand.round(seconds[$0] ?? 0))) }))]
        },
        statsLines: { s in
            let seconds = CandlefishMemory.moodSeconds(in: s.events)
            let total = max(1e-9, seconds.values.reduce(0, +))
            return Mood.allCases.compactMap { mood in
                let secs = seconds[mood] ?? 0
                guard secs > 0 else { return nil }
                let bar = String(repeating: "█", count: Int((secs / total * 30).rounded()))
                return "    \(mood.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(fixed(secs).leftPadded(7)) s \(fixed(secs / total * 100, 0).leftPadded(3))% \(bar)"
            }
        },
        colour: rgb(Mood.trusting.colour),
        panel: { sessions in
            let moodSeconds = sessions.map { CandlefishMemory.moodSeconds(in: $0.events) }
            let longest = moodSeconds.map { $0.values.reduce(0, +) }.max() ?? 1
            var moods = ChartPanel(title: "Candlefish: time in each mood", xLabel: "session", yLabel: "seconds",
                                   xRange: 0.4...(Double(sessions.count) + 0.6), yRange: 0...max(1, longest * 1.1))
            moods.xTicks = sessions.indices.map { (Double($0 + 1), String($0 + 1)) }
            moods.bars = moodSeconds.enumerated().map { i, seconds in
                ChartPanel.Bar(x: Double(i + 1), width: 0.7, segments: Mood.allCases.map { ((seconds[$0] ?? 0), rgb($0.colour)) })
            }
            moods.legend = Mood.allCases.map { ($0.rawValue, rgb($0.colour)) }
            return moods
        })

    static let emergence = MemoryPresentation(
        showJSON: { m in
            let e = m.emergence
            return [("trust", .number(SimulateCommand.round(e.trust))), ("escalation", .number(Double(e.escalation))),
                    ("corruption", .number(Double(e.corruption))), ("stage", .number(Double(e.stage))),
                    ("wrong_count", .number(Double(e.wrongCount))), ("sessions", .number(Double(e.sessions)))]
        },
        showLine: { m in
            let e = m.emergence
            return "trust \(fixed(e.trust))  escalation \(e.escalation)  corruption \(e.corruption)  stage \(e.stage)  wrong answers \(e.wrongCount)  sessions \(e.sessions)"
        },
        describe: { e in
            switch e.emergenceEvent! {
            case .session: return "session start"
            case let .answer(t, correct, _): return "t=\(fixed(t, 3))  \(correct ? "correct" : "wrong") answer"
            case let .sessionEnd(t): return "t=\(fixed(t, 3))  session end"
            }
        },
        statsJSON: { s in
            let (answers, wrong) = answerCounts(s)
            let e = s.memoryAtEnd.emergence
            return [("answers", .number(Double(answers))), ("wrong", .number(Double(wrong))),
                    ("escalation", .number(Double(e.escalation))), ("corruption", .number(Double(e.corruption))),
                    ("stage", .number(Double(e.stage)))]
        },
        statsLines: { s in
            let (answers, wrong) = answerCounts(s)
            let e = s.memoryAtEnd.emergence
            return ["    answers \(answers) (\(wrong) wrong)  escalation \(e.escalation)  corruption \(e.corruption)  stage \(e.stage)"]
        },
        colour: SIMD3(0.4, 0.8, 1))

    /// Emergence's answers in a session, and how many were wrong.
    static func answerCounts(_ s: SessionSummary) -> (Int, Int) {
        var answers = 0, wrong = 0
        for case let .answer(_, correct, _)? in s.events.map(\.emergenceEvent) {
            answers += 1
            if !correct { wrong += 1 }
        }
        return (answers, wrong)
    }
}

/// 0xRRGGBB as linear-free 0...1 RGB (the charts' colours).
func rgb(_ c: UInt32) -> SIMD3<Float> {
    SIMD3(Float((c >> 16) & 0xFF), Float((c >> 8) & 0xFF), Float(c & 0xFF)) / 255
}

extension SceneMemory {
    /// The memory's JSON members (its Codable form): how a scene without wording of its own
    /// is shown.
    var summaryJSON: [(key: String, value: JSONValue)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self), case let .object(members)? = try? JSONValue.parse(String(decoding: data, as: UTF8.self))
        else { return [] }
        return members
    }
}
