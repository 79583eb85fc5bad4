import Raster

/// Downscales 8-bit RGBA frames for renditions (`render --renditions 1080,720,480`): one
/// render, several sizes.
///
/// A separable tent (triangle) filter whose radius is the scale factor, so every source pixel
/// counts and nothing aliases, with no negative lobes to ring or clip. The weights are integers
/// (each axis sums to 4096) computed once; the passes are integer arithmetic, so the same frame
/// gives the same bytes on every CPU and thread count. Edges repeat the border pixel.
///
/// With `alpha`, colour is filtered premultiplied and divided back afterwards, so transparent
/// pixels (whose colour is meaningless) do not darken the edges of what is drawn.
///
/// Immutable and `Sendable`: one rescaler serves any number of threads; each call allocates
/// its output and a few rows of scratch.
public struct Rescaler: Sendable, Equatable {
    public let sourceWidth: Int, sourceHeight: Int
    public let width: Int, height: Int

    /// One axis's filter: output i reads `taps` source indices from `first[i]` (clamped into
    /// the source), with `weights[i * taps + k]`.
    struct Axis: Sendable, Equatable {
        var first: [Int32]
        var weights: [Int32]
        var taps: Int

        static let one: Int32 = 4096

        init(source: Int, output: Int) {
            let scale = Double(source) / Double(output)
            let radius = max(1.0, scale)
            taps = Int((2 * radius).rounded(.up)) + 1
            first = []
            weights = []
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
    }

    let horizontal: Axis
    let vertical: Axis

    /// A rescaler from `sourceWidth`×`sourceHeight` to `width`×`height` (each at least 1).
    public init(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) {
        precondition(sourceWidth > 0 && sourceHeight > 0 && width > 0 && height > 0)
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.width = width
        self.height = height
        horizontal = Axis(source: sourceWidth, output: width)
        vertical = Axis(source: sourceHeight, output: height)
    }

    /// `image` (which must be the source size) at the output size.
    public func scale(_ image: Image8, alpha: Bool) -> Image8 {
        precondition(image.width == sourceWidth && image.height == sourceHeight)
        var out = [UInt8](repeating: 0, count: width * height * 4)
        let ringSize = vertical.taps + 1
        // Horizontally filtered source rows (RGBA, 16 bits: value × 4096 / 16), a ring
        // keyed by source row: each source row is filtered once.
        var ring = [UInt16](repeating: 0, count: ringSize * width * 4)
        var ringRow = [Int](repeating: -1, count: ringSize)
        var row = [Int32](repeating: 0, count: width * 4)
        let (sw, sh, w) = (sourceWidth, sourceHeight, width)
        let hTaps = horizontal.taps, vTaps = vertical.taps
        image.pixels.withUnsafeBufferPointer { src in
            ring.withUnsafeMutableBufferPointer { ring in
                horizontal.first.withUnsafeBufferPointer { hFirst in
                    horizontal.weights.withUnsafeBufferPointer { hWeights in
                        /// Filters source row `y` into ring slot `slot`.
                        func filterRow(_ y: Int, into slot: Int) {
                            let line = src.baseAddress! + y * sw * 4
                            let dst = ring.baseAddress! + slot * w * 4
                            for x in 0..<w {
                                let start = Int(hFirst[x])
                                var acc = SIMD4<Int32>.zero
                                for k in 0..<hTaps {
                                    let sx = min(max(start + k, 0), sw - 1)
                                    let p = line + sx * 4
                                    var c = SIMD4<Int32>(Int32(p[0]), Int32(p[1]), Int32(p[2]), Int32(p[3]))
                                    if alpha {
                                        let a = c[3]
                                        c = SIMD4((c[0] * a + 127) / 255, (c[1] * a + 127) / 255, (c[2] * a + 127) / 255, a)
                                    }
                                    acc &+= c &* hWeights[x * hTaps + k]
                                }
                                let v = (acc &+ 8) &>> 4
                                dst[x * 4] = UInt16(v[0]); dst[x * 4 + 1] = UInt16(v[1])
                                dst[x * 4 + 2] = UInt16(v[2]); dst[x * 4 + 3] = UInt16(v[3])
                            }
                        }
                        for oy in 0..<height {
                            let start = Int(vertical.first[oy])
                            for i in row.indices { row[i] = 0 }
                            for k in 0..<vTaps {
                                let sy = min(max(start + k, 0), sh - 1)
                                let slot = sy % ringSize
                                if ringRow[slot] != sy {
                                    filterRow(sy, into: slot)
                                    ringRow[slot] = sy
                                }
                                let wgt = vertical.weights[oy * vTaps + k]
                                let h = ring.baseAddress! + slot * w * 4
                                for i in 0..<(w * 4) { row[i] &+= Int32(h[i]) &* wgt }
                            }
                            let o = oy * w * 4
                            for x in 0..<w {
                                var c = SIMD4<Int32>(row[x * 4], row[x * 4 + 1], row[x * 4 + 2], row[x * 4 + 3])
                                c = (c &+ (1 << 19)) &>> 20  // 4096 · 4096 / 16
                                c = c.clamped(lowerBound: .zero, upperBound: SIMD4(repeating: 255))
                                if alpha {
                                    let a = c[3]
                                    if a == 0 {
                                        c = .zero
                                    } else {
                                        c = SIMD4(min(255, (c[0] * 255 + a / 2) / a), min(255, (c[1] * 255 + a / 2) / a),
                                                  min(255, (c[2] * 255 + a / 2) / a), a)
                                    }
                                } else {
                                    c[3] = 255
                                }
                                out[o + x * 4] = UInt8(c[0]); out[o + x * 4 + 1] = UInt8(c[1])
                                out[o + x * 4 + 2] = UInt8(c[2]); out[o + x * 4 + 3] = UInt8(c[3])
                            }
                        }
                    }
                }
            }
        }
        return Image8(width: width, height: height, pixels: out)
    }
}

/// The size of a rendition `height` pixels high of a `width`×`height` render: the same aspect,
/// the width rounded to the nearest even number (4:2:0 video needs even sides).
public func renditionSize(height: Int, ofWidth renderWidth: Int, height renderHeight: Int) -> (width: Int, height: Int) {
    let exact = Double(renderWidth) * Double(height) / Double(renderHeight)
    return (max(2, Int((exact / 2).rounded()) * 2), height)
}
