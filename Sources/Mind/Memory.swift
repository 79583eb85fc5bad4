import Stimuli

/// A change to the persistent memory of either scene: what the store's event log holds.
public enum MemoryEvent: Equatable, Codable, Sendable {
    case candlefish(CandlefishMemoryEvent)
    case emergence(EmergenceMemoryEvent)

    public var scene: SceneName {
        switch self {
        case .candlefish: return .candlefish
        case .emergence: return .emergence
        }
    }

    /// A short name of the event kind, for logs and the store's index.
    public var kind: String {
        switch self {
        case let .candlefish(e):
            switch e {
            case .visit: return "visit"
            case .moved: return "moved"
            case .fed: return "fed"
            case .foodEaten: return "food-eaten"
            case .mood: return "mood"
            case .sessionEnd: return "session-end"
            }
        case let .emergence(e):
            switch e {
            case .session: return "visit"
            case .answer: return "answer"
            case .sessionEnd: return "session-end"
            }
        }
    }

    /// Whether this event starts a session.
    public var startsSession: Bool { kind == "visit" }
}

/// The whole persistent memory: one store holds both scenes.
public struct Memory: Equatable, Codable, Sendable {
    public var candlefish = CandlefishMemory()
    public var emergence = EmergenceMemory()

    /// The fixed memory a headless run starts from unless asked to use the person's.
    public static let fresh = Memory()

    public init() {}

    /// Folds one event. `Memory.fresh` folded over the whole log is the current memory.
    public mutating func apply(_ event: MemoryEvent) {
        switch event {
        case let .candlefish(e): candlefish.apply(e)
        case let .emergence(e): emergence.apply(e)
        }
    }

    /// Folds events in order.
    public mutating func apply<S: Sequence>(_ events: S) where S.Element == MemoryEvent {
        for e in events { apply(e) }
    }
}

/// The ranges of what Mind itself records. A value outside them can only come from a damaged
/// file, and folding it could trap (a wall clock of 1e308 s has no day number, a counter at
/// Int.max cannot count one more) or poison every later value, so the store refuses it.
enum MemoryRanges {
    /// Seconds of simulation time in a session (about 31 years).
    static let t = 0.0...1e9
    /// Seconds since 1970 of any RFC 3339 year, 0000 to 9999, with room to spare.
    static let wall = -1e12...1e12
    static let utcOffset = -86_400...86_400
    static let rate = 0.0...100.0
    static let count = 0...(1 << 52)
    static let days = -1_000_000_000...1_000_000_000
}

extension MemoryEvent {
    /// Why this event is not one Mind could have recorded, or nil when it is.
    public var rangeProblem: String? {
        func check(_ name: String, _ v: Double, _ range: ClosedRange<Double>) -> String? {
            range.contains(v) ? nil : "\(name) \(JSONValue.format(v)) is outside \(JSONValue.format(range.lowerBound))..\(JSONValue.format(range.upperBound))"
        }
        func wall(_ w: Double?) -> String? { w.flatMap { check("wall", $0, MemoryRanges.wall) } }
        switch self {
        case let .candlefish(e):
            switch e {
            case let .visit(w, offset, rate):
                return wall(w) ?? check("rate", rate, MemoryRanges.rate)
                    ?? (MemoryRanges.utcOffset.contains(offset) ? nil : "utcOffset \(offset) is outside -86400..86400")
            case let .moved(t, w, seconds, speed, _, rate):
                return check("t", t, MemoryRanges.t) ?? wall(w) ?? check("seconds", seconds, MemoryRanges.t)
                    ?? check("speed", speed, 0...1e9) ?? check("rate", rate, MemoryRanges.rate)
            case let .fed(t, w, x, y, rate):
                return check("t", t, MemoryRanges.t) ?? wall(w) ?? check("x", x, 0...1) ?? check("y", y, 0...1)
                    ?? check("rate", rate, MemoryRanges.rate)
            case let .foodEaten(t, w, rate):
                return check("t", t, MemoryRanges.t) ?? wall(w) ?? check("rate", rate, MemoryRanges.rate)
            case let .mood(t, _, _, _), let .sessionEnd(t):
                return check("t", t, MemoryRanges.t)
            }
        case let .emergence(e):
            switch e {
            case .session: return nil
            case let .answer(t, _, rate): return check("t", t, MemoryRanges.t) ?? check("rate", rate, MemoryRanges.rate)
            case let .sessionEnd(t): return check("t", t, MemoryRanges.t)
            }
        }
    }
}

extension Memory {
    /// Why this memory is not one Mind could have reached by folding events, or nil when it is.
    public var rangeProblem: String? {
        func check(_ name: String, _ v: Double, _ range: ClosedRange<Double>) -> String? {
            range.contains(v) ? nil : "\(name) \(JSONValue.format(v)) is outside \(JSONValue.format(range.lowerBound))..\(JSONValue.format(range.upperBound))"
        }
        func check(_ name: String, _ v: Int, _ range: ClosedRange<Int>) -> String? {
            range.contains(v) ? nil : "\(name) \(v) is outside \(range.lowerBound)..\(range.upperBound)"
        }
        let c = candlefish, e = emergence
        if c.feedingSpots.count > CandlefishTrust.feedingSpotCount { return "\(c.feedingSpots.count) feeding spots" }
        var problems: [String?] = c.feedingSpots.map { check("feeding spot x", $0.x, 0...1) ?? check("feeding spot y", $0.y, 0...1) }
        problems += [
            check("candlefish trust", c.trust, CandlefishTrust.range), check("visits", c.visits, MemoryRanges.count),
            c.lastInteraction.flatMap { check("lastInteraction", $0, -2e12...2e12) },
            c.lastVisitDay.flatMap { check("lastVisitDay", $0, MemoryRanges.days) },
            check("decayCharged", c.decayCharged, 0...1_000_000_000),
            c.usualSpeed.flatMap { check("usualSpeed", $0, 0...1e9) }, check("movementSeconds", c.movementSeconds, 0...1e15),
            check("emergence trust", e.trust, EmergenceRules.trustRange), check("escalation", e.escalation, 1...5),
            check("corruption", e.corruption, 0...4), check("stage", e.stage, 1...5),
            check("wrongCount", e.wrongCount, MemoryRanges.count), check("consecutiveFailures", e.consecutiveFailures, MemoryRanges.count),
            check("answers", e.answers, MemoryRanges.count), check("sessions", e.sessions, MemoryRanges.count),
        ]
        return problems.lazy.compactMap { $0 }.first
    }
}
