import Mind
import Stimuli

extension SceneName {
    /// A glTF model on a turntable.
    public static let model = SceneName("model")
}

/// What the `model` scene remembers: how many times it was shown, and the angle the person
/// last turned the model to, where the next session starts.
public struct ModelMemory: SceneMemory {
    public var sessions = 0
    /// Radians, 0 ..< 2π.
    public var yaw = 0.0
    /// How many times the pointer turned it.
    public var turns = 0

    /// A change to the model scene's memory.
    public enum Event: Codable, Equatable, Sendable {
        /// A session began.
        case visit
        /// The pointer left the model at angle `yaw` (radians) at simulation time t.
        case turned(t: Double, yaw: Double)
        /// The session ended at simulation time t.
        case sessionEnd(t: Double)
    }

    public static var scene: SceneName { .model }
    public init() {}

    public mutating func apply(_ event: Event) {
        switch event {
        case .visit: sessions += 1
        case let .turned(_, y):
            yaw = y
            turns += 1
        case .sessionEnd: break
        }
    }

    public static func kind(of event: Event) -> String {
        switch event {
        case .visit: return "visit"
        case .turned: return "turned"
        case .sessionEnd: return "session-end"
        }
    }

    public static func time(of event: Event) -> Double? {
        switch event {
        case .visit: return nil
        case let .turned(t, _), let .sessionEnd(t): return t
        }
    }

    public static func rangeProblem(of event: Event) -> String? {
        if case let .turned(t, y) = event, !(t.isFinite && y.isFinite && (0..<(2 * Double.pi)).contains(y)) {
            return "a turn to an angle outside 0 to 2π"
        }
        return nil
    }

    public var rangeProblem: String? {
        sessions >= 0 && turns >= 0 && yaw.isFinite && (0..<(2 * Double.pi)).contains(yaw) ? nil : "an angle outside 0 to 2π"
    }
}
