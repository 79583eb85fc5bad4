import Effects
import Raster

/// Small scenes for the effect tests, drawn with the real rasterizer.
enum TestScenes {
    /// Deep water: a dark blue vertical gradient (linear 0.002 … 0.04) with `glows` additive
    /// glow sprites of HDR intensity 2 … 12 placed by a fixed generator.
    static func deepWater(width: Int, height: Int, glows: Int = 24, threads: Int = 2) -> RenderTarget {
        let target = try! RenderTarget(width: width, height: height)
        let top = SIMD4<Float>(0.004, 0.02, 0.04, 1), bottom = SIMD4<Float>(0.0005, 0.002, 0.006, 1)
        let quad = Mesh(
            positions: [SIMD3(-1, -1, 0.5), SIMD3(1, -1, 0.5), SIMD3(1, 1, 0.5), SIMD3(-1, 1, 0.5)],
            attributes: [bottom, bottom, top, top],
            indices: [0, 1, 2, 0, 2, 3])
        var positions = [SIMD3<Float>](), attributes = [SIMD4<Float>](), indices = [UInt32]()
        var state: UInt32 = 2024
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216
        }
        let aspect = Float(width) / Float(height)
        for _ in 0..<glows {
            let cx = 2 * next() - 1, cy = 2 * next() - 1
            let size = 0.01 + 0.05 * next()
            let intensity = 2 + 10 * next()
            let base = UInt32(positions.count)
            for c in [SIMD2<Float>(-1, -1), SIMD2(1, -1), SIMD2(1, 1), SIMD2(-1, 1)] {
                positions.append(SIMD3(cx + c.x * size / aspect, cy + c.y * size, 0))
                attributes.append(SIMD4(c.x, c.y, intensity, 0))
            }
            indices += [base, base + 1, base + 2, base, base + 2, base + 3]
        }
        let glowMesh = Mesh(positions: positions, attributes: attributes, indices: indices)
        let draws = [
            DrawCall(mesh: quad, transform: .identity, shading: .color),
            DrawCall(mesh: glowMesh, transform: .identity, shading: .glow(tint: SIMD3(1.0, 0.7, 0.35)), state: .additive),
        ]
        Renderer(threads: threads).render(draws, into: target, clearColor: SIMD4(0, 0, 0, 1))
        return target
    }

    /// Processes `target` with a new post-processor on `threads` threads.
    static func process(_ target: RenderTarget, _ settings: EffectSettings, threads: Int = 2) -> Image8 {
        var image = Image8(width: target.width, height: target.height)
        PostProcessor(width: target.width, height: target.height, pool: WorkerPool(threads: threads))
            .process(target, settings: settings, into: &image)
        return image
    }
}
