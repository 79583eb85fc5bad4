import Mind
import Stimuli

/// One session as the log tells it: how long, the trust at its start and end, its events
/// and the memory after its last one. What else a session means (time in each mood,
/// answers) is the scene's to say, from `events` and `memoryAtEnd`.
public struct SessionSummary: Equatable, Sendable {
    public var session: Int64?
    public var scene: SceneName
    /// Simulation seconds from the start to the last event (or the recorded end).
    public var duration = 0.0
    /// Trust when the session began (after the visit's decay and bonus) and when it ended.
    public var trustAtStart = 0.0
    public var trustAtEnd = 0.0
    /// Whether the log holds the session's end (a killed run has none).
    public var ended = false
    /// The session's events, in order, its visit first.
    public var events: [MemoryEvent] = []
    /// The whole memory after the session's last event.
    public var memoryAtEnd = Memory.fresh
}

extension SessionSummary {
    /// Summaries of every session in the log, oldest first, found by replaying it.
    public static func summarise(_ events: [StoredEvent]) -> [SessionSummary] {
        var memory = Memory.fresh
        var summaries: [SessionSummary] = []
        for stored in events {
            let e = stored.event
            memory.apply(e)
            let trust = memory.part(e.scene)?.trust ?? 0
            if e.startsSession {
                var s = SessionSummary(session: stored.session, scene: e.scene)
                s.trustAtStart = trust
                summaries.append(s)
            }
            guard !summaries.isEmpty else { continue }
            let i = summaries.count - 1
            summaries[i].events.append(e)
            if let t = e.time { summaries[i].duration = max(summaries[i].duration, t) }
            if e.kind == "session-end" { summaries[i].ended = true }
            summaries[i].trustAtEnd = trust
            summaries[i].memoryAtEnd = memory
        }
        return summaries
    }
}
