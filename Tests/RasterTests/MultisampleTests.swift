#if canImport(Glibc)
import Glibc
#endif
import Raster
import Testing

/// Renders `draws` with the fast path and with the reference into opaque targets without
/// depth, and counts the pixels whose red, green or blue differ by more than
/// `tolerance(the reference's value)`.
func differingPixels(_ draws: [DrawCall], width: Int, height: Int, samples: Int, clear: SIMD4<Float> = SIMD4(0, 0, 0, 1),
                     resolve: SampleResolve = .linear, tolerance: (Float) -> Float = { _ in 2e-3 }) throws -> Int {
    let fast = try RenderTarget(width: width, height: height, keepsAlpha: false, keepsDepth: false)
    let reference = try RenderTarget(width: width, height: height, keepsAlpha: false, keepsDepth: false)
    Renderer(threads: 2, samples: samples).render(draws, into: fast, clearColor: clear, resolve: resolve)
    ReferenceRasterizer.render(draws, into: reference, clearColor: clear, samples: samples, resolve: resolve)
    var differing = 0
    for y in 0..<height { for x in 0..<width {
        let f = fast.color(x: x, y: y), r = reference.color(x: x, y: y)
        if (0..<3).contains(where: { abs(f[$0] - r[$0]) > tolerance(r[$0]) }) { differing += 1 }
    } }
    return differing
}

/// Anti-aliasing (`SamplePattern`): the fast path's samples against the reference's, and what
/// samples must do to an edge.
@Suite struct MultisampleTests {
    static let counts = [2, 4, 8]

    @Test(arguments: counts)
    func coverageMatchesTheReferencePerSample(samples: Int) throws {
        // Additive red 1 per triangle: each sample counts the triangles covering it, and a
        // pixel shows the mean count. Any sample's coverage that differs moves it by 1/n.
        var d = ReferenceTests.randomPerspectiveDraw(seed: 21, count: 1200, shading: .color, state: .additive)
        d.mesh.attributes = d.mesh.attributes.map { _ in SIMD4(1, 0, 0, 0) }
        let (fast, reference) = try renderBoth([d], width: 203, height: 145, samples: samples)
        let f = redChannel(fast), r = redChannel(reference)
        let mismatches = zip(f, r).filter { abs($0 - $1) > 0.5 / Float(samples) }.count
        #expect(mismatches == 0, "\(mismatches) pixels differ in sample coverage")
        // Partly covered pixels exist: the counts are not all whole.
        #expect(f.contains { abs($0 - $0.rounded()) > 0.1 })
    }

    @Test(arguments: counts)
    func depthTestedOpaqueMatchesTheReference(samples: Int) throws {
        let d = ReferenceTests.randomPerspectiveDraw(seed: 5, count: 1200, shading: .color, state: .opaque)
        let (fast, reference) = try renderBoth([d], width: 160, height: 120, samples: samples)
        var differing = 0
        for y in 0..<120 { for x in 0..<160 {
            let diff = fast.color(x: x, y: y) - reference.color(x: x, y: y)
            if (0..<4).contains(where: { abs(diff[$0]) > 2e-3 }) { differing += 1 }
        } }
        #expect(differing <= 3, "\(differing) pixels differ")
    }

    @Test(arguments: counts)
    func blendedTrianglesMatchTheReference(samples: Int) throws {
        let state = RenderState(depthTest: .less, depthWrite: false, blend: .premultipliedAlpha)
        var d = ReferenceTests.randomPerspectiveDraw(seed: 8, count: 600, shading: .color, state: state)
        d.mesh.attributes = d.mesh.attributes.map { a in SIMD4(a.x * a.w, a.y * a.w, a.z * a.w, a.w) }
        let (fast, reference) = try renderBoth([d], width: 150, height: 110, clear: SIMD4(0.2, 0.1, 0.3, 1), samples: samples)
        #expect(maxDifference(fast, reference) < 2e-3)
    }

    @Test func meshSeamsCoverEachSampleOnce() throws {
        // A fan of triangles around a centre tiles a polygon: every sample inside is covered
        // exactly once, so the pixels well inside read exactly 1.
        var tris: [(SIMD2<Float>, SIMD2<Float>, SIMD2<Float>)] = []
        let c = SIMD2<Float>(0.03, -0.02)
        for k in 0..<37 {
            let a0 = Float(k) / 37 * 2 * .pi, a1 = Float(k + 1) / 37 * 2 * .pi
            tris.append((c, c + 0.8 * SIMD2(cos(a0), sin(a0)), c + 0.8 * SIMD2(cos(a1), sin(a1))))
        }
        let target = try RenderTarget(width: 96, height: 96)
        Renderer(threads: 2, samples: 4).render([countingDraw(tris)], into: target, clearColor: .zero)
        var inner = 0
        for y in 30..<66 { for x in 30..<66 {
            #expect(target.color(x: x, y: y).x == 1, "pixel \(x), \(y)")
            inner += 1
        } }
        #expect(inner > 0)
    }

    @Test(arguments: counts)
    func anEdgeIsGraded(samples: Int) throws {
        // A slanted edge of a white triangle over black: pixels on it take k/n for some k,
        // and every level 1…n−1 appears somewhere along it.
        let d = countingDraw([(SIMD2(-1, -1), SIMD2(1, -1), SIMD2(-1, 0.9))])
        let target = try RenderTarget(width: 128, height: 64)
        Renderer(threads: 1, samples: samples).render([d], into: target, clearColor: .zero)
        var levels = Set<Int>()
        for v in redChannel(target) {
            let k = v * Float(samples)
            #expect(abs(k - k.rounded()) < 1e-3, "\(v) is not a multiple of 1/\(samples)")
            levels.insert(Int(k.rounded()))
        }
        #expect(levels == Set(0...samples), "levels seen: \(levels.sorted())")
    }

    @Test(arguments: counts)
    func spritesTakeTheirPixelCentresCoverage(samples: Int) throws {
        // Sprites over a clear target draw the same bytes with any sample count.
        var rng = TestRNG(seed: 3)
        var centres = [SIMD4<Float>](), halves = [SIMD2<Float>]()
        for _ in 0..<400 {
            centres.append(SIMD4(rng.float(-1.1, 1.1), rng.float(-1.1, 1.1), rng.float(-1, 1), rng.float(0.2, 1)))
            halves.append(SIMD2(rng.float(0.005, 0.2), rng.float(0.005, 0.2)))
        }
        let d = DrawCall(sprites: Sprites(centres: centres, halves: halves), shading: .glow(tint: SIMD3(1, 0.6, 0.3)))
        let one = try RenderTarget(width: 170, height: 130), many = try RenderTarget(width: 170, height: 130)
        Renderer(threads: 2).render([d], into: one, clearColor: .zero)
        Renderer(threads: 2, samples: samples).render([d], into: many, clearColor: .zero)
        #expect(maxDifference(one, many) == 0)
        let reference = try RenderTarget(width: 170, height: 130)
        ReferenceRasterizer.render([d], into: reference, clearColor: .zero, samples: samples)
        #expect(maxDifference(many, reference) < 2e-3)
    }

    @Test(arguments: counts)
    func threadCountDoesNotChangeTheBytes(samples: Int) throws {
        let d = ReferenceTests.randomPerspectiveDraw(seed: 9, count: 900, shading: .color, state: .opaque)
        var images: [[Float]] = []
        for threads in [1, 2, 3] {
            let target = try RenderTarget(width: 150, height: 100)
            Renderer(threads: threads, samples: samples).render([d], into: target, clearColor: SIMD4(0.1, 0.2, 0.3, 1))
            images.append(redChannel(target))
        }
        #expect(images[0] == images[1] && images[1] == images[2])
    }
}

extension MultisampleTests {
    @Test(arguments: counts)
    func aSceneLikeFrameMatchesTheReferenceWithoutAlpha(samples: Int) throws {
        // A backdrop of bands (mesh rectangles), an opaque depth-written body, translucent
        // and additive depth-tested layers and depth-tested sprites, into a target with no alpha.
        var positions = [SIMD3<Float>](), attributes = [SIMD4<Float>](), indices = [UInt32]()
        for k in 0..<7 {
            let y0 = -1 + Float(k) * 2 / 7, y1 = -1 + Float(k + 1) * 2 / 7
            let base = UInt32(positions.count)
            positions += [SIMD3(-1, y0, 0.99), SIMD3(1, y0, 0.99), SIMD3(1, y1, 0.99), SIMD3(-1, y1, 0.99)]
            let c = SIMD4<Float>(0.1 * Float(k), 0.2, 0.3, 1)
            attributes += [c, c, c, c]
            indices += [base, base + 1, base + 2, base, base + 2, base + 3]
        }
        let backdrop = DrawCall(mesh: Mesh(positions: positions, attributes: attributes, indices: indices), transform: .identity,
                                shading: .color, state: RenderState(depthTest: .always, depthWrite: false, blend: .opaque))
        let body = ReferenceTests.randomPerspectiveDraw(seed: 31, count: 500, shading: .color, state: .opaque)
        var fins = ReferenceTests.randomPerspectiveDraw(seed: 32, count: 200, shading: .color,
                                                       state: RenderState(depthTest: .less, depthWrite: false, blend: .premultipliedAlpha))
        fins.mesh.attributes = fins.mesh.attributes.map { a in SIMD4(a.x * a.w, a.y * a.w, a.z * a.w, a.w) }
        var rng = TestRNG(seed: 4)
        var centres = [SIMD4<Float>](), halves = [SIMD2<Float>]()
        for _ in 0..<300 {
            centres.append(SIMD4(rng.float(-1, 1), rng.float(-1, 1), rng.float(0.8, 1), rng.float(0.2, 1)))
            halves.append(SIMD2(rng.float(0.002, 0.05), rng.float(0.002, 0.05)))
        }
        let sprites = DrawCall(sprites: Sprites(centres: centres, halves: halves), shading: .glow(tint: SIMD3(1, 0.8, 0.5)),
                               state: RenderState(depthTest: .less, depthWrite: false, blend: .additive))
        let draws = [backdrop, body, fins, sprites]
        let differing = try differingPixels(draws, width: 190, height: 130, samples: samples)
        #expect(differing <= 3, "\(differing) pixels differ")
    }
}

extension MultisampleTests {
    @Test(arguments: counts)
    func edgePixelsAreShadedInsideTheTriangle(samples: Int) throws {
        // Slivers whose colour runs from 0 to 1 across their width: a pixel shaded at a centre
        // outside the sliver would extrapolate below 0 or above 1. Centroid sampling keeps
        // every shaded colour inside the vertices' range, so the resolved red stays in [0, 1].
        var positions = [SIMD3<Float>](), attributes = [SIMD4<Float>](), indices = [UInt32]()
        for k in 0..<12 {
            let x = -0.9 + Float(k) * 0.15
            let base = UInt32(positions.count)
            positions += [SIMD3(x, -0.9, 0), SIMD3(x + 0.012, -0.9, 0), SIMD3(x + 0.1, 0.9, 0)]
            attributes += [SIMD4(0, 0, 0, 1), SIMD4(1, 0, 0, 1), SIMD4(0.5, 0, 0, 1)]
            indices += [base, base + 1, base + 2]
        }
        let d = DrawCall(mesh: Mesh(positions: positions, attributes: attributes, indices: indices), transform: .identity,
                         shading: .color, state: .additive)
        let target = try RenderTarget(width: 160, height: 90)
        Renderer(threads: 2, samples: samples).render([d], into: target, clearColor: .zero)
        let red = redChannel(target)
        #expect(red.allSatisfy { $0 >= 0 && $0 <= 1.001 }, "red from \(red.min()!) to \(red.max()!)")
        #expect(red.contains { $0 > 0.05 })
    }
}

extension MultisampleTests {
    @Test func backFacesAreOpenGLsClockwiseTriangles() throws {
        // Counter-clockwise in NDC (y up) is OpenGL's front face: `.back` keeps it and
        // `.front` drops it; the clockwise one the other way round. Sprites, counter-clockwise
        // quads, follow the same rule.
        let ccw = countingDraw([(SIMD2(-0.5, -0.5), SIMD2(0.5, -0.5), SIMD2(0, 0.5))])
        let cw = countingDraw([(SIMD2(-0.5, -0.5), SIMD2(0, 0.5), SIMD2(0.5, -0.5))])
        func covered(_ d: DrawCall, _ cull: CullMode) throws -> Float {
            var d = d
            d.state.cull = cull
            let (fast, reference) = try renderBoth([d], width: 40, height: 40)
            #expect(coverageMismatches(fast, reference) == 0)
            return redChannel(fast).reduce(0, +)
        }
        #expect(try covered(ccw, .back) > 100 && covered(ccw, .front) == 0)
        #expect(try covered(cw, .front) > 100 && covered(cw, .back) == 0)
        let sprite = Sprites(centres: [SIMD4(0, 0, 0, 1)], halves: [SIMD2(0.5, 0.5)])
        for (cull, drawn) in [(CullMode.back, true), (.front, false)] {
            let d = DrawCall(sprites: sprite, shading: .glow(tint: SIMD3(1, 1, 1)),
                             state: RenderState(depthTest: .always, depthWrite: false, blend: .additive, cull: cull))
            let target = try RenderTarget(width: 40, height: 40)
            Renderer(threads: 1).render([d], into: target, clearColor: .zero)
            #expect((redChannel(target).reduce(0, +) > 0) == drawn, "\(cull)")
        }
    }
}

/// `SampleResolve.toneMapped`: samples averaged as the display shows them.
extension MultisampleTests {
    /// Bright HDR triangles (up to 12) over a dim backdrop, opaque and depth-tested.
    static func hdrScene() -> [DrawCall] {
        var d = ReferenceTests.randomPerspectiveDraw(seed: 41, count: 600, shading: .color, state: .opaque)
        d.mesh.attributes = d.mesh.attributes.map { a in SIMD4(a.x * 12, a.y * 3, a.z * 0.2, 1) }
        return [d]
    }

    @Test(arguments: counts)
    func toneMappedResolveMatchesTheReference(samples: Int) throws {
        let draws = Self.hdrScene()
        let how = SampleResolve.toneMapped(exposure: 1.3)
        // Relative: a half float near 12 steps by 1/128.
        let differing = try differingPixels(draws, width: 170, height: 110, samples: samples, clear: SIMD4(0.02, 0.03, 0.05, 1),
                                            resolve: how) { 2e-3 + 4e-3 * abs($0) }
        #expect(differing <= 3, "\(differing) pixels differ")
    }

    @Test(arguments: counts)
    func toneMappedResolveKeepsAgreeingPixelsAndDarkensBrightEdges(samples: Int) throws {
        let draws = Self.hdrScene()
        let linear = try RenderTarget(width: 170, height: 110, keepsAlpha: false, keepsDepth: false)
        let toned = try RenderTarget(width: 170, height: 110, keepsAlpha: false, keepsDepth: false)
        let clear = SIMD4<Float>(0.02, 0.03, 0.05, 1)
        let renderer = Renderer(threads: 2, samples: samples)
        renderer.render(draws, into: linear, clearColor: clear, resolve: .linear)
        renderer.render(draws, into: toned, clearColor: clear, resolve: .toneMapped(exposure: 1))
        var edges = 0, darker = 0
        for y in 0..<110 { for x in 0..<170 {
            let l = linear.color(x: x, y: y), t = toned.color(x: x, y: y)
            // Bright red edges are never brighter than the plain mean: the curve is concave
            // above its toe.
            if l.x > 0.5 { #expect(t.x <= l.x * 1.001, "(\(x), \(y)): \(t) over \(l)") }
            if l != t { edges += 1 }
            if l.x > 0.5 && t.x < l.x * 0.8 { darker += 1 }
        } }
        // Only edge pixels change (interiors keep their bits), and the bright ones visibly.
        #expect(edges > 100 && edges < 170 * 110 / 3, "\(edges) pixels changed")
        #expect(darker > 20, "\(darker) bright edge pixels darkened by a fifth")
        // The curve and its inverse agree.
        let x = SIMD16<Float>((0..<16).map { Float($0) * 0.2 })
        let back = ToneCurve.inverse(ToneCurve.map(x))
        for i in 0..<16 { #expect(abs(back[i] - x[i]) <= 1e-4 + 1e-3 * x[i], "\(x[i]) came back as \(back[i])") }
    }
}

/// `RenderState.multisample` off: a mesh takes its pixel centres' coverage, as sprites do.
extension MultisampleTests {
    @Test(arguments: counts)
    func softEdgedMeshesTakeThePixelCentresCoverage(samples: Int) throws {
        // Additive triangles, and a mesh rectangle, without depth: the same bytes as one
        // sample, no block split, and the reference's pixels.
        var tris = ReferenceTests.randomPerspectiveDraw(seed: 13, count: 400, shading: .color, state: RenderState.additive.softEdged)
        tris.mesh.attributes = tris.mesh.attributes.map { a in SIMD4(a.x, a.y, a.z, 0) * 0.3 }
        let quad = DrawCall(mesh: Mesh(positions: [SIMD3(-0.61, -0.47, 0), SIMD3(0.53, -0.47, 0), SIMD3(0.53, 0.71, 0), SIMD3(-0.61, 0.71, 0)],
                                       attributes: [SIMD4(0.2, 0.1, 0, 0), SIMD4(0.2, 0.3, 0, 0), SIMD4(0, 0.3, 0.2, 0), SIMD4(0.1, 0, 0.2, 0)],
                                       indices: [0, 1, 2, 0, 2, 3]),
                            transform: .identity, shading: .color, state: RenderState.additive.softEdged)
        let one = try RenderTarget(width: 170, height: 130), many = try RenderTarget(width: 170, height: 130)
        Renderer(threads: 2).render([quad, tris], into: one, clearColor: .zero)
        let stats = Renderer(threads: 2, samples: samples).render([quad, tris], into: many, clearColor: .zero)
        #expect(maxDifference(one, many) == 0)
        #expect(stats.splitBlocks == 0)
        let reference = try RenderTarget(width: 170, height: 130)
        ReferenceRasterizer.render([quad, tris], into: reference, clearColor: .zero, samples: samples)
        #expect(maxDifference(many, reference) < 2e-3)
        // The same draws with samples on split blocks: their edges are drawn per sample.
        var sampled = tris
        sampled.state.multisample = true
        let edged = Renderer(threads: 2, samples: samples).render([sampled], into: many, clearColor: .zero)
        #expect(edged.splitBlocks > 0)
    }

    @Test(arguments: counts)
    func softEdgedMeshesOverSplitBlocksMatchTheReference(samples: Int) throws {
        // An opaque depth-tested body splits blocks; soft-edged additive layers (one depth-tested)
        // then blend the same value into every covered sample.
        let body = ReferenceTests.randomPerspectiveDraw(seed: 17, count: 300, shading: .color, state: .opaque)
        var glow = ReferenceTests.randomPerspectiveDraw(seed: 18, count: 300, shading: .color,
                                                        state: RenderState(depthTest: .less, depthWrite: false, blend: .additive).softEdged)
        glow.mesh.attributes = glow.mesh.attributes.map { a in SIMD4(a.x, a.y, a.z, 0) * 0.2 }
        var flat = glow
        flat.state = RenderState.additive.softEdged
        let draws = [body, glow, flat]
        let differing = try differingPixels(draws, width: 160, height: 120, samples: samples)
        #expect(differing <= 3, "\(differing) pixels differ")
    }
}
