import Mind

/// The fixed simulation step: 60 steps per second, step n at time n / 60 exactly.
public enum FixedStep {
    public static let rate = 60
    public static let dt = 1.0 / 60

    /// The time of step `n` (computed from the index, so no error accumulates).
    @inline(__always)
    public static func time(_ n: Int) -> Double { Double(n) / Double(rate) }

    /// The last step at or before frame `frame` at `fps`, and how far (0 ..< 1) the frame lies
    /// between that step and the next: the weight for interpolated rendering. Integer
    /// arithmetic, so frame k maps to the same step however it is reached.
    public static func position(frame: Int, fps: Int) -> (step: Int, alpha: Double) {
        let scaled = frame * rate
        return (scaled / fps, Double(scaled % fps) / Double(fps))
    }
}

/// Small helpers on the seeded generator that Mind provides.
extension SplitMix64 {
    /// A uniform Double in [a, b).
    @inline(__always)
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * nextUnit() }

    /// A uniform Float in [a, b).
    @inline(__always)
    public mutating func uniformF(_ a: Float, _ b: Float) -> Float { a + (b - a) * Float(nextUnit()) }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { nextUnit() < p }
}

/// Linear interpolation.
@inline(__always)
public func mix(_ a: Double, _ b: Double, _ t: Double) -> Double { a + (b - a) * t }

@inline(__always)
public func mix(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ t: Double) -> SIMD2<Double> { a + (b - a) * t }

@inline(__always)
public func clamp01(_ x: Double) -> Double { min(1, max(0, x)) }

@inline(__always)
public func smoothstep(_ e0: Double, _ e1: Double, _ x: Double) -> Double {
    let t = clamp01((x - e0) / (e1 - e0))
    return t * t * (3 - 2 * t)
}

extension SIMD2 where Scalar == Double {
    @inline(__always) public var length: Double { (x * x + y * y).squareRoot() }
    @inline(__always) public var normalized: SIMD2<Double> {
        let l = length
        return l > 1e-12 ? self / l : .zero
    }
    /// This vector with its length clamped to `limit`.
    @inline(__always) public func limited(_ limit: Double) -> SIMD2<Double> {
        let l = length
        return l > limit && l > 0 ? self * (limit / l) : self
    }
    /// Rotated 90° counter-clockwise.
    @inline(__always) public var perpendicular: SIMD2<Double> { SIMD2(-y, x) }
}
