import ImageMetrics
import Raster
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An opaque image filled by `f(x, y)` (R, G, B).
func image(_ w: Int, _ h: Int, _ f: (Int, Int) -> SIMD3<UInt8>) -> Image8 {
    var out = Image8(width: w, height: h)
    for y in 0..<h {
        for x in 0..<w {
            let c = f(x, y), o = (y * w + x) * 4
            out.pixels[o] = c.x
            out.pixels[o + 1] = c.y
            out.pixels[o + 2] = c.z
            out.pixels[o + 3] = 255
        }
    }
    return out
}

func grey(_ w: Int, _ h: Int, _ f: (Int, Int) -> UInt8) -> Image8 {
    image(w, h) { x, y in SIMD3(repeating: f(x, y)) }
}

/// A smooth pattern with edges, to add noise to.
func pattern(_ w: Int, _ h: Int) -> Image8 {
    image(w, h) { x, y in
        let ring = (x - w / 2) * (x - w / 2) + (y - h / 2) * (y - h / 2) < (w / 3) * (w / 3)
        return SIMD3(UInt8((40 + 3 * x) % 256), UInt8(ring ? 200 : 60), UInt8((20 + 2 * y) % 256))
    }
}

@Suite struct SRGBTests {
    @Test func everyLevelSurvivesTheRoundTrip() {
        for v in 0...255 {
            #expect(SRGB.level8(ofLinear: Double(SRGB.linear(of: UInt8(v)))) == UInt8(v), "level \(v)")
            #expect(abs(SRGB.level(ofLinear: SRGB.toLinear(Double(v) / 255)) - Double(v)) < 1e-9, "level \(v)")
        }
        let all = grey(16, 16) { x, y in UInt8(y * 16 + x) }
        #expect(LinearImage(decoding: all).encoded() == all)
    }

    @Test func theCurvesAreTheStandardOnes() {
        #expect(SRGB.linear(of: 0) == 0)
        #expect(SRGB.linear(of: 255) == 1)
        // The linear segment below 0.04045, the power curve above.
        #expect(abs(SRGB.toLinear(0.04) - 0.04 / 12.92) < 1e-15)
        #expect(abs(Double(SRGB.linear(of: 128)) - 0.2158605) < 1e-6)
        #expect(abs(SRGB.fromLinear(0.5) - 0.7353570) < 1e-6)
        #expect(SRGB.fromLinear(-1) == 0 && SRGB.fromLinear(2) == 1)
        for v in 1...255 { #expect(SRGB.linear(of: UInt8(v)) > SRGB.linear(of: UInt8(v - 1))) }
    }
}

@Suite struct DownsampleTests {
    @Test func aCheckerboardAveragesInLinearLight() throws {
        let board = grey(8, 4) { x, y in (x + y) % 2 == 0 ? 255 : 0 }
        let half = try LinearImage(decoding: board).downsampled(by: 2)
        #expect(half.width == 4 && half.height == 2)
        for i in 0..<8 { #expect(half.pixels[i * 4] == 0.5 && half.pixels[i * 4 + 3] == 1) }
        // Linear 0.5 is sRGB 187.516, so 188: not 128, the mean of the encoded values.
        #expect(half.encoded() == grey(4, 2) { _, _ in 188 })
        let quarter = try LinearImage(decoding: board).downsampled(by: 4)
        #expect(quarter.encoded() == grey(2, 1) { _, _ in 188 })
    }

    @Test func eachBlockIsTheMeanOfItsOwnPixels() throws {
        // Four 2x2 blocks of 0, 64, 128 and 255 in linear light each.
        let levels: [UInt8] = [0, 64, 128, 255]
        let blocks = grey(4, 4) { x, y in levels[(y / 2) * 2 + x / 2] }
        let small = try LinearImage(decoding: blocks).downsampled(by: 2)
        #expect(small.encoded() == grey(2, 2) { x, y in levels[y * 2 + x] })
        // A block of two levels: the mean of their linear values.
        let mixed = grey(2, 2) { x, _ in x == 0 ? 64 : 128 }
        let mean = try LinearImage(decoding: mixed).downsampled(by: 2)
        let expected = (Double(SRGB.linear(of: 64)) + Double(SRGB.linear(of: 128))) / 2
        #expect(abs(Double(mean.pixels[0]) - expected) < 1e-7)
        #expect(mean.encoded().pixels[0] == SRGB.level8(ofLinear: expected))
    }

    @Test func alphaWeighsTheColours() throws {
        // Two opaque red pixels and two transparent green ones: the green has no weight.
        var pixels: [UInt8] = []
        for i in 0..<4 { pixels += i % 2 == 0 ? [255, 0, 0, 255] : [0, 255, 0, 0] }
        let mixed = try LinearImage(decoding: Image8(width: 2, height: 2, pixels: pixels)).downsampled(by: 2)
        #expect(mixed.pixels == [0.5, 0, 0, 0.5])
        #expect(mixed.encoded().pixels == [255, 0, 0, 128])
    }

    @Test func sidesMustBeMultiplesOfTheFactor() throws {
        let odd = LinearImage(decoding: grey(6, 5) { _, _ in 0 })
        #expect(throws: ImageMetricsError.self) { try odd.downsampled(by: 2) }
        #expect(try odd.downsampled(by: 1) == odd)
    }
}

@Suite struct ComparisonTests {
    @Test func psnrOfKnownImages() throws {
        // Every value off by 10: MSE 100, PSNR 10 log10(255² / 100) = 28.1308 dB.
        let c = try ImageComparison(test: grey(20, 20) { _, _ in 100 }, reference: grey(20, 20) { _, _ in 110 })
        #expect(c.meanSquaredError == 100)
        #expect(abs(c.psnr - 28.130803608679106) < 1e-9)
        #expect(c.overThreshold == 0 && c.worst == 10)

        // One channel of one pixel of four off by 255: MSE 255² / 12, PSNR 10 log10(12).
        let black = grey(2, 2) { _, _ in 0 }
        var one = black
        one.pixels[3 * 4 + 1] = 255
        let d = try ImageComparison(test: one, reference: black, threshold: 16)
        #expect(abs(d.psnr - 10 * log10(12.0)) < 1e-12)
        #expect(d.overThreshold == 1 && d.overThresholdShare == 0.25)
        #expect(d.worst == 255 && d.worstX == 1 && d.worstY == 1)
    }

    @Test func thePixelsOverTheThreshold() throws {
        // Differences 0, 16, 17 and 40 in one channel each: 16 is not over 16.
        let base = grey(4, 1) { _, _ in 100 }
        let off = image(4, 1) { x, _ in [SIMD3(100, 100, 100), SIMD3(116, 100, 100), SIMD3(100, 83, 100), SIMD3(100, 100, 140)][x] }
        let c = try ImageComparison(test: off, reference: base, threshold: 16)
        #expect(c.overThreshold == 2 && c.worst == 40 && c.worstX == 3)
        #expect(try ImageComparison(test: off, reference: base, threshold: 0).overThreshold == 3)
    }

    @Test func identicalImagesHaveInfinitePSNR() throws {
        let p = pattern(40, 30)
        let c = try ImageComparison(test: p, reference: p)
        #expect(c.psnr == .infinity && c.meanSquaredError == 0)
        #expect(c.overThreshold == 0 && c.worst == 0)
        #expect(c.ssim == 1)
        // Against itself decoded to linear light: within a rounding error of the Float values.
        let linear = try ImageComparison(test: p, reference: LinearImage(decoding: p))
        #expect(linear.worst < 1e-3 && linear.psnr > 90)
    }

    @Test func aLinearReferenceIsComparedUnrounded() throws {
        // Linear 0.5 is level 187.516: a test of 188 is 0.484 away, not 0.
        let board = grey(4, 4) { x, y in (x + y) % 2 == 0 ? 255 : 0 }
        let reference = try LinearImage(decoding: board).downsampled(by: 2)
        let c = try ImageComparison(test: grey(2, 2) { _, _ in 188 }, reference: reference)
        #expect(abs(c.worst - (188 - 187.51603067837462)) < 1e-4)
    }

    @Test func sizesMustMatch() {
        #expect(throws: ImageMetricsError.self) { try ImageComparison(test: grey(4, 4) { _, _ in 0 }, reference: grey(4, 5) { _, _ in 0 }) }
        #expect(throws: ImageMetricsError.self) { try SSIM.luminance(grey(12, 12) { _, _ in 0 }, grey(24, 24) { _, _ in 0 }) }
    }
}

@Suite struct SSIMTests {
    /// The constants of the paper: C1 = (0.01 * 255)², C2 = (0.03 * 255)².
    static let c1 = 6.5025, c2 = 58.5225

    @Test func theWindowIsTheStandardGaussian() {
        #expect(SSIM.weights.count == 11)
        #expect(abs(SSIM.weights.reduce(0, +) - 1) < 1e-15)
        // exp(-i² / (2 × 1.5²)) for i = -5…5 sums to 3.7592328.
        #expect(abs(SSIM.weights[5] - 1 / 3.759232795169263) < 1e-12)
        #expect(abs(SSIM.weights[4] / SSIM.weights[5] - exp(-1 / 4.5)) < 1e-12)
        #expect(SSIM.weights[0] == SSIM.weights[10])
    }

    @Test func identicalImagesGiveOne() throws {
        let p = pattern(64, 48)
        #expect(try SSIM.luminance(p, p) == 1)
    }

    @Test func itFallsAsNoiseGrows() throws {
        let p = pattern(64, 48)
        var seed: UInt64 = 7
        func noise() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % 2001 - 1000  // -1000…1000
        }
        let shape = (0..<p.pixels.count).map { _ in noise() }
        var last = 1.0
        for amplitude in [2, 5, 10, 20, 40, 80] {
            var noisy = p
            for i in noisy.pixels.indices where i % 4 != 3 {
                noisy.pixels[i] = UInt8(max(0, min(255, Int(p.pixels[i]) + shape[i] * amplitude / 1000)))
            }
            let s = try #require(try SSIM.luminance(noisy, p))
            #expect(s < last, "amplitude \(amplitude): SSIM \(s) is not below \(last)")
            #expect(s > 0)
            last = s
        }
        #expect(last < 0.5)
    }

    @Test func uniformImagesCompareTheirMeans() throws {
        // No variance: SSIM = (2 μx μy + C1) / (μx² + μy² + C1) = 22006.5025 / 22106.5025.
        let s = try #require(try SSIM.luminance(grey(11, 11) { _, _ in 100 }, grey(11, 11) { _, _ in 110 }))
        #expect(abs(s - (2 * 100 * 110 + Self.c1) / (100 * 100 + 110 * 110 + Self.c1)) < 1e-12)
        #expect(abs(s - 0.9954764440915066) < 1e-12)
    }

    @Test func aHandComputedWindow() throws {
        // One window: 100 everywhere but 200 at the centre, against 100 everywhere. The centre
        // weighs w = (1 / 3.7592328)² = 0.0707622, so μx = 100 + 100 w, σx² = 100² w (1 − w),
        // μy = 100 and σy = σxy = 0: SSIM = (2 μx μy + C1) C2 / ((μx² + μy² + C1)(σx² + C2)).
        let x = grey(11, 11) { x, y in x == 5 && y == 5 ? 200 : 100 }
        let s = try #require(try SSIM.luminance(x, grey(11, 11) { _, _ in 100 }))
        let w = 1 / (3.759232795169263 * 3.759232795169263)
        let mx = 100 + 100 * w, vx = 100 * 100 * w * (1 - w)
        let expected = (2 * mx * 100 + Self.c1) * Self.c2 / ((mx * mx + 100 * 100 + Self.c1) * (vx + Self.c2))
        #expect(abs(s - expected) < 1e-9)
        #expect(abs(s - 0.0815365341192174) < 1e-9)
    }

    @Test func theMapIsAveragedOverEveryWindow() throws {
        // 12x11: two windows. The left one holds the bright pixel at its centre, the right
        // one one column off it; their mean is the answer.
        let x = grey(12, 11) { x, y in x == 5 && y == 5 ? 200 : 100 }
        let y = grey(12, 11) { _, _ in 100 }
        let both = try #require(try SSIM.luminance(x, y))
        let left = try #require(try SSIM.luminance(grey(11, 11) { x, y in x == 5 && y == 5 ? 200 : 100 }, grey(11, 11) { _, _ in 100 }))
        let right = try #require(try SSIM.luminance(grey(11, 11) { x, y in x == 4 && y == 5 ? 200 : 100 }, grey(11, 11) { _, _ in 100 }))
        #expect(abs(both - (left + right) / 2) < 1e-12)
        #expect(right > left)
    }

    @Test func tooSmallForTheWindow() throws {
        #expect(try SSIM.luminance(grey(10, 40) { _, _ in 0 }, grey(10, 40) { _, _ in 0 }) == nil)
        #expect(try ImageComparison(test: grey(40, 10) { _, _ in 0 }, reference: grey(40, 10) { _, _ in 0 }).ssim == nil)
    }

    @Test func colourIsComparedAsLuma() throws {
        // Pure red against pure green of the same luma would be equal; red against black is
        // a mean of 0.2126 × 255 against 0.
        let red = image(11, 11) { _, _ in SIMD3(255, 0, 0) }
        let s = try #require(try SSIM.luminance(red, grey(11, 11) { _, _ in 0 }))
        #expect(abs(s - Self.c1 / ((0.2126 * 255) * (0.2126 * 255) + Self.c1)) < 1e-12)
    }
}

@Suite struct CropSheetTests {
    @Test func theWorstRegionHoldsTheDifference() throws {
        let reference = pattern(200, 120)
        var test = reference
        for y in 70..<80 { for x in 150..<160 { test.pixels[(y * 200 + x) * 4] ^= 0x80 } }
        let region = try CropSheet.worstRegion(test: test, reference: reference, width: 20, height: 20)
        #expect(region.width == 20 && region.height == 20)
        #expect((140...150).contains(region.x) && (60...70).contains(region.y))
        #expect(region.x <= 150 && region.x + 20 >= 160 && region.y <= 70 && region.y + 20 >= 80)
        // A region larger than the image is the whole image.
        #expect(try CropSheet.worstRegion(test: test, reference: reference, width: 500, height: 500)
                == CropSheet.Region(x: 0, y: 0, width: 200, height: 120))
    }

    @Test func theSheetShowsTestReferenceAndDifference() throws {
        let reference = grey(8, 8) { _, _ in 50 }
        var test = reference
        test.pixels[(2 * 8 + 3) * 4 + 2] = 60
        let sheet = try CropSheet.sheet(test: test, reference: reference, region: .init(x: 2, y: 1, width: 4, height: 3), scale: 3)
        #expect(sheet.width == 3 * 12 + 2 * CropSheet.gap && sheet.height == 9)
        // The changed pixel is (1, 1) of the region: 3x3 pixels at (3…5, 3…5) of each panel.
        let panel = 12 + CropSheet.gap
        for y in 3...5 {
            for x in 3...5 {
                #expect(sheet[x, y] == SIMD4(50, 50, 60, 255))
                #expect(sheet[panel + x, y] == SIMD4(50, 50, 50, 255))
                #expect(sheet[2 * panel + x, y] == SIMD4(40, 40, 40, 255))
            }
        }
        #expect(sheet[2, 3] == SIMD4(50, 50, 50, 255))
        #expect(sheet[2 * panel, 0] == SIMD4(0, 0, 0, 255))
        #expect(sheet[12, 0] == SIMD4(128, 128, 128, 255))
        #expect(throws: ImageMetricsError.self) {
            try CropSheet.sheet(test: test, reference: reference, region: .init(x: 6, y: 0, width: 4, height: 3))
        }
    }
}
