import Mind
import Stimuli

extension SceneName {
    /// Lanterns: paper lanterns released over a dark lake.
    public static let lanterns = SceneName("lanterns")
}

/// What the lake remembers between runs: how many lanterns the person has released. Those
/// still drift, small and far away, in the sky of the next session.
public struct LanternsMemory: SceneMemory {
    public var released = 0
    public var sessions = 0

    /// A change to the lanterns' memory.
    public enum Event: Codable, Equatable, Sendable {
        /// A session began.
        case visit
        /// A lantern was released at view x (0...1) at simulation time t.
        case released(t: Double, x: Double)
        /// The session ended at simulation time t.
        case sessionEnd(t: Double)
    }

    public static var scene: SceneName { .lanterns }
    public init() {}

    public mutating func apply(_ event: Event) {
        switch event {
        case .visit: sessions += 1
        case .released: released += 1
        case .sessionEnd: break
        }
    }

    public static func kind(of event: Event) -> String {
        switch event {
        case .visit: return "visit"
        case .released: return "released"
        case .sessionEnd: return "session-end"
        }
    }

    public static func time(of event: Event) -> Double? {
        switch event {
        case .visit: return nil
        case let .released(t, _), let .sessionEnd(t): return t
        }
    }

    public static func rangeProblem(of event: Event) -> String? {
        switch event {
        case .visit: return nil
        case let .released(t, x): return MemoryRanges.check("t", t, MemoryRanges.t) ?? MemoryRanges.check("x", x, 0...1)
        case let .sessionEnd(t): return MemoryRanges.check("t", t, MemoryRanges.t)
        }
    }

    public var rangeProblem: String? {
        MemoryRanges.check("released", released, MemoryRanges.count) ?? MemoryRanges.check("sessions", sessions, MemoryRanges.count)
    }
}

/// The lake's mind: it turns clicks (and the release key) into lanterns, and warms with the
/// pointer's company. Pure and deterministic, like the other minds.
public struct LanternsMind: Sendable {
    public private(set) var memory: LanternsMemory
    public private(set) var time = 0.0
    /// 0...1: rises while the pointer is over the lake, fades when it leaves.
    public private(set) var warmth = 0.0
    /// The view x of each lantern released at the last step.
    public private(set) var launches: [Double] = []
    private var pointerInside = false
    private var pending: [MemoryEvent] = []

    public init(memory: LanternsMemory) {
        self.memory = memory
        record(.visit)
    }

    private mutating func record(_ event: LanternsMemory.Event) {
        memory.apply(event)
        pending.append(MemoryEvent(LanternsMemory.self, event))
    }

    /// One step at `time` with the stimuli due; returns the memory events of the step.
    public mutating func step<S: Sequence>(to time: Double, stimuli: S) -> [MemoryEvent] where S.Element == Stimulus {
        let dt = max(0, time - self.time)
        self.time = time
        launches.removeAll(keepingCapacity: true)
        for s in stimuli {
            switch s {
            case let .click(x, _):
                launches.append(x)
                record(.released(t: time, x: x))
            case .key("release"):
                launches.append(0.5)
                record(.released(t: time, x: 0.5))
            case .pointer: pointerInside = true
            case .leave: pointerInside = false
            default: break
            }
        }
        let target = pointerInside ? 1.0 : 0.0
        warmth += (target - warmth) * min(1, dt / 1.5)
        defer { pending.removeAll() }
        return pending
    }

    /// Ends the session.
    public mutating func finish() -> [MemoryEvent] {
        record(.sessionEnd(t: time))
        defer { pending.removeAll() }
        return pending
    }
}
