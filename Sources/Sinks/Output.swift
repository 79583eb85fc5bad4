import Basics
import Foundation
import Raster

/// Where frames go. `render` opens one with `Output.open(...)`, appends frames in order,
/// then calls `finish()`, which returns (and writes beside the output) the manifest.
///
/// `append` may return before the frame is encoded: encoding runs on other threads behind a
/// bounded queue, and an encoder error surfaces at the next `append` or at `finish`. After
/// any error, or on `cancel()`, nothing incomplete is left under a final name.
public protocol FrameSink: AnyObject, Sendable {
    /// Queues the next frame (frames come in order, from `firstFrame` on).
    func append(_ image: Image8) throws(SinkError)
    /// Waits for every frame to be written, writes the manifest and returns it.
    func finish() throws(SinkError) -> Manifest
    /// Stops, discards what is not finished, and removes temporary files.
    func cancel()
    /// At most how many appended frames the sink may still hold (queued or being encoded). A
    /// producer that rotates through more images than this writes each one only after the
    /// sink has let go of it, so no frame's pixels are ever copied.
    var framesHeld: Int { get }
}

/// What an output path means, from its form: `out.mp4`, `out.webm`, `out.webp`, `out.png`, a directory
/// (`out/`, or an existing directory) or a pattern with `%0Nd` (`frames/%05d.png`).
public enum OutputKind: Sendable, Equatable {
    case video(VideoFormat)
    case png
    /// A PNG sequence: the directory and the file-name pattern inside it.
    case pngSequence(directory: String, pattern: String)

    /// Classifies `path`, or throws a usage error that lists the forms that work.
    public static func of(_ path: String) throws(SinkError) -> OutputKind {
        guard !path.isEmpty else { throw .usage("an output path is empty; give one like out.png, out.mp4 or frames/") }
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            var dir = path
            while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
            return .pngSequence(directory: dir, pattern: "%05d.png")
        }
        let (dir, name) = splitPath(path)
        if path.contains("%") {
            if dir.contains("%") {
                throw .usage("cannot write \(path): the frame number (%05d) must be in the file name, not in a directory")
            }
            guard FramePattern(name) != nil, name.lowercased().hasSuffix(".png") else {
                throw .usage("cannot write \(path): a sequence pattern has one %0Nd (or %d) and ends in .png, like frames/%05d.png")
            }
            return .pngSequence(directory: dir, pattern: name)
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".png") { return .png }
        if lower.hasSuffix(".mp4") { return .video(.mp4) }
        if lower.hasSuffix(".webm") { return .video(.webm) }
        if lower.hasSuffix(".webp") { return .video(.webp) }
        throw .usage("cannot write \(path): unknown output type; use out.png, out.mp4, out.webm, out.webp (animated), a directory out/ or a pattern frames/%05d.png")
    }
}

/// Opens sinks.
public enum Output {
    /// Opens the sink for `path` (see `OutputKind`). `frames` are the absolute frame indices
    /// that will be appended; they name the PNGs of a sequence and go into the manifest.
    /// A single PNG takes exactly one frame. `video.alpha` keeps the frames' alpha, in PNGs too.
    ///
    /// With `rescaler` (a rendition), the frames appended are the rescaler's source size, and
    /// each is scaled to `width`×`height` (the rescaler's output size) on the encoder's threads.
    /// Without `manifest`, `finish()` returns the manifest but leaves writing it to the caller
    /// (renditions share one).
    public static func open(
        _ path: String, width: Int, height: Int, frames: ClosedRange<Int>, video: VideoOptions = VideoOptions(),
        pngWorkers: Int = 2, pngCompression: PNGCompression = .fast, rescaler: Rescaler? = nil, manifest: Bool = true
    ) throws(SinkError) -> any FrameSink {
        guard width > 0, height > 0 else { throw .usage("cannot write \(path): the size \(width)x\(height) is empty") }
        guard frames.lowerBound >= 0 else { throw .usage("cannot write \(path): frame indices start at 0") }
        if let rescaler {
            precondition(rescaler.width == width && rescaler.height == height, "the rescaler's output is the sink's size")
        }
        switch try OutputKind.of(path) {
        case .video:
            let writer = try VideoWriter(path: path, width: width, height: height, options: video)
            return QueuedVideoSink(writer: writer, firstFrame: frames.lowerBound, rescaler: rescaler, writesManifest: manifest)
        case .png:
            guard frames.count == 1 else {
                throw .usage("cannot write \(path): one PNG holds one frame, and \(frames.count) were asked; use a directory out/ or frames/%05d.png for a sequence, or --frame N")
            }
            return PNGSequenceWriter(single: path, width: width, height: height, fps: video.fps, frame: frames.lowerBound,
                                     compression: pngCompression, alpha: video.alpha, rescaler: rescaler, writesManifest: manifest)
        case let .pngSequence(directory, pattern):
            return try PNGSequenceWriter(
                directory: directory, pattern: pattern, width: width, height: height, fps: video.fps,
                firstFrame: frames.lowerBound, workers: pngWorkers, compression: pngCompression, alpha: video.alpha,
                rescaler: rescaler, writesManifest: manifest)
        }
    }

    /// Where the manifest of an output goes: `<output>.manifest.json`, or `manifest.json` in a
    /// sequence's directory.
    public static func manifestPath(for path: String) throws(SinkError) -> String {
        if case let .pngSequence(directory, _) = try OutputKind.of(path) { return directory + "/manifest.json" }
        return path + ".manifest.json"
    }
}

/// A video writer on its own thread behind a queue of a frame.
///
/// Without a rescaler the frame is converted to the encoder's pixel format on the caller's
/// (render) thread, and the queue holds converted pictures (YUV 4:2:0: 3.1 MB at 1080p
/// against RGBA's 8.3 MB), so the caller's image is free again as soon as `append` returns.
/// A rendition's frames are scaled and converted on the writer's thread, which keeps the
/// scaling off the render thread; the queue then holds the full-size images.
final class QueuedVideoSink: FrameSink, @unchecked Sendable {
    // `count` is only touched by the producer thread; the writer only by the queue's worker
    // until `close()`/`abort()` returned, but for `convert`, which the producer calls (see
    // `VideoWriter`).
    private let writer: VideoWriter
    private let queue: WorkQueue<Job>
    private let firstFrame: Int
    private let rescaler: Rescaler?
    private let writesManifest: Bool
    private var count = 0
    /// Converted pictures the writer is done with, to fill again.
    private let spare = PicturePool()

    enum Job: @unchecked Sendable {
        /// A full-size image, to scale and convert on the writer's thread.
        case image(Image8)
        case picture(VideoWriter.Picture)
    }

    /// The images this sink may still read once `append` returned: the one waiting in the
    /// queue and the one being scaled, when frames are scaled; none when they are converted
    /// before they are queued.
    var framesHeld: Int { rescaler == nil ? 0 : Self.queueDepth + 1 }
    /// Frames that wait for the encoder. One is enough for rendering and encoding to overlap:
    /// at 1920x1080, emergence rich, 600 frames to MP4, a queue of 3 RGBA frames and this one
    /// of 1 picture rendered and encoded at the same speed within the noise of the machine
    /// (median of 3: 41.7 and 41.1 fps), at a peak RSS of 212 and 180 MB.
    static let queueDepth = 1

    init(writer: VideoWriter, firstFrame: Int, rescaler: Rescaler? = nil, writesManifest: Bool = true) {
        self.writer = writer
        self.firstFrame = firstFrame
        self.rescaler = rescaler
        self.writesManifest = writesManifest
        let alpha = writer.options.alpha
        self.queue = WorkQueue(workers: 1, capacity: Self.queueDepth, name: "video-encoder") { [writer, spare] (job: Job) throws(SinkError) in
            switch job {
            case let .image(image):
                try writer.append(rescaler.map { $0.scale(image, alpha: alpha) } ?? image)
            case let .picture(picture):
                try writer.append(picture)
                spare.put(picture)
            }
        }
    }

    func append(_ image: Image8) throws(SinkError) {
        let (w, h) = rescaler.map { ($0.sourceWidth, $0.sourceHeight) } ?? (writer.width, writer.height)
        guard image.width == w, image.height == h else {
            cancel()
            throw .usage("cannot write \(writer.path): frame \(firstFrame + count) is \(image.width)x\(image.height), the frames given are \(w)x\(h)")
        }
        if rescaler != nil {
            try queue.submit(.image(image), onFailure: cancel)
        } else {
            let picture: VideoWriter.Picture
            do throws(SinkError) {
                if let reused = spare.take() { picture = reused } else { picture = try writer.makePicture() }
                try writer.convert(image, into: picture)
            } catch {
                cancel()
                throw error
            }
            try queue.submit(.picture(picture), onFailure: cancel)
        }
        count += 1
    }

    func finish() throws(SinkError) -> Manifest {
        do throws(SinkError) {
            try queue.close()
        } catch {
            writer.cancel()
            throw error
        }
        try writer.finish()
        let (sha, bytes) = try SHA256Hasher.file(writer.path)
        var manifest = Manifest(
            format: writer.format.name, codec: writer.codec.rawValue, width: writer.width, height: writer.height,
            fps: writer.options.fps, firstFrame: firstFrame, lastFrame: firstFrame + count - 1,
            files: [.init(path: splitPath(writer.path).1, bytes: bytes, sha256: sha)])
        manifest.alpha = writer.options.alpha ? true : nil
        if writer.format != .webp {
            manifest.codecs = writer.codecParameter
            if let poster = writer.posterFile {
                manifest.poster = .init(path: splitPath(writer.posterPath).1, bytes: poster.bytes, sha256: poster.sha256)
            }
            manifest.html = VideoSnippet.html(
                sources: [.init(path: manifest.files[0].path, format: writer.format, codec: writer.codec, parameter: writer.codecParameter)],
                poster: manifest.poster?.path, width: writer.width, height: writer.height)
        }
        if writesManifest { try manifest.write(to: writer.path + ".manifest.json") }
        return manifest
    }

    func cancel() {
        queue.abort()
        writer.cancel()
    }

    /// Dropped without `finish()`: the same as `cancel()` (the worker thread ends).
    deinit { cancel() }
}

/// Pictures a video writer has encoded, kept to be filled again (at most the queue's depth
/// and two more exist: one being converted, one waiting, one being encoded).
final class PicturePool: @unchecked Sendable {
    // `pictures` only with `lock` held.
    private var pictures: [VideoWriter.Picture] = []
    private let lock = NSLock()

    func take() -> VideoWriter.Picture? {
        lock.lock()
        defer { lock.unlock() }
        return pictures.popLast()
    }

    func put(_ picture: VideoWriter.Picture) {
        lock.lock()
        pictures.append(picture)
        lock.unlock()
    }
}

/// A `%0Nd` / `%d` frame-number pattern (printf style; `%%` is a literal percent sign).
struct FramePattern: Sendable {
    let prefix: String, suffix: String, width: Int

    init?(_ pattern: String) {
        let chars = Array(pattern)
        var i = 0
        var found: (start: Int, end: Int, width: Int)?
        while i < chars.count {
            if chars[i] == "%" {
                if i + 1 < chars.count && chars[i + 1] == "%" { i += 2; continue }
                var j = i + 1
                var digits = ""
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { digits.append(chars[j]); j += 1 }
                guard j < chars.count, chars[j] == "d", found == nil else { return nil }
                if !digits.isEmpty && (!digits.hasPrefix("0") && digits.count > 0) { return nil }
                found = (i, j + 1, Int(digits) ?? 0)
                i = j + 1
                continue
            }
            i += 1
        }
        guard let found else { return nil }
        guard found.width <= 12 else { return nil }
        prefix = String(chars[..<found.start]).replacingOccurrences(of: "%%", with: "%")
        suffix = String(chars[found.end...]).replacingOccurrences(of: "%%", with: "%")
        width = found.width
    }

    func name(_ frame: Int) -> String {
        let digits = String(frame)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits + suffix
    }

    /// The frame a file name holds, or nil when the name is not of this pattern.
    func frame(named file: String) -> Int? {
        guard file.count > prefix.count + suffix.count, file.hasPrefix(prefix), file.hasSuffix(suffix) else { return nil }
        let digits = file.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.count >= max(1, width), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard digits.count == max(1, width) || !digits.hasPrefix("0") else { return nil }
        return Int(digits)
    }
}

extension Output {
    /// Claims everything the output at `path` writes, named after `name` (how the user gave
    /// it, e.g. `-o clip.mp4`): the file, or a sequence's frames in `frames`; the manifest
    /// when `manifest`; a video's poster. Throws `PathClaims.Clash` for a file that another
    /// claim names too, before anything is written.
    public static func claim(_ path: String, frames: ClosedRange<Int>, manifest: Bool, as name: String, in claims: inout PathClaims) throws {
        switch try OutputKind.of(path) {
        case let .pngSequence(directory, pattern):
            guard let frame = FramePattern(pattern) else { break }
            try claims.outputSequence(in: directory, as: name) { frames.contains(frame.frame(named: $0) ?? -1) }
        case .png:
            try claims.output(path, as: name)
        case let .video(format):
            try claims.output(path, as: name)
            // Videos of one render at one size share a poster (clip.mp4 and clip.webm both
            // have clip.poster.webp): the same first frame, so the same bytes. An animated
            // .webp is an image of its own and has none.
            if format != .webp {
                try claims.output(Poster.path(for: path), as: "the poster of \(name) (\(Poster.path(for: path)))", sharing: "poster")
            }
        }
        if manifest {
            let m = try manifestPath(for: path)
            try claims.output(m, as: "the manifest of \(name) (\(m))")
        }
    }
}

/// PNG files, one per frame, encoded by a few worker threads while rendering goes on; or one
/// single PNG. Each file is written under a temporary name and renamed when complete, and
/// its name carries the absolute frame index, so shards of one render fill one directory.
final class PNGSequenceWriter: FrameSink, @unchecked Sendable {
    private struct Job: Sendable { var frame: Int; var image: Image8 }

    private let directory: String
    private let names: @Sendable (Int) -> String
    private let manifestPath: String
    private let width: Int, height: Int, fps: Int
    private let firstFrame: Int
    private let single: Bool
    private let compression: PNGCompression
    private let alpha: Bool
    private let rescaler: Rescaler?
    private let writesManifest: Bool
    /// What the workers wrote, under a lock. A separate object, so that the workers do not
    /// hold the writer: a writer dropped without `finish()` is cancelled by its deinit.
    private final class Written: @unchecked Sendable {
        let lock = NSLock()
        var files: [Manifest.File] = []
        func add(_ file: Manifest.File) { lock.lock(); files.append(file); lock.unlock() }
        var all: [Manifest.File] { lock.lock(); defer { lock.unlock() }; return files }
    }

    // `count` belongs to the producer thread.
    private var count = 0
    private let written = Written()
    private var queue: WorkQueue<Job>!

    /// A sequence in `directory` (created if missing) named by `pattern`.
    init(directory: String, pattern: String, width: Int, height: Int, fps: Int, firstFrame: Int, workers: Int,
         compression: PNGCompression = .fast, alpha: Bool = false, rescaler: Rescaler? = nil, writesManifest: Bool = true) throws(SinkError) {
        guard let framePattern = FramePattern(pattern) else {
            throw .usage("cannot write \(directory)/\(pattern): the pattern needs one %0Nd, like %05d.png")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .runtime("cannot create the directory \(directory): \(Self.reason(error)); check the path and its permissions")
        }
        guard access(directory, W_OK) == 0 else {
            throw .runtime("cannot write into \(directory): \(String(cString: strerror(errno))); choose a writable directory")
        }
        self.directory = directory
        self.names = { framePattern.name($0) }
        self.manifestPath = directory + "/manifest.json"
        self.width = width; self.height = height; self.fps = fps
        self.firstFrame = firstFrame
        self.single = false
        self.compression = compression
        self.alpha = alpha
        self.rescaler = rescaler
        self.writesManifest = writesManifest
        startQueue(workers: workers)
    }

    /// One PNG at `path` holding `frame`.
    init(single path: String, width: Int, height: Int, fps: Int, frame: Int, compression: PNGCompression = .fast, alpha: Bool = false,
         rescaler: Rescaler? = nil, writesManifest: Bool = true) {
        let (dir, name) = splitPath(path)
        self.directory = dir
        self.names = { _ in name }
        self.manifestPath = path + ".manifest.json"
        self.width = width; self.height = height; self.fps = fps
        self.firstFrame = frame
        self.single = true
        self.compression = compression
        self.alpha = alpha
        self.rescaler = rescaler
        self.writesManifest = writesManifest
        startQueue(workers: 1)
    }

    /// The queue's frames and one being encoded per worker.
    private(set) var framesHeld = 0

    private func startQueue(workers: Int) {
        let (directory, names, single, written, compression, alpha, rescaler) = (directory, names, single, written, compression, alpha, rescaler)
        framesHeld = max(2, workers * 2) + workers
        queue = WorkQueue(workers: workers, capacity: max(2, workers * 2), name: "png-encoder") { (job: Job) throws(SinkError) in
            var job = job
            if let rescaler { job.image = rescaler.scale(job.image, alpha: alpha) }
            try Self.write(job, directory: directory, name: names(job.frame), single: single, compression: compression, alpha: alpha,
                           into: written)
        }
    }

    deinit { queue.abort() }

    private static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? POSIXError {
            return String(cString: strerror(underlying.code.rawValue))
        }
        return "\(error.localizedDescription)"
    }

    private static func write(_ job: Job, directory: String, name: String, single: Bool, compression: PNGCompression,
                              alpha: Bool, into written: Written) throws(SinkError) {
        let path = directory + "/" + name
        let bytes: [UInt8]
        do throws(PNGError) {
            bytes = try PNG.encode(job.image, alpha: alpha, compression: compression)
        } catch {
            throw .runtime("cannot write \(path): \(error.description)")
        }
        let sha = SHA256Hasher.hex(bytes)
        do throws(WriteError) { try writeAtomically(bytes, to: path) } catch { throw SinkError(error) }
        written.add(.init(path: name, bytes: bytes.count, sha256: sha, frame: single ? nil : job.frame))
    }

    func append(_ image: Image8) throws(SinkError) {
        let (w, h) = rescaler.map { ($0.sourceWidth, $0.sourceHeight) } ?? (width, height)
        guard image.width == w, image.height == h else {
            cancel()
            throw .usage("cannot write \(directory): frame \(firstFrame + count) is \(image.width)x\(image.height), the frames given are \(w)x\(h)")
        }
        if single && count == 1 {
            cancel()
            throw .usage("cannot write \(manifestPath.dropLast(14)): one PNG holds one frame")
        }
        try queue.submit(Job(frame: firstFrame + count, image: image), onFailure: cancel)
        count += 1
    }

    func finish() throws(SinkError) -> Manifest {
        try queue.close()
        guard count > 0 else { throw .usage("cannot write \(directory): no frames were rendered; check --frames") }
        let sorted = written.all.sorted { ($0.frame ?? 0) < ($1.frame ?? 0) }
        var manifest = Manifest(
            format: single ? "png" : "png-sequence", width: width, height: height, fps: fps,
            firstFrame: firstFrame, lastFrame: firstFrame + count - 1, files: sorted)
        manifest.alpha = alpha ? true : nil
        if writesManifest { try manifest.write(to: manifestPath) }
        return manifest
    }

    /// Stops the encoders. The frames already written are complete files of an incomplete
    /// render: they stay (a sequence can be resumed by frame range), but no manifest is
    /// written, so the sequence never looks complete.
    func cancel() {
        queue.abort()
    }
}

/// (directory, file name) of a path; the directory is "." for a bare name.
func splitPath(_ path: String) -> (String, String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let dir = String(path[..<slash])
    return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
}
