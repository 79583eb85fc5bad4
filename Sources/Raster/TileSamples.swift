import RasterKernels

/// A tile's samples while it is drawn (see `SamplePattern`), in its thread's work tile.
///
/// ## Layout
/// Sample s's four colour planes start `s · colorStride` floats after sample 0's (which are
/// the work tile's first four planes, where one sample draws), and its depth plane
/// `s · RenderTarget.planeStride` floats after sample 0's.
///
/// ## Compression by block
/// Each 8×8 block of the tile is *uniform* until a draw covers its samples differently: then
/// every sample of every pixel there holds sample 0's colour, and only sample 0 is written,
/// so interiors and sprites cost what they cost with one sample. The first draw whose coverage
/// or depth test differs between samples of a row *splits* the block: sample 0's colours are
/// copied to the other samples, and from then on each sample is blended on its own. Depth is
/// always kept per sample. On store, split blocks are averaged into sample 0
/// (`resolve`); uniform ones are already their average.
struct TileSamples {
    /// Samples per pixel: 1, 2, 4 or 8.
    let count: Int
    /// Floats from one sample's colour planes to the next's.
    static let colorStride = 4 * RenderTarget.planeStride
    /// Sample offsets from the pixel centre in 1/256 pixel (lane s; unused lanes 0), and in pixels.
    let offsetX: SIMD8<Int32>, offsetY: SIMD8<Int32>
    let pixelOffsetX: SIMD8<Float>, pixelOffsetY: SIMD8<Float>
    /// Per block: 0 uniform, 1 split.
    let split: UnsafeMutablePointer<UInt8>
    /// Row masks per sample (8), then per-triangle constants: each edge's F offset per sample
    /// (3 × 8, broadcast), and the depth offset per sample (8, broadcast).
    let masks: UnsafeMutablePointer<SIMD8<Int32>>
    var edgeOffsets: UnsafeMutablePointer<SIMD8<Int32>> { masks + 8 }
    let depthOffsets: UnsafeMutablePointer<SIMD8<Float>>
    /// The smallest depth offset of the current triangle (for the hierarchical depth test).
    var depthOffsetMin: Float = 0

    /// Bytes of scratch `init(count:scratch:)` needs: 64 split flags, 32 mask vectors, 8 depth vectors.
    static let scratchBytes = 64 + 32 * 32 + 8 * 32

    /// Views `scratch` (`scratchBytes`, 64-byte aligned) as the sample state of one thread.
    init(count: Int, scratch: UnsafeMutableRawPointer) {
        self.count = count
        let o = SamplePattern.offsets(count)
        var ox = SIMD8<Int32>.zero, oy = SIMD8<Int32>.zero
        for (s, v) in o.enumerated() { ox[s] = v.x; oy[s] = v.y }
        offsetX = ox
        offsetY = oy
        pixelOffsetX = SIMD8<Float>(ox) * (1 / 256)
        pixelOffsetY = SIMD8<Float>(oy) * (1 / 256)
        masks = (scratch + 64).bindMemory(to: SIMD8<Int32>.self, capacity: 32)
        depthOffsets = (scratch + 64 + 32 * 32).bindMemory(to: SIMD8<Float>.self, capacity: 8)
        split = scratch.bindMemory(to: UInt8.self, capacity: 64)
    }

    /// Depth offsets of the samples for a depth plane with these steps per pixel.
    @inline(__always)
    mutating func prepareDepth(gx: Float, gy: Float) {
        var lowest = Float.infinity
        for s in 0..<count {
            var z = gx * (Float(offsetX[s]) * (1 / 256))
            z.addProduct(gy, Float(offsetY[s]) * (1 / 256))
            depthOffsets[s] = SIMD8(repeating: z)
            lowest = min(lowest, z)
        }
        depthOffsetMin = lowest
    }

    /// A rectangle's coverage in x per sample, for the 8 pixels from `bx` (`lanes`: those
    /// within its pixel bounds), kept in the edge offsets' room (unused by rectangles).
    @inline(__always)
    func rectangleColumns(bx: Int, lanes: SIMD8<Int32>, bounds: SIMD4<Int32>) {
        let centres = (SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(truncatingIfNeeded: bx)) &* 256 &+ 128
        for s in 0..<count {
            let x = centres &+ offsetX[s]
            // Sign masks: x ≥ from and x < to (the values are far from Int32's limits).
            edgeOffsets[s] = lanes & ~((x &- bounds.x) &>> 31) & ((x &- bounds.y) &>> 31)
        }
    }

    /// Row `y`'s sample masks of a rectangle (`rectangleColumns` first). False when no sample
    /// of the row is inside.
    @inline(__always)
    func rectangleRow(y: Int, bounds: SIMD4<Int32>) -> Bool {
        let centre = Int32(truncatingIfNeeded: y) &* 256 &+ 128
        var any = false
        for s in 0..<count {
            let sy = centre &+ offsetY[s]
            let inside = sy >= bounds.z && sy < bounds.w
            masks[s] = inside ? edgeOffsets[s] : .zero
            any = any || inside
        }
        return any
    }

    /// Starts a tile: every block uniform.
    func begin() { split.update(repeating: 0, count: RenderTarget.blocksPerTile) }

    /// Copies sample 0's colours of block `block` to the other samples.
    @inline(__always)
    func expand(_ block: Int, base: UnsafeMutablePointer<Float>, planes: Int) {
        let q = base + (((block >> 3) &* 8) &* RenderTarget.tileSize &+ (block & 7) &* 8)
        for plane in 0..<planes {
            let p = q + plane &* RenderTarget.planeStride
            for r in 0..<8 {
                let v = load8(p + r &* RenderTarget.tileSize)
                for s in 1..<count { store8(v, p + (s &* Self.colorStride &+ r &* RenderTarget.tileSize)) }
            }
        }
    }

    /// Averages each split block's samples into sample 0: pairwise sums, then one product, so
    /// that a uniform block's average is its own value, bit for bit.
    /// Returns how many blocks were split.
    @discardableResult
    func resolve(base: UnsafeMutablePointer<Float>, planes: Int) -> Int {
        let k = 1 / Float(count)
        var splitBlocks = 0
        for block in 0..<RenderTarget.blocksPerTile where split[block] != 0 {
            splitBlocks &+= 1
            let q = base + (((block >> 3) &* 8) &* RenderTarget.tileSize &+ (block & 7) &* 8)
            for plane in 0..<planes {
                for r in 0..<8 {
                    let p = q + (plane &* RenderTarget.planeStride &+ r &* RenderTarget.tileSize)
                    @inline(__always) func at(_ s: Int) -> SIMD8<Float> { load8(p + s &* Self.colorStride) }
                    let sum: SIMD8<Float>
                    switch count {
                    case 2: sum = at(0) + at(1)
                    case 4: sum = (at(0) + at(1)) + (at(2) + at(3))
                    default: sum = ((at(0) + at(1)) + (at(2) + at(3))) + ((at(4) + at(5)) + (at(6) + at(7)))
                    }
                    store8(sum * k, p)
                }
            }
        }
        return splitBlocks
    }

    /// The nearest sample's depth of each pixel, from the depth planes at `depth` to `out`
    /// (a target that keeps depth).
    func nearestDepth(_ depth: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i < RenderTarget.planeStride {
            var m = load8(depth + i)
            for s in 1..<count { m = pp_min8(m, load8(depth + (s &* RenderTarget.planeStride &+ i))) }
            store8(m, out + i)
            i &+= 8
        }
    }
}

extension TileRasterizer {
    /// A triangle with samples (see `SamplePattern` and `TileSamples`): the one-sample path's
    /// blocks and rows, with coverage and depth per sample and shading once per pixel.
    @inline(__always)
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
                        wrote = shadeSamples(&planes, steps, p, draw, K.self, B.self, affine: t.affine, depth: needsDepth,
                                             shared: scissor, block: block) || wrote
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
        let n = samples.count
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
            for s in 0..<n {
                let zp = p + (depthOffset &+ s &* RenderTarget.planeStride)
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
        }
        for s in 0..<n {
            let m = same ? first : masks[s]
            if pp_signbits8(m) != 0 { blendRow(src, p + s &* TileSamples.colorStride, K.self, B.self, mask: m) }
        }
        return true
    }
}
