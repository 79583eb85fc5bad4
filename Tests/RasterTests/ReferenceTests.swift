import Raster
import Testing

/// The fast path (tiles, bins, blocks, SIMD, threads) against the scalar reference.
@Suite struct ReferenceTests {
    /// Random triangles in 3D in front of a perspective camera, some crossing the near
    /// plane, some off screen, some tiny, some huge.
    static func randomPerspectiveDraw(seed: UInt64, count: Int, shading: Shading, state: RenderState) -> DrawCall {
        var rng = TestRNG(seed: seed)
        var positions = [SIMD3<Float>](), attributes = [SIMD4<Float>](), indices = [UInt32]()
        for t in 0..<count {
            let scale: Float = t % 50 == 0 ? 40 : (t % 3 == 0 ? 0.05 : 1.5)
            let centre = SIMD3<Float>(rng.float(-4, 4), rng.float(-3, 3), rng.float(-12, -0.2))
            for _ in 0..<3 {
                positions.append(centre + SIMD3(rng.float(-1, 1), rng.float(-1, 1), rng.float(-1, 1)) * scale)
                attributes.append(SIMD4(rng.float(0, 1), rng.float(0, 1), rng.float(0, 1), rng.float(0, 1)))
                indices.append(UInt32(indices.count))
            }
        }
        let projection = Matrix4.perspective(fovY: 1.1, aspect: 1.4, near: 0.5, far: 30)
        return DrawCall(mesh: Mesh(positions: positions, attributes: attributes, indices: indices),
                        transform: projection, shading: shading, state: state)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func coverageIsExactOnThousandsOfRandomTriangles(seed: UInt64) throws {
        // Additive red 1: each pixel counts the triangles that cover it. Counts must match
        // exactly. (Perspective division of the constant 1 may give 1 − ulp, hence rounding.)
        var d = Self.randomPerspectiveDraw(seed: seed, count: 1500, shading: .color, state: .additive)
        d.mesh.attributes = d.mesh.attributes.map { _ in SIMD4(1, 0, 0, 0) }
        let (fast, reference) = try renderBoth([d], width: 203, height: 145)
        let f = redChannel(fast).map { $0.rounded() }, r = redChannel(reference).map { $0.rounded() }
        let mismatches = zip(f, r).filter { $0 != $1 }.count
        #expect(mismatches == 0, "\(mismatches) pixels differ in coverage")
        #expect(f.reduce(0, +) > 10_000, "the triangles cover something")
    }

    @Test(arguments: [11, 12] as [UInt64])
    func colourMatchesWithinFloatTolerance(seed: UInt64) throws {
        // Opaque with no depth test: the last triangle to cover a pixel wins, so exact
        // coverage makes the same triangle win, and colours may differ only by rounding.
        let state = RenderState(depthTest: .always, depthWrite: false, blend: .opaque)
        let d = Self.randomPerspectiveDraw(seed: seed, count: 1500, shading: .color, state: state)
        let (fast, reference) = try renderBoth([d], width: 160, height: 120)
        #expect(maxDifference(fast, reference) < 2e-3)
    }

    @Test func depthTestedOpaqueMatches() throws {
        // Depth-tested: differences come only from depth rounding on near-equal depths, so
        // almost every pixel must match.
        let d = Self.randomPerspectiveDraw(seed: 5, count: 1200, shading: .color, state: .opaque)
        let (fast, reference) = try renderBoth([d], width: 160, height: 120)
        var differing = 0
        for y in 0..<120 { for x in 0..<160 where fast.color(x: x, y: y) != reference.color(x: x, y: y) {
            let diff = fast.color(x: x, y: y) - reference.color(x: x, y: y)
            if (0..<4).contains(where: { abs(diff[$0]) > 2e-3 }) { differing += 1 }
        } }
        #expect(differing <= 3, "\(differing) pixels differ")
    }

    @Test func blendModesMatch() throws {
        for blend in [BlendMode.premultipliedAlpha, .additive, .opaque] {
            let state = RenderState(depthTest: .always, depthWrite: false, blend: blend)
            let d = Self.randomPerspectiveDraw(seed: 21, count: 400, shading: .color, state: state)
            let (fast, reference) = try renderBoth([d], width: 120, height: 90, clear: SIMD4(0.1, 0.2, 0.3, 1))
            #expect(maxDifference(fast, reference) < 5e-3, "\(blend)")
        }
    }

    @Test func glowKernelMatches() throws {
        let glow = Workloads_glowDraw(width: 200, height: 120, count: 300)
        let (fast, reference) = try renderBoth([glow], width: 200, height: 120)
        #expect(maxDifference(fast, reference) < 1e-3)
    }

    @Test func texturedKernelMatches() throws {
        var rng = TestRNG(seed: 3)
        let texels = (0..<(16 * 8)).map { _ in SIMD4<Float>(rng.float(0, 1), rng.float(0, 1), rng.float(0, 1), 1) }
        for wrap in [Texture.Wrap.clamp, .repeat] {
            let texture = Texture(width: 16, height: 8, texels: texels, wrap: wrap)
            var d = Self.randomPerspectiveDraw(seed: 9, count: 300, shading: .textured(texture, tint: SIMD4(1, 0.9, 0.8, 1)),
                                               state: RenderState(depthTest: .always, depthWrite: false))
            d.mesh.attributes = d.mesh.attributes.map { SIMD4($0.x * 3 - 1, $0.y * 3 - 1, 0, 0) }
            let (fast, reference) = try renderBoth([d], width: 140, height: 100)
            #expect(maxDifference(fast, reference) < 5e-3)
        }
    }

    @Test func litGouraudMatches() throws {
        let light = Lighting(normalMatrix: Matrix4.rotationY(0.3).upperLeft3x3, direction: SIMD3(0.4, 0.7, 0.6),
                             ambient: SIMD3(0.1, 0.15, 0.2), diffuse: SIMD3(0.3, 0.8, 0.9))
        var d = Self.randomPerspectiveDraw(seed: 4, count: 800, shading: .litGouraud(light),
                                           state: RenderState(depthTest: .always, depthWrite: false))
        d.mesh.attributes = d.mesh.attributes.map { a in
            let n = SIMD3(a.x - 0.5, a.y - 0.5, a.z - 0.5)
            return SIMD4(n / (n * n).sum().squareRoot(), 0)
        }
        let (fast, reference) = try renderBoth([d], width: 150, height: 100)
        #expect(maxDifference(fast, reference) < 2e-3)
    }

    @Test func resultsDoNotDependOnThreadCount() throws {
        let d = Self.randomPerspectiveDraw(seed: 77, count: 5000, shading: .color,
                                           state: RenderState(depthTest: .lessOrEqual, depthWrite: true, blend: .premultipliedAlpha))
        var images: [Image8] = []
        for threads in [1, 2, 3, 8] {
            let t = try RenderTarget(width: 301, height: 203)
            Renderer(threads: threads).render([d, d], into: t, clearColor: SIMD4(0.01, 0.02, 0.05, 1))
            images.append(t.resolved(encoding: .linear, opaqueAlpha: false))
            // The HDR floats themselves are identical too.
            if threads == 8 {
                let one = try RenderTarget(width: 301, height: 203)
                Renderer(threads: 1).render([d, d], into: one, clearColor: SIMD4(0.01, 0.02, 0.05, 1))
                #expect(maxDifference(one, t) == 0)
            }
        }
        #expect(images.allSatisfy { $0 == images[0] })
    }

    /// Without `keepsDepth`, each thread tests against its own tile-sized depth plane: the
    /// colours are exactly those of a target that keeps depth, on any thread count, and the
    /// same renderer may switch between the two kinds of target.
    @Test func aTargetWithoutDepthGivesTheSameColours() throws {
        let opaque = Self.randomPerspectiveDraw(seed: 21, count: 3000, shading: .color, state: .opaque)
        let translucent = Self.randomPerspectiveDraw(seed: 22, count: 2000, shading: .color,
                                                     state: RenderState(depthTest: .less, depthWrite: false, blend: .premultipliedAlpha))
        let clear = SIMD4<Float>(0.02, 0.01, 0.04, 1)
        let kept = try RenderTarget(width: 301, height: 203)
        Renderer(threads: 1).render([opaque, translucent], into: kept, clearColor: clear)
        for threads in [1, 2, 3] {
            let renderer = Renderer(threads: threads)
            for _ in 0..<2 {
                let transient = try RenderTarget(width: 301, height: 203, keepsDepth: false)
                renderer.render([opaque, translucent], into: transient, clearColor: clear)
                #expect(maxDifference(kept, transient) == 0, "\(threads) threads")
                let again = try RenderTarget(width: 301, height: 203)
                renderer.render([opaque, translucent], into: again, clearColor: clear)
                #expect(maxDifference(kept, again) == 0, "\(threads) threads, keeping depth")
            }
        }
    }
}

/// The glow workload's draw at a small size.
func Workloads_glowDraw(width: Int, height: Int, count: Int) -> DrawCall {
    GlowWorkloadFixture.draw(width: width, height: height, count: count)
}
