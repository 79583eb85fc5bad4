import Basics
import Mind
import Plot
import Stimuli

/// The candlefish in `simulate` and `memory`: mood changes with the trust after them, the
/// trust every 10 s, and the time spent in each mood.
extension Candlefish {
    public static var report: SceneReport<Candlefish> {
        SceneReport(
            summary: { s in
                let m = s.mind
                return ("trust \(fixed(m.trust))  mood \(m.mood.rawValue)  visits \(m.memory.visits)",
                        [("trust", .number(TimelineEntry.rounded(m.trust))), ("mood", .string(m.mood.rawValue)),
                         ("colour", .string(m.mood.hex)), ("visits", .number(Double(m.memory.visits)))])
            },
            timeline: { step in
                let trust = step.state.mind.trust
                var entries: [TimelineEntry] = []
                for case let .mood(t, from, to, trigger) in step.events {
                    entries.append(TimelineEntry(
                        time: t, kind: "mood",
                        members: [("from", .string(from.rawValue)), ("to", .string(to.rawValue)), ("trigger", .string(trigger)),
                                  ("trust", .number(TimelineEntry.rounded(trust)))],
                        line: "\(TimelineEntry.timeText(t))  \(from.rawValue) → \(to.rawValue)  (\(trigger))  trust \(fixed(trust))"))
                }
                if step.isSample {
                    let mood = step.state.mind.mood.rawValue
                    entries.append(TimelineEntry(
                        time: step.time, kind: "trust", members: [("trust", .number(TimelineEntry.rounded(trust))), ("mood", .string(mood))],
                        line: "\(TimelineEntry.timeText(step.time))  trust \(fixed(trust))  mood \(mood)"))
                }
                return entries
            },
            // Food still sinking, or swallowed and not yet counted by the mind: the run goes on
            // until the fish has eaten it or it is gone.
            isBusy: { !$0.world.food.isEmpty || $0.eatenPending > 0 },
            members: { c in
                [("trust", .number(TimelineEntry.rounded(c.trust))), ("mood", .string(c.mood.rawValue)),
                 ("visits", .number(Double(c.visits))),
                 ("feeding_spots", .array(c.feedingSpots.map { .array([.number($0.x), .number($0.y)]) })),
                 ("usual_speed", c.usualSpeed.map { .number(TimelineEntry.rounded($0)) } ?? .null)]
            },
            line: { c in
                "trust \(fixed(c.trust))  mood \(c.mood.rawValue)  visits \(c.visits)  feeding spots \(c.feedingSpots.count)"
                    + (c.usualSpeed.map { "  usual speed \(fixed($0, 2)) view-heights/s" } ?? "")
            },
            describe: { e in
                switch e {
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
            sessionMembers: { s in
                let seconds = moodSeconds(s)
                return [("mood_seconds", .object(Mood.allCases.map { ($0.rawValue, JSONValue.number(TimelineEntry.rounded(seconds[$0] ?? 0))) }))]
            },
            sessionLines: { s in
                let seconds = moodSeconds(s)
                let total = max(1e-9, seconds.values.reduce(0, +))
                return Mood.allCases.compactMap { mood in
                    let secs = seconds[mood] ?? 0
                    guard secs > 0 else { return nil }
                    let bar = String(repeating: "█", count: Int((secs / total * 30).rounded()))
                    let name = mood.rawValue + String(repeating: " ", count: max(0, 9 - mood.rawValue.count))
                    return "    \(name) \(padded(fixed(secs), 7)) s \(padded(fixed(secs / total * 100, 0), 3))% \(bar)"
                }
            },
            colour: rgb(Mood.trusting.colour),
            panel: { sessions in
                let perSession = sessions.map(moodSeconds)
                let longest = perSession.map { $0.values.reduce(0, +) }.max() ?? 1
                var moods = ChartPanel(title: "Candlefish: time in each mood", xLabel: "session", yLabel: "seconds",
                                       xRange: 0.4...(Double(sessions.count) + 0.6), yRange: 0...max(1, longest * 1.1))
                moods.xTicks = sessions.indices.map { (Double($0 + 1), String($0 + 1)) }
                moods.bars = perSession.enumerated().map { i, seconds in
                    ChartPanel.Bar(x: Double(i + 1), width: 0.7, segments: Mood.allCases.map { ((seconds[$0] ?? 0), rgb($0.colour)) })
                }
                moods.legend = Mood.allCases.map { ($0.rawValue, rgb($0.colour)) }
                return moods
            })
    }

    /// Seconds spent in each mood in a stored session.
    static func moodSeconds(_ s: SessionFacts<Candlefish>) -> [Mood: Double] {
        CandlefishMemory.moodSeconds(in: s.events.map { MemoryEvent(CandlefishMemory.self, $0) })
    }
}
