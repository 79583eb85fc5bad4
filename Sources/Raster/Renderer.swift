import RasterKernels

/// Work counters of one frame. They depend only on the frame's content, never on timing or
/// thread count, so a benchmark can hold them exactly.
public struct FrameStats: Sendable, Equatable {
    /// Triangles submitted (before culling and clipping).
    public var triangles: Int = 0
    /// Triangles set up for rasterization (after culling, clipping and empty rejection).
    public var setupTriangles: Int = 0
    /// Fragments that passed coverage and depth and were blended (pixels, not samples).
    public var fragments: Int = 0
    /// With samples: the 8×8 blocks whose samples came to differ (edges), which were blended
    /// and resolved per sample; every other block was drawn as with one sample.
    public var splitBlocks: Int = 0

    public init() {}
}

/// Draws lists of triangles into a `RenderTarget` on a pool of threads.
///
/// A frame runs in three parallel stages, each split into fixed work items so the result
/// never depends on the thread count:
/// 1. **Vertex stage**: clip-space positions and varyings, outcodes, snapped window
///    positions (chunks of vertices).
/// 2. **Setup and binning**: triangles in submission order are cut into chunks. Each chunk
///    clips, culls and sets up its triangles, then sorts them into per-tile bins.
/// 3. **Tiles**: each tile is cleared in its thread's float work tile, draws its bins there,
///    chunk by chunk, so blending inside a tile follows submission order, and is stored into
///    the target as half floats.
///
/// The renderer keeps its buffers between frames; a frame allocates nothing once the
/// buffers have grown to fit.
public final class Renderer: @unchecked Sendable {
    public let pool: WorkerPool

    static let vertexChunk = 4096
    static let triangleChunk = 2048

    private var vertices = GrowableBuffer<ScreenVertex>()
    private var chunks: [ChunkBins] = []
    /// Samples per pixel (see `SamplePattern`).
    public let samples: Int
    /// One work tile per thread, `workTileFloats` floats each: per sample, the four float
    /// colour planes a tile is drawn in; then per sample a depth plane (used for targets that
    /// do not keep depth, and always with samples); then the samples' scratch
    /// (`TileSamples.scratchBytes`).
    private let workTiles: UnsafeMutablePointer<Float>
    private let workTileFloats: Int

    /// A renderer drawing on `threads` threads with `samples` samples per pixel (1, 2, 4 or
    /// 8; see `SamplePattern`).
    public init(threads: Int, samples: Int = 1) {
        precondition(SamplePattern.supported.contains(samples), "\(samples) samples: the rasterizer draws 1, 2, 4 or 8")
        pool = WorkerPool(threads: max(1, threads))
        self.samples = samples
        workTileFloats = samples * (TileSamples.colorStride + TileSamples.depthStride) + TileSamples.scratchBytes / 4
        let count = pool.threads * workTileFloats
        workTiles = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
        workTiles.initialize(repeating: 0, count: count)
    }

    deinit { workTiles.deallocate() }

    public var threads: Int { pool.threads }

    /// Clears `target` to `clearColor` and depth `clearDepth`, then draws `draws` in order.
    /// With samples, `resolve` says how each pixel's samples are averaged.
    @discardableResult
    public func render(
        _ draws: [DrawCall], into target: RenderTarget,
        clearColor: SIMD4<Float>, clearDepth: Float = 1, resolve: SampleResolve = .linear
    ) -> FrameStats {
        let viewport = Viewport(width: target.width, height: target.height, samples: samples)

        // Per-draw offsets into the frame's vertex buffer and triangle sequence.
        var vertexBase = [Int](), triangleBase = [Int]()
        var totalVertices = 0, totalTriangles = 0
        var infos = [DrawInfo]()
        infos.reserveCapacity(draws.count)
        for d in draws {
            vertexBase.append(totalVertices)
            triangleBase.append(totalTriangles)
            totalVertices += d.mesh.positions.count
            totalTriangles += d.triangleCount
            infos.append(DrawInfo(d))
        }
        triangleBase.append(totalTriangles)
        vertices.reserve(totalVertices)

        // 1. Vertex stage.
        var vertexJobs = [(draw: Int, start: Int, count: Int)]()
        for (i, d) in draws.enumerated() {
            var s = 0
            let n = d.mesh.positions.count
            while s < n {
                vertexJobs.append((i, s, min(Self.vertexChunk, n - s)))
                s += Self.vertexChunk
            }
        }
        let out = UnsafeSendable(vertices.pointer)
        pool.forEach(vertexJobs.count) { j in
            let job = vertexJobs[j]
            runVertexStage(draws[job.draw], start: job.start, count: job.count,
                           out: out.value + vertexBase[job.draw], viewport: viewport)
        }

        // 2. Setup and binning.
        let chunkCount = (totalTriangles + Self.triangleChunk - 1) / Self.triangleChunk
        while chunks.count < chunkCount { chunks.append(ChunkBins()) }
        let tilesX = target.tilesX, tileCount = target.tileCount
        pool.forEach(chunkCount) { c in
            let first = c * Self.triangleChunk
            let last = min(first + Self.triangleChunk, totalTriangles)
            chunks[c].build(
                triangles: first..<last, draws: draws, triangleBase: triangleBase, vertexBase: vertexBase,
                vertices: UnsafePointer(out.value), viewport: viewport, tilesX: tilesX, tileCount: tileCount)
        }

        // 3. Tiles. The depth plane is cleared only when some draw tests or writes depth.
        let usesDepth = draws.contains { $0.state.depthTest != .always || $0.state.depthWrite }
        let depthClear: Float? = usesDepth ? clearDepth : nil
        var tileFragments = [Int](repeating: 0, count: tileCount)
        var tileSplits = [Int](repeating: 0, count: tileCount)
        let chunkList = Array(chunks.prefix(chunkCount))
        infos.withUnsafeBufferPointer { infoBuffer in
            tileFragments.withUnsafeMutableBufferPointer { fragmentsOut in
              tileSplits.withUnsafeMutableBufferPointer { splitsOut in
                let infoPtr = UnsafeSendable(infoBuffer.baseAddress!)
                let splitPtr = UnsafeSendable(splitsOut.baseAddress!)
                let fragPtr = UnsafeSendable(fragmentsOut.baseAddress!)
                let workTiles = UnsafeSendable(self.workTiles)
                let samples = self.samples, workTileFloats = self.workTileFloats
                let planes = target.keepsAlpha ? 4 : 3
                pool.forEach(tileCount) { worker, tile in
                    let base = workTiles.value + worker * workTileFloats
                    let ownDepth = base + samples * TileSamples.colorStride
                    // With samples, depth is drawn per sample in the work tile; the target keeps the nearest.
                    let depthPlane = target.keepsDepth && samples == 1 ? target.depthPlane(tile) : ownDepth
                    var tileSamples = TileSamples(count: samples,
                                                  scratch: UnsafeMutableRawPointer(ownDepth + samples * TileSamples.depthStride))
                    // With samples, depth is cleared block by block as draws first test it (`TileSamples`).
                    target.beginTile(tile, work: base, color: clearColor, depth: depthClear, depthPlane: depthPlane,
                                     depthPlanes: samples == 1 ? 1 : 0)
                    tileSamples.begin(clearDepth: depthClear)
                    let tx = tile % tilesX, ty = tile / tilesX
                    var r = TileRasterizer(
                        base: base, depthOffset: base.distance(to: depthPlane),
                        x0: tx * RenderTarget.tileSize, y0: ty * RenderTarget.tileSize,
                        x1: min((tx + 1) * RenderTarget.tileSize, target.width),
                        y1: min((ty + 1) * RenderTarget.tileSize, target.height),
                        imageWidth: target.width, keepsAlpha: target.keepsAlpha,
                        blockMaxDepth: target.blockMaxDepth + tile * RenderTarget.blocksPerTile, samples: tileSamples)
                    for chunk in chunkList {
                        chunk.forEachRecord(
                            inTile: tile,
                            triangle: { t in r.draw(t, infoPtr.value + Int(t.pointee.draw)) },
                            sprite: { s in r.draw(s, infoPtr.value + Int(s.pointee.draw)) })
                    }
                    if samples > 1 {
                        splitPtr.value[tile] = tileSamples.resolve(base: base, planes: planes, how: resolve)
                        if target.keepsDepth && depthClear != nil { tileSamples.nearestDepth(ownDepth, into: target.depthPlane(tile)) }
                    }
                    target.store(tile: tile, from: base)
                    fragPtr.value[tile] = r.fragments
                }
              }
            }
        }
        withExtendedLifetime(draws) {}

        var stats = FrameStats()
        stats.triangles = totalTriangles
        stats.setupTriangles = chunkList.reduce(0) { $0 + $1.count }
        stats.fragments = tileFragments.reduce(0, +)
        stats.splitBlocks = tileSplits.reduce(0, +)
        return stats
    }
}

extension DrawInfo {
    init(_ d: DrawCall) {
        switch d.shading {
        case .color:
            self.init(kernel: .color, tint: SIMD4(repeating: 1), texture: nil,
                      depthTest: d.state.depthTest, depthWrite: d.state.depthWrite, blend: d.state.blend)
        case .litGouraud(let light):
            self.init(kernel: .rgb, tint: SIMD4(1, 1, 1, light.alpha), texture: nil,
                      depthTest: d.state.depthTest, depthWrite: d.state.depthWrite, blend: d.state.blend)
        case .glow(let tint):
            self.init(kernel: .glow, tint: SIMD4(tint, 0), texture: nil,
                      depthTest: d.state.depthTest, depthWrite: d.state.depthWrite, blend: d.state.blend)
        case .textured(let texture, let tint):
            self.init(kernel: .textured, tint: tint, texture: TextureView(texture),
                      depthTest: d.state.depthTest, depthWrite: d.state.depthWrite, blend: d.state.blend)
        case .texturedLit(let texture, let light):
            self.init(kernel: .texturedLit, tint: SIMD4(light.key, 0), ambient: SIMD4(light.ambient, 0), rim: SIMD4(light.rim, 0),
                      texture: TextureView(texture), depthTest: d.state.depthTest, depthWrite: d.state.depthWrite, blend: d.state.blend)
        }
        sampled = d.sprites == nil && d.state.multisample
    }
}

/// The vertex stage for `count` vertices of one draw, written to `out[start...]`.
func runVertexStage(_ d: DrawCall, start: Int, count: Int, out: UnsafeMutablePointer<ScreenVertex>, viewport: Viewport) {
    let m = d.transform
    d.mesh.positions.withUnsafeBufferPointer { pos in
        d.mesh.attributes.withUnsafeBufferPointer { attr in
            for i in start..<(start + count) {
                let p = pos[i]
                let clip = m * SIMD4(p, 1)
                var varyings = attr[i]
                if case .litGouraud(let light) = d.shading {
                    let n = light.normalMatrix.0 * varyings.x + light.normalMatrix.1 * varyings.y + light.normalMatrix.2 * varyings.z
                    let diffuse = max(dot(n, light.direction), 0)
                    var c = light.ambient
                    c.addProduct(light.diffuse, diffuse)
                    varyings = SIMD4(c, light.alpha)
                }
                var v = ScreenVertex(clip: clip, varyings: varyings, x: 0, y: 0, z: 0, oow: 0, outcode: viewport.outcode(clip))
                if v.outcode & Outcode.clipMask == 0 { viewport.project(&v) }
                out[i] = v
            }
        }
    }
}

/// One chunk's set-up records and their per-tile bins (a counting sort by tile).
///
/// A record is a `Triangle`, or a `SpriteRecord` for a sprite set up from its centre (a
/// quarter of the memory). `refs` lists them in submission order, each as its index in its
/// own buffer, with `spriteTag` set for a sprite; the bins hold the same references.
final class ChunkBins: @unchecked Sendable {
    private var triangles = GrowableBuffer<Triangle>()
    private var sprites = GrowableBuffer<SpriteRecord>()
    private var triangleCount = 0, spriteCount = 0
    private var refs = GrowableBuffer<UInt32>()
    static let spriteTag: UInt32 = 1 << 31
    /// Inclusive tile rectangle of each record.
    private var tileRects = GrowableBuffer<SIMD4<Int16>>()
    /// Records set up, of both kinds.
    private(set) var count = 0
    /// Bin of tile t is `entries[offsets[t] ..< offsets[t + 1]]`.
    private var offsets: [Int32] = []
    private var entries = GrowableBuffer<UInt32>()
    private var clipper = Clipper()

    /// Room for the next triangle; `keepTriangle` then keeps what was set up there.
    @inline(__always)
    private func nextTriangle() -> UnsafeMutablePointer<Triangle> {
        triangles.reserve(triangleCount + 1)
        return triangles.pointer + triangleCount
    }

    @inline(__always)
    private func keepTriangle() {
        refs.reserve(count + 1)
        refs.pointer[count] = UInt32(triangleCount)
        triangleCount += 1
        count += 1
    }

    /// Room for the next sprite; `keepSprite` then keeps what was set up there.
    @inline(__always)
    private func nextSprite() -> UnsafeMutablePointer<SpriteRecord> {
        sprites.reserve(spriteCount + 1)
        return sprites.pointer + spriteCount
    }

    @inline(__always)
    private func keepSprite() {
        refs.reserve(count + 1)
        refs.pointer[count] = UInt32(spriteCount) | Self.spriteTag
        spriteCount += 1
        count += 1
    }

    func build(
        triangles range: Range<Int>, draws: [DrawCall], triangleBase: [Int], vertexBase: [Int],
        vertices: UnsafePointer<ScreenVertex>, viewport: Viewport, tilesX: Int, tileCount: Int
    ) {
        count = 0; triangleCount = 0; spriteCount = 0
        // The first draw that owns triangle range.lowerBound.
        var draw = 0
        while triangleBase[draw + 1] <= range.lowerBound { draw += 1 }
        var global = range.lowerBound
        while global < range.upperBound {
            while triangleBase[draw + 1] <= global { draw += 1 }
            let d = draws[draw]
            let drawEnd = min(range.upperBound, triangleBase[draw + 1])
            let spritesStart = triangleBase[draw] + d.mesh.triangleCount
            let cull = d.state.cull
            // A mesh's triangles are covered per sample; sprites by their pixel centres.
            let reach = viewport.reach
            if global >= spritesStart, let sprites = d.sprites {
                buildSprites(sprites, triangles: global..<drawEnd, first: spritesStart, cull: cull, draw: UInt32(draw),
                             viewport: viewport)
                global = drawEnd
                continue
            }
            // The mesh's triangles; a draw's sprites follow on the next turn of the loop.
            let end = min(drawEnd, spritesStart)
            let vbase = vertices + vertexBase[draw]
            let vertexCount = UInt32(d.mesh.positions.count)
            d.mesh.indices.withUnsafeBufferPointer { idx in
                /// Sets up triangle g (and g + 1 when the two form a rectangle); returns how
                /// many triangles it consumed.
                func process(_ g: Int) -> Int {
                    let local = (g - triangleBase[draw]) * 3
                    let i0 = idx[local], i1 = idx[local + 1], i2 = idx[local + 2]
                    // An index past the vertices drops the triangle rather than reading past the buffer.
                    if i0 >= vertexCount || i1 >= vertexCount || i2 >= vertexCount { return 1 }
                    let v0 = vbase[Int(i0)], v1 = vbase[Int(i1)], v2 = vbase[Int(i2)]
                    let all = v0.outcode | v1.outcode | v2.outcode
                    if all & Outcode.clipMask == 0 && all & Outcode.nonFinite == 0 {
                        if v0.outcode & v1.outcode & v2.outcode & Outcode.rejectMask != 0 { return 1 }
                        // A rectangle has one w at every corner: perspective meshes skip the
                        // attempt without touching the next triangle's vertices.
                        if g + 1 < end && v0.clip.w == v1.clip.w && v0.clip.w == v2.clip.w {
                            let j0 = idx[local + 3], j1 = idx[local + 4], j2 = idx[local + 5]
                            if j0 < vertexCount && j1 < vertexCount && j2 < vertexCount {
                                let w0 = vbase[Int(j0)], w1 = vbase[Int(j1)], w2 = vbase[Int(j2)]
                                if (w0.outcode | w1.outcode | w2.outcode) & Outcode.clipMask == 0 {
                                    let slot = nextTriangle()
                                    switch setupRectangle(v0, v1, v2, w0, w1, w2, cull: cull, draw: UInt32(draw),
                                                          viewport: viewport, reach: reach, into: &slot.pointee) {
                                    case .ready: keepTriangle(); return 2
                                    case .empty: return 2
                                    case .notRectangle: break
                                    }
                                }
                            }
                        }
                        add(v0, v1, v2, cull: cull, draw: UInt32(draw), viewport: viewport, reach: reach)
                    } else if all & Outcode.nonFinite != 0 {
                        return 1
                    } else if v0.outcode & v1.outcode & v2.outcode & Outcode.rejectMask != 0 {
                        return 1
                    } else {
                        clipper.clip(v0, v1, v2, planes: all & Outcode.clipMask, viewport: viewport) { a, b, c in
                            add(a, b, c, cull: cull, draw: UInt32(draw), viewport: viewport, reach: reach)
                        }
                    }
                    return 1
                }
                var g = global
                while g < end { g += process(g) }
            }
            global = end
        }
        bin(tilesX: tilesX, tileCount: tileCount)
    }

    /// Sets up triangles `range` of a sprite draw, whose first sprite triangle is `first`.
    /// Each sprite's corners are made here, exactly as the vertex stage would make its quad
    /// under the identity transform, and take the same path as a quad of a mesh.
    private func buildSprites(_ sprites: Sprites, triangles range: Range<Int>, first: Int, cull: CullMode, draw: UInt32,
                              viewport: Viewport) {
        sprites.centres.withUnsafeBufferPointer { centres in
            sprites.halves.withUnsafeBufferPointer { halves in
                var g = range.lowerBound
                while g < range.upperBound {
                    let local = g - first
                    let c = centres[local >> 1], h = halves[local >> 1]
                    @inline(__always) func corner(_ sx: Float, _ sy: Float) -> ScreenVertex {
                        let clip = SIMD4<Float>(c.x + sx * h.x, c.y + sy * h.y, c.z, 1)
                        var v = ScreenVertex(clip: clip, varyings: SIMD4(sx, sy, c.w, 0), x: 0, y: 0, z: 0, oow: 0,
                                             outcode: viewport.outcode(clip))
                        if v.outcode & Outcode.clipMask == 0 { viewport.project(&v) }
                        return v
                    }
                    if local & 1 == 0 && g + 1 < range.upperBound {
                        // The common case straight from the centre; the rest through corners.
                        let slot = nextSprite()
                        let setup = setupSprite(c, h, cull: cull, draw: draw, viewport: viewport, into: &slot.pointee)
                        if setup != .general {
                            if setup == .ready { keepSprite() }
                            g += 2
                            continue
                        }
                    }
                    // Otherwise as a mesh's quad: the first triangle (0, 1, 2), with the second
                    // (0, 2, 3) as its partner when both are in this chunk.
                    let v0 = corner(-1, -1), v2 = corner(1, 1)
                    if local & 1 == 0 {
                        let partner = g + 1 < range.upperBound ? (v0, v2, corner(-1, 1)) : nil
                        g += setUp(v0, corner(1, -1), v2, partner: partner, cull: cull, draw: draw, viewport: viewport)
                    } else {
                        g += setUp(v0, v2, corner(-1, 1), partner: nil, cull: cull, draw: draw, viewport: viewport)
                    }
                }
            }
        }
    }

    /// What the mesh path does with one triangle whose vertices share one w: reject, merge
    /// with `partner` into a rectangle, set up, or clip. Returns the triangles consumed.
    @inline(__always)
    private func setUp(_ v0: ScreenVertex, _ v1: ScreenVertex, _ v2: ScreenVertex,
                       partner: (ScreenVertex, ScreenVertex, ScreenVertex)?, cull: CullMode, draw: UInt32,
                       viewport: Viewport) -> Int {
        let all = v0.outcode | v1.outcode | v2.outcode
        if all & Outcode.nonFinite != 0 || v0.outcode & v1.outcode & v2.outcode & Outcode.rejectMask != 0 { return 1 }
        if all & Outcode.clipMask != 0 {
            clipper.clip(v0, v1, v2, planes: all & Outcode.clipMask, viewport: viewport) { a, b, c in
                add(a, b, c, cull: cull, draw: draw, viewport: viewport)
            }
            return 1
        }
        if let (w0, w1, w2) = partner, (w0.outcode | w1.outcode | w2.outcode) & Outcode.clipMask == 0 {
            let slot = nextTriangle()
            switch setupRectangle(v0, v1, v2, w0, w1, w2, cull: cull, draw: draw, viewport: viewport, into: &slot.pointee) {
            case .ready: keepTriangle(); return 2
            case .empty: return 2
            case .notRectangle: break
            }
        }
        add(v0, v1, v2, cull: cull, draw: draw, viewport: viewport)
        return 1
    }

    @inline(__always)
    private func add(_ v0: ScreenVertex, _ v1: ScreenVertex, _ v2: ScreenVertex, cull: CullMode, draw: UInt32, viewport: Viewport,
                     reach: Int64 = 0) {
        let slot = nextTriangle()
        if setupTriangle(v0, v1, v2, cull: cull, draw: draw, viewport: viewport, reach: reach, into: &slot.pointee) {
            keepTriangle()
        }
    }

    private func bin(tilesX: Int, tileCount: Int) {
        if offsets.count != tileCount + 1 { offsets = [Int32](repeating: 0, count: tileCount + 1) }
        tileRects.reserve(count)
        let tris = triangles.pointer, spriteRecords = sprites.pointer, rects = tileRects.pointer, refs = refs.pointer
        var total = 0
        offsets.withUnsafeMutableBufferPointer { off in
            for i in 0...tileCount { off[i] = 0 }
            for i in 0..<count {
                let ref = refs[i]
                let bounds: SIMD4<Int16>
                if ref & Self.spriteTag != 0 {
                    let s = spriteRecords[Int(ref & ~Self.spriteTag)]
                    bounds = SIMD4(s.x0, s.y0, s.x1, s.y1)
                } else {
                    let t = tris[Int(ref)]
                    bounds = SIMD4(t.x0, t.y0, t.x1, t.y1)
                }
                let r = bounds &>> 6
                rects[i] = r
                for ty in Int(r.y)...Int(r.w) {
                    for tx in Int(r.x)...Int(r.z) { off[ty * tilesX + tx + 1] += 1 }
                }
                total += (Int(r.z) - Int(r.x) + 1) * (Int(r.w) - Int(r.y) + 1)
            }
            for i in 0..<tileCount { off[i + 1] += off[i] }
            entries.reserve(total)
            let e = entries.pointer
            // Fill using a cursor per tile (offsets[t] walks up to offsets[t + 1]); then shift back.
            for i in 0..<count {
                let r = rects[i]
                let ref = refs[i]
                for ty in Int(r.y)...Int(r.w) {
                    for tx in Int(r.x)...Int(r.z) {
                        let t = ty * tilesX + tx
                        e[Int(off[t])] = ref
                        off[t] += 1
                    }
                }
            }
            var i = tileCount
            while i > 0 { off[i] = off[i - 1]; i -= 1 }
            off[0] = 0
        }
    }

    /// How many records ahead `forEachRecord` asks for.
    static let prefetchDistance = 6

    /// Calls `triangle` or `sprite` for each record of tile `tile`, in submission order.
    @inline(__always)
    func forEachRecord(inTile tile: Int, triangle: (UnsafePointer<Triangle>) -> Void,
                       sprite: (UnsafePointer<SpriteRecord>) -> Void) {
        let lo = Int(offsets[tile]), hi = Int(offsets[tile + 1])
        if lo == hi { return }
        let e = entries.pointer, tris = triangles.pointer, spriteRecords = sprites.pointer
        let ahead = Self.prefetchDistance
        // The records were written by another stage, often on another core: fetch the one
        // `ahead` places on (all its cache lines) while this one draws. Small sprites draw in
        // tens of nanoseconds, less than a trip to memory.
        @inline(__always) func prefetch(_ ref: UInt32) {
            if ref & Self.spriteTag != 0 {
                let raw = UnsafeRawPointer(spriteRecords + Int(ref & ~Self.spriteTag))
                pp_prefetch(raw); pp_prefetch(raw + (MemoryLayout<SpriteRecord>.size - 1))
            } else {
                let raw = UnsafeRawPointer(tris + Int(ref))
                pp_prefetch(raw); pp_prefetch(raw + 64); pp_prefetch(raw + 128)
            }
        }
        for k in lo..<min(lo &+ ahead, hi) { prefetch(e[k]) }
        for k in lo..<hi {
            if k &+ ahead < hi { prefetch(e[k &+ ahead]) }
            let ref = e[k]
            if ref & Self.spriteTag != 0 {
                sprite(spriteRecords + Int(ref & ~Self.spriteTag))
            } else {
                triangle(tris + Int(ref))
            }
        }
    }
}

/// A manually grown buffer of trivially copyable elements that never shrinks, so a frame
/// allocates nothing once buffers fit. Owned by one thread at a time.
struct GrowableBuffer<Element>: ~Copyable {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: 1)
    }

    deinit { pointer.deallocate() }

    /// Ensures room for `n` elements, keeping the first `capacity` elements.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if n <= capacity { return }
        let newCapacity = max(n, capacity * 2, 64)
        let p = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if capacity > 0 { p.moveInitialize(from: pointer, count: capacity) }
        pointer.deallocate()
        pointer = p
        capacity = newCapacity
    }
}
