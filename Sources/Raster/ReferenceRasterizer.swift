/// A scalar rasterizer that is simple and obviously correct, for tests to hold the fast path
/// against. It shares only the vertex stage, the clipper and the fixed-point snapping with
/// the fast path; coverage, interpolation, shading, depth and blending are written out here
/// pixel by pixel, in Int64 and Double, with no tiles, bins, blocks or SIMD. Like the fast
/// path, it blends in floats and rounds to the target's half floats once, at the end.
///
/// With samples (see `SamplePattern`) each pixel keeps every sample's colour and depth:
/// coverage and depth are decided per sample (sprites: coverage at the centre), the fragment
/// is shaded once at the pixel centre, and the samples are averaged at the end.
public enum ReferenceRasterizer {
    /// Draws like `Renderer(threads:samples:).render`, single-threaded.
    public static func render(_ draws: [DrawCall], into target: RenderTarget, clearColor: SIMD4<Float>, clearDepth: Float = 1,
                              samples: Int = 1, resolve: SampleResolve = .linear) {
        precondition(SamplePattern.supported.contains(samples), "\(samples) samples: the rasterizer draws 1, 2, 4 or 8")
        target.clear(color: clearColor, depth: clearDepth)
        let canvas = Canvas(target, clearColor: clearColor, clearDepth: clearDepth, samples: samples)
        defer { canvas.store(resolve) }
        let viewport = Viewport(width: target.width, height: target.height)
        var clipper = Clipper()
        for var d in draws {
            let info = DrawInfo(d)
            // Sprites go through the vertex stage as the quads they stand for.
            if let sprites = d.sprites { d.mesh = sprites.mesh; d.sprites = nil }
            let n = d.mesh.positions.count
            let verts = UnsafeMutablePointer<ScreenVertex>.allocate(capacity: max(n, 1))
            defer { verts.deallocate() }
            runVertexStage(d, start: 0, count: n, out: verts, viewport: viewport)
            for t in 0..<d.mesh.triangleCount {
                let i0 = Int(d.mesh.indices[3 * t]), i1 = Int(d.mesh.indices[3 * t + 1]), i2 = Int(d.mesh.indices[3 * t + 2])
                if i0 >= n || i1 >= n || i2 >= n { continue }
                let v0 = verts[i0], v1 = verts[i1], v2 = verts[i2]
                let all = v0.outcode | v1.outcode | v2.outcode
                if all & Outcode.nonFinite != 0 { continue }
                if v0.outcode & v1.outcode & v2.outcode & Outcode.rejectMask != 0 { continue }
                if all & Outcode.clipMask == 0 {
                    drawTriangle(v0, v1, v2, d, info, canvas)
                } else {
                    clipper.clip(v0, v1, v2, planes: all & Outcode.clipMask, viewport: viewport) { a, b, c in
                        drawTriangle(a, b, c, d, info, canvas)
                    }
                }
            }
        }
    }

    private static func drawTriangle(
        _ v0: ScreenVertex, _ v1: ScreenVertex, _ v2: ScreenVertex, _ d: DrawCall, _ info: DrawInfo, _ target: Canvas
    ) {
        let p = [(Int64(v0.x), Int64(v0.y)), (Int64(v1.x), Int64(v1.y)), (Int64(v2.x), Int64(v2.y))]
        // Doubled signed area in this window space (y down); positive is clockwise in
        // OpenGL's (y-up) window space, a back face.
        let area = (p[1].0 - p[0].0) * (p[2].1 - p[0].1) - (p[1].1 - p[0].1) * (p[2].0 - p[0].0)
        if area == 0 { return }
        switch d.state.cull {
        case .none: break
        case .back: if area > 0 { return }
        case .front: if area < 0 { return }
        }
        let sign: Int64 = area > 0 ? 1 : -1
        let verts = [v0, v1, v2]

        // The edge opposite vertex k runs from vertex k+1 to vertex k+2.
        func edge(_ k: Int, _ x: Int64, _ y: Int64) -> Int64 {
            let (xi, yi) = p[(k + 1) % 3], (xj, yj) = p[(k + 2) % 3]
            return sign * ((xj - xi) * (y - yi) - (yj - yi) * (x - xi))
        }
        func isTopLeft(_ k: Int) -> Bool {
            let (xi, yi) = p[(k + 1) % 3], (xj, yj) = p[(k + 2) % 3]
            let dx = sign * (xj - xi), dy = sign * (yj - yi)
            return dy < 0 || (dy == 0 && dx > 0)
        }
        let affine = v0.clip.w == v1.clip.w && v0.clip.w == v2.clip.w
        // Visit the vertices' bounding box, one pixel wider on each side, clamped to the target.
        let xs = p.map { $0.0 }, ys = p.map { $0.1 }
        let bx0 = max(0, Int(xs.min()! >> 8) - 1), bx1 = min(target.width - 1, Int(xs.max()! >> 8) + 1)
        let by0 = max(0, Int(ys.min()! >> 8) - 1), by1 = min(target.height - 1, Int(ys.max()! >> 8) + 1)
        if bx0 > bx1 || by0 > by1 { return }
        let offsets = SamplePattern.offsets(target.samples)
        func covers(_ x: Int64, _ y: Int64) -> Bool {
            for k in 0..<3 {
                let e = edge(k, x, y)
                if e < 0 || (e == 0 && !isTopLeft(k)) { return false }
            }
            return true
        }
        func barycentric(_ x: Int64, _ y: Int64) -> SIMD3<Double> {
            SIMD3((0..<3).map { Double(edge($0, x, y)) / Double(sign * area) })
        }
        func barycentric(_ x: Double, _ y: Double) -> SIMD3<Double> {
            SIMD3((0..<3).map { k in
                let (xi, yi) = p[(k + 1) % 3], (xj, yj) = p[(k + 2) % 3]
                return Double(sign) * (Double(xj - xi) * (y - Double(yi)) - Double(yj - yi) * (x - Double(xi))) / Double(sign * area)
            })
        }
        for y in by0...by1 {
            for x in bx0...bx1 {
                let sx = Int64(x) * 256 + 128, sy = Int64(y) * 256 + 128
                // The samples covered; sprites take the centre's coverage at every sample.
                let centre = covers(sx, sy)
                let covered = offsets.map { o in info.sampled ? covers(sx + Int64(o.x), sy + Int64(o.y)) : centre }
                if !covered.contains(true) { continue }
                // Shaded once: at the centre, or where only some samples are covered, at the
                // mean of their positions (centroid sampling: never outside the triangle).
                let count = covered.filter { $0 }.count
                var lambda = barycentric(sx, sy)
                if count < offsets.count {
                    let picked = zip(offsets, covered).filter { $0.1 }.map(\.0)
                    let mx = Double(picked.map { Int($0.x) }.reduce(0, +)) / Double(count)
                    let my = Double(picked.map { Int($0.y) }.reduce(0, +)) / Double(count)
                    lambda = barycentric(Double(sx) + mx, Double(sy) + my)
                }

                // Depth is affine in window space; attributes are perspective-correct.
                var attr = SIMD4<Double>.zero
                if affine {
                    for k in 0..<3 { attr += SIMD4<Double>(verts[k].varyings) * lambda[k] }
                } else {
                    var oow = 0.0
                    for k in 0..<3 {
                        let o = Double(verts[k].oow)
                        oow += lambda[k] * o
                        attr += SIMD4<Double>(verts[k].varyings) * (lambda[k] * o)
                    }
                    attr /= oow
                }

                var passes = [Bool](repeating: false, count: offsets.count)
                for (s, o) in offsets.enumerated() where covered[s] {
                    let l = offsets.count == 1 ? lambda : barycentric(sx + Int64(o.x), sy + Int64(o.y))
                    let z = Float(l[0] * Double(v0.z) + l[1] * Double(v1.z) + l[2] * Double(v2.z))
                    let stored = target.depth(x: x, y: y, sample: s)
                    switch d.state.depthTest {
                    case .less: if !(z < stored) { continue }
                    case .lessOrEqual: if !(z <= stored) { continue }
                    case .always: break
                    }
                    if d.state.depthWrite { target.setDepth(x: x, y: y, sample: s, z) }
                    passes[s] = true
                }
                if !passes.contains(true) { continue }

                let a = SIMD4<Float>(attr)
                let src: SIMD4<Float>
                switch info.kernel {
                case .color: src = a
                case .rgb: src = SIMD4(a.x, a.y, a.z, info.tint.w)
                case .glow:
                    let q = max(1 - (a.x * a.x + a.y * a.y), 0)
                    let f = q * q * a.z
                    src = SIMD4(info.tint.x * f, info.tint.y * f, info.tint.z * f, 0)
                case .textured: src = info.texture!.sample(u: a.x, v: a.y) * info.tint
                case .texturedLit:
                    let s = info.texture!.sample(u: a.x, v: a.y)
                    src = s * (info.ambient + info.tint * a.z) + info.rim * (a.w * s.w)
                }
                for s in 0..<offsets.count where passes[s] {
                    let dst = target.color(x: x, y: y, sample: s)
                    let out: SIMD4<Float>
                    switch d.state.blend {
                    case .opaque: out = src
                    case .additive: out = dst + src
                    case .premultipliedAlpha: out = src + dst * (1 - src.w)
                    }
                    target.setColor(x: x, y: y, sample: s, out)
                }
            }
        }
    }
}

/// The reference's frame in floats, every sample of every pixel, stored into the target once
/// drawn: each pixel's samples averaged (pairwise sums, then one product, as the fast path),
/// or through the tone curve (`SampleResolve.toneMapped`).
private final class Canvas {
    let target: RenderTarget
    let width: Int, height: Int, samples: Int
    var colors: [SIMD4<Float>]
    var depths: [Float]

    init(_ target: RenderTarget, clearColor: SIMD4<Float>, clearDepth: Float, samples: Int) {
        self.target = target
        width = target.width
        height = target.height
        self.samples = samples
        colors = Array(repeating: target.keepsAlpha ? clearColor : SIMD4(clearColor.x, clearColor.y, clearColor.z, 1),
                       count: width * height * samples)
        depths = Array(repeating: clearDepth, count: width * height * samples)
    }

    func color(x: Int, y: Int, sample: Int) -> SIMD4<Float> { colors[(y * width + x) * samples + sample] }
    func setColor(x: Int, y: Int, sample: Int, _ c: SIMD4<Float>) {
        colors[(y * width + x) * samples + sample] = target.keepsAlpha ? c : SIMD4(c.x, c.y, c.z, 1)
    }
    func depth(x: Int, y: Int, sample: Int) -> Float { depths[(y * width + x) * samples + sample] }
    func setDepth(x: Int, y: Int, sample: Int, _ z: Float) { depths[(y * width + x) * samples + sample] = z }

    func store(_ resolve: SampleResolve) {
        var exposure = 0.0
        if case .toneMapped(let e) = resolve, e.isFinite, e > 0 { exposure = Double(e) }
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * samples
                let c = colors[i..<(i + samples)]
                func at(_ s: Int) -> SIMD4<Float> { c[i + s] }
                let sum: SIMD4<Float>
                switch samples {
                case 1: sum = at(0)
                case 2: sum = at(0) + at(1)
                case 4: sum = (at(0) + at(1)) + (at(2) + at(3))
                default: sum = ((at(0) + at(1)) + (at(2) + at(3))) + ((at(4) + at(5)) + (at(6) + at(7)))
                }
                var mean = samples == 1 ? sum : sum * (1 / Float(samples))
                if exposure > 0 {
                    // The display's mean of each colour channel (`SampleResolve.toneMapped`),
                    // in Double, where the samples differ and are not all at the curve's top.
                    for ch in 0..<3 {
                        let values = c.map { Double($0[ch]) * exposure }
                        guard Set(values).count > 1, values.min()! < Double(ToneCurve.saturation) else { continue }
                        func curve(_ v: Double) -> Double {
                            min(max(v * (2.51 * v + 0.03) / (v * (2.43 * v + 0.59) + 0.14), 0), Double(Float(0.99999994)))
                        }
                        let shown = values.map(curve).reduce(0, +) / Double(samples)
                        // Solve curve(v) = shown for v ≥ 0 by bisection: slow and plain.
                        var lo = 0.0, hi = Double(ToneCurve.saturation) * 2
                        for _ in 0..<200 { let mid = (lo + hi) / 2; if curve(mid) < shown { lo = mid } else { hi = mid } }
                        mean[ch] = Float((lo + hi) / 2 / exposure)
                    }
                }
                target.setColor(x: x, y: y, mean)
                if target.keepsDepth { target.setDepth(x: x, y: y, depths[i..<(i + samples)].min()!) }
            }
        }
    }
}

extension RenderTarget {
    /// Sets the depth of a pixel (for tests and the reference rasterizer).
    public func setDepth(x: Int, y: Int, _ z: Float) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        depthStorage[depthOffset(x: x, y: y)] = z
        // Keep the block's depth bound conservative.
        let tile = (y >> Self.tileShift) * tilesX + (x >> Self.tileShift)
        blockMaxDepth[tile * Self.blocksPerTile + ((y & 63) >> 3) * 8 + ((x & 63) >> 3)] = .infinity
    }
}
