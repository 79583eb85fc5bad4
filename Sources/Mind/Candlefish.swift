import Stimuli

/// The candlefish's moods, each with its colour.
public enum Mood: String, CaseIterable, Codable, Sendable, MachineState {
    case curious, playful, shy, excited, trusting, lonely

    /// The mood colour as 0xRRGGBB.
    public var colour: UInt32 {
        switch self {
        case .curious: return 0xFFB347
        case .playful: return 0xFF6B9D
        case .shy: return 0xB39DDB
        case .excited: return 0xFFEB3B
        case .trusting: return 0x81C784
        case .lonely: return 0x90A4AE
        }
    }

    /// The colour as "#RRGGBB".
    public var hex: String {
        let digits = String(colour, radix: 16, uppercase: true)
        return "#" + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Lonely only ends when someone comes back: the pointer returns (curious) or feeds (excited).
    public func isValidNextState(_ next: Mood) -> Bool {
        self == .lonely ? next == .curious || next == .excited : true
    }

    /// Entering a mood sets the expression it fades toward.
    public func didEnter(from previous: Mood?, context: inout ExpressionFade) {
        context.target = Expression.target(for: self)
    }

    /// Each step fades the expression toward the mood's target, at a frame-rate independent rate.
    public func update(dt: Double, context: inout ExpressionFade) {
        context.current.fade(toward: context.target, dt: dt, tau: context.tau)
    }

    /// Whether a profile's complexity shows this mood.
    public func isShown(by complexity: Complexity) -> Bool {
        complexity != .basic || self == .curious || self == .shy || self == .excited
    }
}

/// The fish's expression: what the renderer and the steering read. Values are 0...1 except
/// `swimSpeed`, a multiplier on the base swim speed.
public struct Expression: Equatable, Codable, Sendable {
    public var eyeDilation: Double
    public var finSpread: Double
    public var bodyTension: Double
    /// The mood's base glow; `glow(time:speedFraction:)` adds the shimmer and speed terms.
    public var glowBase: Double
    public var swimSpeed: Double
    /// How quickly the fish reacts to the pointer and food.
    public var responsiveness: Double

    public init(eyeDilation: Double, finSpread: Double, bodyTension: Double, glowBase: Double,
                swimSpeed: Double, responsiveness: Double) {
        self.eyeDilation = eyeDilation
        self.finSpread = finSpread
        self.bodyTension = bodyTension
        self.glowBase = glowBase
        self.swimSpeed = swimSpeed
        self.responsiveness = responsiveness
    }

    /// The expression each mood fades toward.
    public static func target(for mood: Mood) -> Expression {
        switch mood {
        case .curious: return Expression(eyeDilation: 0.6, finSpread: 0.6, bodyTension: 0.4, glowBase: 0.6, swimSpeed: 1.0, responsiveness: 0.7)
        case .playful: return Expression(eyeDilation: 0.7, finSpread: 0.9, bodyTension: 0.3, glowBase: 0.8, swimSpeed: 1.2, responsiveness: 0.9)
        case .shy: return Expression(eyeDilation: 0.3, finSpread: 0.25, bodyTension: 0.8, glowBase: 0.35, swimSpeed: 0.6, responsiveness: 0.4)
        case .excited: return Expression(eyeDilation: 0.9, finSpread: 1.0, bodyTension: 0.6, glowBase: 1.0, swimSpeed: 1.5, responsiveness: 1.0)
        case .trusting: return Expression(eyeDilation: 0.8, finSpread: 0.8, bodyTension: 0.15, glowBase: 0.75, swimSpeed: 0.9, responsiveness: 0.8)
        case .lonely: return Expression(eyeDilation: 0.4, finSpread: 0.3, bodyTension: 0.3, glowBase: 0.3, swimSpeed: 0.7, responsiveness: 0.5)
        }
    }

    /// Moves every parameter toward `target` by `w += (target - w) * (1 - exp(-dt / tau))`.
    public mutating func fade(toward target: Expression, dt: Double, tau: Double) {
        let k = crossFadeWeight(dt: dt, tau: tau)
        eyeDilation += (target.eyeDilation - eyeDilation) * k
        finSpread += (target.finSpread - finSpread) * k
        bodyTension += (target.bodyTension - bodyTension) * k
        glowBase += (target.glowBase - glowBase) * k
        swimSpeed += (target.swimSpeed - swimSpeed) * k
        responsiveness += (target.responsiveness - responsiveness) * k
    }

    /// Glow: the mood base, plus 0.15·sin(time), plus 0.25·speed/maxSpeed (the fish's own
    /// speed fraction, which the simulation knows), clamped at 0.
    public func glow(time: Double, speedFraction: Double) -> Double {
        max(0, glowBase + 0.15 * sine(time) + 0.25 * min(1, max(0, speedFraction)))
    }
}

/// The expression now and the one it fades toward: the moods' state-machine context.
public struct ExpressionFade: Equatable, Codable, Sendable {
    public var current: Expression
    public var target: Expression
    /// The cross-fade time constant in seconds.
    public var tau: Double

    public init(current: Expression, tau: Double) {
        self.current = current
        self.target = current
        self.tau = tau
    }
}

/// The thresholds of the candlefish rules. Speeds are view-heights per second.
///
/// Each threshold has an enter and an exit value (hysteresis), and condition-driven mood
/// changes wait for `minDwell`, so a value hovering at a threshold does not make moods flicker.
/// The original's 50 px per event (fast) and 10..30 px per event (moderate) at ~60 events per
/// second in a 1080-pixel view are about 2.8 and 0.55..1.7 view-heights per second.
public struct CandlefishTuning: Equatable, Codable, Sendable {
    public var fastEnter = 2.5
    public var fastExit = 2.0
    public var moderateEnter = 0.5...1.5
    public var moderateExit = 0.4...1.8
    public var shyTrustEnter = 30.0, shyTrustExit = 33.0
    public var playfulTrustEnter = 50.0, playfulTrustExit = 47.0
    public var trustingTrustEnter = 80.0, trustingTrustExit = 77.0
    /// Seconds without interaction before the fish gets lonely.
    public var lonelyAfter = 60.0
    /// Seconds a mood holds before a condition may change it. Clicks, greetings and the
    /// pointer's return are events, and act at once.
    public var minDwell = 0.75
    /// Seconds a feed or a greeting keeps the fish excited.
    public var excitedHold = 2.0
    /// Below this the pointer counts as resting, not moving.
    public var restingSpeed = 0.02
    /// Without a pointer event for this long the pointer's speed is taken as 0.
    public var speedTimeout = 0.3
    /// Time constant of the pointer speed's smoothing.
    public var speedTau = 0.1
    /// Time constant of the expression cross-fade.
    public var expressionTau = 0.4
    /// The advanced profile scales the speed thresholds by usualSpeed / referenceSpeed,
    /// clamped to `learnedScale`.
    public var referenceSpeed = 0.8
    public var learnedScale = 0.75...1.5
    /// Width over height of the view, to measure x movement in view heights.
    public var aspect = 16.0 / 9.0

    public init() {}
}

/// The candlefish's mind for one session: stimuli and time in, mood, expression and memory
/// events out. Pure and deterministic: no clock, no global random generator.
///
/// Use: create it with the stored memory at the session start (it emits the visit, and the
/// greeting for a returning friend), then call `step(to:stimuli:foodEaten:)` once per fixed
/// simulation step and hand the returned events to the store.
public struct CandlefishMind: Sendable {
    public let profile: Profile
    public let tuning: CandlefishTuning
    /// The wall clock of t = 0 and the person's time zone; nil skips calendar rules.
    public let clock: WallClock?
    /// The memory, kept current with every event this mind emits.
    public private(set) var memory: CandlefishMemory
    public private(set) var machine: StateMachine<Mood>
    var fade: ExpressionFade
    /// The expression, cross-fading toward the current mood's.
    public var expression: Expression { fade.current }
    /// Simulation time of the last step.
    public private(set) var time = 0.0
    /// Smoothed pointer speed in view-heights per second.
    public private(set) var pointerSpeed = 0.0
    public private(set) var pointer: ViewPoint?
    /// When set, food is taken as eaten this many seconds after each click (a stand-in for
    /// the simulation, which reports eating with `foodEaten`).
    public let foodEatenDelay: Double?

    var lastSample: (point: ViewPoint, time: Double)?
    var lastInteraction = 0.0
    var excitedUntil = -Double.infinity
    var pendingFood: [Double] = []
    var fast = false
    var moderate = false
    var lowTrust = false
    var playfulTrust = false
    var highTrust = false
    var events: [MemoryEvent] = []

    /// The current mood.
    public var mood: Mood { machine.current }
    /// Trust, 0...100.
    public var trust: Double { memory.trust }
    /// Every mood change of this session.
    public var log: [Transition<Mood>] { machine.log }
    /// For the advanced profile, where the fish likes to be fed; nil otherwise.
    public var favouriteSpot: ViewPoint? { profile.complexity == .advanced ? memory.favouriteSpot : nil }

    /// Starts a session: records the visit (decay, daily bonus) and greets a returning visitor
    /// whose trust is above 40 with excitement. Read the first events with `takeEvents()`.
    public init(memory: CandlefishMemory, profile: Profile = .standard, clock: WallClock? = nil,
                tuning: CandlefishTuning = CandlefishTuning(), foodEatenDelay: Double? = nil) {
        self.profile = profile
        self.tuning = tuning
        self.clock = clock
        self.memory = memory
        self.foodEatenDelay = foodEatenDelay
        var fade = ExpressionFade(current: Expression.target(for: .curious), tau: tuning.expressionTau)
        machine = StateMachine(.curious, context: &fade)
        self.fade = fade
        let returning = memory.visits > 0
        record(.visit(wall: clock?.unixSeconds, utcOffset: clock?.utcOffsetSeconds ?? 0, rate: rate))
        updateTrustFlags()
        if returning && memory.trust > 40 {
            excitedUntil = tuning.excitedHold
            change(to: .excited, trigger: "greeting")
        }
    }

    var rate: Double { profile.trustRate.multiplier }
    var wall: Double? { clock?.unixSeconds }

    /// The memory events emitted since the last call, oldest first. Append each to the store.
    public mutating func takeEvents() -> [MemoryEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    mutating func record(_ event: CandlefishMemoryEvent) {
        memory.apply(event)
        events.append(.candlefish(event))
    }

    /// Changes mood if the profile shows it and the state machine allows it.
    mutating func change(to next: Mood, trigger: String) {
        guard next.isShown(by: profile.complexity), machine.canEnter(next) else { return }
        let from = machine.current
        machine.enter(next, at: time, trigger: trigger, context: &fade)
        record(.mood(t: time, from: from, to: next, trigger: trigger))
    }

    /// Speed thresholds, scaled for the advanced profile by the learned usual speed.
    var speedScale: Double {
        guard profile.complexity == .advanced, let usual = memory.usualSpeed else { return 1 }
        return min(tuning.learnedScale.upperBound, max(tuning.learnedScale.lowerBound, usual / tuning.referenceSpeed))
    }

    /// Advances to simulation time `time`, applying `stimuli` (those due at this step, in
    /// order) and `foodEaten` pieces of food the simulation saw eaten. Returns the memory
    /// events this step emitted. A time earlier than the last step counts as no time passing.
    @discardableResult
    public mutating func step<S: Sequence>(to time: Double, stimuli: S, foodEaten: Int = 0) -> [MemoryEvent]
    where S.Element == Stimulus {
        step(to: time, events: stimuli.lazy.map { StimulusEvent(t: time, $0) }, foodEaten: foodEaten)
    }

    /// Advances to simulation time `time`, applying `events` (those due at this step, in
    /// order). Each event's own `t` is when it happened: pointer speed is measured on those
    /// stamps, so two moves that fall in one step still read at their real pace. A stamp is
    /// taken within (last sample, `time`].
    @discardableResult
    public mutating func step<S: Sequence>(to time: Double, events stimuli: S, foodEaten: Int = 0) -> [MemoryEvent]
    where S.Element == StimulusEvent {
        let dt = time.isFinite ? max(0, time - self.time) : 0
        self.time += dt
        for event in stimuli { apply(event.stimulus, at: event.t) }
        var eaten = foodEaten
        // One removal for all that are due (times are appended in order): removing them one
        // by one from the front would cost the whole list each, quadratic in a flood of clicks.
        let due = pendingFood.prefix(while: { $0 <= self.time }).count
        if due > 0 {
            pendingFood.removeFirst(due)
            eaten += due
        }
        for _ in 0..<max(0, eaten) { record(.foodEaten(t: self.time, wall: wall, rate: rate)) }
        if let last = lastSample, self.time - last.time > tuning.speedTimeout {
            pointerSpeed = 0
        }
        updateSpeedFlags()
        updateTrustFlags()
        evaluate()
        machine.update(dt: dt, context: &fade)
        return takeEvents()
    }

    /// A step without stimuli.
    @discardableResult
    public mutating func step(to time: Double) -> [MemoryEvent] { step(to: time, stimuli: EmptyCollection()) }

    mutating func apply(_ stimulus: Stimulus, at stamp: Double) {
        switch stimulus {
        case let .pointer(x, y):
            let p = ViewPoint(x: x, y: y)
            let wasPresent = pointer != nil
            pointer = p
            lastInteraction = time
            // When the move happened, kept between the previous sample and this step.
            let sampleTime = min(time, max(stamp.isFinite ? stamp : time, lastSample?.time ?? -Double.infinity))
            if let last = lastSample {
                let dt = sampleTime - last.time
                // Samples closer than 5 ms wait for the next one, so two events in one step
                // do not divide by ~0.
                if dt >= 0.005 {
                    let dx = (p.x - last.point.x) * tuning.aspect, dy = p.y - last.point.y
                    let instant = min(root(dx * dx + dy * dy) / dt, 100)
                    let k = crossFadeWeight(dt: dt, tau: tuning.speedTau)
                    pointerSpeed += (instant - pointerSpeed) * k
                    lastSample = (p, sampleTime)
                    updateSpeedFlags()
                    if pointerSpeed > tuning.restingSpeed * speedScale {
                        record(.moved(t: time, wall: wall, seconds: min(dt, CandlefishTrust.maxSampleSeconds),
                                      speed: pointerSpeed, fast: fast, rate: rate))
                    }
                }
            } else {
                lastSample = (p, sampleTime)
            }
            if mood == .lonely { change(to: .curious, trigger: wasPresent ? "pointer moved" : "pointer returned") }
        case .leave:
            pointer = nil
            lastSample = nil
            pointerSpeed = 0
        case let .click(x, y):
            pointer = ViewPoint(x: x, y: y)
            lastInteraction = time
            record(.fed(t: time, wall: wall, x: x, y: y, rate: rate))
            if let delay = foodEatenDelay { pendingFood.append(time + delay) }
            excitedUntil = time + tuning.excitedHold
            change(to: .excited, trigger: "fed")
        case .answer, .pressure, .key:
            break
        }
    }

    mutating func updateSpeedFlags() {
        let s = pointerSpeed / speedScale
        fast = fast ? s > tuning.fastExit : s > tuning.fastEnter
        moderate = moderate ? tuning.moderateExit.contains(s) : tuning.moderateEnter.contains(s)
    }

    mutating func updateTrustFlags() {
        let t = memory.trust
        lowTrust = lowTrust ? t < tuning.shyTrustExit : t < tuning.shyTrustEnter
        playfulTrust = playfulTrust ? t > tuning.playfulTrustExit : t > tuning.playfulTrustEnter
        highTrust = highTrust ? t > tuning.trustingTrustExit : t > tuning.trustingTrustEnter
    }

    /// The mood the conditions call for, and why.
    func desired() -> (Mood, String) {
        if time < excitedUntil { return (.excited, "fed") }
        if mood == .lonely { return (.lonely, "alone") }
        if time - lastInteraction >= tuning.lonelyAfter { return (.lonely, "no interaction for \(Int(tuning.lonelyAfter)) s") }
        guard pointer != nil else { return (.curious, "pointer away") }
        if fast { return (.shy, "fast pointer") }
        if lowTrust { return (.shy, "low trust") }
        if highTrust { return (.trusting, "high trust") }
        if playfulTrust && moderate { return (.playful, "moderate speed") }
        return (.curious, "calm")
    }

    mutating func evaluate() {
        var (next, trigger) = desired()
        if !next.isShown(by: profile.complexity) { (next, trigger) = (.curious, trigger) }
        guard next != mood else { return }
        // Loneliness and the end of excitement are not flicker risks; other conditions wait.
        let immediate = next == .lonely || mood == .excited
        if immediate || machine.dwell(at: time) >= tuning.minDwell {
            change(to: next, trigger: trigger)
        }
    }

    /// Ends the session: records its end time for the statistics.
    public mutating func finish() -> [MemoryEvent] {
        record(.sessionEnd(t: time))
        return takeEvents()
    }
}
