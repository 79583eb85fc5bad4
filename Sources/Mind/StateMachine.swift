/// A state of a `StateMachine`, in the manner of GameplayKit's `GKState`, as a value:
/// a state says which states may follow it.
public protocol MachineState: Hashable, Codable, Sendable {
    /// Whether the machine may go from this state to `next`.
    func isValidNextState(_ next: Self) -> Bool
}

/// One change of state: from, to, what caused it, and the simulation time.
public struct Transition<State: MachineState>: Equatable, Codable, Sendable {
    public var from: State
    public var to: State
    public var trigger: String
    public var time: Double

    public init(from: State, to: State, trigger: String, time: Double) {
        self.from = from
        self.to = to
        self.trigger = trigger
        self.time = time
    }
}

/// A finite-state machine as a value (GameplayKit's `GKStateMachine`, without classes):
/// `enter` refuses moves the current state does not allow, and every move is logged.
///
/// Enter and exit effects belong to the owner, which sees each `Transition` that `enter`
/// returns; `update` is the owner's step.
public struct StateMachine<State: MachineState>: Equatable, Sendable {
    public private(set) var current: State
    /// The simulation time at which `current` was entered.
    public private(set) var enteredAt: Double
    /// Every transition, oldest first.
    public private(set) var log: [Transition<State>] = []

    public init(_ initial: State, at time: Double = 0) {
        current = initial
        enteredAt = time
    }

    /// Whether `enter(next, ...)` would succeed.
    public func canEnter(_ next: State) -> Bool { next != current && current.isValidNextState(next) }

    /// Seconds spent in the current state at `time`.
    public func dwell(at time: Double) -> Double { max(0, time - enteredAt) }

    /// Moves to `next` if allowed; returns the transition, or nil when nothing changed.
    @discardableResult
    public mutating func enter(_ next: State, at time: Double, trigger: String) -> Transition<State>? {
        guard canEnter(next) else { return nil }
        let t = Transition(from: current, to: next, trigger: trigger, time: time)
        log.append(t)
        current = next
        enteredAt = time
        return t
    }
}
