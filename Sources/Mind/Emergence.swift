import Stimuli

/// The rules of Emergence's trust, escalation, corruption and stage.
///
/// - Answers: correct +10 (times the profile's rate), wrong −15. Trust is clamped to −100...100.
/// - Escalation is re-evaluated after each answer, from the trust after that answer:
///   trust < −60 raises it by 2, else trust < −30 by 1; trust > 30 lowers it by 1;
///   3 or more consecutive wrong answers raise it by 1 more; then it is clamped to 1...5.
/// - Corruption: +1 per wrong answer (a bad decision), −1 per correct one, clamped to 0...4.
/// - Stage follows trust, held back by escalation: trust ≤ −50 → 1, < 10 → 2, < 40 → 3,
///   < 70 → 4, else 5; minus (escalation − 1) / 2 (0 at levels 1–2, 1 at 3–4, 2 at 5);
///   clamped to 1...5.
public enum EmergenceRules {
    public static let correct = 10.0
    public static let wrong = -15.0
    public static let trustRange = -100.0...100.0

    public static func stage(trust: Double, escalation: Int) -> Int {
        let base = trust <= -50 ? 1 : trust < 10 ? 2 : trust < 40 ? 3 : trust < 70 ? 4 : 5
        return min(5, max(1, base - (escalation - 1) / 2))
    }

    public static func escalation(_ level: Int, trust: Double, consecutiveFailures: Int) -> Int {
        var next = level
        if trust < -60 { next += 2 } else if trust < -30 { next += 1 }
        if trust > 30 { next -= 1 }
        if consecutiveFailures >= 3 { next += 1 }
        return min(5, max(1, next))
    }
}

/// A change to Emergence's memory; see `CandlefishMemoryEvent` for the conventions.
public enum EmergenceMemoryEvent: Equatable, Codable, Sendable {
    /// A session began.
    case session
    /// A decision; `rate` is the profile's trust-gain multiplier.
    case answer(t: Double, correct: Bool, rate: Double)
    /// The session ended at simulation time `t`.
    case sessionEnd(t: Double)
}

/// What Emergence remembers between runs (its session state: trust, wrong_count, stage...).
public struct EmergenceMemory: Equatable, Codable, Sendable {
    public var trust = 0.0
    public var escalation = 1
    public var corruption = 0
    public var wrongCount = 0
    public var consecutiveFailures = 0
    public var stage = EmergenceRules.stage(trust: 0, escalation: 1)
    public var answers = 0
    public var sessions = 0

    public init() {}

    /// Folds one event into the memory. Pure: the same events give the same memory.
    public mutating func apply(_ event: EmergenceMemoryEvent) {
        switch event {
        case .session:
            sessions += 1
        case let .answer(_, correct, rate):
            answers += 1
            let delta = correct ? EmergenceRules.correct * rate : EmergenceRules.wrong
            trust = min(EmergenceRules.trustRange.upperBound, max(EmergenceRules.trustRange.lowerBound, trust + delta))
            consecutiveFailures = correct ? 0 : consecutiveFailures + 1
            if !correct { wrongCount += 1 }
            corruption = min(4, max(0, corruption + (correct ? -1 : 1)))
            escalation = EmergenceRules.escalation(escalation, trust: trust, consecutiveFailures: consecutiveFailures)
            stage = EmergenceRules.stage(trust: trust, escalation: escalation)
        case .sessionEnd:
            break
        }
    }
}

/// An Emergence stage, 1...5, as a state: any stage may follow any other.
public struct Stage: MachineState, Comparable {
    public var level: Int
    public init(_ level: Int) { self.level = level }
    public func isValidNextState(_ next: Stage) -> Bool { (1...5).contains(next.level) }
    public static func < (a: Stage, b: Stage) -> Bool { a.level < b.level }
}

/// Emergence's mind for one session: answers and pressure ticks in; trust, escalation,
/// corruption, stage, time pressure and glitch out. Pure and deterministic.
public struct EmergenceMind: Sendable {
    public let profile: Profile
    public private(set) var memory: EmergenceMemory
    public private(set) var machine: StateMachine<Stage>
    public private(set) var time = 0.0
    /// The countdown's remaining fraction, 1 until the first pressure tick.
    public private(set) var remaining = 1.0
    /// Time pressure, 0...1: it rises as the countdown runs out (1 − remaining, eased in so
    /// that the last third is felt most), smoothed so a tick does not jump.
    public private(set) var pressure = 0.0
    /// The cross-fade time constant of `pressure`, in seconds.
    public static let pressureTau = 0.3
    var events: [MemoryEvent] = []

    public var trust: Double { memory.trust }
    public var escalation: Int { memory.escalation }
    public var corruption: Int { memory.corruption }
    public var stage: Int { memory.stage }
    public var log: [Transition<Stage>] { machine.log }
    /// Glitch and chromatic aberration strength, 0...1, from corruption and time pressure.
    public var glitch: Double { min(1, 0.6 * Double(memory.corruption) / 4 + 0.4 * pressure) }

    public init(memory: EmergenceMemory, profile: Profile = .standard) {
        self.profile = profile
        self.memory = memory
        machine = StateMachine(Stage(memory.stage))
        record(.session)
    }

    /// The memory events emitted since the last call, oldest first.
    public mutating func takeEvents() -> [MemoryEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    mutating func record(_ event: EmergenceMemoryEvent) {
        memory.apply(event)
        events.append(.emergence(event))
    }

    /// The pressure a countdown at `remaining` calls for.
    public static func pressureTarget(remaining: Double) -> Double {
        let r = min(1, max(0, remaining))
        return (1 - r) * (1 - r) * 0.5 + (1 - r) * 0.5
    }

    /// Advances to simulation time `time`, applying the stimuli due at this step.
    @discardableResult
    public mutating func step<S: Sequence>(to time: Double, stimuli: S) -> [MemoryEvent] where S.Element == Stimulus {
        let dt = time.isFinite ? max(0, time - self.time) : 0
        self.time += dt
        for stimulus in stimuli {
            switch stimulus {
            case let .answer(correct):
                record(.answer(t: self.time, correct: correct, rate: profile.trustRate.multiplier))
                machine.enter(Stage(memory.stage), at: self.time, trigger: correct ? "correct answer" : "wrong answer")
            case let .pressure(r):
                if r.isFinite { remaining = min(1, max(0, r)) }
            case .pointer, .leave, .click, .key:
                break
            }
        }
        pressure += (EmergenceMind.pressureTarget(remaining: remaining) - pressure) * crossFadeWeight(dt: dt, tau: EmergenceMind.pressureTau)
        return takeEvents()
    }

    /// A step without stimuli.
    @discardableResult
    public mutating func step(to time: Double) -> [MemoryEvent] { step(to: time, stimuli: EmptyCollection()) }

    /// Ends the session.
    public mutating func finish() -> [MemoryEvent] {
        record(.sessionEnd(t: time))
        return takeEvents()
    }
}

extension SceneName {
    /// Emergence: a character assembled out of streams of data particles.
    public static let emergence = SceneName("emergence")
}

extension EmergenceMemory: SceneMemory {
    public static var scene: SceneName { .emergence }
    public static var trustRange: ClosedRange<Double>? { EmergenceRules.trustRange }

    public static func kind(of event: EmergenceMemoryEvent) -> String {
        switch event {
        case .session: return "visit"
        case .answer: return "answer"
        case .sessionEnd: return "session-end"
        }
    }

    public static func time(of event: EmergenceMemoryEvent) -> Double? {
        switch event {
        case .session: return nil
        case let .answer(t, _, _), let .sessionEnd(t): return t
        }
    }

    public static func rangeProblem(of event: EmergenceMemoryEvent) -> String? {
        switch event {
        case .session: return nil
        case let .answer(t, _, rate): return MemoryRanges.check("t", t, MemoryRanges.t) ?? MemoryRanges.check("rate", rate, MemoryRanges.rate)
        case let .sessionEnd(t): return MemoryRanges.check("t", t, MemoryRanges.t)
        }
    }

    public var rangeProblem: String? {
        let check = MemoryRanges.check as (String, Int, ClosedRange<Int>) -> String?
        let problems: [String?] = [
            MemoryRanges.check("emergence trust", trust, EmergenceRules.trustRange), check("escalation", escalation, 1...5),
            check("corruption", corruption, 0...4), check("stage", stage, 1...5),
            check("wrongCount", wrongCount, MemoryRanges.count), check("consecutiveFailures", consecutiveFailures, MemoryRanges.count),
            check("answers", answers, MemoryRanges.count), check("sessions", sessions, MemoryRanges.count),
        ]
        return problems.lazy.compactMap { $0 }.first
    }
}

extension MemoryEvent {
    /// An emergence memory event.
    public static func emergence(_ event: EmergenceMemoryEvent) -> MemoryEvent { MemoryEvent(EmergenceMemory.self, event) }
    /// The emergence event, when this is one.
    public var emergenceEvent: EmergenceMemoryEvent? { event(EmergenceMemory.self) }
}

extension Memory {
    /// Emergence's part of the memory.
    public var emergence: EmergenceMemory {
        get { self[EmergenceMemory.self] }
        set { self[EmergenceMemory.self] = newValue }
    }
}
