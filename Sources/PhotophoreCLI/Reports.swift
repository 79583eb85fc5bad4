import Benchmarking
import Foundation
import JSONWriter
import Mind
import Stimuli
import Store

// The JSON the commands print and write (docs/cli.md, "What the commands print and write"),
// as Codable values for `JSONOutput`, the one JSON writer. Only encoding is needed; an
// optional that the contract shows as null is encoded as null, not left out.

/// Prints a report as one line of JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    do { print(try JSONOutput.text(value)) } catch { throw Failure.runtime("cannot write the report as JSON: \(error)") }
}

/// Milliseconds as the reports give them: to the microsecond.
func roundedMs(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

// MARK: simulate --json

/// `simulate --json`: the run's settings, its memory, the state at the start and the end, and
/// the timeline between.
struct SimulateReport: Encodable {
    var scene: SceneName
    var profile: String
    var rateHz: Double
    var duration: Double
    var memory: MemoryNote
    var start: SceneSummary
    var timeline: [TimelineEntry]
    var end: SceneSummary

    enum CodingKeys: String, CodingKey {
        case scene, profile, duration, memory, start, timeline, end
        case rateHz = "rate_hz"
    }

    /// The store used (null for the fixed fresh memory) and whether the run was saved to it.
    struct MemoryNote: Encodable {
        var path: String?
        var saved: Bool

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(path, forKey: .path)
            try c.encode(saved, forKey: .saved)
        }

        enum CodingKeys: String, CodingKey { case path, saved }
    }
}

/// A scene's state at the start or the end of a run.
enum SceneSummary: Encodable {
    case candlefish(trust: Double, mood: Mood, visits: Int)
    case emergence(EmergenceState)

    init(_ mind: CandlefishMind) {
        self = .candlefish(trust: SimulateCommand.round(mind.trust), mood: mind.mood, visits: mind.memory.visits)
    }

    init(_ memory: EmergenceMemory) { self = .emergence(EmergenceState(memory)) }

    enum CodingKeys: String, CodingKey { case trust, mood, colour, visits }

    func encode(to encoder: Encoder) throws {
        switch self {
        case let .candlefish(trust, mood, visits):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(trust, forKey: .trust)
            try c.encode(mood, forKey: .mood)
            try c.encode(mood.hex, forKey: .colour)
            try c.encode(visits, forKey: .visits)
        case let .emergence(state):
            try state.encode(to: encoder)
        }
    }
}

/// Emergence's trust, escalation, corruption, stage and wrong answers.
struct EmergenceState: Encodable {
    var trust: Double
    var escalation: Int
    var corruption: Int
    var stage: Int
    var wrongCount: Int

    init(_ m: EmergenceMemory) {
        trust = SimulateCommand.round(m.trust)
        escalation = m.escalation
        corruption = m.corruption
        stage = m.stage
        wrongCount = m.wrongCount
    }

    enum CodingKeys: String, CodingKey {
        case trust, escalation, corruption, stage
        case wrongCount = "wrong_count"
    }
}

/// One entry of a simulated timeline; `kind` says which.
enum TimelineEntry: Encodable {
    /// Candlefish: the mood changed.
    case mood(t: Double, from: Mood, to: Mood, trigger: String, trust: Double)
    /// Candlefish: trust and mood, every 10 s.
    case trust(t: Double, trust: Double, mood: Mood)
    /// Emergence: a pressure tick.
    case pressure(t: Double, remaining: Double)
    /// Emergence: an answer, with the state after it.
    case answer(t: Double, correct: Bool, after: EmergenceState)
    /// Emergence: the stage changed.
    case stage(t: Double, from: Int, to: Int)

    enum CodingKeys: String, CodingKey { case t, kind, from, to, trigger, trust, mood, remaining, correct }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .mood(t, from, to, trigger, trust):
            try c.encode(t, forKey: .t)
            try c.encode("mood", forKey: .kind)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(trigger, forKey: .trigger)
            try c.encode(trust, forKey: .trust)
        case let .trust(t, trust, mood):
            try c.encode(t, forKey: .t)
            try c.encode("trust", forKey: .kind)
            try c.encode(trust, forKey: .trust)
            try c.encode(mood, forKey: .mood)
        case let .pressure(t, remaining):
            try c.encode(t, forKey: .t)
            try c.encode("pressure", forKey: .kind)
            try c.encode(remaining, forKey: .remaining)
        case let .answer(t, correct, after):
            try c.encode(t, forKey: .t)
            try c.encode("answer", forKey: .kind)
            try c.encode(correct, forKey: .correct)
            try after.encode(to: encoder)
        case let .stage(t, from, to):
            try c.encode(t, forKey: .t)
            try c.encode("stage", forKey: .kind)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        }
    }
}

// MARK: memory show --json, stats --json, export

/// `memory show --json`.
struct MemoryShowReport: Encodable {
    var path: String
    var exists: Bool
    var userID: String?
    var events: Int
    var candlefish: Candlefish
    var emergence: Emergence

    struct Candlefish: Encodable {
        var trust: Double
        var mood: Mood
        var visits: Int
        /// [x, y] pairs, oldest first.
        var feedingSpots: [[Double]]
        var usualSpeed: Double?

        enum CodingKeys: String, CodingKey {
            case trust, mood, visits
            case feedingSpots = "feeding_spots"
            case usualSpeed = "usual_speed"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(trust, forKey: .trust)
            try c.encode(mood, forKey: .mood)
            try c.encode(visits, forKey: .visits)
            try c.encode(feedingSpots, forKey: .feedingSpots)
            try c.encode(usualSpeed, forKey: .usualSpeed)
        }
    }

    struct Emergence: Encodable {
        var trust: Double
        var escalation: Int
        var corruption: Int
        var stage: Int
        var wrongCount: Int
        var sessions: Int

        enum CodingKeys: String, CodingKey {
            case trust, escalation, corruption, stage, sessions
            case wrongCount = "wrong_count"
        }
    }

    enum CodingKeys: String, CodingKey {
        case path, exists, events, candlefish, emergence
        case userID = "user_id"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(exists, forKey: .exists)
        try c.encode(userID, forKey: .userID)
        try c.encode(events, forKey: .events)
        try c.encode(candlefish, forKey: .candlefish)
        try c.encode(emergence, forKey: .emergence)
    }
}

/// `memory stats --json`: one entry per session, oldest first.
struct MemoryStatsReport: Encodable {
    var path: String
    var sessions: [Session]

    struct Session: Encodable {
        var summary: SessionSummary

        enum CodingKeys: String, CodingKey {
            case session, scene, duration, ended, answers, wrong, escalation, corruption, stage
            case trustStart = "trust_start"
            case trustEnd = "trust_end"
            case moodSeconds = "mood_seconds"
        }

        func encode(to encoder: Encoder) throws {
            let s = summary
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(s.session, forKey: .session)
            try c.encode(s.scene, forKey: .scene)
            try c.encode(SimulateCommand.round(s.duration), forKey: .duration)
            try c.encode(s.ended, forKey: .ended)
            try c.encode(SimulateCommand.round(s.trustAtStart), forKey: .trustStart)
            try c.encode(SimulateCommand.round(s.trustAtEnd), forKey: .trustEnd)
            if s.scene == .candlefish {
                let seconds = Dictionary(uniqueKeysWithValues: Mood.allCases.map { ($0.rawValue, SimulateCommand.round(s.moodSeconds[$0] ?? 0)) })
                try c.encode(seconds, forKey: .moodSeconds)
            } else {
                try c.encode(s.answers, forKey: .answers)
                try c.encode(s.wrong, forKey: .wrong)
                try c.encode(s.escalationAtEnd, forKey: .escalation)
                try c.encode(s.corruptionAtEnd, forKey: .corruption)
                try c.encode(s.stageAtEnd, forKey: .stage)
            }
        }
    }
}

/// `memory export FILE`: everything in the store, indented.
struct MemoryExport: Encodable {
    var format = "photophore-memory-1"
    var path: String
    var userID: String
    var state: Memory
    var sessions: [Session]
    var events: [Event]

    struct Session: Encodable {
        var id: Int64
        var scene: String
        var clock: String?
        var profile: String

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(scene, forKey: .scene)
            try c.encode(clock, forKey: .clock)
            try c.encode(profile, forKey: .profile)
        }

        enum CodingKeys: String, CodingKey { case id, scene, clock, profile }
    }

    struct Event: Encodable {
        var stored: StoredEvent

        enum CodingKeys: String, CodingKey { case id, session, scene, kind, event }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(stored.id, forKey: .id)
            try c.encode(stored.session, forKey: .session)
            try c.encode(stored.event.scene, forKey: .scene)
            try c.encode(stored.event.kind, forKey: .kind)
            try c.encode(stored.event, forKey: .event)
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, path, state, sessions, events
        case userID = "user_id"
    }
}

// MARK: bench workload --json

/// `{"max": …, "p50": …, "p95": …, "p99": …}` in milliseconds, to the microsecond.
struct FrameMilliseconds: Encodable {
    var p50: Double, p95: Double, p99: Double, max: Double

    init(_ t: Percentiles) {
        p50 = roundedMs(t.p50)
        p95 = roundedMs(t.p95)
        p99 = roundedMs(t.p99)
        max = roundedMs(t.max)
    }
}

/// `bench workload --json`.
struct WorkloadReport: Encodable {
    var workload: String
    var rasterizer: String
    var width: Int
    var height: Int
    var threads: Int
    var frames: Int
    var frameMs: FrameMilliseconds
    var work: Work

    /// The last frame's counters; the reference rasterizer counts only the triangles.
    struct Work: Encodable {
        var triangles: Int
        var setupTriangles: Int?
        var fragments: Int?

        enum CodingKeys: String, CodingKey {
            case triangles, fragments
            case setupTriangles = "setup_triangles"
        }
    }

    enum CodingKeys: String, CodingKey {
        case workload, rasterizer, width, height, threads, frames, work
        case frameMs = "frame_ms"
    }
}
