import RasterKernels

/// A tile's samples while it is drawn (see `SamplePattern`), in its thread's work tile.
///
/// ## Layout
/// Sample s's four colour planes start `s · colorStride` floats after sample 0's (which are
/// the work tile's first four planes, where one sample draws), and its depth plane
/// `s · depthStride` floats after sample 0's.
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
    /// Floats from one sample's colour planes to the next's, and from one sample's depth plane
    /// to the next's. Each is one cache line more than the planes it holds: planes a multiple
    /// of 16 KiB apart fall in the same sets of the L1 cache, and the 16 colour and 4 depth
    /// rows a split block's row touches at 4 samples would evict each other.
    static let colorStride = 4 * RenderTarget.planeStride + 16
    static let depthStride = RenderTarget.planeStride + 16
    /// Sample offsets from the pixel centre in 1/256 pixel (lane s; unused lanes 0), and in pixels.
    let offsetX: SIMD8<Int32>, offsetY: SIMD8<Int32>
    let pixelOffsetX: SIMD8<Float>, pixelOffsetY: SIMD8<Float>
    /// Per block: 0 uniform, 1 split.
    let split: UnsafeMutablePointer<UInt8>
    /// How many blocks of the tile are split so far: while none is, a draw without depth is
    /// drawn exactly as with one sample, with no look at the flags.
    let splitBlocks: UnsafeMutablePointer<Int>
    /// Per block: 1 once its depth planes hold the clear depth (they are cleared when a draw
    /// first tests depth there, not with the tile), else 0.
    let depthReady: UnsafeMutablePointer<UInt8>
    /// The depth the planes clear to; nil when the frame uses no depth.
    var clearDepth: Float? = nil
    /// Row masks per sample (8), then per-triangle constants: each edge's F offset per sample
    /// (3 × 8, broadcast), and the depth offset per sample (8, broadcast).
    let masks: UnsafeMutablePointer<SIMD8<Int32>>
    var edgeOffsets: UnsafeMutablePointer<SIMD8<Int32>> { masks + 8 }
    let depthOffsets: UnsafeMutablePointer<SIMD8<Float>>
    /// The smallest depth offset of the current triangle (for the hierarchical depth test).
    var depthOffsetMin: Float = 0

    /// Bytes of scratch `init(count:scratch:)` needs: 64 split flags, 64 depth flags, the split
    /// count (64 bytes, for alignment), 32 mask vectors, 8 depth vectors.
    static let scratchBytes = 192 + 32 * 32 + 8 * 32

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
        splitBlocks = (scratch + 128).bindMemory(to: Int.self, capacity: 1)
        masks = (scratch + 192).bindMemory(to: SIMD8<Int32>.self, capacity: 32)
        depthOffsets = (scratch + 192 + 32 * 32).bindMemory(to: SIMD8<Float>.self, capacity: 8)
        split = scratch.bindMemory(to: UInt8.self, capacity: 128)
        depthReady = split + 64
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
    /// Returns whether every sample of each pixel has the same coverage in x.
    @inline(__always)
    func rectangleColumns(bx: Int, lanes: SIMD8<Int32>, bounds: SIMD4<Int32>) -> Bool {
        let centres = (SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(truncatingIfNeeded: bx)) &* 256 &+ 128
        var same = true
        for s in 0..<count {
            let x = centres &+ offsetX[s]
            // Sign masks: x ≥ from and x < to (the values are far from Int32's limits).
            let m = lanes & ~((x &- bounds.x) &>> 31) & ((x &- bounds.y) &>> 31)
            edgeOffsets[s] = m
            same = same && pp_signbits8(m) == pp_signbits8(edgeOffsets[0])
        }
        return same
    }

    /// The rows (first, last) of a rectangle whose samples are all inside it in y: rows where
    /// `rectangleRow` would return 2. Empty (first > last) when there are none.
    @inline(__always)
    func rectangleInnerRows(bounds: SIMD4<Int32>) -> (Int, Int) {
        var low = Int32.max, high = Int32.min
        for s in 0..<count { low = min(low, offsetY[s]); high = max(high, offsetY[s]) }
        // y · 256 + 128 + low ≥ bounds.z and y · 256 + 128 + high < bounds.w.
        let first = (Int(bounds.z) - 128 - Int(low) + 255) >> 8
        let last = (Int(bounds.w) - 129 - Int(high)) >> 8
        return (first, last)
    }

    /// Row `y`'s sample masks of a rectangle (`rectangleColumns` first): 0 when no sample of
    /// the row is inside in y, 2 when all are (the masks are the columns'), else 1.
    @inline(__always)
    func rectangleRow(y: Int, bounds: SIMD4<Int32>) -> Int {
        let centre = Int32(truncatingIfNeeded: y) &* 256 &+ 128
        var inside = 0
        for s in 0..<count {
            let sy = centre &+ offsetY[s]
            let isInside = sy >= bounds.z && sy < bounds.w
            masks[s] = isInside ? edgeOffsets[s] : .zero
            if isInside { inside &+= 1 }
        }
        return inside == 0 ? 0 : (inside == count ? 2 : 1)
    }

    /// Starts a tile: every block uniform, no depth plane cleared yet.
    mutating func begin(clearDepth: Float?) {
        split.update(repeating: 0, count: 2 * RenderTarget.blocksPerTile)
        splitBlocks.pointee = 0
        self.clearDepth = clearDepth
    }

    /// Clears block `block` of every sample's depth plane (from `depth`, sample 0's plane), if
    /// no draw has yet.
    @inline(__always)
    func prepareDepthBlock(_ block: Int, depth: UnsafeMutablePointer<Float>) {
        if depthReady[block] != 0 { return }
        depthReady[block] = 1
        let v = SIMD8<Float>(repeating: clearDepth ?? 1)
        let q = depth + (((block >> 3) &* 8) &* RenderTarget.tileSize &+ (block & 7) &* 8)
        for s in 0..<count {
            for r in 0..<8 { store8(v, q + (s &* Self.depthStride &+ r &* RenderTarget.tileSize)) }
        }
    }

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

    /// Averages each split block's samples into sample 0, as `how` says (`SampleResolve`).
    /// The plain mean is pairwise sums, then one product, so that samples that agree average
    /// to their own value, bit for bit. Returns how many blocks were split.
    @discardableResult
    func resolve(base: UnsafeMutablePointer<Float>, planes: Int, how: SampleResolve) -> Int {
        let k = 1 / Float(count)
        var exposure: Float = 0
        if case .toneMapped(let e) = how, e.isFinite, e > 0 { exposure = e }
        var splitBlocks = 0
        for block in 0..<RenderTarget.blocksPerTile where split[block] != 0 {
            splitBlocks &+= 1
            let q = base + (((block >> 3) &* 8) &* RenderTarget.tileSize &+ (block & 7) &* 8)
            for plane in 0..<planes {
                // Two rows of the block at a time, as sixteen lanes.
                for r in stride(from: 0, to: 8, by: 2) {
                    let p = q + (plane &* RenderTarget.planeStride &+ r &* RenderTarget.tileSize)
                    @inline(__always) func at(_ s: Int) -> SIMD16<Float> {
                        let o = p + s &* Self.colorStride
                        return SIMD16(lowHalf: load8(o), highHalf: load8(o + RenderTarget.tileSize))
                    }
                    let sum: SIMD16<Float>
                    switch count {
                    case 2: sum = at(0) + at(1)
                    case 4: sum = (at(0) + at(1)) + (at(2) + at(3))
                    default: sum = ((at(0) + at(1)) + (at(2) + at(3))) + ((at(4) + at(5)) + (at(6) + at(7)))
                    }
                    var mean = sum * k
                    if exposure > 0 && plane < 3 {
                        // The display's mean, where the samples differ and are not all at the
                        // curve's top. Rows of a split block whose samples all agree (most
                        // of them) skip the curve.
                        let first = at(0)
                        var differ = SIMD16<Int32>.zero, low = first
                        for s in 1..<count {
                            let v = at(s)
                            differ |= pp_ne16(v, first)
                            low = pp_min16(low, v)
                        }
                        let use = differ & pp_lt16(low * exposure, SIMD16(repeating: ToneCurve.saturation))
                        if pp_any16(use) != 0 {
                            var shown = SIMD16<Float>.zero
                            for s in 0..<count { shown += ToneCurve.map(at(s) * exposure) }
                            let toned = ToneCurve.inverse(shown * k) * (1 / exposure)
                            mean = pp_select16(use, toned, mean)
                        }
                    }
                    store8(mean.lowHalf, p)
                    store8(mean.highHalf, p + RenderTarget.tileSize)
                }
            }
        }
        return splitBlocks
    }

    /// The nearest sample's depth of each pixel, from the depth planes at `depth` to `out`
    /// (a target that keeps depth).
    func nearestDepth(_ depth: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        for block in 0..<RenderTarget.blocksPerTile { prepareDepthBlock(block, depth: depth) }
        var i = 0
        while i < RenderTarget.planeStride {
            var m = load8(depth + i)
            for s in 1..<count { m = pp_min8(m, load8(depth + (s &* Self.depthStride &+ i))) }
            store8(m, out + i)
            i &+= 8
        }
    }
}
