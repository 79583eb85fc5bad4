import Foundation
import Raster
import Sinks
import Testing
import TestSupport

@Suite struct VideoTests {
    static let width = 256, height = 144

    /// Writes frames k..<k+n of the synthetic animation through the queued sink.
    static func write(_ path: String, frames: ClosedRange<Int>, options: VideoOptions = VideoOptions(), width: Int = width, height: Int = height) throws -> Manifest {
        let sink = try Output.open(path, width: width, height: height, frames: frames, video: options)
        for k in frames { try sink.append(syntheticFrame(k, width: width, height: height)) }
        return try sink.finish()
    }

    @Test func mp4IsH264Yuv420pFaststartAndDecodesCloseToTheSource() throws {
        let dir = tempDir("mp4")
        let path = dir + "/clip.mp4"
        let manifest = try Self.write(path, frames: 0...29)
        #expect(leftovers(dir) == ["clip.mp4", "clip.mp4.manifest.json"])

        let s = try probe(path)
        #expect(s["codec_name"] as? String == "h264")
        #expect(s["pix_fmt"] as? String == "yuv420p")
        #expect(s["width"] as? Int == Self.width && s["height"] as? Int == Self.height)
        #expect(s["r_frame_rate"] as? String == "60/1")
        #expect(s["nb_frames"] as? String == "30")
        #expect(s["nb_read_frames"] as? String == "30")
        #expect(s["color_space"] as? String == "bt709")
        #expect(s["color_range"] as? String == "tv")
        #expect(s["color_primaries"] as? String == "bt709")
        let duration = Double((s["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
        #expect(abs(duration - 0.5) < 0.001, "30 frames at 60 fps")

        let boxes = try topLevelBoxes(path)
        let moov = try #require(boxes.firstIndex(of: "moov")), mdat = try #require(boxes.firstIndex(of: "mdat"))
        #expect(moov < mdat, "faststart puts moov before mdat: \(boxes)")

        let decoded = try decodeRGB(path, width: Self.width, height: Self.height)
        #expect(decoded.count == 30)
        var worst = 99.0
        for (k, rgb) in decoded.enumerated() {
            worst = min(worst, psnr(rgb, syntheticFrame(k, width: Self.width, height: Self.height)))
        }
        // The default CRF 26 gives about 36 dB on these frames.
        #expect(worst >= 34, "worst-frame PSNR \(worst) dB")

        #expect(manifest.format == "mp4" && manifest.firstFrame == 0 && manifest.lastFrame == 29 && manifest.fps == 60)
        let file = try #require(manifest.files.first)
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect(file.path == "clip.mp4")
        #expect(file.bytes == (attrs[.size] as? Int))
        let r = try run("sha256sum", [path])
        #expect(r.stdout.hasPrefix(file.sha256))
        #expect(try Manifest.read(path + ".manifest.json") == manifest)
    }

    @Test func webmIsVP9WithEveryFrame() throws {
        let dir = tempDir("webm")
        let path = dir + "/clip.webm"
        let manifest = try Self.write(path, frames: 10...33, options: VideoOptions(fps: 30))
        let s = try probe(path)
        #expect(s["codec_name"] as? String == "vp9")
        #expect(s["pix_fmt"] as? String == "yuv420p")
        #expect(s["nb_read_frames"] as? String == "24")
        #expect(s["r_frame_rate"] as? String == "30/1")
        #expect(manifest.format == "webm" && manifest.firstFrame == 10 && manifest.lastFrame == 33)
        let decoded = try decodeRGB(path, width: Self.width, height: Self.height)
        #expect(decoded.count == 24)
        if let last = decoded.last {
            #expect(psnr(last, syntheticFrame(33, width: Self.width, height: Self.height)) >= 32)
        }
    }

    /// x264's output depends on its thread count, so the default is a fixed count, not the
    /// machine's: the same frames give the same bytes on any machine.
    @Test func theSameFramesGiveTheSameBytes() throws {
        let dir = tempDir("det")
        #expect(VideoOptions().threads == 2)
        let a = try Self.write(dir + "/a.mp4", frames: 0...59)
        let b = try Self.write(dir + "/b.mp4", frames: 0...59)
        #expect(a.files[0].sha256 == b.files[0].sha256)
        let c = try Self.write(dir + "/c.mp4", frames: 0...59, options: VideoOptions(threads: 1))
        #expect(c.files[0].sha256 != a.files[0].sha256, "if this changes, the fixed default is no longer needed")
        let w1 = try Self.write(dir + "/a.webm", frames: 0...29)
        let w2 = try Self.write(dir + "/b.webm", frames: 0...29)
        #expect(w1.files[0].sha256 == w2.files[0].sha256)
    }

    /// A video sink converts each frame before `append` returns and keeps no reference to the
    /// image (`framesHeld` is 0), so a producer can render every frame into one image: its
    /// pixels are written in place (no copy on write) and the video is the same as from a new
    /// image per frame. A rendition's frames are scaled on the writer's thread, so that sink
    /// holds the images it queued.
    @Test(arguments: ["mp4", "webm", "webp"])
    func oneImageReusedForEveryFrameGivesTheSameVideo(format: String) throws {
        let dir = tempDir("reuse")
        let fresh = try Self.write(dir + "/fresh.\(format)", frames: 0...19)
        let sink = try Output.open(dir + "/reused.\(format)", width: Self.width, height: Self.height, frames: 0...19)
        #expect(sink.framesHeld == 0)
        var image = syntheticFrame(0, width: Self.width, height: Self.height)
        let address = image.pixels.withUnsafeBufferPointer { $0.baseAddress }
        for k in 0...19 {
            let next = syntheticFrame(k, width: Self.width, height: Self.height)
            image.pixels.withUnsafeMutableBufferPointer { dst in
                next.pixels.withUnsafeBufferPointer { dst.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
            }
            try sink.append(image)
            #expect(image.pixels.withUnsafeBufferPointer { $0.baseAddress } == address, "the sink kept frame \(k)")
        }
        let reused = try sink.finish()
        #expect(reused.files[0].sha256 == fresh.files[0].sha256)

        let rendition = try Output.open(dir + "/small.\(format)", width: Self.width / 2, height: Self.height / 2, frames: 0...1,
                                        rescaler: Rescaler(sourceWidth: Self.width, sourceHeight: Self.height,
                                                           width: Self.width / 2, height: Self.height / 2))
        #expect(rendition.framesHeld == 2)
        rendition.cancel()
    }

    @Test func unknownExtensionsAndOddSizesAreUsageErrors() throws {
        let dir = tempDir("usage")
        for path in [dir + "/clip.avi", dir + "/clip", dir + "/clip.mp4.txt"] {
            do {
                _ = try Output.open(path, width: 64, height: 64, frames: 0...1)
                Issue.record("\(path) was accepted")
            } catch {
                #expect(error.kind == .usage)
                #expect(error.message.contains(path))
            }
        }
        do {
            _ = try VideoWriter(path: dir + "/odd.mp4", width: 65, height: 64)
            Issue.record("odd width accepted")
        } catch {
            #expect(error.kind == .usage)
        }
        #expect(leftovers(dir).isEmpty)
    }

    @Test func anUnwritableDirectoryIsARuntimeErrorThatNamesThePath() throws {
        for path in ["/nonexistent-photophore/clip.mp4", "/proc/photophore.webm"] {
            do {
                _ = try Output.open(path, width: 64, height: 64, frames: 0...1)
                Issue.record("\(path) was accepted")
            } catch {
                #expect(error.kind == .runtime)
                #expect(error.message.contains(path), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }

    @Test func aCancelledOrDroppedWriterLeavesNoFile() throws {
        let dir = tempDir("cancel")
        let sink = try Output.open(dir + "/c.mp4", width: 64, height: 64, frames: 0...9)
        for k in 0..<5 { try sink.append(syntheticFrame(k, width: 64, height: 64)) }
        sink.cancel()
        do {
            let writer = try VideoWriter(path: dir + "/d.webm", width: 64, height: 64)
            try writer.append(syntheticFrame(0, width: 64, height: 64))
        }
        do {
            // A queued sink dropped without finish(): its encoder thread ends, nothing is left.
            let sink = try Output.open(dir + "/e.mp4", width: 64, height: 64, frames: 0...9)
            for k in 0..<6 { try sink.append(syntheticFrame(k, width: 64, height: 64)) }
        }
        #expect(leftovers(dir).isEmpty)
    }

    @Test func aWrongFrameSizeFailsAndLeavesNoFile() throws {
        let dir = tempDir("size")
        let sink = try Output.open(dir + "/s.mp4", width: 64, height: 64, frames: 0...9)
        try sink.append(syntheticFrame(0, width: 64, height: 64))
        var failed = false
        do {
            try sink.append(syntheticFrame(1, width: 32, height: 32))
            try sink.append(syntheticFrame(2, width: 64, height: 64))
            _ = try sink.finish()
        } catch {
            failed = true
            #expect(error.message.contains("32x32"))
        }
        #expect(failed)
        #expect(leftovers(dir).isEmpty)
    }

    /// A disk that fills part-way: a 200 kB tmpfs (needs root and mount rights), else a
    /// temporary name that points at /dev/full (every write fails with ENOSPC).
    @Test func aFullDiskPartWayLeavesNoFileUnderTheFinalName() throws {
        let dir = tempDir("full")
        let mounted = (try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=200k", "tmpfs", dir]))?.status == 0
        defer { if mounted { _ = try? run("/bin/umount", [dir]) } }
        let path = dir + "/big.mp4"
        if !mounted {
            // Not allowed to mount: the writer's temporary name is a link to /dev/full.
            symlink("/dev/full", path + ".partial-\(getpid())")
        }
        var caught: SinkError?
        do {
            // Near-lossless noise-free but busy frames: far more than 200 kB.
            _ = try Self.write(path, frames: 0...119, options: VideoOptions(crf: 0, preset: "ultrafast"), width: 320, height: 240)
        } catch let error as SinkError {
            caught = error
        } catch {
            Issue.record("unexpected \(error)")
        }
        let error = try #require(caught, "a full disk must fail the write")
        #expect(error.kind == .runtime)
        #expect(error.message.contains(path), "\(error.message)")
        #expect(error.message.lowercased().contains("space"), "\(error.message)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".manifest.json"))
        if mounted { #expect(leftovers(dir).isEmpty, "\(leftovers(dir))") }
    }

    /// Encode-only throughput at 1920x1080 (H.264 veryfast), with synthetic moving frames
    /// prepared in advance. Runs when PHOTOPHORE_BENCH_SINKS=1.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PHOTOPHORE_BENCH_SINKS"] == "1"))
    func encodeThroughput1080p() throws {
        let (w, h) = (1920, 1080)
        let distinct = 60
        let frames = (0..<distinct).map { syntheticFrame($0 * 2, width: w, height: h) }
        let total = 300
        // Back and forth through the prepared frames: continuous motion, no cuts.
        let order = (0..<total).map { k in (distinct - 1) - abs((k % (2 * distinct - 2)) - (distinct - 1)) }
        do {
            let dir = tempDir("benchpng") + "/"
            let clock = ProgressReporter(total: 60, interactive: false)
            let sink = try Output.open(dir, width: w, height: h, frames: 0...59)
            for k in 0..<60 { try sink.append(frames[order[k]]) }
            let m = try sink.finish()
            print("encode png sequence 1920x1080, 2 workers: \(60 / clock.elapsed) fps, \(m.totalBytes / 60) bytes a frame")
        }
        for (name, ext, preset) in [("h264 veryfast", "mp4", "veryfast"), ("h264 superfast", "mp4", "superfast"),
                                    ("h264 ultrafast", "mp4", "ultrafast"), ("vp9 realtime", "webm", "")] {
            let path = tempDir("bench") + "/bench." + ext
            let clock = ProgressReporter(total: total, interactive: false)
            let cpu0 = cpuSeconds()
            let writer = try VideoWriter(path: path, width: w, height: h, options: VideoOptions(preset: preset.isEmpty ? "veryfast" : preset))
            for k in order { try writer.append(frames[k]) }
            try writer.finish()
            let t = clock.elapsed
            let cpu = (cpuSeconds() - cpu0) / Double(total) * 1000
            let bytes = try SHA256Hasher.file(path).bytes
            print("encode \(name) 1920x1080: \(total) frames in \(t) s = \(Double(total) / t) fps; per frame: RGBA→YUV \(writer.convertSeconds / Double(total) * 1000) ms, encoder+mux \(writer.encodeSeconds / Double(total) * 1000) ms; CPU \(cpu) ms a frame (all threads); \(bytes) bytes")
        }
    }
}

/// User + system CPU seconds of the whole process (every thread).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
}
