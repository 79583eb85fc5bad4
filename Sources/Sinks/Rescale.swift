import Raster
import SinksKernels

/// Downscales 8-bit RGBA frames for renditions (`render --renditions 1080,720,480`): one
/// render, several sizes.
///
/// A separable tent (triangle) filter whose radius is the scale factor, so every source pixel
/// counts and nothing aliases, with no negative lobes to ring or clip. The weights are integers
/// (each axis sums to 4096) computed once; the passes are integer arithmetic (C, in
/// `SinksKernels`), so the same frame gives the same bytes on every CPU and thread count. Edges
/// repeat the border pixel.
///
/// With `alpha`, colour is filtered premultiplied and divided back afterwards, so transparent
/// pixels (whose colour is meaningless) do not darken the edges of what is drawn.
///
/// Immutable and `Sendable`: one rescaler serves any number of threads; each call allocates
/// its output and a few rows of scratch.
public struct Rescaler: Sendable, Equatable {
    public let sourceWidth: Int, sourceHeight: Int
    public let width: Int, height: Int

    /// One axis's filter: output i reads `taps` consecutive source indices from `first[i]`
    /// (unclamped: below 0 or past the end the edge pixel repeats), with weights
    /// `weights[i * taps + k]` that sum to 4096.
    struct Axis: Sendable, Equatable {
        var first: [Int32] = []
        var weights: [Int32] = []
        var taps: Int

        static let one: Int32 = 4096

        init(source: Int, output: Int) {
            let scale = Double(source) / Double(output)
            let radius = max(1.0, scale)
            taps = Int((2 * radius).rounded(.up)) + 1
            first.reserveCapacity(output)
            weights.reserveCapacity(output * taps)
            for i in 0..<output {
                let centre = (Double(i) + 0.5) * scale - 0.5
                let start = Int((centre - radius).rounded(.up))
                var raw = [Double](repeating: 0, count: taps)
                for k in 0..<taps {
                    let d = abs(Double(start + k) - centre) / radius
                    raw[k] = max(0, 1 - d)
                }
                let total = raw.reduce(0, +)
                var ints = raw.map { Int32(($0 / total * Double(Self.one)).rounded()) }
                // The rounding remainder goes to the largest weight: each output sums to exactly 4096.
                let largest = ints.indices.max { ints[$0] < ints[$1] }!
                ints[largest] += Self.one - ints.reduce(0, +)
                first.append(Int32(start))
                weights += ints
            }
        }

        /// Taps in pairs, as the horizontal kernel reads them: each pair's two weights repeated
        /// for R, G, B and A (8 values a pair), a tap past `taps` weighing 0.
        var pairs: [Int16] {
            var out: [Int16] = []
            out.reserveCapacity(first.count * pairCount * 8)
            for i in first.indices {
                for g in 0..<pairCount {
                    let w0 = Int16(2 * g < taps ? weights[i * taps + 2 * g] : 0)
                    let w1 = Int16(2 * g + 1 < taps ? weights[i * taps + 2 * g + 1] : 0)
                    for _ in 0..<4 { out += [w0, w1] }
                }
            }
            return out
        }

        var pairCount: Int { (taps + 1) / 2 }
    }

    let horizontal: Axis
    let vertical: Axis
    /// `horizontal.pairs`, computed once.
    let horizontalPairs: [Int16]

    /// A rescaler from `sourceWidth`×`sourceHeight` to `width`×`height` (each at least 1).
    public init(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) {
        precondition(sourceWidth > 0 && sourceHeight > 0 && width > 0 && height > 0)
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.width = width
        self.height = height
        horizontal = Axis(source: sourceWidth, output: width)
        vertical = Axis(source: sourceHeight, output: height)
        horizontalPairs = horizontal.pairs
    }

    /// `image` (which must be the source size) at the output size.
    ///
    /// Vertical first: each output row sums a few whole source rows, contiguous bytes that
    /// vectorise well; then the horizontal taps run over the (fewer) output rows only. The
    /// passes are C (`SinksKernels`).
    public func scale(_ image: Image8, alpha: Bool) -> Image8 {
        precondition(image.width == sourceWidth && image.height == sourceHeight)
        // With alpha, the colour is filtered premultiplied (a copy of the source).
        let source = alpha ? Self.premultiplied(image.pixels) : image.pixels
        var out = [UInt8](repeating: 0, count: width * height * 4)
        let (sw, w, h) = (sourceWidth, width, height)
        let vTaps = vertical.taps
        let sourceValues = sw * 4
        // One output row filtered vertically, at the source's width (RGBA, 15 bits), with
        // `edge` pixels on each side repeating the border ones.
        let edge = 2 * horizontal.pairCount + 2
        let buffer = UnsafeMutablePointer<Int16>.allocate(capacity: (sw + 2 * edge) * 4)
        defer { buffer.deallocate() }
        let column = buffer + edge * 4
        var rows = [UnsafePointer<UInt8>?](repeating: nil, count: vTaps)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { out in
                for oy in 0..<h {
                    let top = Int(vertical.first[oy])
                    for k in 0..<vTaps { rows[k] = src.baseAddress! + min(max(top + k, 0), sourceHeight - 1) * sourceValues }
                    vertical.weights.withUnsafeBufferPointer { weights in
                        photophore_rescale_vertical(rows, weights.baseAddress! + oy * vTaps, Int32(vTaps), Int32(sourceValues), column)
                    }
                    for e in 1...edge {
                        for c in 0..<4 {
                            column[-4 * e + c] = column[c]
                            column[sourceValues + 4 * (e - 1) + c] = column[sourceValues - 4 + c]
                        }
                    }
                    photophore_rescale_horizontal(column, horizontal.first, horizontalPairs, Int32(horizontal.pairCount),
                                                  Int32(w), alpha ? 1 : 0, out.baseAddress! + oy * w * 4)
                }
            }
        }
        return Image8(width: width, height: height, pixels: out)
    }

    /// RGBA with the colour multiplied by alpha (rounded).
    static func premultiplied(_ pixels: [UInt8]) -> [UInt8] {
        var out = pixels
        out.withUnsafeMutableBufferPointer { p in
            for i in stride(from: 0, to: p.count, by: 4) {
                let a = UInt32(p[i + 3])
                for c in 0..<3 { p[i + c] = UInt8(truncatingIfNeeded: (UInt32(p[i + c]) * a + 127) / 255) }
            }
        }
        return out
    }
}

/// The size of a rendition `height` pixels high of a `width`×`height` render: the same aspect,
/// the width rounded to the nearest even number (4:2:0 video needs even sides).
public func renditionSize(height: Int, ofWidth renderWidth: Int, height renderHeight: Int) -> (width: Int, height: Int) {
    let exact = Double(renderWidth) * Double(height) / Double(renderHeight)
    return (max(2, Int((exact / 2).rounded()) * 2), height)
}
