import RasterKernels

/// The back end: draws binned triangles into one 64×64 tile.
///
/// A triangle's pixels inside the tile are visited in 8×8 blocks. Each block is first
/// classified against the three edges with the exact integer edge values at its corners:
/// outside any edge → skipped; inside all → shaded with no per-pixel test; otherwise each row
/// of 8 pixels gets a coverage mask from the edge values in Int32 SIMD lanes. Shading, the
/// depth test and blending then run on the 8 pixels of the row at once.
struct TileRasterizer {
    /// Colour and depth planes of this tile (see `RenderTarget`).
    let base: UnsafeMutablePointer<Float>
    /// Tile bounds in pixels: [x0, x1) × [y0, y1), clipped to the image.
    let x0: Int, y0: Int, x1: Int, y1: Int
    /// Image width: lanes at or beyond it are masked off.
    let imageWidth: Int
    /// Fragments that passed coverage and depth and were blended.
    var fragments: Int = 0

    static let laneF = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
    static let laneI = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)

    mutating func draw(_ t: UnsafePointer<Triangle>, _ d: UnsafePointer<DrawInfo>) {
        switch d.pointee.kernel {
        case .color: rasterize(t, d, ColorKernel.self)
        case .glow: rasterize(t, d, GlowKernel.self)
        case .textured: rasterize(t, d, TexturedKernel.self)
        }
    }

    @inline(__always)
    private mutating func rasterize<K: FragmentKernel>(
        _ tp: UnsafePointer<Triangle>, _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type
    ) {
        let t = tp.pointee
        let xs = max(Int(t.x0), x0), xe = min(Int(t.x1), x1 - 1)
        let ys = max(Int(t.y0), y0), ye = min(Int(t.y1), y1 - 1)
        if xs > xe || ys > ye { return }
        let tx = Int64(t.x0), ty = Int64(t.y0)
        let a = (Int64(t.a0), Int64(t.a1), Int64(t.a2))
        let b = (Int64(t.b0), Int64(t.b1), Int64(t.b2))
        // Corner offsets that give each edge's max and min over an 8×8 block.
        let hiA = (max(a.0, 0) * 7, max(a.1, 0) * 7, max(a.2, 0) * 7)
        let hiB = (max(b.0, 0) * 7, max(b.1, 0) * 7, max(b.2, 0) * 7)
        let loA = (min(a.0, 0) * 7, min(a.1, 0) * 7, min(a.2, 0) * 7)
        let loB = (min(b.0, 0) * 7, min(b.1, 0) * 7, min(b.2, 0) * 7)

        var by = ys & ~7
        while by <= ye {
            let rowStart = max(by, ys), rowEnd = min(by + 7, ye)
            var bx = xs & ~7
            while bx <= xe {
                defer { bx += 8 }
                let ox = Int64(bx) - tx, oy = Int64(by) - ty
                let f0 = t.f0 + a.0 * ox + b.0 * oy
                let f1 = t.f1 + a.1 * ox + b.1 * oy
                let f2 = t.f2 + a.2 * ox + b.2 * oy
                if f0 + hiA.0 + hiB.0 < 0 || f1 + hiA.1 + hiB.1 < 0 || f2 + hiA.2 + hiB.2 < 0 { continue }
                let in0 = f0 + loA.0 + loB.0 >= 0
                let in1 = f1 + loA.1 + loB.1 >= 0
                let in2 = f2 + loA.2 + loB.2 >= 0
                var scissor = SIMD8<Int32>(repeating: -1)
                if bx + 8 > imageWidth {
                    scissor = pp_lt8(pp_toFloat8(Self.laneI), SIMD8(repeating: Float(imageWidth - bx)))
                }
                if in0 && in1 && in2 {
                    for y in rowStart...rowEnd {
                        shadeRow(t, dp, K.self, x: bx, y: y, mask: scissor)
                    }
                } else {
                    // Edges that are inside the whole block contribute 0 (always inside); the
                    // others are small here (|f| ≤ 7·(|a| + |b|) < 2^27) and fit Int32 lanes.
                    var e0 = in0 ? SIMD8<Int32>.zero : SIMD8(repeating: Int32(truncatingIfNeeded: f0 + b.0 * Int64(rowStart - by))) &+ Int32(truncatingIfNeeded: a.0) &* Self.laneI
                    var e1 = in1 ? SIMD8<Int32>.zero : SIMD8(repeating: Int32(truncatingIfNeeded: f1 + b.1 * Int64(rowStart - by))) &+ Int32(truncatingIfNeeded: a.1) &* Self.laneI
                    var e2 = in2 ? SIMD8<Int32>.zero : SIMD8(repeating: Int32(truncatingIfNeeded: f2 + b.2 * Int64(rowStart - by))) &+ Int32(truncatingIfNeeded: a.2) &* Self.laneI
                    let s0 = in0 ? 0 : Int32(truncatingIfNeeded: b.0)
                    let s1 = in1 ? 0 : Int32(truncatingIfNeeded: b.1)
                    let s2 = in2 ? 0 : Int32(truncatingIfNeeded: b.2)
                    for y in rowStart...rowEnd {
                        let outside = (e0 | e1 | e2) &>> 31
                        let mask = ~outside & scissor
                        if pp_signbits8(mask) != 0 {
                            shadeRow(t, dp, K.self, x: bx, y: y, mask: mask)
                        }
                        e0 &+= s0
                        e1 &+= s1
                        e2 &+= s2
                    }
                }
            }
            by += 8
        }
    }

    /// Shades, depth-tests and blends the 8 pixels at (x…x+7, y) where `mask` is -1.
    @inline(__always)
    private mutating func shadeRow<K: FragmentKernel>(
        _ t: Triangle, _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, x: Int, y: Int, mask coverage: SIMD8<Int32>
    ) {
        let n = RenderTarget.planeStride
        let p = base + (y - y0) * RenderTarget.tileSize + (x - x0)
        let lx = Self.laneF + Float(x - Int(t.x0))
        let ly = Float(y - Int(t.y0))
        // Plane values at the start of this row: lane k = plane k.
        var row = t.c
        row.addProduct(t.gy, ly)
        var mask = coverage

        let depthTest = dp.pointee.depthTest
        let depthWrite = dp.pointee.depthWrite
        if depthTest != .always || depthWrite {
            var z = SIMD8<Float>(repeating: row[0])
            z.addProduct(t.gx[0], lx)
            let zp = p + 4 * n
            let stored = load8(zp)
            switch depthTest {
            case .less: mask &= pp_lt8(z, stored)
            case .lessOrEqual: mask &= pp_le8(z, stored)
            case .always: break
            }
            if pp_signbits8(mask) == 0 { return }
            if depthWrite { store8(pp_select8(mask, z, stored), zp) }
        }

        // Varyings, perspective-corrected unless the triangle is affine.
        @inline(__always) func plane(_ k: Int) -> SIMD8<Float> {
            var v = SIMD8<Float>(repeating: row[k])
            v.addProduct(t.gx[k], lx)
            return v
        }
        var v = Varyings8(v0: .zero, v1: .zero, v2: .zero, v3: .zero)
        if K.varyingCount > 0 { v.v0 = plane(2) }
        if K.varyingCount > 1 { v.v1 = plane(3) }
        if K.varyingCount > 2 { v.v2 = plane(4) }
        if K.varyingCount > 3 { v.v3 = plane(5) }
        if !t.affine {
            let w = 1 / plane(1)
            v.v0 *= w; v.v1 *= w; v.v2 *= w; v.v3 *= w
        }
        let src = K.shade(v, dp.pointee)

        let dr = load8(p), dg = load8(p + n), db = load8(p + 2 * n), da = load8(p + 3 * n)
        var out = src
        switch dp.pointee.blend {
        case .opaque: break
        case .additive:
            out.r += dr; out.g += dg; out.b += db; out.a += da
        case .premultipliedAlpha:
            let k = 1 - src.a
            out.r.addProduct(dr, k); out.g.addProduct(dg, k); out.b.addProduct(db, k); out.a.addProduct(da, k)
        }
        store8(pp_select8(mask, out.r, dr), p)
        store8(pp_select8(mask, out.g, dg), p + n)
        store8(pp_select8(mask, out.b, db), p + 2 * n)
        store8(pp_select8(mask, out.a, da), p + 3 * n)
        fragments &+= pp_signbits8(mask).nonzeroBitCount
    }
}
