import Basics
import CFFmpeg
import FFmpegLoader
import Raster

/// The poster still of a video: its first frame, as a WebP file beside it
/// (`clip.mp4` → `clip.poster.webp`), made by FFmpeg's libwebp encoder, lossy at quality 80,
/// with alpha when the video has it. The first frame, because a browser shows the poster until
/// the video plays, and then the video starts from that frame: no jump between the two.
public enum Poster {
    /// Where the poster of the video at `videoPath` goes: its extension replaced by `.poster.webp`.
    public static func path(for videoPath: String) -> String {
        let (dir, name) = splitPath(videoPath)
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
        return (videoPath.contains("/") ? dir + "/" : "") + stem + ".poster.webp"
    }

    /// A WebP file's bytes holding `image` (its alpha too with `alpha`). `path` names the file
    /// in error messages.
    public static func webp(_ image: Image8, alpha: Bool, path: String) throws(SinkError) -> [UInt8] {
        if let failure = photophore_ffmpeg_load() {
            throw .runtime("cannot write \(path): \(String(cString: failure))")
        }
        func fail(_ what: String, _ code: Int32) -> SinkError {
            .runtime("cannot write \(path): \(what): \(ffmpegErrorText(code))")
        }
        guard let codec = avcodec_find_encoder_by_name("libwebp") else {
            throw .runtime("cannot write \(path): this FFmpeg has no WebP encoder (libwebp); install FFmpeg's libavcodec with libwebp (tools/setup.sh)")
        }
        var context = avcodec_alloc_context3(codec)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        defer {
            av_frame_free(&frame)
            av_packet_free(&packet)
            avcodec_free_context(&context)
        }
        guard let context, let frame, let packet else { throw fail("out of memory", AVERROR_ENOMEM) }
        context.pointee.width = Int32(image.width)
        context.pointee.height = Int32(image.height)
        context.pointee.pix_fmt = AV_PIX_FMT_BGRA
        context.pointee.time_base = AVRational(num: 1, den: 1)
        var dict: OpaquePointer?
        av_dict_set(&dict, "quality", "80", 0)
        av_dict_set(&dict, "lossless", "0", 0)
        var ret = avcodec_open2(context, codec, &dict)
        av_dict_free(&dict)
        guard ret >= 0 else { throw fail("cannot open the WebP encoder", ret) }
        frame.pointee.format = AV_PIX_FMT_BGRA.rawValue
        frame.pointee.width = Int32(image.width)
        frame.pointee.height = Int32(image.height)
        ret = av_frame_get_buffer(frame, 0)
        guard ret >= 0, let data = frame.pointee.data.0 else { throw fail("out of memory", ret) }
        image.pixels.withUnsafeBufferPointer { src in
            copyBGRA(src.baseAddress!, width: image.width, height: image.height, alpha: alpha,
                     into: data, stride: Int(frame.pointee.linesize.0))
        }
        frame.pointee.pts = 0
        ret = avcodec_send_frame(context, frame)
        guard ret >= 0 else { throw fail("the WebP encoder failed", ret) }
        ret = avcodec_send_frame(context, nil)
        guard ret >= 0 else { throw fail("the WebP encoder failed", ret) }
        var bytes: [UInt8] = []
        while true {
            ret = avcodec_receive_packet(context, packet)
            if ret == AVERROR_EAGAIN || ret == AVERROR_EOF_CODE { break }
            guard ret >= 0 else { throw fail("the WebP encoder failed", ret) }
            if let p = packet.pointee.data { bytes += UnsafeBufferPointer(start: p, count: Int(packet.pointee.size)) }
            av_packet_unref(packet)
        }
        guard bytes.count > 12 else { throw .runtime("cannot write \(path): the WebP encoder gave no picture") }
        return bytes
    }
}

/// The HTML `<video>` element that plays what a render wrote: its sources in the order a
/// browser should try them, AV1, then VP9, then H.264 (only those written), each with its
/// `type` and codecs, the poster, `autoplay muted playsinline loop` (a muted clip that plays
/// like an animated image, also on phones) and the width and height, so that the page keeps
/// the video's box before it loads. Paths are as given (relative to the page).
public enum VideoSnippet {
    public struct Source: Sendable, Equatable {
        public var path: String
        public var format: VideoFormat
        public var codec: VideoCodec
        /// The `codecs` parameter (`VideoWriter.codecParameter`).
        public var parameter: String
        public init(path: String, format: VideoFormat, codec: VideoCodec, parameter: String) {
            self.path = path
            self.format = format
            self.codec = codec
            self.parameter = parameter
        }
    }

    static func rank(_ codec: VideoCodec) -> Int {
        switch codec {
        case .av1: 0
        case .vp9: 1
        case .h264: 2
        case .webp: 3
        }
    }

    public static func html(sources: [Source], poster: String?, width: Int, height: Int) -> String {
        let ordered = sources.filter { $0.codec != .webp }.enumerated()
            .sorted { (rank($0.element.codec), $0.offset) < (rank($1.element.codec), $1.offset) }.map(\.element)
        var lines = ["<video width=\"\(width)\" height=\"\(height)\"" + (poster.map { " poster=\"\(escape($0))\"" } ?? "")
                     + " autoplay muted playsinline loop>"]
        for s in ordered {
            let mime = s.format == .mp4 ? "video/mp4" : "video/webm"
            lines.append("  <source src=\"\(escape(s.path))\" type='\(mime); codecs=\"\(s.parameter)\"'>")
        }
        lines.append("</video>")
        return lines.joined(separator: "\n")
    }

    /// `&`, `"`, `'`, `<` and `>` as HTML character references.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}
