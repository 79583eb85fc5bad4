import Foundation
import Sinks
import Testing

@Suite struct YUVTests {
    static func convert(_ rgba: [UInt8], _ w: Int, _ h: Int, scalar: Bool) -> ([UInt8], [UInt8], [UInt8]) {
        // Strides wider than the rows, as FFmpeg's frame buffers have.
        let ys = w + 32, cs = w / 2 + 16
        var y = [UInt8](repeating: 0, count: ys * h), u = [UInt8](repeating: 0, count: cs * h / 2), v = u
        rgba.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { yp in
                u.withUnsafeMutableBufferPointer { up in
                    v.withUnsafeMutableBufferPointer { vp in
                        let planes = (YUV420.Plane(yp.baseAddress!, stride: ys), YUV420.Plane(up.baseAddress!, stride: cs), YUV420.Plane(vp.baseAddress!, stride: cs))
                        if scalar {
                            YUV420.convertScalar(rgba: src.baseAddress!, width: w, height: h, y: planes.0, u: planes.1, v: planes.2)
                        } else {
                            YUV420.convert(rgba: src.baseAddress!, width: w, height: h, y: planes.0, u: planes.1, v: planes.2)
                        }
                    }
                }
            }
        }
        return (y, u, v)
    }

    @Test(arguments: [(2, 2), (18, 4), (34, 6), (64, 2), (1920, 8)])
    func kernelEqualsScalarAndTheFormula(size: (Int, Int)) {
        let (w, h) = size
        var state: UInt64 = 0x9E3779B97F4A7C15 &* UInt64(w * 31 + h)
        var rgba = (0..<(w * h * 4)).map { _ -> UInt8 in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        // The extremes too.
        for i in 0..<min(8, w * h) { for c in 0..<3 { rgba[i * 4 + c] = i % 2 == 0 ? 0 : 255 } }
        let fast = Self.convert(rgba, w, h, scalar: false)
        let reference = Self.convert(rgba, w, h, scalar: true)
        #expect(fast.0 == reference.0 && fast.1 == reference.1 && fast.2 == reference.2)

        // Within half a step of the exact BT.709 limited-range formula (plus fixed-point error).
        var worst = 0.0
        let ys = w + 32, cs = w / 2 + 16
        for y in 0..<h {
            for x in 0..<w {
                let o = (y * w + x) * 4
                let (r, g, b) = (Double(rgba[o]), Double(rgba[o + 1]), Double(rgba[o + 2]))
                let exact = 16 + 219 / 255 * (0.2126 * r + 0.7152 * g + 0.0722 * b)
                worst = max(worst, abs(Double(fast.0[y * ys + x]) - exact))
            }
        }
        for cy in 0..<(h / 2) {
            for cx in 0..<(w / 2) {
                var r = 0.0, g = 0.0, b = 0.0
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let o = ((cy * 2 + dy) * w + cx * 2 + dx) * 4
                    r += Double(rgba[o]) / 4; g += Double(rgba[o + 1]) / 4; b += Double(rgba[o + 2]) / 4
                }
                let luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
                let cb = 128 + 224 / 255 * (b - luma) / 1.8556, cr = 128 + 224 / 255 * (r - luma) / 1.5748
                worst = max(worst, abs(Double(fast.1[cy * cs + cx]) - cb), abs(Double(fast.2[cy * cs + cx]) - cr))
            }
        }
        #expect(worst <= 0.52, "worst error \(worst) steps")
    }
}
