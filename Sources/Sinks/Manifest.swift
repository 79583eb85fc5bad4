import Basics
import JSONWriter
import Foundation

/// What a render wrote: every file with its size and SHA-256, the frame range, the frame
/// rate and the size. Written as JSON beside the output: `<output>.manifest.json` for a
/// video or a single PNG, `manifest.json` inside a PNG sequence's directory. File paths are
/// relative to the manifest's directory.
public struct Manifest: Codable, Sendable, Equatable {
    /// One written file.
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        public var sha256: String
        /// The frame index a PNG of a sequence holds; nil for a video.
        public var frame: Int?

        public init(path: String, bytes: Int, sha256: String, frame: Int? = nil) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.frame = frame
        }
    }

    /// "mp4", "webm", "webp", "png" or "png-sequence".
    public var format: String
    /// A video's codec: "h264", "vp9", "av1" or "webp"; nil for PNGs.
    public var codec: String?
    public var width: Int
    public var height: Int
    public var fps: Int
    /// The absolute frame indices written, both ends included.
    public var firstFrame: Int
    public var lastFrame: Int
    public var files: [File]
    /// A video's codecs parameter for HTML (`avc1.640028`, `vp9`, `av01.0.08M.08`); nil for images.
    public var codecs: String?
    /// A video's poster still (`Poster`); nil for images.
    public var poster: File?
    /// A video's ready `<video>` element (`VideoSnippet`), paths relative to the manifest.
    public var html: String?
    /// Whether the frames carry alpha (`render --background transparent`); nil when they do not.
    public var alpha: Bool?
    /// A seamless loop's length in frames (`render --loop`); nil for none.
    public var loopFrames: Int?
    /// The renditions of one render (`render --renditions`), largest first, each a manifest of
    /// its own (its file paths relative to this manifest too); nil for a single size. The
    /// top-level `files` then lists every rendition's files, and `html` is the largest's element.
    public var renditions: [Manifest]?

    public var frameCount: Int { lastFrame - firstFrame + 1 }
    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }

    public init(format: String, codec: String? = nil, width: Int, height: Int, fps: Int, firstFrame: Int, lastFrame: Int, files: [File]) {
        self.format = format
        self.codec = codec
        self.width = width
        self.height = height
        self.fps = fps
        self.firstFrame = firstFrame
        self.lastFrame = lastFrame
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case format, codec, width, height, fps, files
        case firstFrame = "first_frame"
        case lastFrame = "last_frame"
        case codecs, poster, html, alpha
        case loopFrames = "loop_frames"
        case renditions
    }

    /// Deterministic JSON (`JSONOutput`, indented): sorted keys, files in frame order.
    public func json() -> [UInt8] {
        // Encoding plain strings and integers cannot fail.
        var data = (try? JSONOutput.bytes(self, pretty: true)) ?? []
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Writes the manifest (temporary name, then rename).
    public func write(to path: String) throws(SinkError) {
        do throws(WriteError) { try writeAtomically(json(), to: path) } catch { throw SinkError(error) }
    }

    /// Reads a manifest written by `write(to:)`.
    public static func read(_ path: String) throws(SinkError) -> Manifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .runtime("cannot read the manifest \(path): no such readable file")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw .runtime("cannot read the manifest \(path): it is not a valid manifest (\(error))")
        }
    }
}
