/// Homogeneous clipping (Sutherland–Hodgman) of one triangle against the planes its vertices
/// are outside of: near, far, the guard band in x and y, and a minimum w. Clipping happens in
/// clip space, before the divide by w, where attributes are still linear.
struct Clipper {
    /// Enough for a triangle clipped by 7 planes (3 + 7 vertices), twice, for ping-pong.
    private var a = [ScreenVertex](repeating: ScreenVertex.zero, count: 12)
    private var b = [ScreenVertex](repeating: ScreenVertex.zero, count: 12)

    @inline(__always)
    private static func distance(_ p: SIMD4<Float>, plane: UInt32, _ vp: Viewport) -> Float {
        switch plane {
        case Outcode.near: return p.z + p.w
        case Outcode.far: return p.w - p.z
        case Outcode.guardLeft: return p.x + vp.guardX * p.w
        case Outcode.guardRight: return vp.guardX * p.w - p.x
        case Outcode.guardBottom: return p.y + vp.guardY * p.w
        case Outcode.guardTop: return vp.guardY * p.w - p.y
        default: return p.w - Viewport.minW
        }
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
                let dp = Self.distance(p.clip, plane: plane, viewport)
                let dq = Self.distance(q.clip, plane: plane, viewport)
                if dp >= 0 { b[out] = p; out += 1 }
                if (dp >= 0) != (dq >= 0) {
                    let t = dp / (dp - dq)
                    var v = p
                    v.clip = p.clip + (q.clip - p.clip) * t
                    v.varyings = p.varyings + (q.varyings - p.varyings) * t
                    b[out] = v; out += 1
                }
            }
            swap(&a, &b)
            count = out
            if count < 3 { return }
        }
        for i in 0..<count { viewport.project(&a[i]) }
        for i in 1..<(count - 1) { emit(a[0], a[i], a[i + 1]) }
    }
}

extension ScreenVertex {
    static let zero = ScreenVertex(clip: .zero, varyings: .zero, x: 0, y: 0, z: 0, oow: 0, outcode: 0)
}
