import Foundation
import Raster
import Sinks
import Testing
import TestSupport

/// `photophore image compare`: the contract in docs/cli.md, and its errors.
@Suite struct ImageCompareCLITests {
    /// An opaque grey image.
    static func grey(_ w: Int, _ h: Int, _ f: (Int, Int) -> UInt8) -> Image8 {
        var image = Image8(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let v = f(x, y)
                image.pixels.replaceSubrange((y * w + x) * 4..<(y * w + x) * 4 + 4, with: [v, v, v, 255])
            }
        }
        return image
    }

    static func json(_ r: RunResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func identicalImages() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PNG.write(Self.grey(32, 18) { x, y in UInt8(x * 7 + y) }, to: dir + "/a.png")
        let text = try photophore("image", "compare", dir + "/a.png", dir + "/a.png")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("PSNR inf dB (identical)"))
        #expect(text.stdout.contains("SSIM 1.00000"))
        let r = try photophore("image", "compare", dir + "/a.png", dir + "/a.png", "--json")
        let object = try Self.json(r)
        #expect(object["psnr_db"] is NSNull && object["identical"] as? Bool == true)
        #expect(object["worst"] as? Int == 0 && object["over_threshold"] as? Int == 0 && object["ssim"] as? Int == 1)
        #expect(object["crop_sheet"] is NSNull)
    }

    @Test func aDownsampledReference() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A 1-pixel checkerboard of black and white is linear 0.5, sRGB 187.5 at half size.
        try PNG.write(Self.grey(64, 32) { x, y in (x + y) % 2 == 0 ? 255 : 0 }, to: dir + "/reference.png")
        try PNG.write(Self.grey(32, 16) { x, _ in x < 16 ? 188 : 128 }, to: dir + "/test.png")
        let r = try photophore("image", "compare", dir + "/test.png", dir + "/reference.png", "--downsample", "2", "--json",
                               "--crop-sheet", dir + "/sheet.png")
        #expect(r.status == 0, "\(r.stderr)")
        let object = try Self.json(r)
        #expect(object["width"] as? Int == 32 && object["reference_width"] as? Int == 64 && object["downsample"] as? Int == 2)
        // Half the pixels off by 0.484, half by 59.516.
        #expect(abs((object["worst"] as? Double ?? 0) - 59.516) < 0.001)
        #expect(object["over_threshold_share"] as? Double == 0.5 && object["over_threshold"] as? Int == 256)
        let sheet = try PNG.read(dir + "/sheet.png")
        #expect(sheet.width == 3 * 3 * 32 + 2 * 4 && sheet.height == 3 * 16)
        let crop = try #require(object["crop_sheet"] as? [String: Any])
        #expect(crop["width"] as? Int == 32 && crop["height"] as? Int == 16 && crop["scale"] as? Int == 3)
    }

    @Test func sizesThatDoNotFit() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PNG.write(Self.grey(48, 27) { _, _ in 0 }, to: dir + "/small.png")
        try PNG.write(Self.grey(192, 108) { _, _ in 0 }, to: dir + "/large.png")
        let plain = try photophore("image", "compare", dir + "/small.png", dir + "/large.png")
        #expect(plain.status == 2)
        #expect(plain.stderr.contains("48x27") && plain.stderr.contains("192x108") && plain.stderr.contains("--downsample 4"))
        let wrong = try photophore("image", "compare", dir + "/small.png", dir + "/large.png", "--downsample", "3")
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("48x27") && wrong.stderr.contains("192x108") && wrong.stderr.contains("144x81"))
        #expect(try photophore("image", "compare", dir + "/small.png", dir + "/large.png", "--downsample", "4").status == 0)
        #expect(try photophore("image", "compare", dir + "/small.png", dir + "/large.png", "--downsample", "17").status == 2)
        #expect(try photophore("image", "compare", dir + "/small.png", dir + "/missing.png").status == 2)
        let clash = try photophore("image", "compare", dir + "/small.png", dir + "/large.png", "--downsample", "4",
                                   "--crop-sheet", dir + "/small.png")
        #expect(clash.status == 2 && clash.stderr.contains("same file"))
    }
}
