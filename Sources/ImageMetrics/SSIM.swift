import Raster
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The structural similarity index (Wang, Bovik, Sheikh and Simoncelli, "Image quality
/// assessment: from error visibility to structural similarity", 2004) with the paper's
/// settings: an 11×11 Gaussian window of σ 1.5 (normalised to a sum of 1), K1 0.01, K2 0.03
/// and a peak L of 255, so C1 = (K1 L)² and C2 = (K2 L)². The map is taken where the whole
/// window fits (no padding) and averaged with equal weights. 1 means identical; it falls
/// as the images part.
///
/// On colour images it compares luma, Y' = 0.2126 R' + 0.7152 G' + 0.0722 B' of the
/// sRGB-encoded levels (the BT.709 weights, sRGB's primaries).
public enum SSIM {
    public static let windowSize = 11
    public static let sigma = 1.5
    public static let k1 = 0.01
    public static let k2 = 0.03
    public static let peak = 255.0

    /// The window's 1-D weights, summing to 1; the window is their outer product.
    public static let weights: [Double] = {
        let half = windowSize / 2
        let raw = (0..<windowSize).map { i in exp(-Double((i - half) * (i - half)) / (2 * sigma * sigma)) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }()

    /// Mean SSIM of the luma of two 8-bit images of one size; nil when a side is under 11.
    public static func luminance(_ test: Image8, _ reference: Image8) throws(ImageMetricsError) -> Double? {
        try luminance(Levels(test), Levels(reference))
    }

    /// Mean SSIM of the luma of an 8-bit image and a reference in linear light of its size
    /// (compared unrounded); nil when a side is under 11.
    public static func luminance(_ test: Image8, _ reference: LinearImage) throws(ImageMetricsError) -> Double? {
        try luminance(Levels(test), Levels(reference))
    }

    static func luminance(_ test: Levels, _ reference: Levels) throws(ImageMetricsError) -> Double? {
        try Levels.sameSize(test, reference)
        return mean(test.luma, reference.luma, width: test.width, height: test.height)
    }

    /// Mean SSIM of two planes of `width`×`height` values on 0…255 (row by row), over every
    /// position where the window fits; nil when a side is under `windowSize`.
    public static func mean(_ a: [Double], _ b: [Double], width: Int, height: Int) -> Double? {
        precondition(a.count == width * height && b.count == width * height)
        let n = windowSize
        guard width >= n, height >= n else { return nil }
        let c1 = (k1 * peak) * (k1 * peak), c2 = (k2 * peak) * (k2 * peak)
        let w = weights
        // Separable: for each output row the window's columns are summed down first (five
        // sums: a, b, a², b², ab), then across.
        var sa = [Double](repeating: 0, count: width), sb = sa, saa = sa, sbb = sa, sab = sa
        var total = 0.0
        for top in 0...(height - n) {
            for x in 0..<width { sa[x] = 0; sb[x] = 0; saa[x] = 0; sbb[x] = 0; sab[x] = 0 }
            for k in 0..<n {
                let row = (top + k) * width, wk = w[k]
                for x in 0..<width {
                    let p = a[row + x], q = b[row + x]
                    sa[x] += wk * p
                    sb[x] += wk * q
                    saa[x] += wk * p * p
                    sbb[x] += wk * q * q
                    sab[x] += wk * p * q
                }
            }
            for left in 0...(width - n) {
                var mu1 = 0.0, mu2 = 0.0, e11 = 0.0, e22 = 0.0, e12 = 0.0
                for k in 0..<n {
                    let wk = w[k], x = left + k
                    mu1 += wk * sa[x]
                    mu2 += wk * sb[x]
                    e11 += wk * saa[x]
                    e22 += wk * sbb[x]
                    e12 += wk * sab[x]
                }
                let var1 = e11 - mu1 * mu1, var2 = e22 - mu2 * mu2, cov = e12 - mu1 * mu2
                total += (2 * mu1 * mu2 + c1) * (2 * cov + c2) / ((mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2))
            }
        }
        return total / Double((width - n + 1) * (height - n + 1))
    }
}
