import Mind
#if canImport(Glibc)
import Glibc
#endif

/// A point mass steered by Reynolds' behaviours: each behaviour returns a steering force
/// (desired velocity − velocity, limited to `maxForce`), the caller sums them and integrates.
public struct Agent: Sendable, Equatable {
    public var position: SIMD2<Double>
    public var velocity: SIMD2<Double>
    public var maxSpeed: Double
    public var maxForce: Double

    public init(position: SIMD2<Double>, velocity: SIMD2<Double> = .zero, maxSpeed: Double, maxForce: Double) {
        self.position = position
        self.velocity = velocity
        self.maxSpeed = maxSpeed
        self.maxForce = maxForce
    }

    /// Steer straight toward `target` at full speed.
    public func seek(_ target: SIMD2<Double>) -> SIMD2<Double> {
        let desired = (target - position).normalized * maxSpeed
        return (desired - velocity).limited(maxForce)
    }

    /// Steer directly away from `threat` when it is closer than `radius` (zero otherwise);
    /// the closer, the stronger.
    public func flee(_ threat: SIMD2<Double>, radius: Double) -> SIMD2<Double> {
        let away = position - threat
        let d = away.length
        guard d < radius else { return .zero }
        let desired = away.normalized * maxSpeed
        return (desired - velocity).limited(maxForce) * (1 - d / radius + 0.25)
    }

    /// Seek that slows down inside `slowRadius` and stops at `standOff` from the target.
    public func arrive(_ target: SIMD2<Double>, slowRadius: Double, standOff: Double = 0) -> SIMD2<Double> {
        let offset = target - position
        let d = offset.length
        let remaining = max(0, d - standOff)
        let speed = remaining < slowRadius ? maxSpeed * remaining / slowRadius : maxSpeed
        let desired = offset.normalized * speed
        return (desired - velocity).limited(maxForce)
    }

    /// Reynolds' wander: a target on a circle ahead of the agent whose angle drifts randomly.
    public func wander(angle: inout Double, rng: inout SplitMix64, distance: Double = 0.35,
                       radius: Double = 0.18, jitter: Double = 0.25) -> SIMD2<Double> {
        angle += rng.uniform(-jitter, jitter)
        let heading = velocity.length > 1e-6 ? velocity.normalized : SIMD2(1, 0)
        let centre = position + heading * distance
        let target = centre + SIMD2(cos(angle), sin(angle)) * radius
        return seek(target)
    }

    /// A force that pushes the agent back inside `bounds` when within `margin` of an edge.
    public func contain(min lo: SIMD2<Double>, max hi: SIMD2<Double>, margin: Double) -> SIMD2<Double> {
        var desired = velocity
        var outside = false
        if position.x < lo.x + margin { desired.x = maxSpeed; outside = true }
        if position.x > hi.x - margin { desired.x = -maxSpeed; outside = true }
        if position.y < lo.y + margin { desired.y = maxSpeed; outside = true }
        if position.y > hi.y - margin { desired.y = -maxSpeed; outside = true }
        return outside ? (desired - velocity).limited(maxForce * 2) : .zero
    }

    /// Integrates `force` over `dt` with the current `maxSpeed` and a little drag.
    public mutating func integrate(_ force: SIMD2<Double>, dt: Double, drag: Double = 0.6) {
        velocity += force * dt
        velocity *= exp(-drag * dt)
        velocity = velocity.limited(maxSpeed)
        position += velocity * dt
    }
}

/// Darts: short bursts of speed, never closer together than `cooldown` seconds.
public struct Darts: Sendable, Equatable {
    public var cooldown: Double
    public var duration: Double
    /// Seconds until another dart may start.
    public private(set) var cooldownLeft = 0.0
    /// Seconds left in the current dart (0 when not darting).
    public private(set) var activeLeft = 0.0
    /// The dart's direction.
    public private(set) var direction = SIMD2<Double>(1, 0)

    public init(cooldown: Double = 2.5, duration: Double = 0.35) {
        self.cooldown = cooldown
        self.duration = duration
    }

    public var isActive: Bool { activeLeft > 0 }

    /// 0...1: how strong the burst is now (peaks at the start, eases out).
    public var strength: Double { activeLeft > 0 ? activeLeft / duration : 0 }

    /// Starts a dart toward `direction` if the cooldown allows; returns whether it started.
    @discardableResult
    public mutating func start(toward direction: SIMD2<Double>) -> Bool {
        guard cooldownLeft <= 0, direction.length > 1e-9 else { return false }
        self.direction = direction.normalized
        activeLeft = duration
        cooldownLeft = cooldown
        return true
    }

    public mutating func advance(_ dt: Double) {
        activeLeft = max(0, activeLeft - dt)
        cooldownLeft = max(0, cooldownLeft - dt)
    }
}
