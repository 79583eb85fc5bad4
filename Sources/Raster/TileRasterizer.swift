import RasterKernels

/// The back end: draws binned triangles into one 64×64 tile.
///
/// A triangle's pixels inside the tile are visited in 8×8 blocks. Each block is first
/// classified against the three edges with the exact integer edge values at its corners:
/// outside any edge → skipped; inside all → shaded with no per-pixel test; otherwise each row
/// of 8 pixels gets a coverage mask from the edge values in Int32 SIMD lanes. Shading, the
/// depth test and blending then run on the 8 pixels of the row at once. Interpolation planes
/// are evaluated once per block and stepped by one add per row.
struct TileRasterizer {
    /// Colour planes of this tile (see `RenderTarget`).
    let base: UnsafeMutablePointer<Float>
    /// Floats from a pixel's red to its depth: into the tile's own depth plane, or into the
    /// drawing thread's (see `RenderTarget.keepsDepth`).
    let depthOffset: Int
    /// Tile bounds in pixels: [x0, x1) × [y0, y1), clipped to the image.
    let x0: Int, y0: Int, x1: Int, y1: Int
    /// Image width: lanes at or beyond it are masked off.
    let imageWidth: Int
    /// Whether the target keeps an alpha plane.
    let keepsAlpha: Bool
    /// This tile's 64 block depth bounds (see `RenderTarget.blockMaxDepth`).
    let blockMaxDepth: UnsafeMutablePointer<Float>
    /// Samples per pixel (see `SamplePattern` and `TileSamples`).
    var samples: TileSamples
    /// Fragments that passed coverage and depth and were blended (pixels, not samples).
    var fragments: Int = 0

    /// Draws a set-up triangle or a sprite's record with draw `d`'s kernel and blend.
    mutating func draw<R: TileRecord>(_ t: UnsafePointer<R>, _ d: UnsafePointer<DrawInfo>) {
        switch d.pointee.kernel {
        case .color: draw(t, d, ColorKernel.self)
        case .rgb: draw(t, d, RGBKernel.self)
        case .glow: draw(t, d, GlowKernel.self)
        case .textured: draw(t, d, TexturedKernel.self)
        case .texturedLit: draw(t, d, TexturedLitKernel.self)
        }
    }

    /// Picks the blend specialisation, so the row loop has no blend branches.
    @inline(__always)
    private mutating func draw<R: TileRecord, K: FragmentKernel>(_ t: UnsafePointer<R>, _ d: UnsafePointer<DrawInfo>, _ kernel: K.Type) {
        switch d.pointee.blend {
        case .opaque: R.rasterize(t, d, into: &self, K.self, OpaqueBlend.self)
        case .additive: R.rasterize(t, d, into: &self, K.self, AdditiveBlend.self)
        case .premultipliedAlpha: R.rasterize(t, d, into: &self, K.self, PremultipliedBlend.self)
        }
    }

    /// A sprite's record: always a rectangle, with affine planes.
    @inline(__always)
    fileprivate mutating func rasterize<K: FragmentKernel, B: BlendFunction>(
        _ sp: UnsafePointer<SpriteRecord>, _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, _ blend: B.Type
    ) {
        let xs = max(Int(sp.pointee.x0), x0), xe = min(Int(sp.pointee.x1), x1 - 1)
        let ys = max(Int(sp.pointee.y0), y0), ye = min(Int(sp.pointee.y1), y1 - 1)
        if xs > xe || ys > ye { return }
        let draw = dp.pointee
        let needsDepth = draw.depthTest != .always || draw.depthWrite
        if drawsAsOneSample(sampled: false, needsDepth: needsDepth) {
            rasterizeRectangle(dp, K.self, B.self, steps: PlaneSteps(sprite: sp, K.self, depth: needsDepth),
                               origin: (Int(sp.pointee.x0), Int(sp.pointee.y0)), affine: true, xs: xs, xe: xe, ys: ys, ye: ye)
        } else {
            rasterizeSpriteSamples(sp, dp, K.self, B.self, xs: xs, xe: xe, ys: ys, ye: ye)
        }
    }

    /// True when a draw comes out exactly as with one sample, so its rows take the one-sample
    /// loops: one sample, or pixel-centre coverage (`sampled` false: sprites, soft-edged
    /// meshes) without depth in a tile where no edge has split a block yet.
    @inline(__always)
    private func drawsAsOneSample(sampled: Bool, needsDepth: Bool) -> Bool {
        samples.count == 1 || (!sampled && !needsDepth && samples.splitBlocks.pointee == 0)
    }

    /// A sprite's record in a tile with samples (depth, or an edge drawn already).
    @inline(never)
    private mutating func rasterizeSpriteSamples<K: FragmentKernel, B: BlendFunction>(
        _ sp: UnsafePointer<SpriteRecord>, _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, _ blend: B.Type,
        xs: Int, xe: Int, ys: Int, ye: Int
    ) {
        let needsDepth = dp.pointee.depthTest != .always || dp.pointee.depthWrite
        rectangleSampleRows(dp, K.self, B.self, steps: PlaneSteps(sprite: sp, K.self, depth: needsDepth),
                                  origin: (Int(sp.pointee.x0), Int(sp.pointee.y0)), affine: true,
                                  xs: xs, xe: xe, ys: ys, ye: ye, bounds: nil)
    }

    /// A mesh rectangle (see `Triangle.rectangle`) with samples: coverage per sample when
    /// the draw is sampled, else its pixel's, as a sprite's.
    @inline(never)
    private mutating func rasterizeRectangleSamples<K: FragmentKernel, B: BlendFunction>(
        _ tp: UnsafePointer<Triangle>, _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, _ blend: B.Type,
        xs: Int, xe: Int, ys: Int, ye: Int
    ) {
        let t = tp.pointee
        let needsDepth = dp.pointee.depthTest != .always || dp.pointee.depthWrite
        rectangleSampleRows(dp, K.self, B.self, steps: PlaneSteps(tp, K.self, depth: needsDepth),
                                  origin: (Int(t.x0), Int(t.y0)), affine: t.affine, xs: xs, xe: xe, ys: ys, ye: ye,
                                  bounds: dp.pointee.sampled ? SIMD4(t.a0, t.a1, t.b0, t.b1) : nil)
    }

    @inline(__always)
    fileprivate mutating func rasterize<K: FragmentKernel, B: BlendFunction>(
        _ tp: UnsafePointer<Triangle>, _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, _ blend: B.Type
    ) {
        let xs = max(Int(tp.pointee.x0), x0), xe = min(Int(tp.pointee.x1), x1 - 1)
        let ys = max(Int(tp.pointee.y0), y0), ye = min(Int(tp.pointee.y1), y1 - 1)
        if xs > xe || ys > ye { return }
        let draw = dp.pointee
        let needsDepth = draw.depthTest != .always || draw.depthWrite
        if tp.pointee.rectangle {
            let t = tp.pointee
            if drawsAsOneSample(sampled: draw.sampled, needsDepth: needsDepth) {
                rasterizeRectangle(dp, K.self, B.self, steps: PlaneSteps(tp, K.self, depth: needsDepth),
                                   origin: (Int(t.x0), Int(t.y0)), affine: t.affine, xs: xs, xe: xe, ys: ys, ye: ye)
            } else {
                rasterizeRectangleSamples(tp, dp, K.self, B.self, xs: xs, xe: xe, ys: ys, ye: ye)
            }
            return
        }
        if !drawsAsOneSample(sampled: draw.sampled, needsDepth: needsDepth) {
            rasterizeSamples(tp, dp, K.self, B.self, xs: xs, xe: xe, ys: ys, ye: ye)
            return
        }
        let t = tp.pointee
        let laneF = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        let laneI = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let tx = Int64(t.x0), ty = Int64(t.y0)
        let a = (Int64(t.a0), Int64(t.a1), Int64(t.a2))
        let b = (Int64(t.b0), Int64(t.b1), Int64(t.b2))
        // Corner offsets that give each edge's max and min over an 8×8 block.
        let hi = (7 * (max(a.0, 0) + max(b.0, 0)), 7 * (max(a.1, 0) + max(b.1, 0)), 7 * (max(a.2, 0) + max(b.2, 0)))
        let lo = (7 * (min(a.0, 0) + min(b.0, 0)), 7 * (min(a.1, 0) + min(b.1, 0)), 7 * (min(a.2, 0) + min(b.2, 0)))
        let steps = PlaneSteps(tp, K.self, depth: needsDepth)
        // Hierarchical depth: the triangle's nearest depth over a block, from its plane.
        let depthCulls = draw.depthTest != .always
        let zc = t.c[0], zgx = t.gx[0], zgy = t.gy[0]
        let zLow = 7 * (min(zgx, 0) + min(zgy, 0))

        var by = ys & ~7
        while by <= ye {
            let rowStart = max(by, ys), rowEnd = min(by &+ 7, ye)
            var bx = xs & ~7
            while bx <= xe {
                defer { bx &+= 8 }
                let ox = Int64(bx) &- tx, oy = Int64(by) &- ty
                let f0 = (t.e0 &>> 8) &+ a.0 &* ox &+ b.0 &* oy
                let f1 = (t.e1 &>> 8) &+ a.1 &* ox &+ b.1 &* oy
                let f2 = (t.e2 &>> 8) &+ a.2 &* ox &+ b.2 &* oy
                if f0 &+ hi.0 < 0 || f1 &+ hi.1 < 0 || f2 &+ hi.2 < 0 { continue }
                let in0 = f0 &+ lo.0 >= 0, in1 = f1 &+ lo.1 >= 0, in2 = f2 &+ lo.2 >= 0
                let block = ((by &- y0) >> 3) &* 8 &+ ((bx &- x0) >> 3)
                if depthCulls {
                    var zMin = zc
                    zMin.addProduct(zgx, Float(bx &- Int(t.x0)))
                    zMin.addProduct(zgy, Float(by &- Int(t.y0)))
                    zMin += zLow
                    if Self.blockFailsDepth(zMin, blockMaxDepth[block], draw.depthTest) { continue }
                }
                var scissor = SIMD8<Int32>(repeating: -1)
                if bx &+ 8 > imageWidth {
                    scissor = pp_lt8(pp_toFloat8(laneI), SIMD8(repeating: Float(imageWidth &- bx)))
                }
                var wrote = false
                defer { if wrote && draw.depthWrite { updateBlockDepth(block, bx: bx, by: by, test: draw.depthTest) } }
                var planes = steps.start(laneF + Float(bx &- Int(t.x0)), Float(rowStart &- Int(t.y0)), K.self, depth: needsDepth, affine: t.affine)
                var p = base + ((rowStart &- y0) &* RenderTarget.tileSize &+ (bx &- x0))
                if in0 && in1 && in2 {
                    for _ in rowStart...rowEnd {
                        wrote = shade(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth, mask: scissor) || wrote
                        steps.advance(&planes, K.self, depth: needsDepth, affine: t.affine)
                        p += RenderTarget.tileSize
                    }
                } else {
                    // Edges inside the whole block contribute 0 (always inside); the others
                    // are small here (|f| ≤ 7·(|a| + |b|) < 2^27) and fit Int32 lanes.
                    let r = Int64(rowStart &- by)
                    var e0 = in0 ? .zero : SIMD8(repeating: Int32(truncatingIfNeeded: f0 &+ b.0 &* r)) &+ Int32(truncatingIfNeeded: a.0) &* laneI
                    var e1 = in1 ? .zero : SIMD8(repeating: Int32(truncatingIfNeeded: f1 &+ b.1 &* r)) &+ Int32(truncatingIfNeeded: a.1) &* laneI
                    var e2 = in2 ? .zero : SIMD8(repeating: Int32(truncatingIfNeeded: f2 &+ b.2 &* r)) &+ Int32(truncatingIfNeeded: a.2) &* laneI
                    let s0 = in0 ? 0 : Int32(truncatingIfNeeded: b.0)
                    let s1 = in1 ? 0 : Int32(truncatingIfNeeded: b.1)
                    let s2 = in2 ? 0 : Int32(truncatingIfNeeded: b.2)
                    for _ in rowStart...rowEnd {
                        let mask = ~((e0 | e1 | e2) &>> 31) & scissor
                        if pp_signbits8(mask) != 0 {
                            wrote = shade(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth, mask: mask) || wrote
                        }
                        steps.advance(&planes, K.self, depth: needsDepth, affine: t.affine)
                        e0 &+= s0
                        e1 &+= s1
                        e2 &+= s2
                        p += RenderTarget.tileSize
                    }
                }
            }
            by &+= 8
        }
    }

    /// A rectangle's coverage is its pixel bounds: whole rows, with lanes masked only at its
    /// left and right ends. No edge functions. `origin` is the pixel the planes start at.
    /// Every sample takes its pixel's coverage here: one sample, or rows drawn exactly as one
    /// sample draws them (see `rectangleSampleRows` for the others).
    @inline(__always)
    private mutating func rasterizeRectangle<K: FragmentKernel, B: BlendFunction>(
        _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, _ blend: B.Type, steps: PlaneSteps, origin: (Int, Int), affine: Bool,
        xs: Int, xe: Int, ys: Int, ye: Int
    ) {
        let laneF = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        let draw = dp.pointee
        let needsDepth = draw.depthTest != .always || draw.depthWrite
        var bx = xs & ~7
        while bx <= xe {
            // Lanes bx + l with xs ≤ bx + l ≤ xe.
            let lanes = laneF + Float(bx)
            let mask = pp_lt8(SIMD8(repeating: Float(xs) - 0.5), lanes) & pp_lt8(lanes, SIMD8(repeating: Float(xe) + 0.5))
            var planes = steps.start(laneF + Float(bx &- origin.0), Float(ys &- origin.1), K.self, depth: needsDepth, affine: affine)
            var p = base + ((ys &- y0) &* RenderTarget.tileSize &+ (bx &- x0))
            for _ in ys...ye {
                _ = shade(&planes, steps, p, draw, K.self, B.self, affine: affine, depth: needsDepth, mask: mask)
                steps.advance(&planes, K.self, depth: needsDepth, affine: affine)
                p += RenderTarget.tileSize
            }
            if draw.depthWrite { updateRectangleDepth(bx: bx, ys: ys, ye: ye, test: draw.depthTest) }
            bx &+= 8
        }
    }

    /// The depth bounds of the blocks of column `bx` that rows `ys...ye` crossed. Not inlined:
    /// few rectangles write depth, and the rows of the others keep their registers.
    @inline(never)
    private func updateRectangleDepth(bx: Int, ys: Int, ye: Int, test: DepthTest) {
        var by = ys & ~7
        while by <= ye {
            updateBlockDepth(((by &- y0) >> 3) &* 8 &+ ((bx &- x0) >> 3), bx: bx, by: by, test: test)
            by &+= 8
        }
    }

    /// `rasterizeRectangle`'s rows with samples: `bounds` (x from, x to, y from, y to, in 1/256
    /// pixel; see `Triangle`) decides each sample's coverage; nil gives every sample its
    /// pixel's, with depth per sample. It is reached only through the two non-inlined
    /// `rasterizeSpriteSamples` and `rasterizeRectangleSamples`, so the one-sample rows of
    /// sprites, which are small and many, keep a small function with few registers live.
    @inline(__always)
    private mutating func rectangleSampleRows<K: FragmentKernel, B: BlendFunction>(
        _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, _ blend: B.Type, steps: PlaneSteps, origin: (Int, Int), affine: Bool,
        xs: Int, xe: Int, ys: Int, ye: Int, bounds: SIMD4<Int32>?
    ) {
        let laneF = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        let draw = dp.pointee
        let needsDepth = draw.depthTest != .always || draw.depthWrite
        let t = (x0: origin.0, y0: origin.1, affine: affine)
        var bx = xs & ~7
        while bx <= xe {
            // Lanes bx + l with xs ≤ bx + l ≤ xe.
            let lanes = laneF + Float(bx)
            let mask = pp_lt8(SIMD8(repeating: Float(xs) - 0.5), lanes) & pp_lt8(lanes, SIMD8(repeating: Float(xe) + 0.5))
            var planes = steps.start(laneF + Float(bx &- Int(t.x0)), Float(ys &- Int(t.y0)), K.self, depth: needsDepth, affine: t.affine)
            var p = base + ((ys &- y0) &* RenderTarget.tileSize &+ (bx &- x0))
            if let bounds {
                if needsDepth { samples.prepareDepth(gx: steps.gx.z[0], gy: steps.gy.z[0]) }
                let columnsAgree = samples.rectangleColumns(bx: bx, lanes: mask, bounds: bounds)
                // Rows inside the rectangle at every sample, without depth: in a uniform block,
                // exactly the one-sample row, with no look at the samples.
                let inner = samples.rectangleInnerRows(bounds: bounds)
                let plain = columnsAgree && !needsDepth
                for y in ys...ye {
                    let block = ((y &- y0) >> 3) &* 8 &+ ((bx &- x0) >> 3)
                    if plain && y >= inner.0 && y <= inner.1 && samples.split[block] == 0 {
                        _ = shade(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: false, mask: samples.edgeOffsets[0])
                        steps.advance(&planes, K.self, depth: needsDepth, affine: t.affine)
                        p += RenderTarget.tileSize
                        continue
                    }
                    let row = samples.rectangleRow(y: y, bounds: bounds)
                    if row == 2 && columnsAgree {
                        // Every sample of a pixel alike: as a sprite's row.
                        let m = samples.edgeOffsets[0]
                        if !needsDepth && samples.split[block] == 0 {
                            _ = shade(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: false, mask: m)
                        } else if needsDepth, shadeUniformDepth(planes, p, draw, K.self, B.self, affine: t.affine, coverage: m,
                                                                block: block) != nil {
                        } else {
                            _ = shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth,
                                             shared: m, block: block)
                        }
                    } else if row != 0 {
                        _ = shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth,
                                         shared: nil, block: block)
                    }
                    steps.advance(&planes, K.self, depth: needsDepth, affine: t.affine)
                    p += RenderTarget.tileSize
                }
            } else {
                // Pixel-centre coverage for every sample (a sprite's); depth per sample.
                if needsDepth { samples.prepareDepth(gx: steps.gx.z[0], gy: steps.gy.z[0]) }
                for y in ys...ye {
                    let block = ((y &- y0) >> 3) &* 8 &+ ((bx &- x0) >> 3)
                    if !needsDepth && samples.split[block] == 0 {
                        // A uniform block without depth: exactly the one-sample path.
                        _ = shade(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: false, mask: mask)
                    } else if needsDepth, shadeUniformDepth(planes, p, draw, K.self, B.self, affine: t.affine, coverage: mask,
                                                            block: block) != nil {
                    } else {
                        _ = shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth,
                                         shared: mask, block: block)
                    }
                    steps.advance(&planes, K.self, depth: needsDepth, affine: t.affine)
                    p += RenderTarget.tileSize
                }
            }
            if draw.depthWrite { updateRectangleDepth(bx: bx, ys: ys, ye: ye, test: draw.depthTest) }
            bx &+= 8
        }
    }

    /// Shades, depth-tests and blends the 8 pixels at `p` where `coverage` is -1. Returns
    /// whether any pixel passed (and so may have written depth).
    @inline(__always)
    mutating func shade<K: FragmentKernel, B: BlendFunction>(
        _ planes: inout Planes8, _ steps: PlaneSteps, _ p: UnsafeMutablePointer<Float>, _ draw: DrawInfo,
        _ kernel: K.Type, _ blend: B.Type, affine: Bool, depth: Bool, mask coverage: SIMD8<Int32>
    ) -> Bool {
        var mask = coverage
        if depth {
            let zp = p + depthOffset
            let stored = load8(zp)
            switch draw.depthTest {
            case .less: mask &= pp_lt8(planes.z, stored)
            case .lessOrEqual: mask &= pp_le8(planes.z, stored)
            case .always: break
            }
            if pp_signbits8(mask) == 0 { return false }
            if draw.depthWrite { store8(pp_select8(mask, planes.z, stored), zp) }
        }

        let src = K.shade(varyings(planes, K.self, affine: affine), draw)
        blendRow(src, p, K.self, B.self, mask: mask)
        fragments &+= pp_signbits8(mask).nonzeroBitCount
        return true
    }

    /// Varyings of the current row for kernel `K`, divided by w where perspective-correct.
    @inline(__always)
    func varyings<K: FragmentKernel>(_ planes: Planes8, _ kernel: K.Type, affine: Bool) -> Varyings8 {
        var v = Varyings8(v0: planes.v0, v1: planes.v1, v2: planes.v2, v3: planes.v3)
        if !affine {
            let w = 1 / planes.oow
            if K.varyingCount > 0 { v.v0 *= w }
            if K.varyingCount > 1 { v.v1 *= w }
            if K.varyingCount > 2 { v.v2 *= w }
            if K.varyingCount > 3 { v.v3 *= w }
        }
        return v
    }

    /// Blends `src` into the 8 values at `p` (one sample's colour planes) where `mask` is -1.
    @inline(__always)
    func blendRow<K: FragmentKernel, B: BlendFunction>(
        _ src: Color8, _ p: UnsafeMutablePointer<Float>, _ kernel: K.Type, _ blend: B.Type, mask: SIMD8<Int32>
    ) {
        let n = RenderTarget.planeStride
        // Kernels whose alpha is always 0 leave alpha untouched under additive blending.
        let touchAlpha = keepsAlpha && !(K.alphaIsZero && B.self == AdditiveBlend.self)
        if B.self == OpaqueBlend.self && pp_signbits8(mask) == 0xFF {
            // Opaque over all 8 pixels (a background, a body's interior): nothing of the
            // destination survives, so it is not read.
            store8(src.r, p); store8(src.g, p + n); store8(src.b, p + 2 * n)
            if touchAlpha { store8(src.a, p + 3 * n) }
            return
        }
        let dr = load8(p), dg = load8(p + n), db = load8(p + 2 * n)
        let da = touchAlpha ? load8(p + 3 * n) : .zero
        let out = B.blend(src, Color8(r: dr, g: dg, b: db, a: da))
        store8(pp_select8(mask, out.r, dr), p)
        store8(pp_select8(mask, out.g, dg), p + n)
        store8(pp_select8(mask, out.b, db), p + 2 * n)
        if touchAlpha { store8(pp_select8(mask, out.a, da), p + 3 * n) }
    }

    /// True when a triangle whose depth over a block is at least `zMin` fails the depth test
    /// on every pixel of a block whose stored depths are at most `zMax`. The margin covers
    /// the rounding between this corner estimate and the per-row plane values.
    @inline(__always)
    static func blockFailsDepth(_ zMin: Float, _ zMax: Float, _ test: DepthTest) -> Bool {
        let margin: Float = 4e-6
        switch test {
        case .less: return zMin - margin >= zMax
        case .lessOrEqual: return zMin - margin > zMax
        case .always: return false
        }
    }

    /// Refreshes a block's depth bound after depth writes. Under `less` and `lessOrEqual`
    /// depths only decrease, so the exact maximum of the block's depths is recomputed (which
    /// tightens the bound); `always` may raise depths, and also recomputes.
    @inline(__always)
    func updateBlockDepth(_ block: Int, bx: Int, by: Int, test: DepthTest) {
        if samples.count > 1 { samples.prepareDepthBlock(block, depth: base + depthOffset) }
        let zp = base + depthOffset + ((by &- y0) &* RenderTarget.tileSize &+ (bx &- x0))
        var m = load8(zp)
        for r in 1..<8 { m = pp_max8(m, load8(zp + r &* RenderTarget.tileSize)) }
        for s in 1..<samples.count {
            let sp = zp + s &* TileSamples.depthStride
            for r in 0..<8 { m = pp_max8(m, load8(sp + r &* RenderTarget.tileSize)) }
        }
        blockMaxDepth[block] = pp_hmax8(m)
    }
}

// MARK: Samples (see `TileSamples`)

extension TileRasterizer {
    /// A triangle with samples (see `SamplePattern` and `TileSamples`): the one-sample path's
    /// blocks and rows, with coverage and depth per sample and shading once per pixel. It walks
    /// the blocks as `rasterize` does rather than sharing that loop, so that the one-sample
    /// loop stays as it was, instruction for instruction (benchmarks/instructions.json).
    /// Not inlined, so that loop keeps its registers.
    @inline(never)
    mutating func rasterizeSamples<K: FragmentKernel, B: BlendFunction>(
        _ tp: UnsafePointer<Triangle>, _ dp: UnsafePointer<DrawInfo>, _ kernel: K.Type, _ blend: B.Type,
        xs: Int, xe: Int, ys: Int, ye: Int
    ) {
        let t = tp.pointee
        let draw = dp.pointee
        let needsDepth = draw.depthTest != .always || draw.depthWrite
        let laneF = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        let laneI = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let tx = Int64(t.x0), ty = Int64(t.y0)
        let a = (Int64(t.a0), Int64(t.a1), Int64(t.a2))
        let b = (Int64(t.b0), Int64(t.b1), Int64(t.b2))
        let n = samples.count
        // Each edge's F at a sample, less the centre's: a constant per triangle (see `Triangle`).
        // Sprites take the centre's coverage at every sample.
        let edges = samples.edgeOffsets
        var dMin = (Int64.max, Int64.max, Int64.max), dMax = (Int64.min, Int64.min, Int64.min)
        let r = (t.e0 & 255, t.e1 & 255, t.e2 & 255)
        for s in 0..<n {
            let sx = draw.sampled ? Int64(samples.offsetX[s]) : 0, sy = draw.sampled ? Int64(samples.offsetY[s]) : 0
            let d = ((r.0 &+ a.0 &* sx &+ b.0 &* sy) &>> 8, (r.1 &+ a.1 &* sx &+ b.1 &* sy) &>> 8,
                     (r.2 &+ a.2 &* sx &+ b.2 &* sy) &>> 8)
            edges[s] = SIMD8(repeating: Int32(truncatingIfNeeded: d.0))
            edges[8 &+ s] = SIMD8(repeating: Int32(truncatingIfNeeded: d.1))
            edges[16 &+ s] = SIMD8(repeating: Int32(truncatingIfNeeded: d.2))
            dMin = (min(dMin.0, d.0), min(dMin.1, d.1), min(dMin.2, d.2))
            dMax = (max(dMax.0, d.0), max(dMax.1, d.1), max(dMax.2, d.2))
        }
        // Each edge's max and min over an 8×8 block and its samples.
        let hi = (7 * (max(a.0, 0) + max(b.0, 0)) + dMax.0, 7 * (max(a.1, 0) + max(b.1, 0)) + dMax.1,
                  7 * (max(a.2, 0) + max(b.2, 0)) + dMax.2)
        let lo = (7 * (min(a.0, 0) + min(b.0, 0)) + dMin.0, 7 * (min(a.1, 0) + min(b.1, 0)) + dMin.1,
                  7 * (min(a.2, 0) + min(b.2, 0)) + dMin.2)
        let steps = PlaneSteps(tp, K.self, depth: needsDepth)
        let depthCulls = draw.depthTest != .always
        let zc = t.c[0], zgx = t.gx[0], zgy = t.gy[0]
        if needsDepth { samples.prepareDepth(gx: zgx, gy: zgy) }
        let zLow = 7 * (min(zgx, 0) + min(zgy, 0)) + (needsDepth ? samples.depthOffsetMin : 0)
        // An edge inside the whole block for every sample: a value no sample offset makes negative.
        let inside = SIMD8<Int32>(repeating: 1 << 29)

        var by = ys & ~7
        while by <= ye {
            let rowStart = max(by, ys), rowEnd = min(by &+ 7, ye)
            var bx = xs & ~7
            while bx <= xe {
                defer { bx &+= 8 }
                let ox = Int64(bx) &- tx, oy = Int64(by) &- ty
                let f0 = (t.e0 &>> 8) &+ a.0 &* ox &+ b.0 &* oy
                let f1 = (t.e1 &>> 8) &+ a.1 &* ox &+ b.1 &* oy
                let f2 = (t.e2 &>> 8) &+ a.2 &* ox &+ b.2 &* oy
                if f0 &+ hi.0 < 0 || f1 &+ hi.1 < 0 || f2 &+ hi.2 < 0 { continue }
                let in0 = f0 &+ lo.0 >= 0, in1 = f1 &+ lo.1 >= 0, in2 = f2 &+ lo.2 >= 0
                let block = ((by &- y0) >> 3) &* 8 &+ ((bx &- x0) >> 3)
                if depthCulls {
                    var zMin = zc
                    zMin.addProduct(zgx, Float(bx &- Int(t.x0)))
                    zMin.addProduct(zgy, Float(by &- Int(t.y0)))
                    zMin += zLow
                    if Self.blockFailsDepth(zMin, blockMaxDepth[block], draw.depthTest) { continue }
                }
                var scissor = SIMD8<Int32>(repeating: -1)
                if bx &+ 8 > imageWidth {
                    scissor = pp_lt8(pp_toFloat8(laneI), SIMD8(repeating: Float(imageWidth &- bx)))
                }
                var wrote = false
                defer { if wrote && draw.depthWrite { updateBlockDepth(block, bx: bx, by: by, test: draw.depthTest) } }
                var planes = steps.start(laneF + Float(bx &- Int(t.x0)), Float(rowStart &- Int(t.y0)), K.self, depth: needsDepth, affine: t.affine)
                var p = base + ((rowStart &- y0) &* RenderTarget.tileSize &+ (bx &- x0))
                if in0 && in1 && in2 {
                    for _ in rowStart...rowEnd {
                        if !needsDepth && samples.split[block] == 0 {
                            wrote = shade(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: false, mask: scissor) || wrote
                        } else if needsDepth, let done = shadeUniformDepth(planes, p, draw, K.self, B.self, affine: t.affine,
                                                                           coverage: scissor, block: block) {
                            wrote = done || wrote
                        } else {
                            wrote = shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth,
                                                 shared: scissor, block: block) || wrote
                        }
                        steps.advance(&planes, K.self, depth: needsDepth, affine: t.affine)
                        p += RenderTarget.tileSize
                    }
                } else {
                    let rr = Int64(rowStart &- by)
                    var e0 = in0 ? inside : SIMD8(repeating: Int32(truncatingIfNeeded: f0 &+ b.0 &* rr)) &+ Int32(truncatingIfNeeded: a.0) &* laneI
                    var e1 = in1 ? inside : SIMD8(repeating: Int32(truncatingIfNeeded: f1 &+ b.1 &* rr)) &+ Int32(truncatingIfNeeded: a.1) &* laneI
                    var e2 = in2 ? inside : SIMD8(repeating: Int32(truncatingIfNeeded: f2 &+ b.2 &* rr)) &+ Int32(truncatingIfNeeded: a.2) &* laneI
                    let s0 = in0 ? 0 : Int32(truncatingIfNeeded: b.0)
                    let s1 = in1 ? 0 : Int32(truncatingIfNeeded: b.1)
                    let s2 = in2 ? 0 : Int32(truncatingIfNeeded: b.2)
                    let masks = samples.masks
                    for _ in rowStart...rowEnd {
                        var any = SIMD8<Int32>.zero
                        for s in 0..<n {
                            let m = ~((e0 &+ edges[s]) | (e1 &+ edges[8 &+ s]) | (e2 &+ edges[16 &+ s])) &>> 31 & scissor
                            masks[s] = m
                            any |= m
                        }
                        if pp_signbits8(any) != 0 {
                            wrote = shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth,
                                                 shared: nil, block: block) || wrote
                        }
                        steps.advance(&planes, K.self, depth: needsDepth, affine: t.affine)
                        e0 &+= s0
                        e1 &+= s1
                        e2 &+= s2
                        p += RenderTarget.tileSize
                    }
                }
            }
            by &+= 8
        }
    }

    /// A row whose samples share `coverage` in a uniform block, with a depth test: when the
    /// test gives every sample of each pixel the same answer (a surface's interior), writes the
    /// samples' depths and blends in sample 0 alone, as one sample would; otherwise leaves
    /// everything untouched and returns nil, for `shadeSamples`.
    @inline(__always)
    mutating func shadeUniformDepth<K: FragmentKernel, B: BlendFunction>(
        _ planes: Planes8, _ p: UnsafeMutablePointer<Float>, _ draw: DrawInfo,
        _ kernel: K.Type, _ blend: B.Type, affine: Bool, coverage: SIMD8<Int32>, block: Int
    ) -> Bool? {
        if samples.split[block] != 0 { return nil }
        // A block no draw has tested depth in still holds the clear depth: a draw that only
        // tests (a sprite over open water) compares with it and leaves the planes alone.
        let untouched = samples.depthReady[block] == 0 && !draw.depthWrite
        if !untouched { samples.prepareDepthBlock(block, depth: base + depthOffset) }
        let cleared = SIMD8<Float>(repeating: samples.clearDepth ?? 1)
        let zp = p + depthOffset
        var first = SIMD8<Int32>.zero
        for s in 0..<samples.count {
            let z = planes.z + samples.depthOffsets[s]
            let stored = untouched ? cleared : load8(zp + s &* TileSamples.depthStride)
            var m = coverage
            switch draw.depthTest {
            case .less: m &= pp_lt8(z, stored)
            case .lessOrEqual: m &= pp_le8(z, stored)
            case .always: break
            }
            if s == 0 { first = m } else if pp_signbits8(m) != pp_signbits8(first) { return nil }
        }
        if pp_signbits8(first) == 0 { return false }
        if draw.depthWrite {
            for s in 0..<samples.count {
                let sp = zp + s &* TileSamples.depthStride
                store8(pp_select8(first, planes.z + samples.depthOffsets[s], load8(sp)), sp)
            }
        }
        let src = K.shade(varyings(planes, K.self, affine: affine), draw)
        blendRow(src, p, K.self, B.self, mask: first)
        fragments &+= pp_signbits8(first).nonzeroBitCount
        return true
    }

    /// Depth-tests each sample of the 8 pixels at `p`, shades them once, and blends into the
    /// samples that pass. Coverage is `shared` for every sample, or when nil `samples.masks`.
    /// A pixel is shaded at its centre, or where only some of its samples are covered, at
    /// their centroid (the mean of their positions, which lies inside the triangle), so that
    /// no colour is extrapolated past the triangle's edge. Returns whether any sample passed
    /// (and so may have written depth).
    @inline(__always)
    mutating func shadeSamples<K: FragmentKernel, B: BlendFunction>(
        _ planes: inout Planes8, _ steps: PlaneSteps, _ p: UnsafeMutablePointer<Float>, _ draw: DrawInfo,
        _ kernel: K.Type, _ blend: B.Type, affine: Bool, depth: Bool, shared: SIMD8<Int32>?, block: Int
    ) -> Bool {
        // One body per sample count, so that its loops have a constant length.
        switch samples.count {
        case 2: return shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: affine, depth: depth, shared: shared, block: block,
                                    count: SampleCount2.self)
        case 4: return shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: affine, depth: depth, shared: shared, block: block,
                                    count: SampleCount4.self)
        default: return shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: affine, depth: depth, shared: shared, block: block,
                                     count: SampleCount8.self)
        }
    }

    @inline(__always)
    private mutating func shadeSamples<K: FragmentKernel, B: BlendFunction, N: SampleCount>(
        _ planes: inout Planes8, _ steps: PlaneSteps, _ p: UnsafeMutablePointer<Float>, _ draw: DrawInfo,
        _ kernel: K.Type, _ blend: B.Type, affine: Bool, depth: Bool, shared: SIMD8<Int32>?, block: Int, count: N.Type
    ) -> Bool {
        let n = N.n
        let masks = samples.masks
        // Where to shade: planes moved to the centroid of the covered samples (before depth).
        var at = planes
        if shared == nil {
            var covered = SIMD8<Int32>.zero, sx = SIMD8<Float>.zero, sy = SIMD8<Float>.zero
            for s in 0..<n {
                let m = masks[s]
                covered &-= m
                sx = pp_select8(m, sx + samples.pixelOffsetX[s], sx)
                sy = pp_select8(m, sy + samples.pixelOffsetY[s], sy)
            }
            // Lanes with some samples covered, not all.
            let count = pp_toFloat8(covered)
            let partial = pp_lt8(SIMD8(repeating: 0.5), count) & pp_lt8(count, SIMD8(repeating: Float(n) - 0.5))
            if pp_signbits8(partial) != 0 {
                let k = 1 / pp_max8(count, SIMD8(repeating: 1))
                let dx = pp_select8(partial, sx * k, .zero), dy = pp_select8(partial, sy * k, .zero)
                steps.move(&at, dx: dx, dy: dy, K.self, affine: affine)
            }
        }
        // `same`: every sample has the coverage `first`.
        var same = true
        var any = SIMD8<Int32>.zero, first = SIMD8<Int32>.zero
        if depth {
            samples.prepareDepthBlock(block, depth: base + depthOffset)
            for s in 0..<n {
                let zp = p + (depthOffset &+ s &* TileSamples.depthStride)
                let z = planes.z + samples.depthOffsets[s]
                let stored = load8(zp)
                var m = shared ?? masks[s]
                switch draw.depthTest {
                case .less: m &= pp_lt8(z, stored)
                case .lessOrEqual: m &= pp_le8(z, stored)
                case .always: break
                }
                if draw.depthWrite { store8(pp_select8(m, z, stored), zp) }
                masks[s] = m
                any |= m
                if s == 0 { first = m } else if pp_signbits8(m) != pp_signbits8(first) { same = false }
            }
        } else if let shared {
            any = shared
            first = shared
        } else {
            first = masks[0]
            any = first
            for s in 1..<n {
                let m = masks[s]
                any |= m
                if pp_signbits8(m) != pp_signbits8(first) { same = false }
            }
        }
        if pp_signbits8(any) == 0 { return false }
        let src = K.shade(varyings(at, K.self, affine: affine), draw)
        fragments &+= pp_signbits8(any).nonzeroBitCount
        if same && samples.split[block] == 0 {
            blendRow(src, p, K.self, B.self, mask: first)
            return true
        }
        if samples.split[block] == 0 {
            samples.expand(block, base: base, planes: keepsAlpha ? 4 : 3)
            samples.split[block] = 1
            samples.splitBlocks.pointee &+= 1
        }
        for s in 0..<n {
            let m = same ? first : masks[s]
            if pp_signbits8(m) != 0 { blendRow(src, p + s &* TileSamples.colorStride, K.self, B.self, mask: m) }
        }
        return true
    }
}

/// The interpolation planes' values for the 8 pixels of the current row.
struct Planes8 {
    var z: SIMD8<Float>, oow: SIMD8<Float>
    var v0: SIMD8<Float>, v1: SIMD8<Float>, v2: SIMD8<Float>, v3: SIMD8<Float>
}

/// A triangle's planes as broadcast vectors: base value, step per pixel in x and in y.
struct PlaneSteps {
    let c: Planes8
    let gx: Planes8
    let gy: Planes8

    /// Broadcasts only the planes that kernel `K` (and the depth test, and perspective
    /// correction) read; the others stay zero.
    @inline(__always)
    init<K: FragmentKernel>(_ t: UnsafePointer<Triangle>, _ kernel: K.Type, depth: Bool) {
        self.init(c: t.pointee.c, gx: t.pointee.gx, gy: t.pointee.gy, affine: t.pointee.affine, K.self, depth: depth)
    }

    /// A sprite's planes, as its `Triangle` would hold them (see `SpriteRecord`).
    @inline(__always)
    init<K: FragmentKernel>(sprite s: UnsafePointer<SpriteRecord>, _ kernel: K.Type, depth: Bool) {
        let r = s.pointee
        self.init(c: SIMD8(r.z, 1, r.u, r.v, r.intensity, 0, 0, 0), gx: SIMD8(0, 0, r.du, 0, 0, 0, 0, 0),
                  gy: SIMD8(0, 0, 0, r.dv, 0, 0, 0, 0), affine: true, K.self, depth: depth)
    }

    /// Planes in a triangle's lane order, [z, 1/w, a0, a1, a2, a3, 0, 0].
    @inline(__always)
    init<K: FragmentKernel>(c: SIMD8<Float>, gx: SIMD8<Float>, gy: SIMD8<Float>, affine: Bool, _ kernel: K.Type, depth: Bool) {
        @inline(__always) func splat(_ v: SIMD8<Float>) -> Planes8 {
            var p = Planes8(z: .zero, oow: .zero, v0: .zero, v1: .zero, v2: .zero, v3: .zero)
            if depth { p.z = SIMD8(repeating: v[0]) }
            if !affine { p.oow = SIMD8(repeating: v[1]) }
            if K.varyingCount > 0 { p.v0 = SIMD8(repeating: v[2]) }
            if K.varyingCount > 1 { p.v1 = SIMD8(repeating: v[3]) }
            if K.varyingCount > 2 { p.v2 = SIMD8(repeating: v[4]) }
            if K.varyingCount > 3 { p.v3 = SIMD8(repeating: v[5]) }
            return p
        }
        self.c = splat(c)
        self.gx = splat(gx)
        self.gy = splat(gy)
    }

    /// Values at lanes `lx` (pixel offsets from the triangle's origin) on row `ly`. Only the
    /// planes the kernel and the depth test use are computed.
    @inline(__always)
    func start<K: FragmentKernel>(_ lx: SIMD8<Float>, _ ly: Float, _ kernel: K.Type, depth: Bool, affine: Bool) -> Planes8 {
        @inline(__always) func at(_ c: SIMD8<Float>, _ gx: SIMD8<Float>, _ gy: SIMD8<Float>) -> SIMD8<Float> {
            var v = c
            v.addProduct(gy, SIMD8(repeating: ly))
            v.addProduct(gx, lx)
            return v
        }
        var p = Planes8(z: .zero, oow: .zero, v0: .zero, v1: .zero, v2: .zero, v3: .zero)
        if depth { p.z = at(c.z, gx.z, gy.z) }
        if !affine { p.oow = at(c.oow, gx.oow, gy.oow) }
        if K.varyingCount > 0 { p.v0 = at(c.v0, gx.v0, gy.v0) }
        if K.varyingCount > 1 { p.v1 = at(c.v1, gx.v1, gy.v1) }
        if K.varyingCount > 2 { p.v2 = at(c.v2, gx.v2, gy.v2) }
        if K.varyingCount > 3 { p.v3 = at(c.v3, gx.v3, gy.v3) }
        return p
    }

    /// Moves the varyings' planes (not depth) by (dx, dy) pixels, lane by lane.
    @inline(__always)
    func move<K: FragmentKernel>(_ p: inout Planes8, dx: SIMD8<Float>, dy: SIMD8<Float>, _ kernel: K.Type, affine: Bool) {
        @inline(__always) func shift(_ v: inout SIMD8<Float>, _ gx: SIMD8<Float>, _ gy: SIMD8<Float>) {
            v.addProduct(gx, dx)
            v.addProduct(gy, dy)
        }
        if !affine { shift(&p.oow, gx.oow, gy.oow) }
        if K.varyingCount > 0 { shift(&p.v0, gx.v0, gy.v0) }
        if K.varyingCount > 1 { shift(&p.v1, gx.v1, gy.v1) }
        if K.varyingCount > 2 { shift(&p.v2, gx.v2, gy.v2) }
        if K.varyingCount > 3 { shift(&p.v3, gx.v3, gy.v3) }
    }

    /// Steps the planes down one row.
    @inline(__always)
    func advance<K: FragmentKernel>(_ p: inout Planes8, _ kernel: K.Type, depth: Bool, affine: Bool) {
        if depth { p.z += gy.z }
        if !affine { p.oow += gy.oow }
        if K.varyingCount > 0 { p.v0 += gy.v0 }
        if K.varyingCount > 1 { p.v1 += gy.v1 }
        if K.varyingCount > 2 { p.v2 += gy.v2 }
        if K.varyingCount > 3 { p.v3 += gy.v3 }
    }
}

/// A blend equation on premultiplied colour, chosen at compile time per draw.
protocol BlendFunction {
    static func blend(_ src: Color8, _ dst: Color8) -> Color8
}

/// `dst = src`
enum OpaqueBlend: BlendFunction {
    @inline(__always) static func blend(_ src: Color8, _ dst: Color8) -> Color8 { src }
}

/// `dst = dst + src`
enum AdditiveBlend: BlendFunction {
    @inline(__always) static func blend(_ src: Color8, _ dst: Color8) -> Color8 {
        Color8(r: dst.r + src.r, g: dst.g + src.g, b: dst.b + src.b, a: dst.a + src.a)
    }
}

/// `dst = src + dst · (1 − src.a)`
enum PremultipliedBlend: BlendFunction {
    @inline(__always) static func blend(_ src: Color8, _ dst: Color8) -> Color8 {
        let k = 1 - src.a
        var o = src
        o.r.addProduct(dst.r, k); o.g.addProduct(dst.g, k); o.b.addProduct(dst.b, k); o.a.addProduct(dst.a, k)
        return o
    }
}

/// What a tile draws: a set-up triangle, or a sprite's compact record.
protocol TileRecord {
    static func rasterize<K: FragmentKernel, B: BlendFunction>(
        _ record: UnsafePointer<Self>, _ d: UnsafePointer<DrawInfo>, into r: inout TileRasterizer, _ kernel: K.Type, _ blend: B.Type)
}

extension Triangle: TileRecord {
    @inline(__always)
    static func rasterize<K: FragmentKernel, B: BlendFunction>(
        _ record: UnsafePointer<Self>, _ d: UnsafePointer<DrawInfo>, into r: inout TileRasterizer, _ kernel: K.Type, _ blend: B.Type
    ) { r.rasterize(record, d, K.self, B.self) }
}

extension SpriteRecord: TileRecord {
    @inline(__always)
    static func rasterize<K: FragmentKernel, B: BlendFunction>(
        _ record: UnsafePointer<Self>, _ d: UnsafePointer<DrawInfo>, into r: inout TileRasterizer, _ kernel: K.Type, _ blend: B.Type
    ) { r.rasterize(record, d, K.self, B.self) }
}

/// A sample count known at compile time (`shadeSamples`).
protocol SampleCount { static var n: Int { get } }
enum SampleCount2: SampleCount { static var n: Int { 2 } }
enum SampleCount4: SampleCount { static var n: Int { 4 } }
enum SampleCount8: SampleCount { static var n: Int { 8 } }
