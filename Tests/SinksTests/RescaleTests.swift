import Raster
import Sinks
import Testing

/// The renditions' downscaler: flat stays flat, detail averages, alpha does not bleed colour.
@Suite("Rescaler")
struct RescaleTests {
    static func image(_ w: Int, _ h: Int, _ pixel: (Int, Int) -> SIMD4<UInt8>) -> Image8 {
        var pixels: [UInt8] = []
        for y in 0..<h { for x in 0..<w { let p = pixel(x, y); pixels += [p.x, p.y, p.z, p.w] } }
        return Image8(width: w, height: h, pixels: pixels)
    }

    @Test("a flat colour stays exactly that colour at every size")
    func flat() {
        let source = Self.image(97, 55) { _, _ in SIMD4(200, 17, 90, 255) }
        for (w, h) in [(64, 36), (33, 19), (12, 7), (1, 1), (97, 55)] {
            let out = Rescaler(sourceWidth: 97, sourceHeight: 55, width: w, height: h).scale(source, alpha: false)
            #expect(out.width == w && out.height == h)
            #expect(stride(from: 0, to: out.pixels.count, by: 4).allSatisfy {
                out.pixels[$0] == 200 && out.pixels[$0 + 1] == 17 && out.pixels[$0 + 2] == 90 && out.pixels[$0 + 3] == 255
            }, "\(w)x\(h)")
        }
    }

    @Test("a one-pixel checkerboard halved is even grey: the filter averages instead of picking pixels")
    func checkerboard() {
        let source = Self.image(64, 64) { x, y in (x + y) % 2 == 0 ? SIMD4(255, 255, 255, 255) : SIMD4(0, 0, 0, 255) }
        for size in [32, 21] {
            let out = Rescaler(sourceWidth: 64, sourceHeight: 64, width: size, height: size).scale(source, alpha: false)
            let values = stride(from: 0, to: out.pixels.count, by: 4).map { Int(out.pixels[$0]) }
            // Away from the edges (which repeat the border) every pixel is near the mean, 127.5.
            let inner = (2..<(size - 2)).flatMap { y in (2..<(size - 2)).map { values[y * size + $0] } }
            #expect(inner.allSatisfy { abs($0 - 128) <= 20 }, "\(size): \(inner.min()!)…\(inner.max()!)")
        }
    }

    @Test("with alpha, a transparent pixel's colour does not bleed into the opaque one beside it")
    func premultiplied() {
        // Opaque red on the left half, fully transparent green on the right.
        let source = Self.image(8, 2) { x, _ in x < 4 ? SIMD4(255, 0, 0, 255) : SIMD4(0, 255, 0, 0) }
        let out = Rescaler(sourceWidth: 8, sourceHeight: 2, width: 4, height: 1).scale(source, alpha: true)
        // The edge pixel is partly covered, and red, not brown or green.
        let edge = out[2, 0]
        #expect(edge.w > 0 && edge.w < 255, "\(edge)")
        #expect(edge.x == 255 && edge.y == 0, "\(edge)")
        #expect(out[3, 0].w < 64 && out[0, 0] == SIMD4(255, 0, 0, 255))
        // Without premultiplying (alpha: false) the same edge would mix in the green.
        #expect(Rescaler(sourceWidth: 8, sourceHeight: 2, width: 4, height: 1).scale(source, alpha: false)[2, 0].y > 0)
    }

    @Test("the rendition size keeps the aspect, with an even width")
    func sizes() {
        #expect(renditionSize(height: 720, ofWidth: 1920, height: 1080) == (1280, 720))
        #expect(renditionSize(height: 480, ofWidth: 1920, height: 1080) == (854, 480))
        #expect(renditionSize(height: 360, ofWidth: 1000, height: 1000) == (360, 360))
    }
}
