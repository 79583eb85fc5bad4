#if canImport(Glibc)
import Glibc
#endif

/// The fish's body as a chain of joints that follow the head at fixed distances
/// ("follow the leader"), with a travelling wave `A(x)·sin(kx − ωt)` laid over it.
///
/// x runs from 0 at the head to 1 at the tail; `A(x)` grows toward the tail, so the head
/// stays steady and the tail sweeps, as a swimming fish does.
public struct Spine: Sendable, Equatable {
    /// Joint positions without the wave, head first.
    public private(set) var joints: [SIMD2<Double>]
    public let segmentLength: Double
    /// ωt, integrated step by step so a change of ω never makes the wave jump.
    public private(set) var phase = 0.0

    public init(head: SIMD2<Double>, direction: SIMD2<Double>, count: Int, length: Double) {
        precondition(count >= 2)
        segmentLength = length / Double(count - 1)
        let back = -direction.normalized
        joints = (0..<count).map { head + back * (Double($0) * length / Double(count - 1)) }
    }

    public var count: Int { joints.count }
    public var length: Double { segmentLength * Double(count - 1) }

    /// Moves the head to `head` and drags every joint after it at the segment length. No
    /// joint bends more than `maxBend` radians from the segment before it, so a sharp turn of
    /// the head swings the body round in a smooth arc instead of folding it.
    public mutating func follow(head: SIMD2<Double>, maxBend: Double = 0.11) {
        joints[0] = head
        let cosMax = cos(maxBend), sinMax = sin(maxBend)
        for i in 1..<joints.count {
            var d = joints[i] - joints[i - 1]
            let l = d.length
            d = l > 1e-12 ? d / l : SIMD2(-1, 0)
            if i >= 2 {
                // The direction the previous segment points in (away from the head).
                let p = (joints[i - 1] - joints[i - 2]).normalized
                let c = p.x * d.x + p.y * d.y
                if c < cosMax {
                    // Rotate p by ±maxBend toward d.
                    let side: Double = p.x * d.y - p.y * d.x >= 0 ? 1 : -1
                    d = SIMD2(p.x * cosMax - side * p.y * sinMax, side * p.x * sinMax + p.y * cosMax)
                }
            }
            joints[i] = joints[i - 1] + d * segmentLength
        }
    }

    /// Advances the wave by ω·dt.
    public mutating func advanceWave(omega: Double, dt: Double) {
        phase += omega * dt
        if phase > 2 * Double.pi * 1024 { phase -= 2 * Double.pi * 1024 }
    }

    /// The wave amplitude at x (0 head … 1 tail): small at the head, growing toward the tail.
    @inline(__always)
    public static func amplitude(_ x: Double, tailAmplitude: Double) -> Double {
        tailAmplitude * (0.12 + 0.88 * x * x)
    }

    /// Joint positions with the wave laid across the body: each joint is offset along the
    /// chain's normal by `A(x)·sin(kx − ωt)`, with k = 2π·`wavesPerBody`.
    public func waved(tailAmplitude: Double, wavesPerBody: Double = 1.0, into out: inout [SIMD2<Double>]) {
        out.removeAll(keepingCapacity: true)
        let k = 2 * Double.pi * wavesPerBody
        let n = joints.count
        for i in 0..<n {
            let x = Double(i) / Double(n - 1)
            let a = i == 0 ? joints[1] - joints[0] : joints[i] - joints[i - 1]
            let normal = SIMD2(a.y, -a.x).normalized
            let offset = Self.amplitude(x, tailAmplitude: tailAmplitude) * sin(k * x - phase)
            out.append(joints[i] + normal * offset)
        }
    }
}
