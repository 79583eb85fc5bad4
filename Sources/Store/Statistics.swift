import Mind
import Stimuli

/// One session as the log tells it: how long, the trust at its start and end, the time in
/// each mood (candlefish) and the answers (emergence).
public struct SessionSummary: Equatable, Sendable {
    public var session: Int64?
    public var scene: SceneName
    /// Simulation seconds from the start to the last event (or the recorded end).
    public var duration = 0.0
    /// Trust when the session began (after the visit's decay and bonus) and when it ended.
    public var trustAtStart = 0.0
    public var trustAtEnd = 0.0
    /// Candlefish: seconds spent in each mood.
    public var moodSeconds: [Mood: Double] = [:]
    /// Emergence: answers given, and how many were wrong.
    public var answers = 0
    public var wrong = 0
    public var escalationAtEnd = 1
    public var corruptionAtEnd = 0
    public var stageAtEnd = 1
    /// Whether the log holds the session's end (a killed run has none).
    public var ended = false
}

extension SessionSummary {
    /// Summaries of every session in the log, oldest first, found by replaying it.
    public static func summarise(_ events: [StoredEvent]) -> [SessionSummary] {
        var memory = Memory.fresh
        var summaries: [SessionSummary] = []
        var moodSince = 0.0
        var mood = Mood.curious
        var lastT = 0.0

        func closeMood(at t: Double) {
            guard !summaries.isEmpty, summaries[summaries.count - 1].scene == .candlefish else { return }
            summaries[summaries.count - 1].moodSeconds[mood, default: 0] += max(0, t - moodSince)
            moodSince = max(moodSince, t)
        }

        for stored in events {
            let e = stored.event
            let previousTrust = e.scene == .candlefish ? memory.candlefish.trust : memory.emergence.trust
            memory.apply(e)
            if e.startsSession {
                if let last = summaries.last, last.scene == .candlefish, !last.ended { closeMood(at: lastT) }
                var s = SessionSummary(session: stored.session, scene: e.scene)
                s.trustAtStart = e.scene == .candlefish ? memory.candlefish.trust : memory.emergence.trust
                _ = previousTrust
                summaries.append(s)
                mood = .curious
                moodSince = 0
                lastT = 0
            }
            guard !summaries.isEmpty else { continue }
            let i = summaries.count - 1
            switch e {
            case let .candlefish(c):
                switch c {
                case let .moved(t, _, _, _, _, _), let .fed(t, _, _, _, _), let .foodEaten(t, _, _):
                    lastT = max(lastT, t)
                case let .mood(t, _, to, _):
                    closeMood(at: t)
                    mood = to
                    lastT = max(lastT, t)
                case let .sessionEnd(t):
                    lastT = max(lastT, t)
                    closeMood(at: t)
                    summaries[i].ended = true
                case .visit:
                    break
                }
                summaries[i].trustAtEnd = memory.candlefish.trust
            case let .emergence(m):
                switch m {
                case let .answer(t, correct, _):
                    summaries[i].answers += 1
                    if !correct { summaries[i].wrong += 1 }
                    lastT = max(lastT, t)
                case let .sessionEnd(t):
                    lastT = max(lastT, t)
                    summaries[i].ended = true
                case .session:
                    break
                }
                summaries[i].trustAtEnd = memory.emergence.trust
                summaries[i].escalationAtEnd = memory.emergence.escalation
                summaries[i].corruptionAtEnd = memory.emergence.corruption
                summaries[i].stageAtEnd = memory.emergence.stage
            }
            summaries[i].duration = lastT
        }
        if let last = summaries.last, last.scene == .candlefish, !last.ended { closeMood(at: lastT) }
        return summaries
    }
}
