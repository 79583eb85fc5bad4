import Raster

/// An image in linear light: RGBA as `Float`, 0…1, the colour premultiplied by alpha, so that
/// averaging pixels (a box filter) weighs each colour by its coverage.
public struct LinearImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width * height * 4` values: R, G, B (premultiplied), A.
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 4)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Decodes 8-bit sRGB with straight alpha (as PNG files hold it) to linear light,
    /// premultiplied. An opaque image keeps its colours as they are.
    public init(decoding image: Image8) {
        var out = [Float](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            for i in stride(from: 0, to: src.count, by: 4) {
                let a = Float(src[i + 3]) / 255
                out[i] = SRGB.linear(of: src[i]) * a
                out[i + 1] = SRGB.linear(of: src[i + 1]) * a
                out[i + 2] = SRGB.linear(of: src[i + 2]) * a
                out[i + 3] = a
            }
        }
        self.init(width: image.width, height: image.height, pixels: out)
    }

    /// The box filter by a whole factor: each pixel of the result is the mean of a
    /// `factor`×`factor` block of this image (in linear light, premultiplied). Both sides must
    /// be multiples of `factor`.
    public func downsampled(by factor: Int) throws(ImageMetricsError) -> LinearImage {
        guard factor >= 1, width % factor == 0, height % factor == 0 else {
            throw ImageMetricsError("a \(width)x\(height) image cannot be box-filtered by \(factor): each side must be a multiple of it")
        }
        if factor == 1 { return self }
        let w = width / factor, h = height / factor
        var out = [Float](repeating: 0, count: w * h * 4)
        // Sums in Double: a block of up to 256 values stays exact to well below a level.
        let scale = 1 / Double(factor * factor)
        var row = [Double](repeating: 0, count: w * 4)
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<h {
                for i in row.indices { row[i] = 0 }
                for sy in y * factor..<(y + 1) * factor {
                    let line = sy * width * 4
                    for x in 0..<w {
                        for sx in x * factor..<(x + 1) * factor {
                            let s = line + sx * 4
                            row[x * 4] += Double(src[s])
                            row[x * 4 + 1] += Double(src[s + 1])
                            row[x * 4 + 2] += Double(src[s + 2])
                            row[x * 4 + 3] += Double(src[s + 3])
                        }
                    }
                }
                for i in 0..<w * 4 { out[y * w * 4 + i] = Float(row[i] * scale) }
            }
        }
        return LinearImage(width: w, height: h, pixels: out)
    }

    /// Straight-alpha colour of pixel `index` as sRGB levels, 0…255 and not rounded; black
    /// where alpha is 0.
    func levels(at index: Int) -> SIMD3<Double> {
        let o = index * 4
        let a = Double(pixels[o + 3])
        guard a > 0 else { return .zero }
        return SIMD3(SRGB.level(ofLinear: Double(pixels[o]) / a), SRGB.level(ofLinear: Double(pixels[o + 1]) / a),
                     SRGB.level(ofLinear: Double(pixels[o + 2]) / a))
    }

    /// 8-bit sRGB with straight alpha, each channel rounded to the nearest level.
    public func encoded() -> Image8 {
        var out = [UInt8](repeating: 0, count: width * height * 4)
        for i in 0..<width * height {
            let c = levels(at: i)
            out[i * 4] = UInt8(c.x.rounded())
            out[i * 4 + 1] = UInt8(c.y.rounded())
            out[i * 4 + 2] = UInt8(c.z.rounded())
            out[i * 4 + 3] = UInt8((min(max(Double(pixels[i * 4 + 3]), 0), 1) * 255).rounded())
        }
        return Image8(width: width, height: height, pixels: out)
    }
}

/// Why two images cannot be compared or filtered: one sentence.
public struct ImageMetricsError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
