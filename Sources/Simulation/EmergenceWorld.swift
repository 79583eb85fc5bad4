import Mind
import RealModule
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// What the emergence world reads from the mind at each step.
public struct EmergenceInput: Sendable {
    public var stage: Int
    public var corruption: Int
    public var pressure: Double
    /// Mind's glitch amount 0...1 (corruption and pressure combined).
    public var glitch: Double
    public var trust: Double

    public init(stage: Int, corruption: Int = 0, pressure: Double = 0, glitch: Double = 0, trust: Double = 0) {
        self.stage = stage
        self.corruption = corruption
        self.pressure = pressure
        self.glitch = glitch
        self.trust = trust
    }
}

/// The emergence world: a data orb that expands and streams particles onto the surface of a
/// procedural figure, stage by stage.
///
/// Particle positions are a closed-form function of time and of a few smoothed values that
/// `step` advances, so any frame can be drawn from the state at its step without replaying
/// particles one by one. Each particle has a delay (when it leaves the orb), a rank (at which
/// stage it joins the figure) and a target on the figure's surface, sampled by area.
public struct EmergenceWorld: Sendable {
    /// The original reveal's length; its phases are in normalised time over it.
    public static let revealDuration = 2.0
    public static let orbExpansion = Phase(0, 0.3)
    public static let emission = Phase(0.2, 0.8)
    public static let characterScale = Phase(0.4, 1.0)
    public static let lighting = Phase(0.3, 0.9)
    /// Where the orb hangs, and the point the figure scales about.
    public static let orbCentre = SIMD3<Float>(0, 1.15, 0)
    public static let pivot = SIMD3<Float>(0, 0.9, 0)
    /// The share of particles on the figure at each stage 1...5.
    public static let assembled: [Double] = [0.34, 0.55, 0.74, 0.9, 1.0]
    static let ringRadius: [Float] = [0.72, 0.95, 0.62]
    static let ringHeight: [Float] = [0.45, 1.05, 1.62]

    public let count: Int
    public private(set) var time = 0.0
    /// The stage, eased toward the mind's stage so the morph is gradual.
    public private(set) var stage = 1.0
    /// Smoothed glitch (0...1) and pressure from the mind.
    public private(set) var glitch = 0.0
    public private(set) var pressure = 0.0
    /// A burst of corruption after a wrong answer, and a flash after a right one (decay to 0).
    public private(set) var burst = 0.0
    public private(set) var flash = 0.0
    public let seed: UInt64

    // Per particle (structure of arrays).
    public private(set) var target: [SIMD3<Float>] = []
    public private(set) var normal: [SIMD3<Float>] = []
    public private(set) var direction: [SIMD3<Float>] = []
    /// x: delay 0...1, y: rank 0...1, z: phase 0...2π, w: orbit radius.
    public private(set) var params: [SIMD4<Float>] = []

    public static func particleCount(_ richness: Richness) -> Int {
        switch richness {
        case .minimal: return 12_000
        case .standard: return 30_000
        case .rich: return 50_000
        }
    }

    public init(seed: UInt64, richness: Richness = .standard, count: Int? = nil, stage: Int = 1) {
        self.seed = seed
        self.count = count ?? Self.particleCount(richness)
        self.stage = Double(stage)
        var rng = SplitMix64(seed: seed ^ 0xE0E1_26E4_CE00_0002)
        let samples = Figure.humanoid.sampleSurface(count: self.count, rng: &rng)
        target.reserveCapacity(self.count); normal.reserveCapacity(self.count)
        direction.reserveCapacity(self.count); params.reserveCapacity(self.count)
        var particles: [(target: SIMD3<Float>, normal: SIMD3<Float>, direction: SIMD3<Float>, params: SIMD4<Float>)] = []
        particles.reserveCapacity(self.count)
        for s in samples {
            let d = Primitive.unitVector(&rng)
            // Particles leave the orb top-down-ish: lower targets a little later, plus noise.
            let delay = min(1, max(0, 0.75 * rng.nextUnit() + 0.25 * (1 - s.point.y / 1.8)))
            let p = SIMD4(Float(delay), Float(rng.nextUnit()), Float(rng.uniform(0, 2 * Double.pi)), Float(rng.uniform(0.55, 1.25)))
            particles.append((SIMD3<Float>(s.point), SIMD3<Float>(s.normal), SIMD3<Float>(d), p))
        }
        // Sorted by rank, so the particles on the figure at any stage are a prefix (index <
        // `figureCount`); equal ranks keep their sampling order.
        let order = particles.indices.sorted {
            particles[$0].params.y < particles[$1].params.y || (particles[$0].params.y == particles[$1].params.y && $0 < $1)
        }
        for i in order {
            target.append(particles[i].target)
            normal.append(particles[i].normal)
            direction.append(particles[i].direction)
            params.append(particles[i].params)
        }
    }

    /// Advances one fixed step: eases toward the mind's values and reacts to answers.
    public mutating func step<S: Sequence>(dt: Double, input: EmergenceInput, stimuli: S) where S.Element == Stimulus {
        time += dt
        for s in stimuli {
            if case let .answer(correct) = s {
                if correct { flash = 1 } else { burst = 1 }
            }
        }
        let k = 1 - exp(-dt / 1.1)
        stage += (Double(min(5, max(1, input.stage))) - stage) * k
        glitch += (input.glitch - glitch) * (1 - exp(-dt / 0.25))
        pressure += (input.pressure - pressure) * (1 - exp(-dt / 0.25))
        burst *= exp(-dt / 0.45)
        flash *= exp(-dt / 0.6)
    }

    /// Normalised reveal time.
    public func reveal(at t: Double) -> Double { t / Self.revealDuration }

    /// The orb's radius at time t: it grows with an overshoot, then gives its mass to the streams.
    public func orbRadius(at t: Double) -> Double {
        let u = reveal(at: t)
        return 0.3 * Easing.easeOutBack(Self.orbExpansion.progress(u)) * (1 - 0.7 * Self.emission.progress(u))
    }

    /// The figure's scale at time t (0.4 → 1 with an elastic settle).
    public func characterScale(at t: Double) -> Double {
        0.4 + 0.6 * Easing.easeOutElastic(Self.characterScale.progress(reveal(at: t)))
    }

    /// The light level at time t (0.25 → 1).
    public func light(at t: Double) -> Double {
        0.25 + 0.75 * Easing.easeInOutSine(Self.lighting.progress(reveal(at: t)))
    }

    /// The total glitch the picture should show now: the mind's value plus the answer burst.
    public var glitchAmount: Double { min(1, glitch + 0.6 * burst) }

    /// Fraction of the particles on the figure at the current (smoothed) stage.
    public var assembledFraction: Double {
        let s = min(5, max(1, stage))
        let i = min(3, Int(s) - 1)
        return mix(Self.assembled[i], Self.assembled[i + 1], s - Double(i + 1))
    }

    /// How many particles (a prefix, by rank) rest on the figure rather than in the rings.
    public var figureCount: Int {
        let f = Float(assembledFraction)
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if params[mid].y < f { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Particle kinds, as `particles(at:eye:positions:brightness:kinds:)` reports them.
    public enum Kind: UInt8 { case figure = 0, stream = 1, glitched = 2 }

    /// Every particle's position, brightness and kind at time `t` (a convenience over the
    /// ranged version, for tests and tools).
    public func particles(at t: Double, eye: SIMD3<Float>, positions: inout [SIMD3<Float>],
                          brightness: inout [Float], kinds: inout [UInt8]) {
        positions = [SIMD3<Float>](repeating: .zero, count: count)
        brightness = [Float](repeating: 0, count: count)
        kinds = [UInt8](repeating: 0, count: count)
        let figure = figureCount
        let u = reveal(at: t)
        positions.withUnsafeMutableBufferPointer { p in
            brightness.withUnsafeMutableBufferPointer { b in
                kinds.withUnsafeMutableBufferPointer { k in
                    particles(at: t, eye: eye, range: 0..<count, positions: p.baseAddress!, brightness: b.baseAddress!, glitched: k.baseAddress!)
                    for i in 0..<count {
                        let arrived = u >= 0.2 + 0.5 * Double(params[i].x) + 0.12
                        k[i] = k[i] != 0 ? Kind.glitched.rawValue : (i < figure && arrived ? Kind.figure.rawValue : Kind.stream.rawValue)
                    }
                }
            }
        }
    }

    /// Writes particles `range` into `positions`, `brightness` and `glitched` (1 when a glitch
    /// band displaced it) at the same indices, at time `t` (which may lie between steps), for a
    /// camera at `eye` (the hologram rim brightens surfaces seen edge-on). Each particle is
    /// independent, so callers may split the range across threads and get the same bytes.
    ///
    /// `surface`, when given, replaces the figure's targets and normals (one of each per
    /// particle, in particle order): a character's skinned surface at time `t`.
    public func particles(at t: Double, eye: SIMD3<Float>, range: Range<Int>, positions: UnsafeMutablePointer<SIMD3<Float>>,
                          brightness: UnsafeMutablePointer<Float>, glitched: UnsafeMutablePointer<UInt8>,
                          surface: ParticleSurface? = nil) {
        let u = Float(reveal(at: t))
        let orbR = Float(orbRadius(at: t))
        let scale = Float(characterScale(at: t))
        let lightLevel = Float(light(at: t))
        let fraction = Float(assembledFraction)
        let tf = Float(t.truncatingRemainder(dividingBy: 3600))
        let g = Float(glitchAmount)
        let bucket = UInt64(max(0, t * 12))
        let sweepY = Float((t * 0.55).truncatingRemainder(dividingBy: 1)) * 2.3 - 0.2
        let spin = tf * 0.6
        let cs = Float.cos(spin), sn = Float.sin(spin)
        let orb = Self.orbCentre, pivot = Self.pivot
        let flashF = Float(flash)
        let figure = figureCount
        let ringRadius = Self.ringRadius, ringHeight = Self.ringHeight
        let towardEye = eye - pivot
        let view = towardEye / max((towardEye * towardEye).sum().squareRoot(), 1e-6)
        let targets = surface?.targets ?? target, normals = surface?.normals ?? normal
        precondition(targets.count == count && normals.count == count, "one surface point per particle")
        targets.withUnsafeBufferPointer { tg in
        normals.withUnsafeBufferPointer { nm in
        direction.withUnsafeBufferPointer { dr in
        params.withUnsafeBufferPointer { pr in
            // Eight particles at a time, then the rest one by one (the same arithmetic).
            var lanesEnd = range.lowerBound
            if range.count >= 8 {
                lanesEnd = range.lowerBound + range.count / 8 * 8
                let frame = ParticleFrame(
                    u: u, orbR: orbR, scale: scale, lightLevel: lightLevel, fraction: fraction, tf: tf, g: g, bucket: bucket,
                    sweepY: sweepY, cs: cs, sn: sn, orb: orb, pivot: pivot, flash: flashF, figure: figure, view: view, seed: seed)
                var i = range.lowerBound
                while i < lanesEnd {
                    particles8(i, frame, target: tg.baseAddress!, normal: nm.baseAddress!, direction: dr.baseAddress!,
                               params: pr.baseAddress!, positions: positions, brightness: brightness, glitched: glitched)
                    i += 8
                }
            }
            for i in lanesEnd..<range.upperBound {
                let p = pr[i]
                let delay = p.x, rank = p.y, phase = p.z, radius = p.w
                // Where it rests: on the figure, or circling it in a data ring.
                let onFigure = min(1, max(0, (fraction - rank) / 0.05 + 0.5))
                var figurePoint = pivot + (tg[i] - pivot) * scale
                figurePoint += nm[i] * (0.006 * fastSin(tf * 3 + phase))
                var rest = figurePoint
                if onFigure < 1 {
                    // Data rings: three tilted bands circling the figure in alternate directions.
                    let band = min(2, Int((radius - 0.55) * 4.3))
                    let jitter = (radius - 0.55) * 4.3 - Float(band)
                    let turn: Float = band == 1 ? -1 : 1
                    let theta = phase + turn * tf * (0.45 + 0.1 * Float(band))
                    let ringR = ringRadius[band] + 0.09 * (jitter - 0.5)
                    let height = ringHeight[band] + 0.14 * fastSin(theta + Float(band) * 2.1)
                        + 0.035 * (jitter - 0.5) + 0.02 * fastSin(tf * 1.7 + phase * 5)
                    let streamPoint = SIMD3<Float>(fastCos(theta) * ringR, height, fastSin(theta) * ringR)
                    rest = streamPoint + (figurePoint - streamPoint) * onFigure
                }
                // The reveal: from the spinning orb to the resting point, along an arc.
                let leave: Float = 0.2 + 0.5 * delay
                var m = min(1, max(0, (u - leave) / 0.12))
                var pos = rest
                if m < 1 {
                    let d = dr[i]
                    let spun = SIMD3<Float>(cs * d.x + sn * d.z, d.y, -sn * d.x + cs * d.z)
                    let start = orb + spun * orbR * (0.85 + 0.15 * rank)
                    m = m < 0.5 ? 4 * m * m * m : 1 - (2 - 2 * m) * (2 - 2 * m) * (2 - 2 * m) / 2
                    let arc = fastSin(Float.pi * m) * 0.35
                    pos = start + (rest - start) * m
                    pos += SIMD3<Float>(spun.z, 0.3, -spun.x) * arc
                }
                // Brightness: scanlines, a sweeping band, a fresnel-like rim and the light level.
                var b: Float = 0.62 + 0.38 * fastSin(pos.y * 140 - tf * 5)
                let dy = pos.y - sweepY
                b += 1.6 / (1 + dy * dy * 900)
                if i < figure && m >= 1 {
                    // The view direction toward the figure's centre serves every particle: the
                    // figure is small in the frame, and this saves a square root per particle.
                    let facing = abs((nm[i] * view).sum())
                    b *= 0.45 + 1.3 * (1 - facing) * (1 - facing)
                    b *= lightLevel
                } else {
                    b *= 0.55 + 0.45 * (1 - m)
                }
                b *= 1 + 1.5 * flashF
                // Glitch: horizontal bands jump sideways, in steps of a twelfth of a second.
                var hit: UInt8 = 0
                if g > 0.01 {
                    let band = UInt64(bitPattern: Int64((pos.y * 22).rounded(.down)))
                    let h = SplitMix64.mix(seed &+ band &* 0x9E37_79B9 &+ bucket &* 0x85EB_CA6B)
                    let r0 = Float(h & 0xFFFF) / 65536, r1 = Float((h >> 16) & 0xFFFF) / 65536
                    if r0 < g * 0.4 {
                        pos.x += (r1 - 0.5) * 0.35 * g
                        hit = 1
                    }
                }
                positions[i] = pos
                brightness[i] = b
                glitched[i] = hit
            }
        }}}}
    }
}

/// Where particles rest instead of the figure's surface (`EmergenceWorld.particles`): a
/// point and a unit normal per particle, in the figure's space (feet at y = 0, about 1.8 tall,
/// facing +z).
public struct ParticleSurface: Sendable {
    public var targets: [SIMD3<Float>]
    public var normals: [SIMD3<Float>]

    public init(targets: [SIMD3<Float>], normals: [SIMD3<Float>]) {
        self.targets = targets
        self.normals = normals
    }
}
