import Mind
#if canImport(Glibc)
import Glibc
#endif

/// Easing curves over t in 0...1 (Robert Penner's set, as the original scenes used them).
public enum Easing: String, CaseIterable, Sendable {
    case linear, easeInOutSine, easeOutCubic, easeInOutCubic, easeOutQuint, easeOutElastic, easeOutBack

    public func callAsFunction(_ t: Double) -> Double {
        let t = clamp01(t)
        switch self {
        case .linear: return t
        case .easeInOutSine: return -(cos(Double.pi * t) - 1) / 2
        case .easeOutCubic: return 1 - pow(1 - t, 3)
        case .easeInOutCubic: return t < 0.5 ? 4 * t * t * t : 1 - pow(-2 * t + 2, 3) / 2
        case .easeOutQuint: return 1 - pow(1 - t, 5)
        case .easeOutElastic:
            if t == 0 || t == 1 { return t }
            let c4 = 2 * Double.pi / 3
            return pow(2, -10 * t) * sin((t * 10 - 0.75) * c4) + 1
        case .easeOutBack:
            let c1 = 1.70158, c3 = c1 + 1
            return 1 + c3 * pow(t - 1, 3) + c1 * pow(t - 1, 2)
        }
    }
}

/// A phase of a normalised timeline: `progress(t)` is 0 before `start`, 1 after `end`.
public struct Phase: Sendable {
    public var start: Double, end: Double
    public init(_ start: Double, _ end: Double) { self.start = start; self.end = end }
    public func progress(_ t: Double) -> Double { clamp01((t - start) / (end - start)) }
}

/// A fast sine for per-particle shimmer (not for physics): reduces x to [−π, π] and applies a
/// 7th-order odd polynomial (max error about 1e-4 over the range). Deterministic: plain
/// arithmetic, no libm.
@inline(__always)
public func fastSin(_ x: Float) -> Float {
    let twoPi: Float = 6.283_185_307
    var r = x - twoPi * (x * (1 / twoPi)).rounded(.toNearestOrEven)
    // Fold into [−π/2, π/2] without a branch: sin(π − r) = sin(r) for r > 0, and alike below.
    let halfPi: Float = 1.570_796_327
    r = Float(signOf: r, magnitudeOf: halfPi - abs(halfPi - abs(r)))
    let r2 = r * r
    return r * (1 + r2 * (-0.166_666_67 + r2 * (0.008_333_17 + r2 * -0.000_198_409)))
}

/// cos(x) through `fastSin`.
@inline(__always)
public func fastCos(_ x: Float) -> Float { fastSin(x + 1.570_796_327) }
