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

    /// Both compressions decode to exactly the pixels encoded, RGB and RGBA, for sizes down to
    /// one pixel; the fast one is the larger file, and its bytes repeat.
    @Test(arguments: PNGCompression.allCases)
    func encodedBytesDecodeToThePixels(compression: PNGCompression) throws {
        let dir = Self.tempDir()
        var rendered = try Self.renderedImage(.sRGB)
        for i in stride(from: 3, to: rendered.pixels.count, by: 4) { rendered.pixels[i] = UInt8(i % 253) }
        var tiny = Image8(width: 3, height: 2)
        for i in tiny.pixels.indices { tiny.pixels[i] = UInt8((i * 37) % 256) }
        for (n, image) in [rendered, tiny, Image8(width: 1, height: 1)].enumerated() {
            for alpha in [false, true] {
                let bytes = try PNG.encode(image, alpha: alpha, compression: compression)
                #expect(try PNG.encode(image, alpha: alpha, compression: compression) == bytes)
                let path = dir + "/\(n)-\(alpha).png"
                let f = fopen(path, "wb")!
                fwrite(bytes, 1, bytes.count, f)
                fclose(f)
                var expected = image
                if !alpha { for i in stride(from: 3, to: expected.pixels.count, by: 4) { expected.pixels[i] = 255 } }
                #expect(try PNG.read(path) == expected, "image \(n), alpha \(alpha)")
            }
        }
        let fast = try PNG.encode(rendered, compression: .fast), small = try PNG.encode(rendered, compression: .small)
        #expect(fast.count > small.count && fast.count < small.count * 3 / 2)
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

    /// A small valid PNG taken apart: the signature, then (type, data) per chunk.
    static func chunks(of file: [UInt8]) -> [(type: String, data: [UInt8])] {
        var out: [(String, [UInt8])] = []
        var at = 8
        while at + 12 <= file.count {
            let length = file[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            out.append((String(decoding: file[at + 4..<at + 8], as: UTF8.self), Array(file[at + 8..<at + 8 + length])))
            at += 12 + length
        }
        return out
    }

    /// Chunks put back together with correct CRCs; `lengths` overrides a chunk's length field.
    static func file(_ chunks: [(type: String, data: [UInt8])], lengths: [Int: UInt32] = [:]) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        for (k, c) in chunks.enumerated() {
            out += be32(lengths[k] ?? UInt32(c.data.count))
            var crc: UInt32 = 0xFFFF_FFFF
            for b in Array(c.type.utf8) + c.data {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            }
            out += Array(c.type.utf8) + c.data + be32(crc ^ 0xFFFF_FFFF)
        }
        return out
    }

    static func write(_ bytes: [UInt8], to path: String) {
        let f = fopen(path, "wb")!
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }

    func expectRefusal(_ bytes: [UInt8], saying words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = Self.tempDir() + "/damaged.png"
        Self.write(bytes, to: path)
        #expect(sourceLocation: sourceLocation) {
            _ = try PNG.read(path)
        } throws: { error in
            let message = (error as? PNGError)?.description ?? ""
            return message.hasPrefix("cannot read \(path): ") && message.contains(words) && !message.contains("\n")
        }
    }

    /// Found by tools/fuzz.sh: libpng accepts up to a million pixels a side, and the reader
    /// allocated what the header said before reading a pixel (4 TB for 1000000x1000000).
    @Test func aHeaderWithHugeDimensionsIsRefusedBeforeAllocating() throws {
        let small = Self.chunks(of: try PNG.encode(Image8(width: 4, height: 4)))
        #expect(small.first?.type == "IHDR")
        let cases: [(Int, Int, String)] = [(1_000_000, 1_000_000, "header says 1000000x1000000 pixels, more than the 8192x8192"),
                                           (8193, 1, "header says 8193x1 pixels"), (8192, 8192, "more than its")]
        for (w, h, words) in cases {
            var damaged = small
            let fields: [Int] = [w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h]
            damaged[0].data.replaceSubrange(0..<8, with: fields.map { UInt8($0 & 0xFF) })
            expectRefusal(Self.file(damaged), saying: words)
        }
    }

    /// Found by tools/fuzz.sh: libpng allocates and clears the length a chunk claims before
    /// reading it (and only warns when it is absurd), so a 100-byte file whose text chunk
    /// claims 2 GB cost 2 GB and seconds. Truncated files are refused the same way.
    @Test func aChunkClaimingMoreThanTheFileHoldsIsRefused() throws {
        var chunks = Self.chunks(of: try PNG.encode(Image8(width: 4, height: 4), alpha: true))
        chunks.insert((type: "tEXt", data: Array("Comment\0hello".utf8)), at: 1)
        expectRefusal(Self.file(chunks, lengths: [1: 0x7FFF_FFFF]), saying: "the tEXt chunk at byte 33 says it holds 2147483647 bytes but only")
        let whole = Self.file(chunks)
        expectRefusal(Array(whole.prefix(whole.count - 20)), saying: "the file is truncated or damaged")
        let path = Self.tempDir() + "/fine.png"
        Self.write(whole, to: path)
        #expect(try PNG.read(path) == Image8(width: 4, height: 4))
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
