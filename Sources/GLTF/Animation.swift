#if canImport(Glibc)
import Glibc
#endif

extension GLTFAnimation {
    /// Writes the clip's values at `time` seconds into `pose` (start from the model's
    /// `restPose`): only the animated properties change. Before the first keyframe a
    /// channel holds its first value, after the last its last; with `looping`, time is
    /// taken modulo `duration` first. Rotations come out unit length. No allocation.
    public func sample(at time: Float, into pose: inout GLTFPose, looping: Bool = false) {
        var t = time.isFinite ? time : 0
        if looping, duration > 0 {
            t = t.truncatingRemainder(dividingBy: duration)
            if t < 0 { t += duration }
        }
        for channel in channels { channel.sample(at: t, into: &pose) }
    }
}

extension GLTFChannel {
    /// The keyframe span holding `t`: (k, u) with t between times[k] and times[k + 1] at
    /// fraction u, clamped to the ends.
    func span(_ t: Float) -> (k: Int, u: Float, dt: Float) {
        let n = times.count
        if n == 1 || t <= times[0] { return (0, 0, 0) }
        if t >= times[n - 1] { return (n - 1, 0, 0) }
        var lo = 0, hi = n - 1 // times[lo] <= t < times[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid } else { hi = mid }
        }
        let dt = times[hi] - times[lo]
        return (lo, dt > 0 ? (t - times[lo]) / dt : 0, dt)
    }

    /// Component j of the value at keyframe k (the middle of the triple for CUBICSPLINE).
    @inline(__always) func value(_ k: Int, _ j: Int) -> Float {
        interpolation == .cubicSpline ? values[(3 * k + 1) * width + j] : values[k * width + j]
    }

    /// Component j at `t` for translation, scale and weights.
    @inline(__always) func component(_ s: (k: Int, u: Float, dt: Float), _ j: Int) -> Float {
        let (k, u, dt) = s
        if u == 0 || interpolation == .step { return value(k, j) }
        let a = value(k, j), b = value(k + 1, j)
        if interpolation == .linear { return a + (b - a) * u }
        // Cubic Hermite (spec appendix C): out-tangent of k, in-tangent of k + 1, times dt.
        let m0 = values[(3 * k + 2) * width + j] * dt, m1 = values[(3 * (k + 1)) * width + j] * dt
        let u2 = u * u, u3 = u2 * u
        return (2 * u3 - 3 * u2 + 1) * a + (u3 - 2 * u2 + u) * m0 + (-2 * u3 + 3 * u2) * b + (u3 - u2) * m1
    }

    func sample(at t: Float, into pose: inout GLTFPose) {
        let s = span(t)
        switch path {
        case .translation:
            pose.transforms[node].translation = SIMD3(component(s, 0), component(s, 1), component(s, 2))
        case .scale:
            pose.transforms[node].scale = SIMD3(component(s, 0), component(s, 1), component(s, 2))
        case .rotation:
            var q: SIMD4<Float>
            if interpolation == .linear, s.u > 0 {
                q = slerp(SIMD4(value(s.k, 0), value(s.k, 1), value(s.k, 2), value(s.k, 3)),
                          SIMD4(value(s.k + 1, 0), value(s.k + 1, 1), value(s.k + 1, 2), value(s.k + 1, 3)), s.u)
            } else {
                q = SIMD4(component(s, 0), component(s, 1), component(s, 2), component(s, 3))
            }
            let l = (q * q).sum().squareRoot()
            if l > 1e-12 { pose.transforms[node].rotation = q / l }
        case .weights:
            let n = min(width, pose.weights[node].count)
            for j in 0..<n { pose.weights[node][j] = component(s, j) }
        }
    }
}

extension GLTFModel {
    /// The rest pose with clip `animation` sampled at `time` seconds.
    public func pose(animation: Int, at time: Float, looping: Bool = false) -> GLTFPose {
        var pose = restPose
        animations[animation].sample(at: time, into: &pose, looping: looping)
        return pose
    }
}
