import Mind
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// What the candlefish world reads from the mind at each step.
public struct CandlefishInput: Sendable {
    public var mood: Mood
    public var expression: Expression
    /// The pointer in view coordinates (0...1 from the top-left), or nil when it is away.
    public var pointer: ViewPoint?
    /// Pointer speed in view heights per second.
    public var pointerSpeed: Double
    /// The advanced profile's favourite feeding spot (view coordinates).
    public var favouriteSpot: ViewPoint?

    public init(mood: Mood, expression: Expression, pointer: ViewPoint? = nil, pointerSpeed: Double = 0,
                favouriteSpot: ViewPoint? = nil) {
        self.mood = mood
        self.expression = expression
        self.pointer = pointer
        self.pointerSpeed = pointerSpeed
        self.favouriteSpot = favouriteSpot
    }
}

/// A piece of food: sinks under gravity against drag, and sparkles.
public struct Food: Sendable, Equatable {
    public var position: SIMD2<Double>
    public var previous: SIMD2<Double>
    public var velocity: SIMD2<Double>
    public var age = 0.0
    public var spin: Double
}

/// A short-lived glint (around food, and where food is eaten).
public struct Sparkle: Sendable, Equatable {
    public var position: SIMD2<Double>
    public var velocity: SIMD2<Double>
    public var age = 0.0
    public var life: Double
    public var size: Double
}

/// A rising bubble that wobbles as it goes.
public struct Bubble: Sendable, Equatable {
    public var position: SIMD2<Double>
    public var previous: SIMD2<Double>
    public var radius: Double
    public var rise: Double
    public var phase: Double
    public var age = 0.0
}

/// An expanding ring where the person clicked.
public struct Ripple: Sendable, Equatable {
    public var position: SIMD2<Double>
    public var age = 0.0
    public static let life = 1.6
}

/// A flake of marine snow: organic debris drifting down at some depth (z < 0 is farther).
public struct Flake: Sendable, Equatable {
    public var position: SIMD3<Double>
    public var fall: Double
    public var swayPhase: Double
    public var size: Double
    public var brightness: Double
}

/// A point of the glowing trail behind the fish.
public struct TrailPoint: Sendable, Equatable {
    public var position: SIMD2<Double>
    public var age = 0.0
    public static let life = 1.1
}

/// The candlefish's world: the fish (a steered head and a spine chain), food, sparkles,
/// bubbles, ripples, marine snow and the trail. Pure and deterministic: all randomness comes
/// from the generator it was seeded with, and time advances only through `step`.
///
/// World units: the fish swims in the plane z = 0, where the view spans y ∈ [−1, 1] (up is +y)
/// and x ∈ [−aspect, aspect]. View coordinates map with `world(_:)`.
public struct CandlefishWorld: Sendable {
    public let aspect: Double
    public let richness: Richness
    /// Behaviour (wander, darts, the start) draws from `rng`; decoration (snow, bubbles,
    /// sparkles, food scatter) from `fxRng`, so richness never changes how the fish swims.
    public private(set) var rng: SplitMix64
    public private(set) var fxRng: SplitMix64
    public private(set) var time = 0.0

    public private(set) var agent: Agent
    public private(set) var spine: Spine
    /// The spine joints at the previous step, for interpolated rendering.
    public private(set) var previousJoints: [SIMD2<Double>]
    public private(set) var darts = Darts()
    public private(set) var wanderAngle = 0.0
    /// Smoothed tail amplitude and wave frequency, so a change of mood eases in.
    public private(set) var tailAmplitude = 0.06
    public private(set) var omega = 8.0
    /// Where the eye looks (world), if anywhere in particular.
    public private(set) var gaze: SIMD2<Double>?
    /// Mouth open amount 0...1, after eating.
    public private(set) var gulp = 0.0

    public private(set) var food: [Food] = []
    public private(set) var sparkles: [Sparkle] = []
    public private(set) var bubbles: [Bubble] = []
    public private(set) var ripples: [Ripple] = []
    public private(set) var snow: [Flake] = []
    public private(set) var trail: [TrailPoint] = []
    /// Pieces of food eaten since the world began.
    public private(set) var eatenTotal = 0

    /// The fish's base cruising speed (world units per second) before the mood multiplier.
    public static let baseSpeed = 0.42
    public static let fishLength = 0.7
    public static let jointCount = 28
    static let mouthRadius = 0.07
    /// The most of each thing the water holds at once. A person never comes near them (a
    /// click drops 3 pieces of food, 14 sparkles and a ripple); a flood of scripted clicks
    /// would otherwise grow every list, and each step's cost, without bound. Past a limit
    /// nothing new is added, with the random numbers drawn all the same.
    static let maxFood = 300, maxSparkles = 2000, maxBubbles = 500, maxRipples = 100

    public init(seed: UInt64, aspect: Double = 16.0 / 9.0, richness: Richness = .standard) {
        self.aspect = aspect
        self.richness = richness
        rng = SplitMix64(seed: seed ^ 0x0CA1_D1EF_15A0_0001)
        fxRng = SplitMix64(seed: SplitMix64.mix(seed ^ 0x5EA5_0F5A_0F00_0003))
        let start = SIMD2<Double>(rng.uniform(-0.4, 0.2), rng.uniform(-0.25, 0.25))
        let direction = SIMD2<Double>(1, rng.uniform(-0.2, 0.2)).normalized
        agent = Agent(position: start, velocity: direction * Self.baseSpeed * 0.6, maxSpeed: Self.baseSpeed, maxForce: 1.1)
        spine = Spine(head: start, direction: direction, count: Self.jointCount, length: Self.fishLength)
        previousJoints = spine.joints
        wanderAngle = rng.uniform(-1, 1)
        let flakes: Int
        switch richness {
        case .minimal: flakes = 160
        case .standard: flakes = 420
        case .rich: flakes = 900
        }
        snow.reserveCapacity(flakes)
        for _ in 0..<flakes {
            snow.append(Flake(
                position: SIMD3(fxRng.uniform(-1, 1) * 2.2 * aspect, fxRng.uniform(-2, 2), fxRng.uniform(-3.0, 0.7)),
                fall: fxRng.uniform(0.008, 0.035), swayPhase: fxRng.uniform(0, 2 * Double.pi),
                size: fxRng.uniform(0.6, 1.6), brightness: fxRng.uniform(0.3, 1)))
        }
        food.reserveCapacity(32); sparkles.reserveCapacity(512); bubbles.reserveCapacity(128)
        trail.reserveCapacity(128); ripples.reserveCapacity(16)
        // A few bubbles already rising, so frame 0 is not empty.
        for _ in 0..<6 { spawnBubble(at: SIMD2(fxRng.uniform(-aspect, aspect), fxRng.uniform(-1, 0.9)), small: false) }
    }

    /// View coordinates (0...1 from the top-left) to world coordinates.
    public func world(_ p: ViewPoint) -> SIMD2<Double> {
        SIMD2((2 * p.x - 1) * aspect, 1 - 2 * p.y)
    }

    /// The fish's speed as a fraction of its current top speed (for the glow and the wave).
    public var speedFraction: Double { min(1, agent.velocity.length / Self.baseSpeed) }

    /// The head direction (unit), from the first two joints.
    public var heading: SIMD2<Double> { (spine.joints[0] - spine.joints[1]).normalized }

    /// Advances one fixed step. Applies the clicks among `stimuli` (food and a ripple) and
    /// returns how many pieces of food the fish ate in this step, for the mind.
    public mutating func step<S: Sequence>(dt: Double, input: CandlefishInput, stimuli: S) -> Int
    where S.Element == Stimulus {
        time += dt
        for s in stimuli {
            if case let .click(x, y) = s { feed(at: world(ViewPoint(x: x, y: y))) }
        }
        previousJoints = spine.joints
        steer(dt: dt, input: input)
        let eaten = updateFood(dt: dt)
        updateParticles(dt: dt, input: input)
        return eaten
    }

    mutating func feed(at p: SIMD2<Double>) {
        if ripples.count < Self.maxRipples { ripples.append(Ripple(position: p)) }
        let pieces = 3
        for _ in 0..<pieces {
            let v = SIMD2(rng.uniform(-0.08, 0.08), rng.uniform(-0.02, 0.06))
            let q = p + SIMD2(rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03))
            let spin = rng.uniform(0, 6.28)
            if food.count < Self.maxFood { food.append(Food(position: q, previous: q, velocity: v, spin: spin)) }
        }
        for _ in 0..<14 { spawnSparkle(around: p, spread: 0.05, speed: 0.25) }
    }

    mutating func spawnSparkle(around p: SIMD2<Double>, spread: Double, speed: Double) {
        let a = fxRng.uniform(0, 2 * Double.pi)
        let v = SIMD2(cos(a), sin(a)) * fxRng.uniform(0.2, 1) * speed
        let sparkle = Sparkle(position: p + SIMD2(fxRng.uniform(-spread, spread), fxRng.uniform(-spread, spread)),
                              velocity: v, life: fxRng.uniform(0.35, 0.9), size: fxRng.uniform(0.6, 1.4))
        if sparkles.count < Self.maxSparkles { sparkles.append(sparkle) }
    }

    mutating func spawnBubble(at p: SIMD2<Double>, small: Bool) {
        let r = small ? fxRng.uniform(0.004, 0.009) : fxRng.uniform(0.007, 0.018)
        let bubble = Bubble(position: p, previous: p, radius: r, rise: 0.09 + r * 9 + fxRng.uniform(0, 0.04), phase: fxRng.uniform(0, 6.28))
        if bubbles.count < Self.maxBubbles { bubbles.append(bubble) }
    }

    // MARK: Steering

    mutating func steer(dt: Double, input: CandlefishInput) {
        let e = input.expression
        let r = e.responsiveness
        agent.maxSpeed = Self.baseSpeed * e.swimSpeed
        agent.maxForce = 0.45 + 0.55 * r
        darts.advance(dt)

        var force = agent.contain(min: SIMD2(-aspect, -1), max: SIMD2(aspect, 1), margin: 0.3)
        let pointer = input.pointer.map(world)
        gaze = pointer

        if let target = nearestFood() {
            // Food first, whatever the mood: arrive so it does not overshoot the piece.
            force += agent.arrive(target, slowRadius: 0.25) * (1.2 + r)
            gaze = target
            if input.mood == .excited || input.mood == .playful, (target - agent.position).length > 0.5 {
                maybeDart(rate: 0.8, dt: dt, toward: target - agent.position)
            }
        } else {
            switch input.mood {
            case .trusting:
                if let p = pointer {
                    force += agent.arrive(p, slowRadius: 0.45, standOff: 0.14) * (1.5 * r)
                    force += agent.wander(angle: &wanderAngle, rng: &rng) * 0.25
                } else { force += agent.wander(angle: &wanderAngle, rng: &rng) * 0.8 }
            case .curious:
                if let p = pointer {
                    force += agent.arrive(p, slowRadius: 0.6, standOff: 0.4) * r
                    force += agent.wander(angle: &wanderAngle, rng: &rng) * 0.5
                } else { force += agent.wander(angle: &wanderAngle, rng: &rng) }
                maybeDart(rate: 0.06, dt: dt, toward: agent.velocity)
            case .playful:
                if let p = pointer {
                    // Circle the pointer, with darts through it.
                    let a = time * 1.6
                    let orbit = p + SIMD2(cos(a), sin(a)) * 0.3
                    force += agent.seek(orbit) * r
                    maybeDart(rate: 0.5, dt: dt, toward: p - agent.position)
                } else {
                    force += agent.wander(angle: &wanderAngle, rng: &rng, jitter: 0.6)
                    maybeDart(rate: 0.3, dt: dt, toward: agent.velocity)
                }
            case .shy:
                if let p = pointer {
                    force += agent.flee(p, radius: 0.8) * 2.2
                    if (p - agent.position).length < 0.35 || input.pointerSpeed > 2.5 {
                        maybeDart(rate: 3, dt: dt, toward: agent.position - p)
                    }
                    gaze = p
                }
                force += agent.wander(angle: &wanderAngle, rng: &rng, jitter: 0.2) * 0.4
            case .excited:
                force += agent.wander(angle: &wanderAngle, rng: &rng, jitter: 0.7) * 1.3
                maybeDart(rate: 1.2, dt: dt, toward: SIMD2(cos(wanderAngle), sin(wanderAngle)))
            case .lonely:
                force += agent.wander(angle: &wanderAngle, rng: &rng, jitter: 0.15) * 0.5
                // Sinks low and hangs there.
                force += SIMD2(0, -0.08 - 0.4 * max(0, agent.position.y + 0.45))
            }
            if pointer == nil, let spot = input.favouriteSpot.map(world) {
                force += agent.arrive(spot, slowRadius: 0.5, standOff: 0.2) * 0.35
            }
        }

        if darts.isActive {
            let s = darts.strength
            agent.maxSpeed *= 1 + 2.2 * s
            force += darts.direction * agent.maxForce * 3.5 * s
        }
        agent.integrate(force, dt: dt)
        spine.follow(head: agent.position)

        // The wave: faster and stronger with speed; a tense body beats quicker and narrower.
        let sf = speedFraction
        let targetOmega = 2 * Double.pi * (0.9 + 2.4 * sf) * (0.75 + 0.6 * e.bodyTension)
        let targetAmp = 0.05 * (1.25 - 0.55 * e.bodyTension) * (0.55 + 0.7 * sf)
        let k = 1 - exp(-dt / 0.25)
        omega += (targetOmega - omega) * k
        tailAmplitude += (targetAmp - tailAmplitude) * k
        spine.advanceWave(omega: omega, dt: dt)
        gulp = max(0, gulp - dt * 3)
    }

    mutating func maybeDart(rate: Double, dt: Double, toward direction: SIMD2<Double>) {
        guard darts.cooldownLeft <= 0 else { return }
        if rng.chance(rate * dt) { darts.start(toward: direction) }
    }

    func nearestFood() -> SIMD2<Double>? {
        var best: SIMD2<Double>?
        var bestD = Double.infinity
        for f in food {
            let d = (f.position - agent.position).length
            if d < bestD { bestD = d; best = f.position }
        }
        return best
    }

    // MARK: Particles

    mutating func updateFood(dt: Double) -> Int {
        var eaten = 0
        let mouth = agent.position + heading * 0.03
        // Pieces that stay are moved down over those that went, in order: one pass, however
        // many go in a step (removing each in place would make a flood of clicks quadratic).
        var kept = 0
        let drag = exp(-2.2 * dt)
        for i in food.indices {
            var f = food[i]
            f.previous = f.position
            f.velocity.y -= 0.10 * dt
            f.velocity *= drag
            f.velocity.x += sin(time * 1.3 + f.spin) * 0.02 * dt
            f.position += f.velocity * dt
            f.age += dt
            if (f.position - mouth).length < Self.mouthRadius {
                eaten += 1
                gulp = 1
                for _ in 0..<10 { spawnSparkle(around: f.position, spread: 0.02, speed: 0.35) }
                for _ in 0..<3 { spawnBubble(at: f.position, small: true) }
                continue
            }
            if f.position.y < -1.15 || f.age > 30 { continue }
            food[kept] = f
            kept += 1
            if fxRng.chance(9 * dt) { spawnSparkle(around: f.position, spread: 0.025, speed: 0.05) }
        }
        food.removeLast(food.count - kept)
        eatenTotal += eaten
        return eaten
    }

    mutating func updateParticles(dt: Double, input: CandlefishInput) {
        let drag = exp(-3 * dt)
        var i = 0
        while i < sparkles.count {
            sparkles[i].age += dt
            if sparkles[i].age >= sparkles[i].life { sparkles.swapAt(i, sparkles.count - 1); sparkles.removeLast(); continue }
            sparkles[i].position += sparkles[i].velocity * dt
            sparkles[i].velocity *= drag
            i += 1
        }
        // The lists below keep their order and drop what expired in one pass each.
        for j in bubbles.indices {
            bubbles[j].previous = bubbles[j].position
            bubbles[j].age += dt
            bubbles[j].position.y += bubbles[j].rise * dt
            bubbles[j].position.x += sin(bubbles[j].age * 3 + bubbles[j].phase) * 0.03 * dt
        }
        bubbles.removeAll { $0.position.y > 1.08 }
        // Bubbles: from the gills now and then (more when excited), and from the sea floor.
        let gillRate = input.mood == .excited ? 2.5 : (input.mood == .shy || input.mood == .lonely ? 0.3 : 0.7)
        if fxRng.chance(gillRate * dt) { spawnBubble(at: agent.position - heading * 0.08, small: true) }
        if fxRng.chance(0.7 * dt) { spawnBubble(at: SIMD2(fxRng.uniform(-aspect, aspect), -1.05), small: false) }

        for j in ripples.indices { ripples[j].age += dt }
        ripples.removeAll { $0.age > Ripple.life }
        for j in snow.indices {
            var f = snow[j]
            f.position.y -= f.fall * dt
            f.position.x += sin(time * 0.4 + f.swayPhase) * 0.006 * dt
            if f.position.y < -2 { f.position.y += 4 }
            snow[j] = f
        }
        for j in trail.indices { trail[j].age += dt }
        trail.removeAll { $0.age > TrailPoint.life }
        // The trail follows the tail end of the body; denser when fast.
        let tail = spine.joints[spine.count - 4]
        if trail.isEmpty || (trail[trail.count - 1].position - tail).length > 0.01 {
            if trail.count < 160 { trail.append(TrailPoint(position: tail)) }
        }
    }
}
