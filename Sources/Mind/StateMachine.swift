/// A state of a `StateMachine`, in the manner of GameplayKit's `GKState`, as a value:
/// a state says which states may follow it, and may act when it is entered, when it is left
/// and on each update, on a `Context` the owner passes in (the owner's data, not globals).
public protocol MachineState: Hashable, Codable, Sendable {
    /// What the enter, exit and update actions work on.
    associatedtype Context = Void

    /// Whether the machine may go from this state to `next`.
    func isValidNextState(_ next: Self) -> Bool
    /// Called after the machine entered this state (`previous` is nil for the initial state).
    func didEnter(from previous: Self?, context: inout Context)
    /// Called before the machine leaves this state for `next`.
    func willExit(to next: Self, context: inout Context)
    /// Called on each step while this is the current state.
    func update(dt: Double, context: inout Context)
}

extension MachineState {
    public func didEnter(from previous: Self?, context: inout Context) {}
    public func willExit(to next: Self, context: inout Context) {}
    public func update(dt: Double, context: inout Context) {}
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
/// `enter` refuses moves the current state does not allow, runs the exit and enter actions,
/// and logs every move; `update` runs the current state's update action.
public struct StateMachine<State: MachineState>: Equatable, Sendable {
    public private(set) var current: State
    /// The simulation time at which `current` was entered.
    public private(set) var enteredAt: Double
    /// Every transition, oldest first.
    public private(set) var log: [Transition<State>] = []

    /// Starts in `initial`, running its enter action.
    public init(_ initial: State, at time: Double = 0, context: inout State.Context) {
        current = initial
        enteredAt = time
        initial.didEnter(from: nil, context: &context)
    }

    /// Whether `enter(next, ...)` would succeed.
    public func canEnter(_ next: State) -> Bool { next != current && current.isValidNextState(next) }

    /// Seconds spent in the current state at `time`.
    public func dwell(at time: Double) -> Double { max(0, time - enteredAt) }

    /// Moves to `next` if allowed; returns the transition, or nil when nothing changed.
    @discardableResult
    public mutating func enter(_ next: State, at time: Double, trigger: String, context: inout State.Context) -> Transition<State>? {
        guard canEnter(next) else { return nil }
        let previous = current
        previous.willExit(to: next, context: &context)
        let t = Transition(from: previous, to: next, trigger: trigger, time: time)
        log.append(t)
        current = next
        enteredAt = time
        next.didEnter(from: previous, context: &context)
        return t
    }

    /// Runs the current state's update action.
    public func update(dt: Double, context: inout State.Context) {
        current.update(dt: dt, context: &context)
    }
}

extension StateMachine where State.Context == Void {
    /// Starts in `initial`, for states without a context.
    public init(_ initial: State, at time: Double = 0) {
        var none: Void = ()
        self.init(initial, at: time, context: &none)
    }

    /// Moves to `next` if allowed, for states without a context.
    @discardableResult
    public mutating func enter(_ next: State, at time: Double, trigger: String) -> Transition<State>? {
        var none: Void = ()
        return enter(next, at: time, trigger: trigger, context: &none)
    }
}
