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
