import Basics
import CPNG
import SinksKernels
import Raster
#if canImport(Glibc)
import Glibc
#endif

/// A PNG file could not be written or read. The message names the file and the cause.
public struct PNGError: Error, CustomStringConvertible {
    public var description: String
}

/// How `PNG.encode` compresses: `render --png-compression` (docs/cli.md).
public enum PNGCompression: String, CaseIterable, Sendable {
    /// The Up filter and libdeflate's level 1: about 0.04 s for a 1080p frame, files about
    /// 1.1x to 1.2x the size of `small`. The default.
    case fast
    /// libpng's defaults (level 6, adaptive filters): about 0.65 s for a 1080p frame.
    case small

    var kernelValue: UInt32 {
        switch self {
        case .fast: PHOTOPHORE_PNG_FAST.rawValue
        case .small: PHOTOPHORE_PNG_SMALL.rawValue
        }
    }
}

/// PNG files through libpng's simplified API (`png_image_*`), whose errors come back as
/// return values instead of a longjmp through Swift frames.
public enum PNG {
    /// Writes `image` to `path`, as RGB (alpha dropped) or RGBA: the bytes of `encode`, written
    /// with `writeAtomically`, so the file appears under its name only when complete.
    public static func write(_ image: Image8, to path: String, alpha: Bool = false) throws(PNGError) {
        let bytes: [UInt8]
        do throws(PNGError) {
            bytes = try encode(image, alpha: alpha)
        } catch {
            throw PNGError(description: "cannot write \(path): \(error.description)")
        }
        do throws(WriteError) {
            try writeAtomically(bytes, to: path)
        } catch {
            throw PNGError(description: error.description)
        }
    }

    /// Encodes `image` as a PNG file's bytes in memory (RGB, or RGBA with `alpha`). The bytes
    /// depend only on the pixels and `compression`: a sequence writer hashes and writes them
    /// itself.
    public static func encode(_ image: Image8, alpha: Bool = false, compression: PNGCompression = .fast) throws(PNGError) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBytes { raw in
            photophore_png_encode(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(image.width), Int32(image.height),
                                  image.width * 4, alpha ? 1 : 0, Int32(compression.kernelValue), &out, &size, &message, message.count)
        }
        guard status == 0, let out else {
            let why = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PNGError(description: "cannot encode a \(image.width)x\(image.height) PNG: \(why.isEmpty ? "libpng failed" : why)")
        }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// Reads a PNG as 8-bit RGBA (alpha 255 where the file has none).
    public static func read(_ path: String) throws(PNGError) -> Image8 {
        try decode(try contents(of: path), name: path)
    }

    /// Decodes a PNG file's bytes held in memory (a glTF model's embedded texture) as 8-bit
    /// RGBA, with the checks of `read`: the chunk lengths against the bytes, and the size
    /// against what photophore renders and what the bytes can hold. Errors say
    /// "cannot read `name`: why".
    public static func decode(_ file: [UInt8], name: String) throws(PNGError) -> Image8 {
        if let damage = chunkDamage(file) { throw PNGError(description: "cannot read \(name): \(damage)") }
        // libpng reads from the bytes until png_image_finish_read returns.
        let result: Result<Image8, PNGError> = file.withUnsafeBytes { raw in
            var png = png_image()
            png.version = UInt32(PNG_IMAGE_VERSION)
            if png_image_begin_read_from_memory(&png, raw.baseAddress, raw.count) == 0 {
                let message = messageOf(png)
                png_image_free(&png)
                return .failure(PNGError(description: "cannot read \(name): \(message)"))
            }
            png.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
            let w = Int(png.width), h = Int(png.height)
            if let refusal = sizeRefusal(width: w, height: h, fileSize: raw.count) {
                png_image_free(&png)
                return .failure(PNGError(description: "cannot read \(name): \(refusal)"))
            }
            var pixels = [UInt8](repeating: 0, count: w * h * 4)
            let ok = pixels.withUnsafeMutableBytes { out in
                png_image_finish_read(&png, nil, out.baseAddress, Int32(w * 4), nil)
            }
            if ok == 0 {
                let message = messageOf(png)
                png_image_free(&png)
                return .failure(PNGError(description: "cannot read \(name): \(message)"))
            }
            return .success(Image8(width: w, height: h, pixels: pixels))
        }
        return try result.get()
    }

    /// The whole file: PNGs are read from memory, after `chunkDamage` has checked them.
    static func contents(of path: String) throws(PNGError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PNGError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size)) }
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = block.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PNGError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return bytes }
            bytes += block[0..<n]
        }
    }

    /// Why the chunk lengths cannot be right, or nil. libpng allocates and clears a chunk's
    /// declared length before reading it, and only warns when that length is absurd, so a
    /// 400-byte file whose text chunk claims 2 GB would cost 2 GB: the lengths are checked
    /// against the file first. Anything else (the signature, CRCs, the chunks' contents) is
    /// left to libpng.
    static func chunkDamage(_ file: [UInt8]) -> String? {
        guard file.count >= 8, file[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
        var at = 8
        while at + 8 <= file.count {
            let length = file[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = file[at + 4..<at + 8]
            let left = max(0, file.count - at - 12)
            if length > left {
                let name = type.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) ? "\(String(decoding: type, as: UTF8.self)) chunk" : "chunk"
                return "the \(name) at byte \(at) says it holds \(length) bytes but only \(left) follow; the file is truncated or damaged"
            }
            if type.elementsEqual("IEND".utf8) { return nil }
            at += 12 + length
        }
        return nil
    }

    /// Why a header's size is refused before its pixels are allocated, or nil. libpng accepts
    /// up to a million pixels a side, so a damaged header could ask for terabytes: the size
    /// must be one photophore can render, and one the file's bytes can hold (deflate expands
    /// at most 1032 times, and every pixel takes at least one bit).
    static func sizeRefusal(width w: Int, height h: Int, fileSize: Int) -> String? {
        let limit = RenderTarget.maxDimension
        if w > limit || h > limit {
            return "its header says \(w)x\(h) pixels, more than the \(limit)x\(limit) photophore reads; the file is damaged or not an image photophore wrote"
        }
        if h * ((w + 7) / 8 + 1) > fileSize * 1032 + 65_536 {
            return "its header says \(w)x\(h) pixels, more than its \(fileSize) bytes can hold; the file is damaged or truncated"
        }
        return nil
    }

    private static func messageOf(_ png: png_image) -> String {
        var m = png.message
        return withUnsafeBytes(of: &m) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
