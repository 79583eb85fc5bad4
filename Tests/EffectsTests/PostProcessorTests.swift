import Effects
import Raster
import Testing

@Suite struct PostProcessorTests {
    @Test func blackStaysBlackAndBrightSaturates() throws {
        let t = try RenderTarget(width: 16, height: 4)
        t.clear(color: .zero)
        for x in 0..<16 { t.setColor(x: x, y: 3, SIMD4(100, 100, 100, 1)) }
        var image = Image8(width: 16, height: 4)
        var s = EffectSettings()
        s.dither = false
        PostProcessor(width: 16, height: 4, pool: WorkerPool(threads: 2)).process(t, settings: s, into: &image)
        #expect(image[0, 0] == SIMD4(0, 0, 0, 255))
        #expect(image[5, 3] == SIMD4(255, 255, 255, 255))
    }
}
