import Stimuli

/// Either scene's mind behind one interface, for the window, renders and `simulate`:
/// create it at the session start, call `step(to:stimuli:)` once per fixed simulation step
/// (time = step index / rate, so no error accumulates), hand the returned events to the
/// store, and call `finish()` at the end.
public enum SceneMind: Sendable {
    case candlefish(CandlefishMind)
    case emergence(EmergenceMind)

    /// Starts a session of `scene` from `memory`. The first events (the visit, a greeting)
    /// are returned by the first `step`.
    public init(_ scene: SceneName, memory: Memory, profile: Profile = .standard, clock: WallClock? = nil,
                foodEatenDelay: Double? = nil) {
        switch scene {
        case .candlefish:
            self = .candlefish(CandlefishMind(memory: memory.candlefish, profile: profile, clock: clock, foodEatenDelay: foodEatenDelay))
        case .emergence:
            self = .emergence(EmergenceMind(memory: memory.emergence, profile: profile))
        }
    }

    public var scene: SceneName {
        switch self {
        case .candlefish: return .candlefish
        case .emergence: return .emergence
        }
    }

    /// Advances to `time` with the stimuli due at this step; `foodEaten` is how many pieces
    /// of food the simulation saw eaten since the last step (candlefish only).
    public mutating func step<S: Sequence>(to time: Double, stimuli: S, foodEaten: Int = 0) -> [MemoryEvent]
    where S.Element == Stimulus {
        step(to: time, events: stimuli.lazy.map { StimulusEvent(t: time, $0) }, foodEaten: foodEaten)
    }

    /// Advances to `time` with the events due at this step, each with the time it happened
    /// (the candlefish measures pointer speed on those stamps).
    public mutating func step<S: Sequence>(to time: Double, events stimuli: S, foodEaten: Int = 0) -> [MemoryEvent]
    where S.Element == StimulusEvent {
        switch self {
        case var .candlefish(m):
            let pending = m.takeEvents()
            let events = pending + m.step(to: time, events: stimuli, foodEaten: foodEaten)
            self = .candlefish(m)
            return events
        case var .emergence(m):
            let pending = m.takeEvents()
            let events = pending + m.step(to: time, stimuli: stimuli.lazy.map(\.stimulus))
            self = .emergence(m)
            return events
        }
    }

    /// Ends the session; returns its last events.
    public mutating func finish() -> [MemoryEvent] {
        switch self {
        case var .candlefish(m):
            let events = m.finish()
            self = .candlefish(m)
            return events
        case var .emergence(m):
            let events = m.finish()
            self = .emergence(m)
            return events
        }
    }

    /// The scene's part of `memory` replaced by this mind's current memory.
    public func merged(into memory: Memory) -> Memory {
        var m = memory
        switch self {
        case let .candlefish(mind): m.candlefish = mind.memory
        case let .emergence(mind): m.emergence = mind.memory
        }
        return m
    }
}
