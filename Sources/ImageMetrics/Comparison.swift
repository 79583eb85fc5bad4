import Raster
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The colour of an image as sRGB levels on the 8-bit scale (0…255), R, G, B per pixel,
/// alpha left out: whole numbers for an 8-bit image, with a fraction for a reference that
/// was filtered in linear light and never rounded.
struct Levels {
    var width: Int
    var height: Int
    var rgb: [Double]

    init(_ image: Image8) {
        width = image.width
        height = image.height
        rgb = [Double](repeating: 0, count: image.width * image.height * 3)
        for i in 0..<width * height {
            for c in 0..<3 { rgb[i * 3 + c] = Double(image.pixels[i * 4 + c]) }
        }
    }

    init(_ image: LinearImage) {
        width = image.width
        height = image.height
        rgb = [Double](repeating: 0, count: image.width * image.height * 3)
        for i in 0..<width * height {
            let c = image.levels(at: i)
            rgb[i * 3] = c.x
            rgb[i * 3 + 1] = c.y
            rgb[i * 3 + 2] = c.z
        }
    }

    /// Luma Y' with the BT.709 weights (sRGB's primaries) on the encoded levels, 0…255.
    var luma: [Double] {
        (0..<width * height).map { (i: Int) -> Double in
            let r: Double = rgb[i * 3], g: Double = rgb[i * 3 + 1], b: Double = rgb[i * 3 + 2]
            return 0.2126 * r + 0.7152 * g + 0.0722 * b
        }
    }

    static func sameSize(_ test: Levels, _ reference: Levels) throws(ImageMetricsError) {
        guard test.width == reference.width, test.height == reference.height else {
            throw ImageMetricsError("the images differ in size: \(test.width)x\(test.height) and \(reference.width)x\(reference.height)")
        }
    }
}

/// How far an image is from a reference of the same size, on the sRGB 8-bit scale: PSNR over
/// R, G and B, the pixels whose largest channel differs by more than a threshold, the worst
/// difference, and SSIM on luma. Alpha is not compared.
///
/// The reference may be a `LinearImage` (a larger render box-filtered in linear light): its
/// levels are then compared unrounded, so the figures count the test's error and not the
/// reference's rounding to 8 bits too.
public struct ImageComparison: Sendable {
    public var width: Int
    public var height: Int
    /// Mean of the squared differences over every R, G and B value, in levels².
    public var meanSquaredError: Double
    /// The count of pixels whose largest channel difference is over `threshold`.
    public var overThreshold: Int
    public var threshold: Double
    /// The largest difference of any channel of any pixel, in levels (0…255).
    public var worst: Double
    /// Where `worst` is: the first such pixel in reading order.
    public var worstX: Int
    public var worstY: Int
    /// Mean SSIM on luma (`SSIM.mean`); nil for an image smaller than the window.
    public var ssim: Double?

    /// PSNR in dB over R, G and B with a peak of 255: `10 log10(255² / MSE)`; `+infinity`
    /// when the images are identical.
    public var psnr: Double {
        meanSquaredError == 0 ? .infinity : 10 * log10(255 * 255 / meanSquaredError)
    }

    /// The share (0…1) of pixels over `threshold`.
    public var overThresholdShare: Double {
        width * height == 0 ? 0 : Double(overThreshold) / Double(width * height)
    }

    /// Compares two 8-bit images of one size. `threshold` is in levels of 255.
    public init(test: Image8, reference: Image8, threshold: Double = 16) throws(ImageMetricsError) {
        try self.init(Levels(test), Levels(reference), threshold: threshold)
    }

    /// Compares an 8-bit image with a reference in linear light of its size (usually
    /// `LinearImage(decoding: larger).downsampled(by: k)`).
    public init(test: Image8, reference: LinearImage, threshold: Double = 16) throws(ImageMetricsError) {
        try self.init(Levels(test), Levels(reference), threshold: threshold)
    }

    init(_ test: Levels, _ reference: Levels, threshold: Double) throws(ImageMetricsError) {
        try Levels.sameSize(test, reference)
        width = test.width
        height = test.height
        self.threshold = threshold
        var squares = 0.0, over = 0, worst = 0.0, worstAt = 0
        for i in 0..<width * height {
            var largest = 0.0
            for c in 0..<3 {
                let d = abs(test.rgb[i * 3 + c] - reference.rgb[i * 3 + c])
                squares += d * d
                largest = max(largest, d)
            }
            if largest > threshold { over += 1 }
            if largest > worst {
                worst = largest
                worstAt = i
            }
        }
        meanSquaredError = width * height == 0 ? 0 : squares / Double(width * height * 3)
        overThreshold = over
        self.worst = worst
        worstX = width == 0 ? 0 : worstAt % width
        worstY = width == 0 ? 0 : worstAt / width
        ssim = SSIM.mean(test.luma, reference.luma, width: width, height: height)
    }
}
