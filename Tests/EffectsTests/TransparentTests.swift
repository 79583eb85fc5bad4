import Effects
import Raster
import Testing

/// `EffectSettings.transparent`: premultiplied light through bloom and tone mapping into
/// straight-alpha pixels that, laid over black, give back the opaque resolve.
@Suite struct TransparentTests {
    /// Premultiplied content over nothing: an opaque square, a half-covering square, glow (light
    /// without coverage) and one very bright covered spot that blooms.
    static func scene(_ w: Int, _ h: Int) -> RenderTarget {
        let t = try! RenderTarget(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                var c = SIMD4<Float>(0, 0, 0, 0)
                if (20..<60).contains(x) && (20..<60).contains(y) { c = SIMD4(0.3, 0.5, 0.8, 1) }
                if (90..<130).contains(x) && (20..<60).contains(y) { c = SIMD4(0.1, 0.15, 0.05, 0.5) }
                let dx = Float(x - 60), dy = Float(y - 100)
                let glow = max(0, 1 - (dx * dx + dy * dy) / 400)
                c += SIMD4(2, 1.2, 0.4, 0) * glow * glow
                if (40..<44).contains(x) && (40..<44).contains(y) { c = SIMD4(8, 6, 3, 1) }
                t.setColor(x: x, y: y, c)
            }
        }
        return t
    }

    static func settings(transparent: Bool) -> EffectSettings {
        var s = EffectSettings.preset(.standard)
        s.bloomThreshold = 0.8
        s.seed = 5
        s.frame = 3
        s.transparent = transparent
        return s
    }

    @Test func overBlackItIsTheOpaqueResolveAndCoverageBecomesAlpha() {
        let (w, h) = (160, 128)
        let target = Self.scene(w, h)
        let opaque = TestScenes.process(target, Self.settings(transparent: false))
        let clear = TestScenes.process(target, Self.settings(transparent: true))
        func px(_ i: Image8, _ x: Int, _ y: Int) -> [Int] { (0..<4).map { Int(i.pixels[(y * w + x) * 4 + $0]) } }

        // Fully covered: alpha 255 and the very same colour (the same dither too).
        for (x, y) in [(25, 25), (50, 30), (30, 55)] {
            #expect(px(clear, x, y)[3] == 255)
            #expect(Array(px(clear, x, y)[0..<3]) == Array(px(opaque, x, y)[0..<3]), "(\(x), \(y))")
        }
        // Half covered, without much light: alpha about half.
        let half = px(clear, 110, 40)[3]
        #expect((126...130).contains(half), "alpha \(half)")
        // Glow alone: the alpha comes from its light; far from everything, nothing.
        #expect(px(clear, 60, 100)[3] > 200)
        #expect(px(clear, 155, 125)[3] <= 2)
        // Laid over black, straight colour × alpha is the opaque resolve to within dither.
        var sum = 0, worst = 0
        for y in 0..<h {
            for x in 0..<w {
                let c = px(clear, x, y), o = px(opaque, x, y)
                for k in 0..<3 {
                    let d = abs(Int((Double(c[k] * c[3]) / 255).rounded()) - o[k])
                    sum += d
                    worst = max(worst, d)
                }
            }
        }
        let mean = Double(sum) / Double(w * h * 3)
        #expect(mean < 0.75 && worst <= 4, "over black: mean \(mean), worst \(worst)")
    }

    @Test func theSameBytesOnOneAndThreeThreads() {
        let target = Self.scene(133, 77)
        #expect(TestScenes.process(target, Self.settings(transparent: true), threads: 1)
                == TestScenes.process(target, Self.settings(transparent: true), threads: 3))
    }
}
