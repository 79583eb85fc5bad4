import Stimuli

/// A point in view coordinates (0...1 from the top-left corner).
public struct ViewPoint: Equatable, Codable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// The rates and rules of candlefish trust. Gains are multiplied by the profile's trust rate.
///
/// Movement is rated per second of movement, not per pointer event, so a faster mouse or a
/// window that reports more events cannot earn more trust. The original gave +0.1 (gentle)
/// and −0.5 (fast) per event; at a typical 10 events per second that is +1.0 and −5.0 per
/// second, which are the rates used here.
public enum CandlefishTrust {
    public static let initial = 20.0
    public static let range = 0.0...100.0
    /// Per second of gentle pointer movement.
    public static let gentlePerSecond = 1.0
    /// Per second of fast pointer movement (a loss).
    public static let fastPerSecond = -5.0
    public static let feeding = 3.0
    public static let foodEaten = 2.0
    /// The first visit of a calendar day (in the person's time zone).
    public static let dailyVisit = 5.0
    /// Lost per whole day (24 hours) since the last interaction. Whole elapsed days rather
    /// than calendar days, so that coming back an hour after midnight costs nothing; the time
    /// zone matters for the daily visit bonus.
    public static let decayPerDay = 1.0
    /// The most seconds one pointer sample can count for: a pointer that rested and then
    /// moved once earns no more than a quarter second.
    public static let maxSampleSeconds = 0.25
    /// How many feeding spots are remembered.
    public static let feedingSpotCount = 10
    /// The advanced profile's usual speed follows about this many seconds of movement.
    public static let learningSeconds = 30.0
}

/// A change to the candlefish's memory. Mind emits these as it runs; the store appends them
/// to its log; `CandlefishMemory.apply` folds them, so replaying the log rebuilds the memory.
///
/// `t` is simulation time in the session; `wall` is the session's wall clock at t = 0 (nil
/// when the run has none, and then calendar rules are skipped); `rate` is the profile's
/// trust-gain multiplier.
public enum CandlefishMemoryEvent: Equatable, Codable, Sendable {
    /// A session began: decay since the last interaction, then the daily visit bonus.
    case visit(wall: Double?, utcOffset: Int, rate: Double)
    /// `seconds` of pointer movement at `speed` view-heights per second.
    case moved(t: Double, wall: Double?, seconds: Double, speed: Double, fast: Bool, rate: Double)
    /// A click fed the fish at a spot.
    case fed(t: Double, wall: Double?, x: Double, y: Double, rate: Double)
    /// The fish ate a piece of food.
    case foodEaten(t: Double, wall: Double?, rate: Double)
    /// The mood changed.
    case mood(t: Double, from: Mood, to: Mood, trigger: String)
    /// The session ended at simulation time `t`.
    case sessionEnd(t: Double)
}

/// What the candlefish remembers about the person between runs.
public struct CandlefishMemory: Equatable, Codable, Sendable {
    public var trust = CandlefishTrust.initial
    public var visits = 0
    /// The mood at the last recorded change.
    public var mood = Mood.curious
    /// Wall-clock seconds of the last interaction, when the run had a clock.
    public var lastInteraction: Double?
    /// The person's day number (days since 1970-01-01 in their time zone) of the last visit.
    public var lastVisitDay: Int?
    /// Whole days of decay already charged since `lastInteraction`.
    public var decayCharged = 0
    /// The most recent feeding spots, oldest first.
    public var feedingSpots: [ViewPoint] = []
    /// The advanced profile's learned pointer speed in view-heights per second.
    public var usualSpeed: Double?
    /// Seconds of pointer movement seen, ever.
    public var movementSeconds = 0.0

    public init() {}

    /// A day number in a time zone.
    static func day(_ wall: Double, _ utcOffset: Int) -> Int {
        Int(((wall + Double(utcOffset)) / 86_400).rounded(.down))
    }

    mutating func addTrust(_ delta: Double) {
        trust = min(CandlefishTrust.range.upperBound, max(CandlefishTrust.range.lowerBound, trust + delta))
    }

    /// An interaction at `wall + t`; a clock that went backwards never moves it back.
    mutating func interacted(wall: Double?, t: Double) {
        guard let wall else { return }
        let now = wall + t
        if let last = lastInteraction, now <= last { return }
        lastInteraction = now
        decayCharged = 0
    }

    /// Folds one event into the memory. Pure: the same events give the same memory.
    public mutating func apply(_ event: CandlefishMemoryEvent) {
        switch event {
        case let .visit(wall, utcOffset, rate):
            visits += 1
            guard let wall else { return }
            let today = CandlefishMemory.day(wall, utcOffset)
            // Decay: one point per whole day since the last interaction, each day charged once.
            if let last = lastInteraction, wall > last {
                let days = Int(min(1e9, ((wall - last) / 86_400).rounded(.down)))
                if days > decayCharged {
                    addTrust(-CandlefishTrust.decayPerDay * Double(days - decayCharged))
                    decayCharged = days
                }
            }
            // A clock that went backwards lands on an earlier day: no bonus.
            if lastVisitDay.map({ today > $0 }) ?? true {
                addTrust(CandlefishTrust.dailyVisit * rate)
                lastVisitDay = today
            }
        case let .moved(t, wall, seconds, speed, fast, rate):
            let s = max(0, min(seconds, CandlefishTrust.maxSampleSeconds))
            addTrust(fast ? CandlefishTrust.fastPerSecond * s : CandlefishTrust.gentlePerSecond * s * rate)
            interacted(wall: wall, t: t)
            movementSeconds += s
            let w = 1 - expm(-s / CandlefishTrust.learningSeconds)
            usualSpeed = usualSpeed.map { $0 + (speed - $0) * w } ?? speed
        case let .fed(t, wall, x, y, rate):
            addTrust(CandlefishTrust.feeding * rate)
            interacted(wall: wall, t: t)
            feedingSpots.append(ViewPoint(x: x, y: y))
            if feedingSpots.count > CandlefishTrust.feedingSpotCount {
                feedingSpots.removeFirst(feedingSpots.count - CandlefishTrust.feedingSpotCount)
            }
        case let .foodEaten(t, wall, rate):
            addTrust(CandlefishTrust.foodEaten * rate)
            interacted(wall: wall, t: t)
        case let .mood(_, _, to, _):
            mood = to
        case .sessionEnd:
            break
        }
    }

    /// The favourite feeding spot: the remembered spot with the most others within 0.15 view
    /// units (the latest wins a tie), or nil with no spots.
    public var favouriteSpot: ViewPoint? {
        var best: (spot: ViewPoint, count: Int)?
        for s in feedingSpots {
            let n = feedingSpots.filter { ($0.x - s.x) * ($0.x - s.x) + ($0.y - s.y) * ($0.y - s.y) <= 0.0225 }.count
            if best == nil || n >= best!.count { best = (s, n) }
        }
        return best?.spot
    }
}

extension SceneName {
    /// The candlefish: a deep-sea fish that reacts to the person watching it.
    public static let candlefish = SceneName("candlefish")
}

extension CandlefishMemory: SceneMemory {
    public static var scene: SceneName { .candlefish }
    public static var trustRange: ClosedRange<Double>? { CandlefishTrust.range }

    public static func kind(of event: CandlefishMemoryEvent) -> String {
        switch event {
        case .visit: return "visit"
        case .moved: return "moved"
        case .fed: return "fed"
        case .foodEaten: return "food-eaten"
        case .mood: return "mood"
        case .sessionEnd: return "session-end"
        }
    }

    public static func time(of event: CandlefishMemoryEvent) -> Double? {
        switch event {
        case .visit: return nil
        case let .moved(t, _, _, _, _, _), let .fed(t, _, _, _, _), let .foodEaten(t, _, _), let .mood(t, _, _, _), let .sessionEnd(t):
            return t
        }
    }

    public static func rangeProblem(of event: CandlefishMemoryEvent) -> String? {
        let check = MemoryRanges.check as (String, Double, ClosedRange<Double>) -> String?
        func wall(_ w: Double?) -> String? { w.flatMap { check("wall", $0, MemoryRanges.wall) } }
        switch event {
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
    }

    public var rangeProblem: String? {
        if feedingSpots.count > CandlefishTrust.feedingSpotCount { return "\(feedingSpots.count) feeding spots" }
        let check = MemoryRanges.check as (String, Double, ClosedRange<Double>) -> String?
        let count = MemoryRanges.check as (String, Int, ClosedRange<Int>) -> String?
        var problems: [String?] = feedingSpots.map { check("feeding spot x", $0.x, 0...1) ?? check("feeding spot y", $0.y, 0...1) }
        problems += [
            check("candlefish trust", trust, CandlefishTrust.range), count("visits", visits, MemoryRanges.count),
            lastInteraction.flatMap { check("lastInteraction", $0, -2e12...2e12) },
            lastVisitDay.flatMap { count("lastVisitDay", $0, MemoryRanges.days) },
            count("decayCharged", decayCharged, 0...1_000_000_000),
            usualSpeed.flatMap { check("usualSpeed", $0, 0...1e9) }, check("movementSeconds", movementSeconds, 0...1e15),
        ]
        return problems.lazy.compactMap { $0 }.first
    }
}

extension MemoryEvent {
    /// A candlefish memory event.
    public static func candlefish(_ event: CandlefishMemoryEvent) -> MemoryEvent { MemoryEvent(CandlefishMemory.self, event) }
    /// The candlefish event, when this is one.
    public var candlefishEvent: CandlefishMemoryEvent? { event(CandlefishMemory.self) }
}

extension Memory {
    /// The candlefish's part of the memory.
    public var candlefish: CandlefishMemory {
        get { self[CandlefishMemory.self] }
        set { self[CandlefishMemory.self] = newValue }
    }
}

extension CandlefishMemory {
    /// Seconds spent in each mood over one session's events: the session starts curious at
    /// 0, each mood change closes the mood before it, and the session closes at its end (or,
    /// cut short, at its last event's time).
    public static func moodSeconds(in events: [MemoryEvent]) -> [Mood: Double] {
        var seconds: [Mood: Double] = [:]
        var mood = Mood.curious, since = 0.0, last = 0.0, ended = false
        func close(at t: Double) {
            seconds[mood, default: 0] += max(0, t - since)
            since = max(since, t)
        }
        for e in events {
            if let t = e.time { last = max(last, t) }
            switch e.candlefishEvent {
            case let .mood(t, _, to, _)?:
                close(at: t)
                mood = to
            case let .sessionEnd(t)?:
                close(at: t)
                ended = true
            default:
                break
            }
        }
        if !ended { close(at: last) }
        return seconds
    }
}
