import Raster
import Testing

/// Sprites are set up without a vertex stage, but must draw exactly what their quad mesh
/// (`Sprites.mesh`) draws: the same bytes, the same work counters.
@Suite struct SpriteTests {
    /// Random sprites: small and large, some partly or wholly off screen, some far past the
    /// guard band (so they are clipped), some of zero or negative size, some with a NaN.
    static func sprites(seed: UInt64, count: Int) -> Sprites {
        var rng = TestRNG(seed: seed)
        var centres = [SIMD4<Float>](), halves = [SIMD2<Float>]()
        for k in 0..<count {
            var c = SIMD4<Float>(rng.float(-1.2, 1.2), rng.float(-1.2, 1.2), rng.float(-0.9, 0.9), rng.float(0.1, 2))
            var h = SIMD2<Float>(rng.float(0.001, 0.08), rng.float(0.001, 0.08))
            switch k % 11 {
            case 3: h *= 600             // past the guard band: clipped
            case 5: h = .zero            // nothing
            case 7: h.x = -h.x           // mirrored: the other winding
            case 9: c.z = 1.5            // behind the far plane
            case 10 where k % 3 == 0: c.x = .nan
            default: break
            }
            centres.append(c)
            halves.append(h)
        }
        return Sprites(centres: centres, halves: halves)
    }

    /// Every channel of every pixel, bit for bit.
    static func pixels(_ t: RenderTarget) -> [UInt32] {
        var out = [UInt32]()
        for y in 0..<t.height { for x in 0..<t.width { let c = t.color(x: x, y: y); for k in 0..<4 { out.append(c[k].bitPattern) } } }
        return out
    }

    @Test(arguments: [(1, 1), (2, 2), (3, 2)] as [(UInt64, Int)])
    func spritesDrawExactlyTheirQuads(seed: UInt64, threads: Int) throws {
        // 2,500 sprites (5,000 triangles) after a one-triangle mesh: chunks of 2,048 triangles
        // then start and end in the middle of a sprite.
        let sprites = Self.sprites(seed: seed, count: 2_500)
        let lead = DrawCall(mesh: Mesh(positions: [SIMD3(-1, -1, 0), SIMD3(1, -1, 0), SIMD3(0, 1, 0)],
                                       attributes: [SIMD4(0.1, 0.2, 0.3, 1), SIMD4(0.1, 0.2, 0.3, 1), SIMD4(0.1, 0.2, 0.3, 1)],
                                       indices: [0, 1, 2]),
                            transform: .identity, shading: .color, state: RenderState(depthTest: .always, depthWrite: false))
        // Sprites keep compact records of their own (depth, u, v and the intensity): with
        // depth tests and writes, and under a kernel that reads a fourth varying, they must
        // still draw what the quads' full triangles draw.
        let cases: [(String, Shading, RenderState)] = [
            ("glow, additive", .glow(tint: SIMD3(1, 0.5, 0.25)), RenderState(depthTest: .always, depthWrite: false, blend: .additive)),
            ("glow, additive, back faces culled", .glow(tint: SIMD3(1, 0.5, 0.25)),
             RenderState(depthTest: .always, depthWrite: false, blend: .additive, cull: .back)),
            ("glow, depth less and written", .glow(tint: SIMD3(0.25, 1, 0.5)), RenderState(depthTest: .less, depthWrite: true, blend: .additive)),
            ("colour, opaque, depth less or equal", .color, RenderState(depthTest: .lessOrEqual, depthWrite: true, blend: .opaque)),
            ("colour, premultiplied, depth tested only", .color,
             RenderState(depthTest: .less, depthWrite: false, blend: .premultipliedAlpha)),
        ]
        for (name, shading, state) in cases {
            let asSprites = DrawCall(sprites: sprites, shading: shading, state: state)
            let asQuads = DrawCall(mesh: sprites.mesh, transform: .identity, shading: shading, state: state)
            let a = try RenderTarget(width: 197, height: 131), b = try RenderTarget(width: 197, height: 131)
            // Drawn twice, so the second pass meets the depths the first one wrote.
            let statsA = Renderer(threads: threads).render([lead, asSprites, asSprites], into: a, clearColor: .zero)
            let statsB = Renderer(threads: threads).render([lead, asQuads, asQuads], into: b, clearColor: .zero)
            #expect(statsA == statsB, "\(name)")
            #expect(statsA.triangles == 1 + 2 * 2 * 2_500)
            #expect(statsA.fragments > 0, "\(name)")
            // The first channel that differs, rather than two arrays of every channel.
            let pa = Self.pixels(a), pb = Self.pixels(b)
            let difference = pa.indices.first { $0 >= pb.count || pa[$0] != pb[$0] }.map { "pixel \($0 / 4) channel \($0 % 4)" }
            #expect(pa.count == pb.count && difference == nil, "\(name): differs at \(difference ?? "none")")
        }
    }

    @Test func spritesMatchTheReferenceRasterizer() throws {
        let sprites = Self.sprites(seed: 4, count: 600)
        let d = DrawCall(sprites: sprites, shading: .glow(tint: SIMD3(1, 1, 1)),
                         state: RenderState(depthTest: .always, depthWrite: false, blend: .additive))
        let (fast, reference) = try renderBoth([d], width: 160, height: 100)
        #expect(maxDifference(fast, reference) < 1e-3)
    }
}
