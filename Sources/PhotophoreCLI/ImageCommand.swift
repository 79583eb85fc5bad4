import ArgumentParser
import Basics
import ImageMetrics
import Raster
import Sinks
import Stimuli

/// `photophore image`: tools for images the engine drew.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Compare a rendered image with a reference.",
        subcommands: [Compare.self])

    /// `photophore image compare`: the library's figures (ImageMetrics), printed.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a PNG with a reference PNG: PSNR, pixels off by more than a threshold, the worst difference and SSIM.",
            discussion: """
                Differences are in sRGB levels of 255, over R, G and B (alpha is not compared). PSNR is \
                10 log10(255^2 / MSE), inf for identical images. SSIM is the mean SSIM of luma (BT.709 \
                weights on the sRGB levels) with an 11x11 Gaussian window of sigma 1.5. With --downsample K \
                the reference is K times the test's size and is box-filtered by K in linear light \
                (premultiplied by alpha) first, then compared without rounding to 8 bits: a render at 4 \
                times the size gives a 16-sample reference of the same renderer.
                """)

        @Argument(help: ArgumentHelp("The image under test.", valueName: "TEST.png"))
        var test: String

        @Argument(help: ArgumentHelp("The reference: the test's size, or K times it with --downsample K.", valueName: "REFERENCE.png"))
        var reference: String

        @Option(parsing: .unconditional,
                help: "Box-filter the reference by K in linear light first, 1 to 16; its size must be K times the test's (default: 1, none).",
                transform: Parse.int(1...16))
        var downsample = 1

        @Option(parsing: .unconditional,
                help: "Count the pixels whose largest channel differs by more than T levels of 255, 0 to 255 (default: 16).",
                transform: Parse.int(0...255))
        var threshold = 16

        @Option(name: .customLong("crop-sheet"), help: ArgumentHelp(
            "Also write the 96x54 region that differs most, 3 times enlarged: test, reference and difference (times 4) side by side.",
            valueName: "FILE.png"))
        var cropSheet: String?

        @Flag(help: "Print one JSON object.")
        var json = false

        func run() throws {
            try claimPaths { claims in
                try claims.input(test, as: "the test image \(test)")
                try claims.input(reference, as: "the reference \(reference)")
                if let cropSheet { try claims.output(cropSheet, as: "--crop-sheet \(cropSheet)") }
            }
            if let cropSheet {
                guard cropSheet.lowercased().hasSuffix(".png") else {
                    throw Failure.usage("--crop-sheet \(cropSheet): the sheet is written as PNG; give a file name ending in .png")
                }
                try checkWritable(cropSheet)
            }
            let testImage = try Self.read(test)
            let referenceImage = try Self.read(reference)
            let k = downsample
            let (tw, th, rw, rh) = (testImage.width, testImage.height, referenceImage.width, referenceImage.height)
            if k == 1, (tw, th) != (rw, rh) {
                let multiple = (2...16).first { tw * $0 == rw && th * $0 == rh }
                throw Failure.usage("the test \(test) is \(tw)x\(th) and the reference \(reference) \(rw)x\(rh); give images of one size"
                    + (multiple.map { ", or --downsample \($0) to box-filter the reference by \($0) first" } ?? ""))
            }
            if k > 1, (tw * k, th * k) != (rw, rh) {
                throw Failure.usage("--downsample \(k): the reference \(reference) is \(rw)x\(rh), not \(k) times the test \(test) (\(tw)x\(th)); it must be \(tw * k)x\(th * k)")
            }

            let comparison: ImageComparison
            var shown = referenceImage
            do {
                if k > 1 {
                    let filtered = try LinearImage(decoding: referenceImage).downsampled(by: k)
                    comparison = try ImageComparison(test: testImage, reference: filtered, threshold: Double(threshold))
                    if cropSheet != nil { shown = filtered.encoded() }
                } else {
                    comparison = try ImageComparison(test: testImage, reference: referenceImage, threshold: Double(threshold))
                }
            } catch { throw Failure.usage(error.description) }

            var sheetRegion: CropSheet.Region?
            if let cropSheet {
                do {
                    let region = try CropSheet.worstRegion(test: testImage, reference: shown)
                    try PNG.write(try CropSheet.sheet(test: testImage, reference: shown, region: region, scale: Self.sheetScale), to: cropSheet)
                    sheetRegion = region
                } catch let error as PNGError {
                    throw Failure.runtime(error.description)
                } catch {
                    throw Failure.usage("\(error)")
                }
            }
            if json {
                try printJSON(JSONTree(report(comparison, width: rw, height: rh, sheet: sheetRegion)))
            } else {
                for line in lines(comparison, width: rw, height: rh, sheet: sheetRegion) { print(line) }
            }
        }

        static let sheetScale = 3

        static func read(_ path: String) throws -> Image8 {
            do { return try PNG.read(path) } catch { throw Failure.usage(error.description) }
        }

        /// The report as text: what was compared, then one line per figure.
        func lines(_ c: ImageComparison, width rw: Int, height rh: Int, sheet: CropSheet.Region?) -> [String] {
            let filtered = downsample > 1 ? " box-filtered by \(downsample) in linear light" : ""
            let pixels = c.width * c.height
            var out = [
                "\(test) \(c.width)x\(c.height) against \(reference) \(rw)x\(rh)\(filtered)",
                c.psnr.isFinite ? "PSNR \(NumberText.fixed(c.psnr, 2)) dB (R, G and B)" : "PSNR inf dB (identical)",
                "over \(threshold): \(NumberText.fixed(100 * c.overThresholdShare, 3))% of pixels (\(c.overThreshold) of \(pixels)) have a channel off by more than \(threshold) levels",
                "worst \(NumberText.fixed(c.worst, 1)) levels at \(c.worstX),\(c.worstY)",
                "SSIM " + (c.ssim.map { NumberText.fixed($0, 5) } ?? "n/a (a side is under 11 pixels)") + " (luma, 11x11 Gaussian window)",
            ]
            if let sheet, let cropSheet {
                out.append("crop sheet \(cropSheet): test, reference and difference (times \(CropSheet.differenceGain)) of \(sheet.width)x\(sheet.height) at \(sheet.x),\(sheet.y), \(Self.sheetScale) times enlarged")
            }
            return out
        }

        /// `image compare --json` (docs/cli.md).
        func report(_ c: ImageComparison, width rw: Int, height rh: Int, sheet: CropSheet.Region?) -> JSONValue {
            func rounded(_ x: Double, _ decimals: Int) -> JSONValue {
                var p = 1.0
                for _ in 0..<decimals { p *= 10 }
                return .number((x * p).rounded() / p)
            }
            let crop: JSONValue = sheet.map { r in
                .object([("path", .string(cropSheet ?? "")), ("x", .number(Double(r.x))), ("y", .number(Double(r.y))),
                         ("width", .number(Double(r.width))), ("height", .number(Double(r.height))),
                         ("scale", .number(Double(Self.sheetScale)))])
            } ?? .null
            return .object([
                ("test", .string(test)), ("reference", .string(reference)),
                ("width", .number(Double(c.width))), ("height", .number(Double(c.height))),
                ("reference_width", .number(Double(rw))), ("reference_height", .number(Double(rh))),
                ("downsample", .number(Double(downsample))), ("threshold", .number(Double(threshold))),
                ("psnr_db", c.psnr.isFinite ? rounded(c.psnr, 4) : .null), ("identical", .bool(c.meanSquaredError == 0)),
                ("mse", rounded(c.meanSquaredError, 6)),
                ("over_threshold", .number(Double(c.overThreshold))), ("over_threshold_share", rounded(c.overThresholdShare, 6)),
                ("worst", rounded(c.worst, 3)), ("worst_at", .array([.number(Double(c.worstX)), .number(Double(c.worstY))])),
                ("ssim", c.ssim.map { rounded($0, 6) } ?? .null), ("crop_sheet", crop),
            ])
        }
    }
}
