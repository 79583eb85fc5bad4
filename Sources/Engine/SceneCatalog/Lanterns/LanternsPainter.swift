import Mind
import Raster
import Scenes
#if canImport(Glibc)
import Glibc
#endif

/// Draws the lake: a dusk sky over dark water, stars, the lanterns as warm glows with a
/// dimmer reflection each, and a faint shimmer on the water line. Buffers are reused.
public final class LanternsPainter {
    public let width: Int, height: Int
    public let richness: Richness
    let background = ColorMesh()
    let stars = SpriteBatch(), glows = SpriteBatch(), cores = SpriteBatch(), reflections = SpriteBatch()
    var frame = SceneFrame()

    public init(width: Int, height: Int, richness: Richness) {
        self.width = width
        self.height = height
        self.richness = richness
    }

    /// View coordinates (0...1 from the top-left) to NDC.
    @inline(__always) func ndc(_ x: Double, _ y: Double) -> SIMD3<Float> { SIMD3(Float(x * 2 - 1), Float(1 - y * 2), 0) }

    public func frame(world: LanternsWorld, warmth: Double, time: Double, alpha: Double) -> SceneFrame {
        frame.draws.removeAll(keepingCapacity: true)
        background.reset()
        for b in [stars, glows, cores, reflections] { b.reset() }

        // Sky and water: horizontal bands with a colour at each edge.
        let w = Float(warmth)
        let water = Float(1 - LanternsWorld.waterLine * 2)
        let stops: [(Float, SIMD3<Float>)] = [
            (1, SIMD3(0.004, 0.006, 0.03)), (0.2, SIMD3(0.02, 0.02, 0.07)),
            (water + 0.02, SIMD3(0.16 + 0.05 * w, 0.06, 0.05)), (water, SIMD3(0.01, 0.012, 0.03)), (-1, SIMD3(0.002, 0.003, 0.01)),
        ]
        var previous: (UInt32, UInt32)?
        for (y, c) in stops {
            let l = background.vertex(SIMD3(-1, y, 0.9999), SIMD4(c, 1)), r = background.vertex(SIMD3(1, y, 0.9999), SIMD4(c, 1))
            if let (pl, pr) = previous { background.quad(pl, l, r, pr) }
            previous = (l, r)
        }
        frame.draws.append(background.draw(transform: .identity, state: RenderState(depthTest: .always, depthWrite: false, blend: .opaque))!)
        frame.backdropDraws = 1

        // Stars: a fixed field above the water, twinkling.
        let starCount = richness == .minimal ? 40 : 120
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<starCount {
            h = h &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let x = Double(h >> 40) / Double(1 << 24), y = Double((h >> 16) & 0xFF_FFFF) / Double(1 << 24) * 0.6
            let twinkle = Float(0.6 + 0.4 * sin(time * 1.3 + Double(i)))
            stars.add(ndc(x, y), half: starHalf, intensity: 0.14 * twinkle)
        }

        // Lanterns, interpolated between steps, and their reflections under the water line.
        let aspect = Float(width) / Float(height)
        for l in world.lanterns {
            let x = l.previousX + (l.x - l.previousX) * alpha, y = l.previousY + (l.y - l.previousY) * alpha
            let flicker = Float(0.85 + 0.15 * sin(time * 9 + l.phase * 5))
            let r = Float(l.size) * 2
            glows.add(ndc(x, y), half: SIMD2(r * 3 / aspect, r * 3), intensity: 0.6 * flicker)
            cores.add(ndc(x, y), half: SIMD2(r * 0.8 / aspect, r), intensity: 1.1 * flicker)
            let mirrored = 2 * LanternsWorld.waterLine - y
            if mirrored < 1.05 {
                reflections.add(ndc(x, mirrored), half: SIMD2(r * 1.2 / aspect, r * 0.6), intensity: 0.35 * flicker)
            }
        }
        let order: [DrawCall?] = [
            stars.draw(tint: SIMD3(0.7, 0.8, 1)),
            glows.draw(tint: SIMD3(1, 0.45, 0.12)),
            reflections.draw(tint: SIMD3(0.9, 0.4, 0.12)),
            cores.draw(tint: SIMD3(1, 0.78, 0.42)),
        ]
        for d in order { if let d { frame.draws.append(d) } }

        var look = Look()
        look.exposure = 1.1
        look.bloomStrength = richness == .minimal ? 0 : 0.6
        look.bloomThreshold = 0.7
        look.vignette = 0.3
        frame.look = look
        return frame
    }

    var starHalf: SIMD2<Float> { SIMD2(1.2 * 2 / Float(width), 1.2 * 2 / Float(height)) }
}
