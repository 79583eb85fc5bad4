import Raster
import Testing

/// Pairs of triangles that tile an axis-aligned rectangle are drawn as one rectangle. The
/// result must equal drawing the two triangles.
@Suite struct RectangleTests {
    /// Random axis-aligned quads as consecutive triangle pairs, with both diagonals and both
    /// windings, some with edges exactly on pixel centres, some partly off screen.
    static func quads(seed: UInt64, count: Int, width: Int, height: Int, attribute: (SIMD2<Float>) -> SIMD4<Float>) -> Mesh {
        var rng = TestRNG(seed: seed)
        var positions = [SIMD3<Float>](), attributes = [SIMD4<Float>](), indices = [UInt32]()
        for q in 0..<count {
            var x0 = rng.float(-10, Float(width) + 5), y0 = rng.float(-10, Float(height) + 5)
            var x1 = x0 + rng.float(0.3, 40), y1 = y0 + rng.float(0.3, 40)
            if q % 4 == 0 {  // edges through pixel centres
                x0 = x0.rounded() + 0.5; y0 = y0.rounded() + 0.5; x1 = x1.rounded() + 0.5; y1 = y1.rounded() + 0.5
            }
            let base = UInt32(positions.count)
            let corners = [SIMD2(x0, y0), SIMD2(x1, y0), SIMD2(x1, y1), SIMD2(x0, y1)]
            for (i, c) in corners.enumerated() {
                positions.append(SIMD3(ndc(c.x, c.y, width: width, height: height), 0))
                attributes.append(attribute(SIMD2(Float(i & 1), Float(i >> 1))))
            }
            switch q % 4 {
            case 0: indices += [base, base + 1, base + 2, base, base + 2, base + 3]
            case 1: indices += [base, base + 2, base + 1, base, base + 3, base + 2]
            case 2: indices += [base + 1, base + 2, base + 3, base + 1, base + 3, base]
            default: indices += [base + 3, base, base + 1, base + 1, base + 2, base + 3]
            }
        }
        return Mesh(positions: positions, attributes: attributes, indices: indices)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func rectangleCoverageEqualsTheTwoTriangles(seed: UInt64) throws {
        let mesh = Self.quads(seed: seed, count: 400, width: 173, height: 111) { _ in SIMD4(1, 0, 0, 0) }
        let d = DrawCall(mesh: mesh, transform: .identity, shading: .color, state: .additive)
        let fast = try RenderTarget(width: 173, height: 111), reference = try RenderTarget(width: 173, height: 111)
        let stats = Renderer(threads: 2).render([d], into: fast, clearColor: .zero)
        ReferenceRasterizer.render([d], into: reference, clearColor: .zero)
        #expect(coverageMismatches(fast, reference) == 0)
        // Every quad on screen became one rectangle.
        #expect(stats.setupTriangles <= 400 && stats.setupTriangles > 250, "\(stats.setupTriangles) primitives")
    }

    @Test func affineAttributesMatchTheReference() throws {
        let mesh = Self.quads(seed: 8, count: 300, width: 160, height: 100) { uv in SIMD4(uv.x, uv.y, 0.5 * uv.x + 0.25, 1) }
        let d = DrawCall(mesh: mesh, transform: .identity, shading: .color, state: RenderState(depthTest: .always, depthWrite: false))
        let (fast, reference) = try renderBoth([d], width: 160, height: 100)
        #expect(maxDifference(fast, reference) < 1e-4)
    }

    @Test func bilinearAttributesAreNotMerged() throws {
        // u·v is not affine over the quad: the two triangles must keep their own planes.
        let mesh = Self.quads(seed: 9, count: 200, width: 160, height: 100) { uv in SIMD4(uv.x * uv.y, 1 - uv.x * uv.y, 0, 1) }
        let d = DrawCall(mesh: mesh, transform: .identity, shading: .color, state: RenderState(depthTest: .always, depthWrite: false))
        let target = try RenderTarget(width: 160, height: 100)
        let stats = Renderer(threads: 1).render([d], into: target, clearColor: .zero)
        #expect(stats.setupTriangles > 200)
        let reference = try RenderTarget(width: 160, height: 100)
        ReferenceRasterizer.render([d], into: reference, clearColor: .zero)
        #expect(maxDifference(target, reference) < 1e-4)
    }

    @Test func cullingTreatsBothHalvesAlike() throws {
        let mesh = Self.quads(seed: 10, count: 200, width: 120, height: 90) { _ in SIMD4(1, 0, 0, 0) }
        for cull in [CullMode.back, .front] {
            let d = DrawCall(mesh: mesh, transform: .identity, shading: .color, state: RenderState(depthTest: .always, depthWrite: false, blend: .additive, cull: cull))
            let (fast, reference) = try renderBoth([d], width: 120, height: 90)
            #expect(coverageMismatches(fast, reference) == 0, "\(cull)")
        }
    }
}
