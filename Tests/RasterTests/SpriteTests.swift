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
        for cull in [CullMode.none, .back] {
            let state = RenderState(depthTest: .always, depthWrite: false, blend: .additive, cull: cull)
            let asSprites = DrawCall(sprites: sprites, shading: .glow(tint: SIMD3(1, 0.5, 0.25)), state: state)
            let asQuads = DrawCall(mesh: sprites.mesh, transform: .identity, shading: .glow(tint: SIMD3(1, 0.5, 0.25)), state: state)
            let a = try RenderTarget(width: 197, height: 131), b = try RenderTarget(width: 197, height: 131)
            let statsA = Renderer(threads: threads).render([lead, asSprites], into: a, clearColor: .zero)
            let statsB = Renderer(threads: threads).render([lead, asQuads], into: b, clearColor: .zero)
            #expect(statsA == statsB, "\(cull)")
            #expect(statsA.triangles == 1 + 2 * 2_500)
            #expect(Self.pixels(a) == Self.pixels(b), "\(cull)")
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
