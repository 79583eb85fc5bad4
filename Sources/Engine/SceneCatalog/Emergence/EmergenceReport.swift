import Mind
import Stimuli

/// Emergence in `simulate` and `memory`: pressure ticks, each answer with the state after
/// it, and stage changes.
extension Emergence {
    public static var report: SceneReport<Emergence> {
        SceneReport(
            summary: { s in
                let m = s.mind
                return ("trust \(fixed(m.trust))  escalation \(m.escalation)  corruption \(m.corruption)  stage \(m.stage)", members(m.memory))
            },
            timeline: { step in
                var entries: [TimelineEntry] = []
                for case let .pressure(remaining) in step.stimuli.map(\.stimulus) {
                    entries.append(TimelineEntry(time: step.time, kind: "pressure", members: [("remaining", .number(remaining))],
                                                 line: "\(TimelineEntry.timeText(step.time))  pressure tick: \(fixed(remaining * 100, 0))% of the time left"))
                }
                // Fold the step's answers one by one, so each line shows the state after it.
                var m = step.memoryBefore
                for e in step.events {
                    m.apply(e)
                    guard case let .answer(at, correct, _) = e else { continue }
                    entries.append(TimelineEntry(
                        time: at, kind: "answer", members: [("correct", .bool(correct))] + members(m),
                        line: "\(TimelineEntry.timeText(at))  \(correct ? "correct" : "wrong  ") answer  trust \(fixed(m.trust))  escalation \(m.escalation)  corruption \(m.corruption)  stage \(m.stage)"))
                }
                let (from, to) = (step.memoryBefore.stage, step.state.mind.stage)
                if from != to {
                    entries.append(TimelineEntry(time: step.time, kind: "stage", members: [("from", .number(Double(from))), ("to", .number(Double(to)))],
                                                 line: "\(TimelineEntry.timeText(step.time))  stage \(from) → \(to)"))
                }
                return entries
            },
            members: { e in members(e) + [("sessions", .number(Double(e.sessions)))] },
            line: { e in
                "trust \(fixed(e.trust))  escalation \(e.escalation)  corruption \(e.corruption)  stage \(e.stage)  wrong answers \(e.wrongCount)  sessions \(e.sessions)"
            },
            describe: { e in
                switch e {
                case .session: return "session start"
                case let .answer(t, correct, _): return "t=\(fixed(t, 3))  \(correct ? "correct" : "wrong") answer"
                case let .sessionEnd(t): return "t=\(fixed(t, 3))  session end"
                }
            },
            sessionMembers: { s in
                let (answers, wrong) = answerCounts(s)
                let e = s.memoryAtEnd
                return [("answers", .number(Double(answers))), ("wrong", .number(Double(wrong))),
                        ("escalation", .number(Double(e.escalation))), ("corruption", .number(Double(e.corruption))),
                        ("stage", .number(Double(e.stage)))]
            },
            sessionLines: { s in
                let (answers, wrong) = answerCounts(s)
                let e = s.memoryAtEnd
                return ["    answers \(answers) (\(wrong) wrong)  escalation \(e.escalation)  corruption \(e.corruption)  stage \(e.stage)"]
            },
            colour: SIMD3(0.4, 0.8, 1))
    }

    /// The memory's members as the timeline and `memory show --json` give them.
    static func members(_ m: EmergenceMemory) -> [(key: String, value: JSONValue)] {
        [("trust", .number(TimelineEntry.rounded(m.trust))), ("escalation", .number(Double(m.escalation))),
         ("corruption", .number(Double(m.corruption))), ("stage", .number(Double(m.stage))),
         ("wrong_count", .number(Double(m.wrongCount)))]
    }

    /// A stored session's answers, and how many were wrong.
    static func answerCounts(_ s: SessionFacts<Emergence>) -> (Int, Int) {
        var answers = 0, wrong = 0
        for case let .answer(_, correct, _) in s.events {
            answers += 1
            if !correct { wrong += 1 }
        }
        return (answers, wrong)
    }
}
