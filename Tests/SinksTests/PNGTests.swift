import Glibc
import Raster
import Sinks
import Testing
import Workloads

@Suite struct PNGTests {
    static func tempDir() -> String {
        var template = Array("/tmp/photophore-png-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    /// A rendered frame with gradients and saturation, resolved both ways.
    static func renderedImage(_ encoding: ColorEncoding) throws -> Image8 {
        let target = try RenderTarget(width: 160, height: 90)
        Renderer(threads: 2).render([GlowWorkload(count: 200, width: 160, height: 90).draw()], into: target, clearColor: workloadClearColor)
        return target.resolved(encoding: encoding)
    }

    @Test(arguments: [ColorEncoding.linear, .sRGB])
    func roundTripIsExact(encoding: ColorEncoding) throws {
        let dir = Self.tempDir()
        let image = try Self.renderedImage(encoding)
        #expect(Set(image.pixels).count > 50, "the image has content")
        try PNG.write(image, to: dir + "/rgb.png")
        #expect(try PNG.read(dir + "/rgb.png") == image)
        var withAlpha = image
        for i in stride(from: 3, to: withAlpha.pixels.count, by: 4) { withAlpha.pixels[i] = UInt8(i % 251) }
        try PNG.write(withAlpha, to: dir + "/rgba.png", alpha: true)
        #expect(try PNG.read(dir + "/rgba.png") == withAlpha)
    }

    @Test func unwritablePathsFailClearlyAndLeaveNothing() throws {
        let image = Image8(width: 4, height: 4)
        for path in ["/nonexistent-dir/x.png", "/proc/photophore.png"] {
            #expect(throws: PNGError.self) { try PNG.write(image, to: path) }
            do { try PNG.write(image, to: path) } catch { #expect(error.description.contains(path)) }
        }
        let dir = Self.tempDir()
        chmod(dir, 0o500)
        defer { chmod(dir, 0o700) }
        // Root can write anyway; only check what is left behind.
        try? PNG.write(image, to: dir + "/x.png")
        let leftovers = try listDirectory(dir).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func corruptFilesAreErrorsNotCrashes() throws {
        let dir = Self.tempDir()
        let path = dir + "/bad.png"
        let f = fopen(path, "wb")!
        fputs("\u{89}PNG not really", f)
        fclose(f)
        #expect(throws: PNGError.self) { try PNG.read(path) }
        #expect(throws: PNGError.self) { try PNG.read(dir + "/missing.png") }
    }

    @Test func sRGBEncodingFollowsTheTransferFunction() throws {
        let t = try RenderTarget(width: 8, height: 1)
        // Chosen so that no expected value lies near a rounding boundary; 4 and −1 clamp.
        let values: [Float] = [0, 0.05, 0.12, 0.31, 0.8, 1, 4, -1]
        for (x, v) in values.enumerated() { t.setColor(x: x, y: 0, SIMD4(v, v, v, 1)) }
        let srgb = t.resolved(encoding: .sRGB), linear = t.resolved(encoding: .linear)
        // Reference values: round(255 · sRGB(v)).
        #expect((0..<8).map { srgb[$0, 0].x } == [0, 63, 97, 151, 231, 255, 255, 0])
        #expect((0..<8).map { linear[$0, 0].x } == [0, 13, 31, 79, 204, 255, 255, 0])
    }
}

func listDirectory(_ path: String) throws -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
