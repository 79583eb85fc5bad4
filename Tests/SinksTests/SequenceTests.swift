import Foundation
import Raster
import Sinks
import Testing
import TestSupport

@Suite struct SequenceTests {
    static let width = 96, height = 54

    static func write(_ path: String, frames: ClosedRange<Int>, workers: Int = 2) throws -> Manifest {
        let sink = try Output.open(path, width: width, height: height, frames: frames, pngWorkers: workers)
        for k in frames { try sink.append(syntheticFrame(k, width: width, height: height)) }
        return try sink.finish()
    }

    @Test func aDirectoryGetsFramesNamedByAbsoluteIndexAndAManifest() throws {
        let dir = tempDir("seq") + "/out/"
        let manifest = try Self.write(dir, frames: 7...18)
        let names = leftovers(dir)
        #expect(names == (7...18).map { String(format: "%05d.png", $0) } + ["manifest.json"])
        for k in [7, 12, 18] {
            #expect(try PNG.read(dir + String(format: "%05d.png", k)) == syntheticFrame(k, width: Self.width, height: Self.height))
        }
        #expect(manifest.format == "png-sequence")
        #expect(manifest.firstFrame == 7 && manifest.lastFrame == 18 && manifest.frameCount == 12)
        #expect(manifest.width == Self.width && manifest.height == Self.height && manifest.fps == 60)
        #expect(manifest.files.map(\.frame) == Array(7...18))
        for file in manifest.files {
            let (sha, bytes) = try SHA256Hasher.file(dir + file.path)
            #expect(sha == file.sha256 && bytes == file.bytes)
        }
        let r = try run("sha256sum", [dir + "00007.png"])
        #expect(r.stdout.hasPrefix(manifest.files[0].sha256))
        #expect(try Manifest.read(dir + "manifest.json") == manifest)
    }

    @Test func aPatternNamesTheFilesAndContentsDoNotDependOnTheWorkerCount() throws {
        let base = tempDir("pattern")
        let one = try Self.write(base + "/a/f_%03d.png", frames: 0...9, workers: 1)
        let three = try Self.write(base + "/b/f_%03d.png", frames: 0...9, workers: 3)
        #expect(leftovers(base + "/a") == (0...9).map { String(format: "f_%03d.png", $0) } + ["manifest.json"])
        #expect(one == three)
        #expect(try Data(contentsOf: URL(fileURLWithPath: base + "/a/manifest.json")) ==
                Data(contentsOf: URL(fileURLWithPath: base + "/b/manifest.json")))
    }

    @Test func shardsFillOneDirectory() throws {
        let dir = tempDir("shards")
        let a = try Self.write(dir + "/a/", frames: 0...4)
        let b = try Self.write(dir + "/b/", frames: 5...9)
        let whole = try Self.write(dir + "/whole/", frames: 0...9)
        #expect(a.files + b.files == whole.files)
    }

    @Test func aSinglePNGTakesOneFrame() throws {
        let dir = tempDir("single")
        let m = try Self.write(dir + "/poster.png", frames: 42...42)
        #expect(leftovers(dir) == ["poster.png", "poster.png.manifest.json"])
        #expect(m.format == "png" && m.firstFrame == 42 && m.files[0].path == "poster.png" && m.files[0].frame == nil)
        #expect(try PNG.read(dir + "/poster.png") == syntheticFrame(42, width: Self.width, height: Self.height))
        do {
            _ = try Output.open(dir + "/two.png", width: 8, height: 8, frames: 0...1)
            Issue.record("two frames into one PNG")
        } catch {
            #expect(error.kind == .usage)
        }
    }

    @Test func outputKinds() throws {
        let existing = tempDir("kinds")
        #expect(try OutputKind.of("x.mp4") == .video(.mp4))
        #expect(try OutputKind.of("dir/x.WEBM") == .video(.webm))
        #expect(try OutputKind.of("poster.png") == .png)
        #expect(try OutputKind.of("out/") == .pngSequence(directory: "out", pattern: "%05d.png"))
        #expect(try OutputKind.of(existing) == .pngSequence(directory: existing, pattern: "%05d.png"))
        #expect(try OutputKind.of("frames/%05d.png") == .pngSequence(directory: "frames", pattern: "%05d.png"))
        #expect(try OutputKind.of("f%d.png") == .pngSequence(directory: ".", pattern: "f%d.png"))
        for bad in ["x.gif", "frames/%05d.jpg", "frames/%s.png", "fr%05d/x.png", "a%05d%05d.png", "x%5d.png", "noext"] {
            #expect(throws: SinkError.self, "\(bad)") { try OutputKind.of(bad) }
        }
        #expect(try Output.manifestPath(for: "out/") == "out/manifest.json")
        #expect(try Output.manifestPath(for: "a/b.mp4") == "a/b.mp4.manifest.json")
    }

    @Test func anUnwritableDirectoryFailsWithoutAManifest() throws {
        do {
            _ = try Self.write("/proc/photophore-frames/", frames: 0...1)
            Issue.record("wrote into /proc")
        } catch let error as SinkError {
            #expect(error.kind == .runtime)
            #expect(error.message.contains("/proc/photophore-frames"))
        }
    }

    /// Whether this process may mount a tmpfs (root, or a container that allows it): tried
    /// once on a scratch folder, and unmounted at once.
    static let canMountTmpfs: Bool = {
        let dir = tempDir("seqmount")
        defer { rmdir(dir) }
        guard (try? run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]))?.status == 0 else { return false }
        _ = try? run("/bin/umount", [dir])
        return true
    }()

    /// A 200 kB tmpfs fills part-way through: the error names the file and the cause, no
    /// temporary file is left, and there is no manifest (the sequence never looks complete).
    /// Without the right to mount one (a directory on /dev/full is not possible) it is skipped,
    /// and says so; the video test covers the injected failure.
    @Test(.enabled(if: canMountTmpfs, "needs the right to mount a tmpfs (root, or a container that allows mount)"))
    func aFullDiskPartWayIsAClearErrorAndLeavesNoPartialFile() throws {
        let dir = tempDir("seqfull")
        let mounted = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=200k", "tmpfs", dir])
        try #require(mounted.status == 0, "mount -t tmpfs \(dir): \(mounted.stderr)")
        defer { _ = try? run("/bin/umount", [dir]) }
        let (w, h) = (256, 256)
        var caught: SinkError?
        do {
            let sink = try Output.open(dir + "/%04d.png", width: w, height: h, frames: 0...199)
            for k in 0..<200 {
                // Noise compresses badly: about 200 kB per frame.
                var image = syntheticFrame(k, width: w, height: h)
                var state = UInt32(truncatingIfNeeded: k &* 2654435761 | 1)
                for i in 0..<image.pixels.count where i % 4 != 3 {
                    state ^= state << 13; state ^= state >> 17; state ^= state << 5
                    image.pixels[i] = UInt8(truncatingIfNeeded: state)
                }
                try sink.append(image)
            }
            _ = try sink.finish()
        } catch {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.kind == .runtime)
        #expect(error.message.contains(dir), "\(error.message)")
        #expect(error.message.contains("No space left"), "\(error.message)")
        let names = leftovers(dir)
        #expect(!names.contains { $0.contains("partial") }, "\(names)")
        #expect(!names.contains("manifest.json"))
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256Hasher.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hasher.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hasher.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Hasher.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length around the block and padding boundaries, in memory and from a file,
    /// against the system's sha256sum.
    @Test func sha256MatchesSha256sumAtEveryBoundary() throws {
        let dir = tempDir("sha")
        var checked = 0
        for n in [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = dir + "/b\(n)"
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let expected = String(try run("sha256sum", [path]).stdout.prefix(64))
            #expect(SHA256Hasher.hex(bytes) == expected, "length \(n)")
            #expect(SHA256Hasher.hex(bytes[...]) == expected, "length \(n), a slice")
            #expect(try SHA256Hasher.file(path).sha256 == expected)
            checked += 1
        }
        #expect(checked == 16)
    }

    @Test func progressBarAndSummary() {
        let p = ProgressReporter(total: 600, label: "render", interactive: false)
        for _ in 0..<300 { p.advance() }
        let bar = p.bar(elapsed: 10)
        #expect(bar.hasPrefix("render  [############············]  300/600  50%  30.0 fps  ETA 0:10"), "\(bar)")
        #expect(p.summary(elapsed: 12.5, bytes: 14_200_000, output: "out.mp4") == "rendered 300 frames in 12.5 s (24.0 fps), 14.2 MB → out.mp4")
        // Not a terminal: nothing is drawn while rendering, the summary goes to the descriptor.
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        let q = ProgressReporter(total: 2, fd: fds[1])
        #expect(!q.interactive)
        q.advance(); q.advance()
        q.finish(bytes: 2048)
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(fds[0], &buffer, 512)
        close(fds[0])
        let text = String(decoding: buffer[0..<max(0, n)], as: UTF8.self)
        #expect(text.hasPrefix("rendered 2 frames in ") && text.hasSuffix(", 2.0 kB\n") && !text.contains("\r"), "\(text)")
    }
}
