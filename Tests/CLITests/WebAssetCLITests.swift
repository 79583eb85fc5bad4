import Foundation
import Raster
import Sinks
import Testing
import TestSupport

/// The web assets of `render`: posters and the `<video>` element in the manifest, seamless
/// loops (`--loop`), and transparent frames (`--background transparent`), each checked on
/// what was written, decoded again.
@Suite("photophore render: web assets")
struct WebAssetCLITests {
    /// The mean absolute difference of two images' bytes (colour and alpha), in 8-bit steps.
    static func meanDifference(_ a: Image8, _ b: Image8, channels: ClosedRange<Int> = 0...3) -> Double {
        precondition(a.pixels.count == b.pixels.count)
        var sum = 0, n = 0
        for p in stride(from: 0, to: a.pixels.count, by: 4) {
            for c in channels {
                sum += abs(Int(a.pixels[p + c]) - Int(b.pixels[p + c]))
                n += 1
            }
        }
        return Double(sum) / Double(n)
    }

    /// The frames of a PNG sequence written to `dir`, in frame order.
    static func frames(in dir: String) throws -> [Image8] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".png") }.sorted()
        return try names.map { try PNG.read(dir + "/" + $0) }
    }

    /// Decodes a video to RGBA frames with the ffmpeg command (libvpx's own decoder for VP9,
    /// which reads the alpha stream WebM carries beside each frame).
    static func decode(_ path: String, width: Int, height: Int, vp9Alpha: Bool = false) throws -> [Image8] {
        let r = try run("/usr/bin/ffmpeg", ["-v", "error"] + (vp9Alpha ? ["-c:v", "libvpx-vp9"] : []) + ["-i", path,
                                            "-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let size = width * height * 4
        let bytes = [UInt8](r.stdoutBytes)
        return stride(from: 0, to: bytes.count - size + 1, by: size).map {
            Image8(width: width, height: height, pixels: Array(bytes[$0..<$0 + size]))
        }
    }

    @Test("each video has a WebP poster of its first frame, and the manifest a <video> element: AV1, VP9, H.264, muted playsinline loop")
    func posterAndSnippet() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try photophore("render", "candlefish", "--size", "160x90", "--frames", "0..11",
                               "-o", "\(dir)/clip.mp4", "-o", "\(dir)/clip.webm", "-o", "\(dir)/clip-av1.mp4", "-o", "\(dir)/first/",
                               "--codec", "h264", "--codec", "vp9", "--codec", "av1")
        #expect(r.status == 0, "\(r.stderr)")
        let manifest = try Manifest.read("\(dir)/clip.webm.manifest.json")
        let html = try #require(manifest.html)
        let sources = html.split(separator: "\n").filter { $0.contains("<source") }.map(String.init)
        #expect(sources.count == 3, "\(html)")
        #expect(sources[0].contains("src=\"clip-av1.mp4\"") && sources[0].contains("codecs=\"av01.0."), "\(html)")
        #expect(sources[1].contains("src=\"clip.webm\"") && sources[1].contains("video/webm; codecs=\"vp9\""), "\(html)")
        #expect(sources[2].contains("src=\"clip.mp4\"") && sources[2].contains("codecs=\"avc1.64"), "\(html)")
        #expect(html.hasPrefix("<video width=\"160\" height=\"90\" poster=\"clip.poster.webp\""), "\(html)")
        #expect(html.contains(" muted playsinline loop"), "\(html)")
        #expect(try Manifest.read("\(dir)/clip.mp4.manifest.json").html == html)
        #expect(try Manifest.read("\(dir)/clip-av1.mp4.manifest.json").html == html)
        #expect(try Manifest.read("\(dir)/first/manifest.json").html == nil)

        // The poster: a WebP file, listed with its size and hash, that decodes to frame 0.
        let poster = try #require(manifest.poster)
        #expect(poster.path == "clip.poster.webp")
        let bytes = try #require(FileManager.default.contents(atPath: "\(dir)/clip.poster.webp"))
        #expect(bytes.count == poster.bytes)
        #expect(SHA256Hasher.hex([UInt8](bytes)) == poster.sha256)
        #expect(bytes.prefix(4) == Data("RIFF".utf8) && bytes[8..<12] == Data("WEBP".utf8))
        let decoded = try #require(try Self.decode("\(dir)/clip.poster.webp", width: 160, height: 90).first)
        let frames = try Self.frames(in: "\(dir)/first")
        let toFirst = Self.meanDifference(decoded, frames[0], channels: 0...2)
        let toLast = Self.meanDifference(decoded, frames[11], channels: 0...2)
        #expect(toFirst < 2.5, "poster vs frame 0: \(toFirst)")
        #expect(toFirst < toLast, "poster vs frame 0: \(toFirst), vs frame 11: \(toLast)")
    }

    @Test("--loop: the jump from the last frame to the first is no larger than a step between neighbours")
    func seamlessLoop() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 1 s at 30 fps: 30 frames, of which the first 7 fade from frames 30 to 36.
        let r = try photophore("render", "candlefish", "--size", "160x90", "--fps", "30", "--loop", "1", "--threads", "2",
                               "-o", "\(dir)/loop/")
        #expect(r.status == 0, "\(r.stderr)")
        let plain = try photophore("render", "candlefish", "--size", "160x90", "--fps", "30", "--frames", "0..29",
                                   "-o", "\(dir)/plain/")
        #expect(plain.status == 0, "\(plain.stderr)")
        func measure(_ frames: [Image8]) -> (wrap: Double, median: Double) {
            let steps = (0..<(frames.count - 1)).map { Self.meanDifference(frames[$0], frames[$0 + 1]) }.sorted()
            return (Self.meanDifference(frames[frames.count - 1], frames[0]), steps[steps.count / 2])
        }
        let loop = try Self.frames(in: "\(dir)/loop")
        #expect(loop.count == 30)
        let looped = measure(loop), unlooped = measure(try Self.frames(in: "\(dir)/plain"))
        #expect(looped.wrap <= 1.5 * looped.median, "loop: wrap \(looped.wrap), median step \(looped.median)")
        // The same clip without the fade does jump: the test measures something.
        #expect(unlooped.wrap > 2 * unlooped.median, "plain: wrap \(unlooped.wrap), median step \(unlooped.median)")
        #expect(try Manifest.read("\(dir)/loop/manifest.json").loopFrames == 30)

        // Deterministic: a part of the loop, on one thread, is the same bytes, fade included.
        let part = try photophore("render", "candlefish", "--size", "160x90", "--fps", "30", "--loop", "1", "--threads", "1",
                                  "--frames", "3..9", "-o", "\(dir)/part/")
        #expect(part.status == 0, "\(part.stderr)")
        for k in 3...9 {
            let name = String(format: "%05d.png", k)
            #expect(FileManager.default.contentsEqual(atPath: "\(dir)/part/\(name)", andPath: "\(dir)/loop/\(name)"), "frame \(k)")
        }
        // Frames past the loop, and a loop too short, are refused in one line.
        for (args, says) in [(["--fps", "30", "--loop", "1", "--frames", "0..30"], "frames 0 to 29"), (["--loop", "0.01"], "--loop 0.01"),
                             (["--fps", "1", "--loop", "1"], "a loop needs at least 2")] {
            let bad = try run(photophorePath, ["render", "candlefish", "--size", "64x36", "-o", "\(dir)/bad/"] + args)
            #expect(bad.status == 2 && bad.stderr.contains(says) && bad.stderr.split(separator: "\n").count == 1, "\(args): \(bad.stderr)")
        }
    }

    @Test("--background transparent: VP9 with alpha, PNG with alpha and animated WebP carry the alpha that was rendered")
    func transparent() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try photophore("render", "candlefish", "--size", "160x90", "--frames", "0..5", "--background", "transparent",
                               "-o", "\(dir)/a.webm", "-o", "\(dir)/a.webp", "-o", "\(dir)/png/")
        #expect(r.status == 0, "\(r.stderr)")
        let rendered = try Self.frames(in: "\(dir)/png")
        #expect(rendered.count == 6)
        // The fish is opaque, the water gone: some pixels fully covered, most of them clear but
        // for the faint haze of the bloom.
        let alphas = stride(from: 3, to: rendered[0].pixels.count, by: 4).map { rendered[0].pixels[$0] }
        let opaque = alphas.filter { $0 == 255 }.count, clear = alphas.filter { $0 <= 8 }.count
        #expect(opaque > 50 && clear > alphas.count / 2, "opaque \(opaque), clear \(clear) of \(alphas.count)")

        /// Each decoded frame's alpha is the rendered one, within coding error, and covers the fish.
        func expectAlpha(_ decodedFrames: [Image8], from what: String) {
            #expect(decodedFrames.count == 6, "\(what)")
            for (k, (decoded, frame)) in zip(decodedFrames, rendered).enumerated() {
                let difference = Self.meanDifference(decoded, frame, channels: 3...3)
                #expect(difference < 2, "frame \(k): the alpha decoded from the \(what) differs by \(difference) on average")
                let decodedOpaque = stride(from: 3, to: decoded.pixels.count, by: 4).filter { decoded.pixels[$0] >= 250 }.count
                #expect(decodedOpaque > 50, "frame \(k) of the \(what): \(decodedOpaque) opaque pixels")
            }
        }
        expectAlpha(try Self.decode("\(dir)/a.webm", width: 160, height: 90, vp9Alpha: true), from: "WebM")
        let probe = try run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream_tags=alpha_mode", "-of", "csv=p=0", "\(dir)/a.webm"])
        #expect(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(probe.stdout)")
        #expect(try Manifest.read("\(dir)/a.webm.manifest.json").alpha == true)

        // The animated WebP: one frame chunk (ANMF) per frame, each with its alpha (ALPH), flagged
        // as animated with alpha, looping forever.
        let webp = [UInt8](try #require(FileManager.default.contents(atPath: "\(dir)/a.webp")))
        var chunks: [String] = []
        func walk(_ from: Int, _ to: Int) {
            var at = from
            while at + 8 <= to {
                let name = String(decoding: webp[at..<at + 4], as: UTF8.self)
                let length = Int(webp[at + 4]) | Int(webp[at + 5]) << 8 | Int(webp[at + 6]) << 16 | Int(webp[at + 7]) << 24
                chunks.append(name)
                if name == "ANMF" { walk(at + 8 + 16, min(to, at + 8 + length)) }
                if name == "VP8X" { #expect(webp[at + 8] & 0x12 == 0x12, "VP8X flags \(webp[at + 8])") }
                if name == "ANIM" { #expect(webp[at + 12] == 0 && webp[at + 13] == 0, "loop count") }
                at += 8 + length + (length & 1)
            }
        }
        walk(12, webp.count)
        #expect(chunks.filter { $0 == "ANMF" }.count == 6, "\(chunks)")
        #expect(chunks.filter { $0 == "ALPH" }.count == 6, "\(chunks)")
        // Decoded as a browser does (libwebp's animation decoder), each frame's alpha is the one rendered.
        expectAlpha(try AnimatedWebP.decode(webp), from: "WebP")

        // The same bytes on one thread as on two: frames, videos and the poster.
        let one = try photophore("render", "candlefish", "--size", "160x90", "--frame", "3", "--background", "transparent",
                                 "--threads", "1", "-o", "\(dir)/one.png")
        #expect(one.status == 0, "\(one.stderr)")
        #expect(try PNG.read("\(dir)/one.png") == rendered[3])
        let again = try photophore("render", "candlefish", "--size", "160x90", "--frames", "0..5", "--background", "transparent",
                                   "--threads", "1", "-o", "\(dir)/b.webm", "-o", "\(dir)/b.webp")
        #expect(again.status == 0, "\(again.stderr)")
        for (x, y) in [("a.webm", "b.webm"), ("a.webp", "b.webp"), ("a.poster.webp", "b.poster.webp")] {
            #expect(FileManager.default.contentsEqual(atPath: "\(dir)/\(x)", andPath: "\(dir)/\(y)"), "\(x) and \(y) differ")
        }

        // Codecs without alpha are refused in one line that says what to use.
        for name in ["x.mp4", "y.mp4"] {
            let codec = name == "y.mp4" ? ["--codec", "av1"] : []
            let bad = try run(photophorePath, ["render", "candlefish", "--size", "64x36", "--frames", "0..3", "--background", "transparent",
                                      "-o", "\(dir)/\(name)"] + codec)
            #expect(bad.status == 2, "\(bad.stderr)")
            #expect(bad.stderr.contains("no alpha channel") && bad.stderr.contains("out.webm"), "\(bad.stderr)")
            #expect(bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        }
    }

    @Test("--renditions: one render, every -o at every height, one manifest each, the same frames as scaled by themselves")
    func renditions() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try photophore("render", "candlefish", "--size", "320x180", "--frames", "0..5", "--renditions", "180,90,60",
                               "-o", "\(dir)/clip.mp4", "-o", "\(dir)/clip.webm", "-o", "\(dir)/seq/")
        #expect(r.status == 0, "\(r.stderr)")
        // The summary names every file written.
        for name in ["clip-180p.mp4", "clip-90p.mp4", "clip-60p.mp4", "clip-60p.webm", "seq/60p/"] {
            #expect(r.stderr.contains(name), "\(name): \(r.stderr)")
        }
        let index = try Manifest.read("\(dir)/clip.mp4.manifest.json")
        let parts = try #require(index.renditions)
        #expect(parts.map(\.height) == [180, 90, 60])
        #expect(parts.map(\.width) == [320, 160, 106])
        #expect(index.files.map(\.path) == ["clip-180p.mp4", "clip-90p.mp4", "clip-60p.mp4"])
        #expect(index.html == parts[0].html)
        // Each height's <video> lists that height's VP9 and H.264, and its own poster.
        let html = try #require(parts[1].html)
        #expect(html.hasPrefix("<video width=\"160\" height=\"90\" poster=\"clip-90p.poster.webp\""), "\(html)")
        #expect(html.contains("src=\"clip-90p.webm\"") && html.contains("src=\"clip-90p.mp4\""), "\(html)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/clip-90p.mp4.manifest.json"), "one manifest for the renditions")
        for file in index.files + parts.compactMap(\.poster) {
            let bytes = try #require(FileManager.default.contents(atPath: "\(dir)/\(file.path)"))
            #expect(bytes.count == file.bytes && SHA256Hasher.hex([UInt8](bytes)) == file.sha256, "\(file.path)")
        }
        let sequence = try Manifest.read("\(dir)/seq/manifest.json")
        #expect(try #require(sequence.renditions).map(\.files.count) == [6, 6, 6])
        #expect(sequence.files.first?.path == "180p/00000.png")

        // The small frames are the full frames scaled: the same bytes as Rescaler gives, and
        // the full-height rendition is the render itself.
        let full = try Self.frames(in: "\(dir)/seq/180p")
        let small = try Self.frames(in: "\(dir)/seq/60p")
        let rescaler = Rescaler(sourceWidth: 320, sourceHeight: 180, width: 106, height: 60)
        #expect(small.count == 6 && full.count == 6)
        for k in 0..<6 { #expect(small[k] == rescaler.scale(full[k], alpha: false), "frame \(k)") }
        let plain = try photophore("render", "candlefish", "--size", "320x180", "--frame", "4", "-o", "\(dir)/plain.png")
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try PNG.read("\(dir)/plain.png") == full[4])
        // The video renditions decode to their size, with the frames of the scaled render.
        let decoded = try Self.decode("\(dir)/clip-90p.webm", width: 160, height: 90)
        #expect(decoded.count == 6)
        let reference = Rescaler(sourceWidth: 320, sourceHeight: 180, width: 160, height: 90).scale(full[2], alpha: false)
        let difference = Self.meanDifference(decoded[2], reference, channels: 0...2)
        #expect(difference < 4, "the 90p WebM's frame 2 differs from the scaled frame by \(difference)")

        // Heights larger than the render, odd heights for video and names that clash are refused in one line.
        for (args, says) in [(["--renditions", "360,180", "-o", "\(dir)/x.mp4"], "--size 640x360"),
                             (["--renditions", "91", "-o", "\(dir)/x.mp4"], "even height"),
                             (["--renditions", "90,90", "-o", "\(dir)/x.mp4"], "given twice"),
                             (["--renditions", "90,abc", "-o", "\(dir)/x.mp4"], "1080,720,480"),
                             (["--renditions", "90", "-o", "\(dir)/s/", "-o", "\(dir)/s/%05d.png"], "both be written")] {
            let bad = try run(photophorePath, ["render", "candlefish", "--size", "320x180", "--frames", "0..1"] + args)
            #expect(bad.status == 2 && bad.stderr.contains(says) && bad.stderr.split(separator: "\n").count == 1, "\(args): \(bad.stderr)")
        }
    }

    @Test("without --background transparent the frames are the same as before: opaque, alpha 255")
    func opaqueUnchanged() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try photophore("render", "candlefish", "--size", "96x54", "--frame", "7", "-o", "\(dir)/a.png", "--frame-hashes", "\(dir)/a.txt")
        let b = try photophore("render", "candlefish", "--size", "96x54", "--frame", "7", "--background", "scene", "-o", "\(dir)/b.png",
                               "--frame-hashes", "\(dir)/b.txt")
        #expect(a.status == 0 && b.status == 0)
        #expect(FileManager.default.contentsEqual(atPath: "\(dir)/a.png", andPath: "\(dir)/b.png"))
        #expect(FileManager.default.contentsEqual(atPath: "\(dir)/a.txt", andPath: "\(dir)/b.txt"))
    }
}
