import Basics
import CFFmpeg
import FFmpegLoader
import Raster
#if canImport(Glibc)
import Glibc
#endif

/// How a video is encoded. The defaults are web-ready and fast: H.264 `veryfast` at CRF 26,
/// VP9 in real-time mode at CRF 32.
public struct VideoOptions: Sendable, Equatable {
    /// Frames per second: the stream's time base is 1/fps and frame i has pts i.
    public var fps: Int = 60
    /// Constant-quality factor; nil picks the codec's default (H.264 20, VP9 32).
    public var crf: Int? = nil
    /// The x264 preset (ultrafast … veryslow).
    public var preset: String = "veryfast"
    /// libvpx `cpu-used` (0 slowest … 8 fastest) used with the real-time deadline.
    public var vp9Speed: Int = 8
    /// Encoder threads. x264's output depends on its thread count, so the default is fixed
    /// (2): the same frames give the same file on any machine. 0 lets the encoder choose for
    /// the machine (output then varies with cores). x264 splits each frame into one slice per
    /// thread rather than coding several frames at once, which holds fewer frames in memory.
    public var threads: Int = 2

    /// The codec; nil picks the container's own (H.264 in MP4, VP9 in WebM).
    public var codec: VideoCodec? = nil
    /// SVT-AV1's preset (0 slowest … 13 fastest).
    public var av1Preset: Int = 10
    /// AV1 film-grain synthesis, 0 (off) to 50: SVT-AV1 takes the grain out of the frames
    /// before coding them and sends a model of it, which the decoder adds back. Grain that
    /// changes every frame then costs no bits.
    public var filmGrain: Int = 8
    /// Keep the frames' alpha (straight, not premultiplied): VP9 as yuva420p (the alpha coded
    /// as a second VP9 stream, which WebM carries beside each frame) and WebP. H.264 and AV1
    /// have none and are refused.
    public var alpha: Bool = false
    /// Write a poster still beside a video (`Poster`): its first frame, as WebP. `render`
    /// always does.
    public var poster: Bool = false
    /// Let FFmpeg and the encoders print their own log lines (warnings and errors) on
    /// stderr; without it they are silent and failures reach the caller as `SinkError`.
    public var verbose: Bool = false

    public init(fps: Int = 60, crf: Int? = nil, preset: String = "veryfast", vp9Speed: Int = 8, threads: Int = 2,
                codec: VideoCodec? = nil, av1Preset: Int = 10, filmGrain: Int = 8, alpha: Bool = false, poster: Bool = false,
                verbose: Bool = false) {
        self.fps = fps
        self.crf = crf
        self.preset = preset
        self.vp9Speed = vp9Speed
        self.threads = threads
        self.codec = codec
        self.av1Preset = av1Preset
        self.filmGrain = filmGrain
        self.alpha = alpha
        self.poster = poster
        self.verbose = verbose
    }
}

/// The video codecs, each through one FFmpeg encoder.
public enum VideoCodec: String, CaseIterable, Sendable, Equatable {
    /// libx264; MP4 only.
    case h264
    /// libvpx-vp9; WebM only.
    case vp9
    /// SVT-AV1 (libsvtav1); MP4 or WebM.
    case av1
    /// Animated WebP (libwebp_anim, lossy, quality 80); `.webp` only.
    case webp

    var encoder: String {
        switch self {
        case .h264: "libx264"
        case .vp9: "libvpx-vp9"
        case .av1: "libsvtav1"
        case .webp: "libwebp_anim"
        }
    }

    /// "H.264", "VP9" or "AV1".
    public var name: String {
        switch self {
        case .h264: "H.264"
        case .vp9: "VP9"
        case .av1: "AV1"
        case .webp: "WebP"
        }
    }

    /// Whether the codec keeps alpha (`VideoOptions.alpha`).
    public var hasAlpha: Bool { self == .vp9 || self == .webp }

    /// The highest --crf the codec takes, and the one it uses when none is given.
    public var crfRange: ClosedRange<Int> { self == .h264 ? 0...51 : 0...63 }
    public var defaultCRF: Int {
        switch self {
        // 26: emergence at 1080p60 rich is 3.9 Mbit/s at SSIM 0.974 against the same frames
        // coded losslessly (CRF 20 was 8.0 Mbit/s at 0.983); docs/cli.md, *Video size*.
        case .h264: 26
        case .vp9: 32
        case .av1: 35
        case .webp: 0
        }
    }

    /// The codec of a container when none is asked for.
    public static func `default`(for format: VideoFormat) -> VideoCodec {
        switch format {
        case .mp4: .h264
        case .webm: .vp9
        case .webp: .webp
        }
    }

    /// Why this codec cannot go into `format`, or nil.
    /// SVT-AV1 refuses frames narrower or lower than this.
    public static let av1MinimumSide = 64

    public func refusal(in format: VideoFormat) -> String? {
        switch (self, format) {
        case (.h264, .webm): "H.264 goes into .mp4; for .webm use --codec vp9 or av1"
        case (.vp9, .mp4): "VP9 goes into .webm; for .mp4 use --codec h264 or av1"
        case (.webp, .mp4), (.webp, .webm): "WebP is an image format; write out.webp, or use --codec h264, vp9 or av1 for video"
        case (_, .webp) where self != .webp: "an animated .webp is WebP only; leave out --codec, or write out.mp4 or out.webm"
        default: nil
        }
    }
}

/// The two video containers and their codecs, chosen by the file's extension.
public enum VideoFormat: Sendable, Equatable {
    /// `.mp4`: H.264 (libx264), yuv420p, `moov` before `mdat` (faststart).
    case mp4
    /// `.webm`: VP9 (libvpx-vp9), yuv420p (yuva420p with alpha).
    case webm
    /// `.webp`: an animated WebP that loops forever (libwebp_anim).
    case webp

    /// The format for `path`'s extension, or a usage error naming the extensions that work.
    public static func of(_ path: String) throws(SinkError) -> VideoFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".mp4") { return .mp4 }
        if lower.hasSuffix(".webm") { return .webm }
        if lower.hasSuffix(".webp") { return .webp }
        throw .usage("cannot write video \(path): unknown extension; use .mp4 (H.264), .webm (VP9) or .webp (animated WebP)")
    }

    var muxer: String {
        switch self {
        case .mp4: "mp4"
        case .webm: "webm"
        case .webp: "webp"
        }
    }

    /// The manifest's `format`.
    public var name: String { muxer }
}

/// Encodes 8-bit RGBA frames into an MP4 (H.264 or AV1) or WebM (VP9 or AV1) file through FFmpeg.
///
/// Frames are appended in order; `finish()` flushes the encoder, writes the trailer and only
/// then renames the temporary file (`<path>.partial-<pid>`, same directory) to `path`. Any
/// failure, or a writer dropped without `finish()`, removes the temporary file: a file under
/// the final name is always complete.
///
/// RGBA (sRGB, full range) is converted to YUV 4:2:0 with BT.709 coefficients in limited
/// range (`YUV420`, fixed point: the same bytes on every CPU), and the stream is tagged
/// BT.709 / limited / centre chroma so players convert it back the same way.
///
/// Not thread-safe: one thread at a time, except that `convert` may run on a thread of its
/// own beside the others (`QueuedVideoSink` converts on the render thread and encodes on a
/// thread of the writer's).
public final class VideoWriter: @unchecked Sendable {
    public let path: String
    public let format: VideoFormat
    public let codec: VideoCodec
    public let width: Int
    public let height: Int
    public let options: VideoOptions
    /// Frames appended so far.
    public private(set) var frameCount = 0
    /// Seconds spent converting RGBA to YUV (`convert`) and in the encoder and muxer (`append`),
    /// each on the thread that called it, for throughput reports.
    public private(set) var convertSeconds = 0.0
    public private(set) var encodeSeconds = 0.0

    private let temporaryPath: String
    private var muxer: UnsafeMutablePointer<AVFormatContext>?
    private var encoder: UnsafeMutablePointer<AVCodecContext>?
    private var stream: UnsafeMutablePointer<AVStream>?
    /// The picture `append(_ image:)` converts into, made by its first call.
    private var own: Picture?
    /// Frames converted so far (the first makes the poster).
    private var converted = 0
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var fileOpen = false
    private var done = false
    /// The poster's bytes, made from the first frame, written by `finish()`.
    private var posterBytes: [UInt8]?
    /// Where the poster goes and what was written there (after `finish()`).
    public var posterPath: String { Poster.path(for: path) }
    public private(set) var posterFile: (bytes: Int, sha256: String)?
    /// The stream's codec parameter for an HTML `<source type>`, e.g. `avc1.640028`; read
    /// from the encoder's headers where they say it (H.264), else from the size and rate.
    public private(set) var codecParameter = ""

    /// Opens the encoder and the temporary output file. Throws a usage error for an unknown
    /// extension or an odd/zero size, a runtime error for a missing encoder or an unwritable path.
    public init(path: String, width: Int, height: Int, options: VideoOptions = VideoOptions()) throws(SinkError) {
        self.path = path
        self.format = try VideoFormat.of(path)
        self.codec = options.codec ?? .default(for: format)
        self.width = width
        self.height = height
        self.options = options
        self.temporaryPath = path + ".partial-\(getpid())"
        guard width > 0, height > 0, width % 2 == 0, height % 2 == 0 else {
            throw .usage("cannot write video \(path): the size \(width)x\(height) must be even and non-zero (4:2:0 chroma); choose an even --size")
        }
        if let refusal = codec.refusal(in: format) { throw .usage("cannot write video \(path): \(refusal)") }
        if codec == .av1, width < VideoCodec.av1MinimumSide || height < VideoCodec.av1MinimumSide {
            throw .usage("cannot write video \(path): AV1 (SVT-AV1) needs at least \(VideoCodec.av1MinimumSide) pixels on each side, and the size is \(width)x\(height); choose a larger --size or another --codec")
        }
        if options.alpha && !codec.hasAlpha { throw .usage("cannot write video \(path): \(Self.alphaRefusal(codec))") }
        if let crf = options.crf, !codec.crfRange.contains(crf) {
            throw .usage("cannot write video \(path): --crf \(crf): \(codec.name) takes \(codec.crfRange.lowerBound) to \(codec.crfRange.upperBound)")
        }
        guard options.fps > 0, options.fps <= 1000 else {
            throw .usage("cannot write video \(path): fps \(options.fps) is out of range; use 1…1000")
        }
        do throws(SinkError) {
            try open()
        } catch {
            release()
            throw error
        }
    }

    deinit {
        if !done { release() }
    }

    /// Why `codec` cannot keep alpha, and what to write instead.
    public static func alphaRefusal(_ codec: VideoCodec) -> String {
        "\(codec.name) has no alpha channel; for --background transparent write out.webm (VP9 with alpha), out.webp (animated WebP) or PNGs"
    }

    /// The pixel format the encoder is given.
    private var pixelFormat: AVPixelFormat {
        if codec == .webp { return AV_PIX_FMT_BGRA }
        return options.alpha ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P
    }

    private func fail(_ what: String, _ code: Int32, hint: String = "") -> SinkError {
        .runtime("cannot write \(path): \(what): \(ffmpegErrorText(code))" + (hint.isEmpty ? "" : "; \(hint)"))
    }

    private func open() throws(SinkError) {
        if let failure = photophore_ffmpeg_load() {
            throw .runtime("cannot write \(path): \(String(cString: failure))")
        }
        // FFmpeg and the encoders log to stderr at "info" by default; errors reach the caller
        // as SinkError instead. SVT-AV1 logs through its own logger, which reads SVT_LOG
        // (-1: nothing) when the encoder starts; a value the user set is kept.
        if options.verbose {
            av_log_set_level(AV_LOG_WARNING)
        } else {
            av_log_set_level(AV_LOG_QUIET)
            setenv("SVT_LOG", "-1", 0)
        }
        guard let encoderCodec = avcodec_find_encoder_by_name(codec.encoder) else {
            throw .runtime("cannot write \(path): this FFmpeg has no \(codec.name) encoder (\(codec.encoder)); install FFmpeg's libavcodec with \(codec.encoder) (tools/setup.sh)")
        }
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        var ret = avformat_alloc_output_context2(&ctx, nil, format.muxer, temporaryPath)
        guard ret >= 0, let muxer = ctx else { throw fail("no \(format.muxer) muxer", ret) }
        self.muxer = muxer
        // No random identifiers (WebM's segment UID) and no library version strings: the same
        // frames give the same file.
        muxer.pointee.flags |= AVFMT_FLAG_BITEXACT

        guard let encoder = avcodec_alloc_context3(encoderCodec) else { throw fail("out of memory", AVERROR_ENOMEM) }
        self.encoder = encoder
        let fps = Int32(options.fps)
        encoder.pointee.width = Int32(width)
        encoder.pointee.height = Int32(height)
        encoder.pointee.time_base = AVRational(num: 1, den: fps)
        encoder.pointee.framerate = AVRational(num: fps, den: 1)
        encoder.pointee.pix_fmt = pixelFormat
        encoder.pointee.color_range = AVCOL_RANGE_MPEG
        encoder.pointee.colorspace = AVCOL_SPC_BT709
        encoder.pointee.color_primaries = AVCOL_PRI_BT709
        encoder.pointee.color_trc = AVCOL_TRC_BT709
        encoder.pointee.chroma_sample_location = AVCHROMA_LOC_CENTER
        encoder.pointee.thread_count = Int32(options.threads)
        if muxer.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            encoder.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        }
        var codecOptions: [(String, String)]
        let crf = String(options.crf ?? codec.defaultCRF)
        switch codec {
        case .h264:
            // Memory (at 1080p, benchmarks/web-assets.sh memory): x264 holds about 13 MB for
            // every frame in flight. Slices instead of frame threads, a lookahead of 2 frames
            // instead of the preset's 10 and one B-frame instead of 3 take it from about 235 MB
            // to about 80 MB. Measured on emergence, 1080p60 rich, 600 frames, CRF 26, against
            // the preset with slices and a lookahead of 5: 3.94 against 3.84 Mbit/s, SSIM 0.973
            // against 0.974 (to the lossless frames), and render plus encode 13% faster.
            codecOptions = [("preset", options.preset), ("crf", crf), ("x264-params", "sliced-threads=1:rc-lookahead=2:bframes=1")]
        case .av1:
            // SVT-AV1 decides by itself how many threads to run (`lp` caps them); its bytes do
            // not depend on that. A keyframe every 5 s, for seeking.
            encoder.pointee.gop_size = Int32(options.fps * 5)
            codecOptions = [("preset", String(options.av1Preset)), ("crf", crf),
                            ("svtav1-params", "film-grain=\(options.filmGrain):lp=\(max(1, options.threads))")]
        case .webp:
            // Lossy at quality 80 (libwebp's scale, 0 to 100), alpha kept when there is any.
            codecOptions = [("quality", "80"), ("lossless", "0")]
        case .vp9:
            encoder.pointee.bit_rate = 0
            codecOptions = [
                ("deadline", "realtime"), ("cpu-used", String(options.vp9Speed)), ("row-mt", "1"),
                ("crf", crf), ("b", "0"),
                // The real-time mode codes no alternate reference frames, so frames queued for
                // them (libvpx's default, 25) cost about 110 MB at 1080p and change nothing.
                ("lag-in-frames", "0"),
                ("tile-columns", width >= 1280 ? "2" : "0"),
            ]
        }
        var dict: OpaquePointer?
        for (k, v) in codecOptions { av_dict_set(&dict, k, v, 0) }
        ret = avcodec_open2(encoder, encoderCodec, &dict)
        av_dict_free(&dict)
        guard ret >= 0 else {
            throw fail("cannot open the \(codec.name) encoder (\(codec.encoder), crf \(crf))", ret,
                       hint: "check the encoder options")
        }

        guard let stream = avformat_new_stream(muxer, nil) else { throw fail("out of memory", AVERROR_ENOMEM) }
        self.stream = stream
        stream.pointee.time_base = encoder.pointee.time_base
        stream.pointee.avg_frame_rate = encoder.pointee.framerate
        stream.pointee.r_frame_rate = encoder.pointee.framerate
        ret = avcodec_parameters_from_context(stream.pointee.codecpar, encoder)
        guard ret >= 0 else { throw fail("cannot set the stream parameters", ret) }
        // WebM says a stream has alpha in its track header (AlphaMode), from this tag.
        if options.alpha && format == .webm { av_dict_set(&stream.pointee.metadata, "alpha_mode", "1", 0) }
        codecParameter = Self.codecParameter(codec, encoder: encoder, fps: options.fps)

        ret = avio_open(&muxer.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
        guard ret >= 0 else {
            throw fail("cannot create the file", ret, hint: "check that the directory exists and is writable")
        }
        fileOpen = true
        var muxOptions: OpaquePointer?
        if format == .mp4 { av_dict_set(&muxOptions, "movflags", "+faststart", 0) }
        // An animation loops forever (the WebP muxer's default plays it once).
        if format == .webp { av_dict_set(&muxOptions, "loop", "0", 0) }
        ret = avformat_write_header(muxer, &muxOptions)
        av_dict_free(&muxOptions)
        guard ret >= 0 else { throw fail("cannot write the header", ret, hint: "check free space") }

        guard let packet = av_packet_alloc() else { throw fail("out of memory", AVERROR_ENOMEM) }
        self.packet = packet
    }

    /// One frame in the encoder's pixel format, in buffers of its own: `convert` fills it and
    /// `append(_ picture:)` encodes it, on one thread or on two (`QueuedVideoSink` converts on
    /// the render thread, so its queue holds YUV frames, 3.1 MB at 1080p, not RGBA's 8.3 MB).
    /// It can be filled again once `append` returned: the encoders copy what they keep (and
    /// `convert` first gives it buffers of its own should an encoder still hold a reference).
    public final class Picture: @unchecked Sendable {
        fileprivate let frame: UnsafeMutablePointer<AVFrame>
        fileprivate init(frame: UnsafeMutablePointer<AVFrame>) { self.frame = frame }
        deinit {
            var freed: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&freed)
        }
    }

    /// A picture of this writer's size and pixel format.
    public func makePicture() throws(SinkError) -> Picture {
        guard let frame = av_frame_alloc() else { throw fail("out of memory", AVERROR_ENOMEM) }
        let picture = Picture(frame: frame)
        frame.pointee.format = pixelFormat.rawValue
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.color_range = AVCOL_RANGE_MPEG
        frame.pointee.colorspace = AVCOL_SPC_BT709
        frame.pointee.color_primaries = AVCOL_PRI_BT709
        frame.pointee.color_trc = AVCOL_TRC_BT709
        frame.pointee.chroma_location = AVCHROMA_LOC_CENTER
        let ret = av_frame_get_buffer(frame, 0)
        guard ret >= 0 else { throw fail("out of memory", ret) }
        return picture
    }

    /// Converts one frame into `picture` (the first frame converted also makes the poster). It
    /// touches nothing that `append(_ picture:)` uses, so the two may run at once on two
    /// threads, with frames converted in the order they are appended.
    public func convert(_ image: Image8, into picture: Picture) throws(SinkError) {
        let frame = picture.frame
        guard image.width == width, image.height == height else {
            throw .usage("cannot write \(path): frame \(converted) is \(image.width)x\(image.height), the video is \(width)x\(height)")
        }
        let t0 = Monotonic.seconds()
        let ret = av_frame_make_writable(frame)
        guard ret >= 0 else { throw fail("out of memory", ret) }
        if options.poster && converted == 0 && format != .webp {
            posterBytes = try Poster.webp(image, alpha: options.alpha, path: posterPath)
        }
        let lines = frame.pointee.linesize
        if codec == .webp {
            guard let p = frame.pointee.data.0 else { throw fail("no frame buffer", AVERROR_BUG) }
            image.pixels.withUnsafeBufferPointer { src in
                copyBGRA(src.baseAddress!, width: width, height: height, alpha: options.alpha, into: p, stride: Int(lines.0))
            }
        } else {
            guard let yp = frame.pointee.data.0, let up = frame.pointee.data.1, let vp = frame.pointee.data.2 else {
                throw fail("no frame buffer", AVERROR_BUG)
            }
            image.pixels.withUnsafeBufferPointer { src in
                YUV420.convert(rgba: src.baseAddress!, width: width, height: height,
                               y: .init(yp, stride: Int(lines.0)), u: .init(up, stride: Int(lines.1)), v: .init(vp, stride: Int(lines.2)))
            }
            if options.alpha {
                guard let ap = frame.pointee.data.3 else { throw fail("no alpha plane", AVERROR_BUG) }
                image.pixels.withUnsafeBufferPointer { src in
                    copyAlpha(src.baseAddress!, width: width, height: height, into: ap, stride: Int(lines.3))
                }
            }
        }
        converted += 1
        convertSeconds += Monotonic.seconds() - t0
    }

    /// Encodes a converted frame as the next one.
    public func append(_ picture: Picture) throws(SinkError) {
        guard !done else { throw .runtime("cannot write \(path): the writer is already finished or failed") }
        let frame = picture.frame
        do throws(SinkError) {
            frame.pointee.pts = Int64(frameCount)
            let t1 = Monotonic.seconds()
            try encode(frame)
            encodeSeconds += Monotonic.seconds() - t1
            frameCount += 1
        } catch {
            abandon()
            throw error
        }
    }

    /// Converts and encodes one frame. Its size must be the writer's.
    public func append(_ image: Image8) throws(SinkError) {
        guard !done else { throw .runtime("cannot write \(path): the writer is already finished or failed") }
        let own: Picture
        do throws(SinkError) {
            if let made = self.own { own = made } else { own = try makePicture() }
            self.own = own
            try convert(image, into: own)
        } catch {
            abandon()
            throw error
        }
        try append(own)
    }

    /// Flushes the encoder, writes the trailer (with faststart, moves `moov` to the front),
    /// closes and renames the file. Returns the final path.
    @discardableResult
    public func finish() throws(SinkError) -> String {
        guard !done, let muxer else { throw .runtime("cannot write \(path): the writer is already finished or failed") }
        do throws(SinkError) {
            guard frameCount > 0 else { throw SinkError.usage("cannot write \(path): no frames were rendered; check --frames") }
            try encode(nil)
            var ret = av_write_trailer(muxer)
            guard ret >= 0 else { throw fail("cannot finish the file", ret, hint: "check free space") }
            ret = avio_closep(&muxer.pointee.pb)
            fileOpen = false
            guard ret >= 0 else { throw fail("cannot close the file", ret, hint: "check free space") }
            if rename(temporaryPath, path) != 0 {
                let e = errno
                throw SinkError.runtime("cannot write \(path): cannot rename the finished file: \(String(cString: strerror(e)))")
            }
            if let posterBytes {
                do throws(WriteError) { try writeAtomically(posterBytes, to: posterPath) } catch { throw SinkError(error) }
                posterFile = (posterBytes.count, SHA256Hasher.hex(posterBytes))
            }
        } catch {
            abandon()
            throw error
        }
        release(removeFile: false)
        done = true
        return path
    }

    /// Stops writing and removes the temporary file. Nothing appears under `path`.
    public func cancel() {
        if !done { abandon() }
    }

    private func abandon() {
        release()
        done = true
    }

    /// Sends a frame (nil: flush) and writes every packet the encoder has ready.
    private func encode(_ frame: UnsafeMutablePointer<AVFrame>?) throws(SinkError) {
        guard let encoder, let muxer, let stream, let packet else { return }
        var ret = avcodec_send_frame(encoder, frame)
        guard ret >= 0 else { throw fail("the \(codec.name) encoder failed", ret) }
        while true {
            ret = avcodec_receive_packet(encoder, packet)
            if ret == AVERROR_EAGAIN || ret == AVERROR_EOF_CODE { return }
            guard ret >= 0 else { throw fail("the \(codec.name) encoder failed", ret) }
            av_packet_rescale_ts(packet, encoder.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            ret = av_interleaved_write_frame(muxer, packet)
            guard ret >= 0 else {
                av_packet_unref(packet)
                throw fail("write failed after \(frameCount) frames", ret, hint: "check free space")
            }
        }
    }

    /// Frees every FFmpeg object; removes the temporary file unless told otherwise.
    private func release(removeFile: Bool = true) {
        if let muxer, fileOpen {
            avio_closep(&muxer.pointee.pb)
            fileOpen = false
        }
        if removeFile { unlink(temporaryPath) }
        own = nil
        av_packet_free(&packet)
        avcodec_free_context(&encoder)
        if let muxer { avformat_free_context(muxer) }
        muxer = nil
        stream = nil
    }
}

let AVERROR_EAGAIN: Int32 = -EAGAIN
let AVERROR_ENOMEM: Int32 = -ENOMEM
/// FFERRTAG('E','O','F',' ') and FFERRTAG('B','U','G','!'), which do not import into Swift.
let AVERROR_EOF_CODE: Int32 = -Int32(bitPattern: 0x45 | 0x4F << 8 | 0x46 << 16 | 0x20 << 24)
let AVERROR_BUG: Int32 = -Int32(bitPattern: 0x42 | 0x55 << 8 | 0x47 << 16 | 0x21 << 24)

/// FFmpeg's text for an error code (`av_strerror`).
func ffmpegErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) < 0 { return "error \(code)" }
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// RGBA → BGRA rows (libwebp's input), with alpha 255 unless `alpha`.
func copyBGRA(_ src: UnsafePointer<UInt8>, width: Int, height: Int, alpha: Bool, into dst: UnsafeMutablePointer<UInt8>, stride: Int) {
    for y in 0..<height {
        let s = src + y * width * 4, d = dst + y * stride
        for x in 0..<width {
            d[4 * x] = s[4 * x + 2]; d[4 * x + 1] = s[4 * x + 1]; d[4 * x + 2] = s[4 * x]
            d[4 * x + 3] = alpha ? s[4 * x + 3] : 255
        }
    }
}

/// The alpha bytes of RGBA rows into a plane (yuva420p's fourth, full resolution).
func copyAlpha(_ src: UnsafePointer<UInt8>, width: Int, height: Int, into dst: UnsafeMutablePointer<UInt8>, stride: Int) {
    for y in 0..<height {
        let s = src + y * width * 4, d = dst + y * stride
        for x in 0..<width { d[x] = s[4 * x + 3] }
    }
}

extension VideoWriter {
    /// The `codecs` parameter of a `<source type>` (RFC 6381): H.264's profile, constraints and
    /// level from the encoder's avcC header; AV1's main profile, 8 bits, main tier and the
    /// level its size and rate need; VP9 as plain `vp9`, which browsers accept.
    static func codecParameter(_ codec: VideoCodec, encoder: UnsafeMutablePointer<AVCodecContext>, fps: Int) -> String {
        switch codec {
        case .h264:
            if let extra = encoder.pointee.extradata, encoder.pointee.extradata_size >= 4, extra[0] == 1 {
                return "avc1." + [extra[1], extra[2], extra[3]].map { hex2($0) }.joined()
            }
            return "avc1.640028"
        case .vp9:
            return "vp9"
        case .av1:
            let picture = Int(encoder.pointee.width) * Int(encoder.pointee.height)
            let rate = picture * fps
            // (seq_level_idx, MaxPicSize, MaxDisplayRate) of the AV1 specification, annex A.
            let levels: [(Int, Int, Int)] = [
                (0, 147_456, 4_423_680), (1, 278_784, 8_363_520), (4, 665_856, 19_975_680), (5, 1_065_024, 31_950_720),
                (8, 2_359_296, 70_778_880), (9, 2_359_296, 141_557_760), (12, 8_912_896, 267_386_880),
                (13, 8_912_896, 534_773_760), (14, 8_912_896, 1_069_547_520), (16, 35_651_584, 1_069_547_520),
                (17, 35_651_584, 2_139_095_040), (18, 35_651_584, 4_278_190_080),
            ]
            let level = levels.first { picture <= $0.1 && rate <= $0.2 }?.0 ?? 31
            return "av01.0." + (level < 10 ? "0" : "") + String(level) + "M.08"
        case .webp:
            return "webp"
        }
    }
}

func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}
