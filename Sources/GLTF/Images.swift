import GLTFKernels
import Raster
import Sinks
#if canImport(Glibc)
import Glibc
#endif

/// Decodes a PNG (through `PNG.decode`) or a JPEG (through libjpeg), told apart by their
/// signatures rather than the file's mimeType. The error is the reason alone.
func decodeImage(_ bytes: [UInt8]) -> Result<Image8, Reason> {
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
        do {
            return .success(try PNG.decode(bytes, name: "PNG"))
        } catch {
            let text = error.description
            let prefix = "cannot read PNG: "
            return .failure(Reason("a damaged PNG: " + (text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)))
        }
    }
    if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return decodeJPEG(bytes) }
    return .failure(Reason(bytes.isEmpty ? "no image data" : "neither a PNG nor a JPEG (glTF images are one of the two)"))
}

/// A JPEG through libjpeg-turbo, to RGBA. The pixel count is bounded by the side limit and
/// by 4096 pixels per byte of file (a JPEG of one flat colour compresses about that well).
func decodeJPEG(_ bytes: [UInt8]) -> Result<Image8, Reason> {
    var out: UnsafeMutablePointer<UInt8>?
    var w: Int32 = 0, h: Int32 = 0
    var message = [CChar](repeating: 0, count: 256)
    let maxPixels = Int64(min(bytes.count, 1 << 24)) * 4096 + 65_536
    let status = bytes.withUnsafeBufferPointer { raw in
        photophore_jpeg_decode(raw.baseAddress, raw.count, Int32(GLTFLimits.maxImageDimension), maxPixels, &out, &w, &h, &message, message.count)
    }
    guard status == 0, let out else {
        let why = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return .failure(Reason("a damaged JPEG: " + (why.isEmpty ? "libjpeg failed" : why)))
    }
    defer { free(out) }
    let pixels = Array(UnsafeBufferPointer(start: out, count: Int(w) * Int(h) * 4))
    return .success(Image8(width: Int(w), height: Int(h), pixels: pixels))
}
