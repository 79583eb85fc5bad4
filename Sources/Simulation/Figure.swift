import Mind
#if canImport(Glibc)
import Glibc
#endif

/// A solid the procedural figure is built from.
public enum Primitive: Sendable, Equatable {
    case sphere(centre: SIMD3<Double>, radius: Double)
    /// A cylinder from `a` to `b` with hemispherical ends.
    case capsule(a: SIMD3<Double>, b: SIMD3<Double>, radius: Double)
    /// An axis-aligned box.
    case box(centre: SIMD3<Double>, half: SIMD3<Double>)

    /// Surface area.
    public var area: Double {
        switch self {
        case let .sphere(_, r): return 4 * Double.pi * r * r
        case let .capsule(a, b, r):
            let h = ((b - a) * (b - a)).sum().squareRoot()
            return 2 * Double.pi * r * h + 4 * Double.pi * r * r
        case let .box(_, h): return 8 * (h.x * h.y + h.y * h.z + h.x * h.z)
        }
    }

    /// A point uniformly distributed over the surface, and the outward normal there.
    public func sample(_ rng: inout SplitMix64) -> (point: SIMD3<Double>, normal: SIMD3<Double>) {
        switch self {
        case let .sphere(c, r):
            let n = Self.unitVector(&rng)
            return (c + n * r, n)
        case let .capsule(a, b, r):
            let axis = b - a
            let h = (axis * axis).sum().squareRoot()
            let w = axis / max(h, 1e-12)
            // An orthonormal frame around the axis.
            let helper: SIMD3<Double> = abs(w.y) < 0.9 ? SIMD3(0, 1, 0) : SIMD3(1, 0, 0)
            let u = Self.normalize(Self.cross(w, helper)), v = Self.cross(w, u)
            let side = 2 * Double.pi * r * h
            if rng.uniform(0, side + 4 * Double.pi * r * r) < side {
                let phi = rng.uniform(0, 2 * Double.pi)
                let n = u * cos(phi) + v * sin(phi)
                return (a + w * rng.uniform(0, h) + n * r, n)
            }
            var n = Self.unitVector(&rng)
            let end = (n * w).sum() >= 0 ? b : a
            if end == a && (n * w).sum() > 0 || end == b && (n * w).sum() < 0 { n = -n }
            return (end + n * r, n)
        case let .box(c, h):
            let areas = [h.y * h.z, h.y * h.z, h.x * h.z, h.x * h.z, h.x * h.y, h.x * h.y]
            var pick = rng.uniform(0, areas.reduce(0, +))
            var face = 0
            while face < 5, pick >= areas[face] { pick -= areas[face]; face += 1 }
            let s = rng.uniform(-1, 1), t = rng.uniform(-1, 1)
            let sign: Double = face % 2 == 0 ? 1 : -1
            switch face / 2 {
            case 0: return (c + SIMD3(sign * h.x, s * h.y, t * h.z), SIMD3(sign, 0, 0))
            case 1: return (c + SIMD3(s * h.x, sign * h.y, t * h.z), SIMD3(0, sign, 0))
            default: return (c + SIMD3(s * h.x, t * h.y, sign * h.z), SIMD3(0, 0, sign))
            }
        }
    }

    static func unitVector(_ rng: inout SplitMix64) -> SIMD3<Double> {
        let z = rng.uniform(-1, 1), phi = rng.uniform(0, 2 * Double.pi)
        let r = (1 - z * z).squareRoot()
        return SIMD3(r * cos(phi), r * sin(phi), z)
    }

    static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    static func normalize(_ a: SIMD3<Double>) -> SIMD3<Double> { a / max((a * a).sum().squareRoot(), 1e-12) }
}

/// A procedural figure made of primitives, sampled over its surface by area.
public struct Figure: Sendable, Equatable {
    public var parts: [Primitive]

    public init(parts: [Primitive]) { self.parts = parts }

    public var area: Double { parts.reduce(0) { $0 + $1.area } }

    /// `count` points spread over the surface in proportion to each part's area: a part is
    /// chosen with probability area / total, then a point is drawn uniformly on it.
    public func sampleSurface(count: Int, rng: inout SplitMix64) -> [(point: SIMD3<Double>, normal: SIMD3<Double>)] {
        var cumulative = [Double]()
        var total = 0.0
        for p in parts { total += p.area; cumulative.append(total) }
        var out = [(point: SIMD3<Double>, normal: SIMD3<Double>)]()
        out.reserveCapacity(count)
        for _ in 0..<count {
            let pick = rng.uniform(0, total)
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > pick { hi = mid } else { lo = mid + 1 }
            }
            out.append(parts[lo].sample(&rng))
        }
        return out
    }

    /// A humanoid bot about 1.8 units tall, feet on y = 0, facing +z: a helmet with a visor,
    /// a chest plate, a capsule body and limbs.
    public static let humanoid: Figure = {
        var p: [Primitive] = [
            .sphere(centre: SIMD3(0, 1.63, 0), radius: 0.125),
            .box(centre: SIMD3(0, 1.645, 0.1), half: SIMD3(0.09, 0.025, 0.03)),
            .capsule(a: SIMD3(0, 1.44, 0), b: SIMD3(0, 1.52, 0), radius: 0.05),
            .capsule(a: SIMD3(0, 1.0, 0), b: SIMD3(0, 1.3, 0), radius: 0.17),
            .box(centre: SIMD3(0, 1.24, 0.02), half: SIMD3(0.21, 0.15, 0.12)),
            .sphere(centre: SIMD3(0, 0.93, 0), radius: 0.15),
        ]
        for s in [-1.0, 1.0] {
            p += [
                .sphere(centre: SIMD3(s * 0.25, 1.36, 0), radius: 0.075),
                .capsule(a: SIMD3(s * 0.27, 1.33, 0), b: SIMD3(s * 0.34, 1.05, 0.02), radius: 0.055),
                .capsule(a: SIMD3(s * 0.34, 1.05, 0.02), b: SIMD3(s * 0.39, 0.8, 0.08), radius: 0.045),
                .sphere(centre: SIMD3(s * 0.40, 0.75, 0.09), radius: 0.05),
                .capsule(a: SIMD3(s * 0.1, 0.88, 0), b: SIMD3(s * 0.12, 0.49, 0.01), radius: 0.078),
                .capsule(a: SIMD3(s * 0.12, 0.49, 0.01), b: SIMD3(s * 0.13, 0.09, -0.01), radius: 0.058),
                .box(centre: SIMD3(s * 0.13, 0.035, 0.05), half: SIMD3(0.05, 0.035, 0.11)),
            ]
        }
        return Figure(parts: p)
    }()
}
