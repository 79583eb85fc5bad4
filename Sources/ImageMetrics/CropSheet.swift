import Raster

/// A close look at where two images differ most: the region with the largest squared
/// difference, drawn from the test, the reference and their difference side by side,
/// each enlarged with nearest-neighbour pixels so that edges show their steps.
public enum CropSheet {
    /// A rectangle of pixels.
    public struct Region: Sendable, Equatable {
        public var x: Int, y: Int, width: Int, height: Int
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// The size of region `worstRegion` looks for by default: a fifth of a 480x270 frame's sides.
    public static let regionSize = (width: 96, height: 54)

    /// The `width`×`height` region (clamped to the images) whose sum of squared R, G and B
    /// differences is largest; the first in reading order on a tie.
    public static func worstRegion(test: Image8, reference: Image8, width: Int = regionSize.width,
                                   height: Int = regionSize.height) throws(ImageMetricsError) -> Region {
        let a = Levels(test), b = Levels(reference)
        try Levels.sameSize(a, b)
        let iw = test.width, ih = test.height
        let rw = max(1, min(width, iw)), rh = max(1, min(height, ih))
        guard iw > 0, ih > 0 else { return Region(x: 0, y: 0, width: 0, height: 0) }
        // A summed-area table of the per-pixel squared error.
        var table = [Double](repeating: 0, count: (iw + 1) * (ih + 1))
        for y in 0..<ih {
            var rowSum = 0.0
            for x in 0..<iw {
                let i = (y * iw + x) * 3
                for c in 0..<3 {
                    let d = a.rgb[i + c] - b.rgb[i + c]
                    rowSum += d * d
                }
                table[(y + 1) * (iw + 1) + x + 1] = table[y * (iw + 1) + x + 1] + rowSum
            }
        }
        func sum(_ x: Int, _ y: Int) -> Double {
            table[(y + rh) * (iw + 1) + x + rw] - table[y * (iw + 1) + x + rw] - table[(y + rh) * (iw + 1) + x] + table[y * (iw + 1) + x]
        }
        var best = Region(x: 0, y: 0, width: rw, height: rh), bestSum = -1.0
        for y in 0...(ih - rh) {
            for x in 0...(iw - rw) where sum(x, y) > bestSum {
                bestSum = sum(x, y)
                best = Region(x: x, y: y, width: rw, height: rh)
            }
        }
        return best
    }

    /// The pixels between panels, mid grey.
    public static let gap = 4
    /// How much the difference panel amplifies: a difference of 64 levels or more is white.
    public static let differenceGain = 4

    /// `region` of the test, of the reference and of their difference (the largest channel
    /// difference, times `differenceGain`, as grey) from left to right, each `scale` times
    /// its size with nearest-neighbour pixels, `gap` pixels apart. Opaque.
    public static func sheet(test: Image8, reference: Image8, region: Region, scale: Int = 3) throws(ImageMetricsError) -> Image8 {
        guard test.width == reference.width, test.height == reference.height else {
            throw ImageMetricsError("the images differ in size: \(test.width)x\(test.height) and \(reference.width)x\(reference.height)")
        }
        guard scale >= 1, region.x >= 0, region.y >= 0, region.width >= 1, region.height >= 1,
              region.x + region.width <= test.width, region.y + region.height <= test.height else {
            throw ImageMetricsError("the region \(region.width)x\(region.height) at \(region.x),\(region.y) is not inside the \(test.width)x\(test.height) image")
        }
        let pw = region.width * scale, ph = region.height * scale
        var out = Image8(width: pw * 3 + gap * 2, height: ph)
        for i in stride(from: 0, to: out.pixels.count, by: 4) {
            out.pixels[i] = 128
            out.pixels[i + 1] = 128
            out.pixels[i + 2] = 128
            out.pixels[i + 3] = 255
        }
        for y in 0..<ph {
            let sy = region.y + y / scale
            for x in 0..<pw {
                let s = (sy * test.width + region.x + x / scale) * 4
                var d = 0
                for c in 0..<3 {
                    let t = test.pixels[s + c], r = reference.pixels[s + c]
                    out.pixels[(y * out.width + x) * 4 + c] = t
                    out.pixels[(y * out.width + pw + gap + x) * 4 + c] = r
                    d = max(d, abs(Int(t) - Int(r)))
                }
                let grey = UInt8(min(255, d * differenceGain))
                for c in 0..<3 { out.pixels[(y * out.width + 2 * (pw + gap) + x) * 4 + c] = grey }
            }
        }
        return out
    }
}
