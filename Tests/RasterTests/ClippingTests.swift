import Glibc
import Raster
import Testing

/// Near and far clipping, the guard band, and input that must never crash or hang.
@Suite struct ClippingTests {
    static let projection = Matrix4.perspective(fovY: 1.0, aspect: 1.5, near: 0.5, far: 30)

    static func draw(_ positions: [SIMD3<Float>], _ transform: Matrix4 = projection, indices: [UInt32]? = nil) -> DrawCall {
        DrawCall(mesh: Mesh(positions: positions, attributes: positions.map { _ in SIMD4(1, 0, 0, 0) },
                            indices: indices ?? (0..<UInt32(positions.count)).map { $0 }),
                 transform: transform, shading: .color, state: .additive)
    }

    static func counts(_ d: DrawCall, width: Int = 150, height: Int = 100) throws -> RenderTarget {
        let t = try RenderTarget(width: width, height: height)
        Renderer(threads: 2).render([d], into: t, clearColor: .zero)
        return t
    }

    @Test func triangleBehindTheCameraDrawsNothing() throws {
        let t = try Self.counts(Self.draw([SIMD3(-5, -5, 2), SIMD3(5, -5, 2), SIMD3(0, 5, 3)]))
        #expect(redChannel(t).allSatisfy { $0 == 0 })
    }

    @Test func groundPlaneCrossingNearAndFarIsCutAtBoth() throws {
        // y = −1 from behind the camera (z = +20) to beyond the far plane (z = −200).
        let p: [SIMD3<Float>] = [SIMD3(-300, -1, 20), SIMD3(300, -1, 20), SIMD3(300, -1, -200), SIMD3(-300, -1, -200)]
        let d = Self.draw(p, indices: [0, 1, 2, 0, 2, 3])
        let t = try Self.counts(d)
        // The far plane cuts the ground at z = −30: NDC y = −f / 30.
        let f: Float = 1 / Float(Glibc.tan(0.5))
        let farRow = (0.5 + 0.5 * f / 30) * 100  // in pixels from the top
        for y in 0..<100 {
            for x in 0..<150 {
                let c = t.color(x: x, y: y).x.rounded()
                if Float(y) + 0.5 > farRow + 1 { #expect(c == 1, "ground missing at \(x),\(y)") }
                if Float(y) + 0.5 < farRow - 1 { #expect(c == 0, "beyond far plane drawn at \(x),\(y)") }
                #expect(c <= 1)
                #expect(t.depth(x: x, y: y) >= 0 && t.depth(x: x, y: y) <= 1)
            }
        }
    }

    @Test func hugeQuadBeyondTheGuardBandCoversEveryPixelOnce() throws {
        for s: Float in [1e3, 1e6, 1e30] {
            let p: [SIMD3<Float>] = [SIMD3(-s, -s, 0), SIMD3(s, -s, 0), SIMD3(s, s, 0), SIMD3(-s, s, 0)]
            let t = try Self.counts(Self.draw(p, .identity, indices: [0, 1, 2, 0, 2, 3]))
            #expect(redChannel(t).allSatisfy { $0 == 1 }, "scale \(s)")
        }
    }

    @Test func clippedPolygonsMatchTheReference() throws {
        // Large triangles straddling the near plane and the guard band.
        var rng = TestRNG(seed: 42)
        var positions = [SIMD3<Float>]()
        for _ in 0..<300 {
            for _ in 0..<3 { positions.append(SIMD3(rng.float(-60, 60), rng.float(-60, 60), rng.float(-40, 10))) }
        }
        let d = Self.draw(positions)
        let (fast, reference) = try renderBoth([d], width: 150, height: 100)
        #expect(coverageMismatches(fast, reference) == 0)
        #expect(redChannel(fast).reduce(0, +) > 1000)
    }

    @Test func depthStaysInRangeAfterClipping() throws {
        let p: [SIMD3<Float>] = [SIMD3(-1, -1, 5), SIMD3(1, -1, -100), SIMD3(0, 1, -0.1)]
        let d = DrawCall(mesh: Mesh(positions: p, attributes: p.map { _ in SIMD4(1, 1, 1, 1) }, indices: [0, 1, 2]),
                         transform: Self.projection, shading: .color, state: .opaque)
        let t = try RenderTarget(width: 90, height: 60)
        Renderer(threads: 1).render([d], into: t, clearColor: .zero, clearDepth: 1)
        var drawn = 0
        for y in 0..<60 { for x in 0..<90 {
            let z = t.depth(x: x, y: y)
            #expect(z >= 0 && z <= 1)
            if z < 1 { drawn += 1 }
        } }
        #expect(drawn > 100)
    }
}

/// Input that must never crash, hang, or write outside a buffer.
@Suite struct BadInputTests {
    @Test func sizesAreCheckedBeforeAllocation() {
        for (w, h) in [(0, 10), (10, 0), (-5, 10), (100_000, 100_000), (8193, 1), (Int.max, 2)] {
            #expect(throws: RasterError.invalidSize(width: w, height: h)) { try RenderTarget(width: w, height: h) }
        }
        #expect((try? RenderTarget(width: 1, height: 1)) != nil)
    }

    @Test func nonFiniteVerticesDropOnlyTheirTriangles() throws {
        let good: [SIMD3<Float>] = [SIMD3(-0.5, -0.5, 0), SIMD3(0.5, -0.5, 0), SIMD3(0, 0.5, 0)]
        var positions = good
        for bad: Float in [.nan, .infinity, -.infinity] {
            positions += [SIMD3(bad, 0, 0), SIMD3(0.9, 0.9, 0), SIMD3(-0.9, 0.9, 0)]
            positions += [SIMD3(0, 0, 0), SIMD3(0.9, bad, 0), SIMD3(-0.9, 0.9, bad)]
        }
        let d = ClippingTests.draw(positions, .identity)
        let t = try ClippingTests.counts(d)
        let onlyGood = try ClippingTests.counts(ClippingTests.draw(good, .identity))
        #expect(coverageMismatches(t, onlyGood) == 0)
        #expect(redChannel(t).reduce(0, +) > 100)
        // A transform full of NaN draws nothing.
        let nanMatrix = Matrix4(SIMD4(repeating: .nan), SIMD4(repeating: .nan), SIMD4(repeating: .nan), SIMD4(repeating: .nan))
        #expect(redChannel(try ClippingTests.counts(ClippingTests.draw(good, nanMatrix))).allSatisfy { $0 == 0 })
    }

    @Test func degenerateTrianglesDrawNothing() throws {
        let p: [SIMD3<Float>] = [
            SIMD3(0.1, 0.1, 0), SIMD3(0.1, 0.1, 0), SIMD3(0.1, 0.1, 0),  // a point
            SIMD3(-0.9, -0.9, 0), SIMD3(0, 0, 0), SIMD3(0.9, 0.9, 0),  // collinear
            SIMD3(-0.9, 0.2, 0), SIMD3(0.9, 0.2, 0), SIMD3(0.9, 0.2, 0),  // two equal vertices
        ]
        let t = try ClippingTests.counts(ClippingTests.draw(p, .identity))
        #expect(redChannel(t).allSatisfy { $0 == 0 })
    }

    @Test func indicesPastTheVerticesAreDropped() throws {
        let p: [SIMD3<Float>] = [SIMD3(-0.5, -0.5, 0), SIMD3(0.5, -0.5, 0), SIMD3(0, 0.5, 0)]
        let d = ClippingTests.draw(p, .identity, indices: [0, 1, 2, 0, 1, 3, 7, 8, 9, .max, 0, 1])
        let t = try ClippingTests.counts(d)
        let alone = try ClippingTests.counts(ClippingTests.draw(p, .identity))
        #expect(coverageMismatches(t, alone) == 0)
    }

    @Test func randomGarbageNeverCrashes() throws {
        // Extreme, tiny, huge, NaN and infinite coordinates, with perspective, on a target
        // whose width is not a multiple of 8 or 64. Surviving it is the test; the result
        // must also match across thread counts.
        var rng = TestRNG(seed: 99)
        let pool: [Float] = [0, -0, 1e-30, -1e-30, 1e-8, 1, -1, 0.5, 1e4, -1e4, 1e8, -1e8, 3e38, -3e38, .nan, .infinity, -.infinity]
        var positions = [SIMD3<Float>]()
        for _ in 0..<6000 {
            let pick = { (r: inout TestRNG) -> Float in
                r.next() % 3 == 0 ? pool[Int(r.next() % UInt64(pool.count))] : r.float(-3, 3)
            }
            positions.append(SIMD3(pick(&rng), pick(&rng), pick(&rng)))
        }
        let d = ClippingTests.draw(positions, ClippingTests.projection)
        let a = try ClippingTests.counts(d, width: 131, height: 77)
        let b = try RenderTarget(width: 131, height: 77)
        Renderer(threads: 1).render([d], into: b, clearColor: .zero)
        #expect(maxDifference(a, b) == 0)
    }
}

