/// Homogeneous clipping (Sutherland–Hodgman) of one triangle against the planes its vertices
/// are outside of: near, far, the guard band in x and y, and a minimum w. Clipping happens in
/// clip space, before the divide by w, where attributes are still linear.
struct Clipper {
    /// Enough for a triangle clipped by 7 planes (3 + 7 vertices), twice, for ping-pong.
    private var a = [ScreenVertex](repeating: ScreenVertex.zero, count: 12)
    private var b = [ScreenVertex](repeating: ScreenVertex.zero, count: 12)

    /// Signed distance to a plane, in Double: Float input up to 3e38 neither overflows nor
    /// cancels as badly here.
    @inline(__always)
    private static func distance(_ p: SIMD4<Double>, plane: UInt32, _ vp: Viewport) -> Double {
        switch plane {
        case Outcode.near: return p.z + p.w
        case Outcode.far: return p.w - p.z
        case Outcode.guardLeft: return p.x + Double(vp.guardX) * p.w
        case Outcode.guardRight: return Double(vp.guardX) * p.w - p.x
        case Outcode.guardBottom: return p.y + Double(vp.guardY) * p.w
        case Outcode.guardTop: return Double(vp.guardY) * p.w - p.y
        default: return p.w - Double(Viewport.minW)
        }
    }

    /// Puts the clipped coordinate exactly on the plane. Interpolation leaves it there only up
    /// to rounding, and for huge inputs that rounding can exceed the plane's offset itself.
    @inline(__always)
    private static func onPlane(_ p: SIMD4<Double>, plane: UInt32, _ vp: Viewport) -> SIMD4<Double> {
        var q = p
        switch plane {
        case Outcode.near: q.z = -q.w
        case Outcode.far: q.z = q.w
        case Outcode.guardLeft: q.x = -Double(vp.guardX) * q.w
        case Outcode.guardRight: q.x = Double(vp.guardX) * q.w
        case Outcode.guardBottom: q.y = -Double(vp.guardY) * q.w
        case Outcode.guardTop: q.y = Double(vp.guardY) * q.w
        default: q.w = max(q.w, Double(Viewport.minW))
        }
        return q
    }

    /// Clips the triangle and calls `emit` for each triangle of the resulting convex polygon
    /// (a fan), with projected vertices. `planes` is the union of the vertices' outcodes.
    mutating func clip(
        _ v0: ScreenVertex, _ v1: ScreenVertex, _ v2: ScreenVertex, planes: UInt32, viewport: Viewport,
        emit: (ScreenVertex, ScreenVertex, ScreenVertex) -> Void
    ) {
        a[0] = v0; a[1] = v1; a[2] = v2
        var count = 3
        var plane: UInt32 = 1
        while plane <= Outcode.wTooSmall {
            defer { plane <<= 1 }
            if planes & plane == 0 { continue }
            var out = 0
            for i in 0..<count {
                let p = a[i], q = a[(i + 1) % count]
                let pc = SIMD4<Double>(p.clip), qc = SIMD4<Double>(q.clip)
                let dp = Self.distance(pc, plane: plane, viewport)
                let dq = Self.distance(qc, plane: plane, viewport)
                if dp >= 0 { b[out] = p; out += 1 }
                if (dp >= 0) != (dq >= 0) {
                    // Always interpolate from the inside vertex toward the outside one: a
                    // neighbouring triangle that shares the edge then computes the very same
                    // point, which keeps clipped meshes watertight.
                    let (i, o, di, dout) = dp >= 0 ? (p, q, dp, dq) : (q, p, dq, dp)
                    let ic = SIMD4<Double>(i.clip), oc = SIMD4<Double>(o.clip)
                    let t = di / (di - dout)
                    var v = i
                    v.clip = SIMD4<Float>(Self.onPlane(ic + (oc - ic) * t, plane: plane, viewport))
                    v.varyings = SIMD4<Float>(SIMD4<Double>(i.varyings) + (SIMD4<Double>(o.varyings) - SIMD4<Double>(i.varyings)) * t)
                    b[out] = v; out += 1
                }
            }
            swap(&a, &b)
            count = out
            if count < 3 { return }
        }
        for i in 0..<count where !viewport.project(&a[i]) { return }
        for i in 1..<(count - 1) { emit(a[0], a[i], a[i + 1]) }
    }
}

extension ScreenVertex {
    static let zero = ScreenVertex(clip: .zero, varyings: .zero, x: 0, y: 0, z: 0, oow: 0, outcode: 0)
}
