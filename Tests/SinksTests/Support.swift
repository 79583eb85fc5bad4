import Foundation
import Raster
import TestSupport

/// A deterministic, natural-looking animation: a smooth two-axis gradient that drifts, with
/// soft-edged discs moving across it. Frame k is a pure function of k, so any frame range
/// of it can be rendered on its own (as shards are).
func syntheticFrame(_ k: Int, width: Int, height: Int) -> Image8 {
    var pixels = [UInt8](repeating: 255, count: width * height * 4)
    let t = Float(k) / 60
    let discs: [(cx: Float, cy: Float, r: Float, color: SIMD3<Float>)] = [
        (0.2 + 0.6 * (0.5 + 0.5 * sinf(t * 1.3)), 0.5 + 0.3 * cosf(t * 0.9), 0.18, SIMD3(250, 190, 80)),
        (0.5 + 0.35 * cosf(t * 0.7), 0.35 + 0.2 * sinf(t * 1.7), 0.12, SIMD3(120, 200, 140)),
        (Float(k % 120) / 120, 0.75, 0.08, SIMD3(180, 160, 230)),
    ]
    let h = Float(height)
    pixels.withUnsafeMutableBufferPointer { p in
        for y in 0..<height {
            let fy = Float(y) / h
            for x in 0..<width {
                let fx = Float(x) / h
                var c = SIMD3<Float>(
                    20 + 60 * fy + 30 * sinf(fx * 2 + t),
                    40 + 80 * (1 - fy) * (0.6 + 0.4 * cosf(fx + t * 0.5)),
                    90 + 100 * fy)
                for d in discs {
                    let dx = fx - d.cx * Float(width) / h, dy = fy - d.cy
                    let dist = (dx * dx + dy * dy).squareRoot()
                    // A soft edge about 6% of the radius wide.
                    let a = max(0, min(1, (d.r - dist) / (d.r * 0.25) + 0.5))
                    c = c * (1 - a) + d.color * a
                }
                let o = (y * width + x) * 4
                p[o] = UInt8(max(0, min(255, c.x.rounded())))
                p[o + 1] = UInt8(max(0, min(255, c.y.rounded())))
                p[o + 2] = UInt8(max(0, min(255, c.z.rounded())))
            }
        }
    }
    return Image8(width: width, height: height, pixels: pixels)
}

func tempDir(_ tag: String = "sinks") -> String {
    var template = Array("/tmp/photophore-\(tag)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

/// ffprobe's JSON for the first video stream, with frames counted by decoding.
func probe(_ path: String) throws -> [String: Any] {
    let r = try run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_streams", "-show_format", "-of", "json", path])
    guard r.status == 0 else { throw ProbeError(message: "ffprobe failed on \(path): \(r.stderr)") }
    let json = try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any] ?? [:]
    var stream = (json["streams"] as? [[String: Any]])?.first ?? [:]
    stream["format"] = json["format"]
    return stream
}

struct ProbeError: Error { var message: String }

/// Decodes a video to RGB24 frames through the ffmpeg command line. The YUV matrix and range
/// come from the stream's tags (BT.709, limited); the conversion is the accurate one (full
/// chroma interpolation, exact rounding): ffmpeg's default fast conversion alone costs about
/// 8 dB on a lossless stream of these frames, and would hide the encoder's share.
func decodeRGB(_ path: String, width: Int, height: Int) throws -> [[UInt8]] {
    let vf = ["-vf", "scale=in_color_matrix=auto:in_range=auto:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24"]
    let r = try run("ffmpeg", ["-v", "error", "-i", path] + vf + ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    guard r.status == 0 else { throw ProbeError(message: "ffmpeg failed on \(path): \(r.stderr)") }
    let frameBytes = width * height * 3
    let bytes = [UInt8](r.stdoutBytes)
    return stride(from: 0, to: bytes.count - frameBytes + 1, by: frameBytes).map { Array(bytes[$0..<($0 + frameBytes)]) }
}

/// PSNR in dB of decoded RGB24 against the RGB of an RGBA image.
func psnr(_ rgb: [UInt8], _ image: Image8) -> Double {
    var sum = 0.0
    for i in 0..<(image.width * image.height) {
        for c in 0..<3 {
            let d = Double(rgb[i * 3 + c]) - Double(image.pixels[i * 4 + c])
            sum += d * d
        }
    }
    let mse = sum / Double(image.width * image.height * 3)
    return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
}

/// The types of the top-level boxes of an MP4 file, in order.
func topLevelBoxes(_ path: String) throws -> [String] {
    let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var boxes: [String] = []
    var offset = 0
    while offset + 8 <= data.count {
        var size = Int(data[offset]) << 24 | Int(data[offset + 1]) << 16 | Int(data[offset + 2]) << 8 | Int(data[offset + 3])
        let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
        if size == 1 {
            guard offset + 16 <= data.count else { break }
            size = data[(offset + 8)..<(offset + 16)].reduce(0) { $0 << 8 | Int($1) }
        } else if size == 0 {
            size = data.count - offset
        }
        guard size >= 8 else { break }
        boxes.append(type)
        offset += size
    }
    return boxes
}

func leftovers(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}
