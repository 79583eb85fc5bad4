import CWebPDemux
import Foundation
import Raster

/// Decodes an animated WebP into its full frames (RGBA, straight alpha) with libwebp's
/// animation decoder, which composes each frame's rectangle, blending and disposal as a
/// browser does. FFmpeg's WebP decoder reads still images only.
enum AnimatedWebP {
    struct DecodeError: Error, CustomStringConvertible { var description: String }

    static func decode(_ bytes: [UInt8]) throws -> [Image8] {
        var options = WebPAnimDecoderOptions()
        guard WebPAnimDecoderOptionsInit(&options) != 0 else { throw DecodeError(description: "libwebp's demux ABI does not match") }
        options.color_mode = MODE_RGBA
        options.use_threads = 0
        return try bytes.withUnsafeBufferPointer { buffer -> [Image8] in
            var data = WebPData(bytes: buffer.baseAddress, size: buffer.count)
            guard let decoder = WebPAnimDecoderNew(&data, &options) else { throw DecodeError(description: "not an animated WebP libwebp reads") }
            defer { WebPAnimDecoderDelete(decoder) }
            var info = WebPAnimInfo()
            guard WebPAnimDecoderGetInfo(decoder, &info) != 0 else { throw DecodeError(description: "no animation info") }
            let (w, h) = (Int(info.canvas_width), Int(info.canvas_height))
            var frames: [Image8] = []
            while WebPAnimDecoderHasMoreFrames(decoder) != 0 {
                var pixels: UnsafeMutablePointer<UInt8>?
                var timestamp: Int32 = 0
                guard WebPAnimDecoderGetNext(decoder, &pixels, &timestamp) != 0, let pixels else {
                    throw DecodeError(description: "frame \(frames.count) does not decode")
                }
                frames.append(Image8(width: w, height: h, pixels: Array(UnsafeBufferPointer(start: pixels, count: w * h * 4))))
            }
            return frames
        }
    }
}
