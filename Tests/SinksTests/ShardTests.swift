import Foundation
import Raster
import Sinks
import Testing
import TestSupport

/// tools/shard.sh: splitting a frame range, running shards, joining MP4 shards with FFmpeg's
/// concat demuxer and merging PNG-sequence shards into one directory.
@Suite struct ShardTests {
    static let script = repositoryRoot + "/tools/shard.sh"

    @Test func mp4ShardsJoinIntoOneValidStream() throws {
        let dir = tempDir("join")
        let (w, h) = (256, 144)
        // Three shards of one animation, written by the video writer as render would.
        for (i, range) in [0...29, 30...59, 60...89].enumerated() {
            let sink = try Output.open(dir + "/out.shard-00\(i).mp4", width: w, height: h, frames: range, video: VideoOptions(poster: true))
            for k in range { try sink.append(syntheticFrame(k, width: w, height: h)) }
            _ = try sink.finish()
        }
        let r = try run("/bin/bash", [Self.script, "--shards", "3", "--frames", "0..89", "-o", dir + "/out.mp4", "--join-only"])
        #expect(r.status == 0, "\(r.stderr)")
        // The first shard's poster is the video's (its first frame); the others are gone.
        #expect(leftovers(dir) == ["out.mp4", "out.mp4.manifest.json", "out.poster.webp"])

        let path = dir + "/out.mp4"
        let s = try probe(path)
        #expect(s["codec_name"] as? String == "h264")
        #expect(s["pix_fmt"] as? String == "yuv420p")
        #expect(s["r_frame_rate"] as? String == "60/1")
        #expect(s["nb_read_frames"] as? String == "90")
        let duration = Double((s["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
        #expect(abs(duration - 1.5) < 0.02, "duration \(duration)")
        let boxes = try topLevelBoxes(path)
        #expect((boxes.firstIndex(of: "moov") ?? .max) < (boxes.firstIndex(of: "mdat") ?? -1), "\(boxes)")

        // Every frame in order: frame k of the join is frame k of the animation.
        let decoded = try decodeRGB(path, width: w, height: h)
        #expect(decoded.count == 90)
        var worst = 99.0
        for (k, rgb) in decoded.enumerated() { worst = min(worst, psnr(rgb, syntheticFrame(k, width: w, height: h))) }
        // The default CRF 26 gives about 36 dB on these frames.
        #expect(worst >= 34, "worst-frame PSNR \(worst) dB")

        let manifest = try Manifest.read(path + ".manifest.json")
        #expect(manifest.firstFrame == 0 && manifest.lastFrame == 89 && manifest.fps == 60 && manifest.width == w && manifest.height == h)
        #expect(manifest.files.count == 1)
        let (sha, bytes) = try SHA256Hasher.file(path)
        #expect(manifest.files[0].sha256 == sha && manifest.files[0].bytes == bytes && manifest.files[0].path == "out.mp4")
        let (posterSHA, posterBytes) = try SHA256Hasher.file(dir + "/out.poster.webp")
        #expect(manifest.poster == Manifest.File(path: "out.poster.webp", bytes: posterBytes, sha256: posterSHA))
        #expect(manifest.codec == "h264" && manifest.codecs?.hasPrefix("avc1.") == true)
        #expect(manifest.html == VideoSnippet.html(sources: [.init(path: "out.mp4", format: .mp4, codec: .h264, parameter: manifest.codecs ?? "")],
                                                   poster: "out.poster.webp", width: w, height: h), "\(manifest.html ?? "")")
    }

    /// A stand-in for `photophore render`: writes PNGs (copies of one file) and a manifest for
    /// the frames it is given, and logs its arguments.
    static func fakeRenderer(_ dir: String, failOn: String? = nil) throws -> String {
        let template = dir + "/template.png"
        try PNG.write(syntheticFrame(0, width: 16, height: 8), to: template)
        let path = dir + "/fake-photophore"
        let failLine = failOn.map { "[[ \"$frames\" == \($0) ]] && { echo 'render failed' >&2; exit 1; }" } ?? ""
        let text = """
        #!/usr/bin/env bash
        set -euo pipefail
        echo "$*" >> "\(dir)/calls.log"
        while (($#)); do case "$1" in --frames) frames=$2; shift 2 ;; -o) out=$2; shift 2 ;; *) shift ;; esac; done
        \(failLine)
        a=${frames%..*} b=${frames#*..}
        mkdir -p "$out"
        entries=()
        for ((k = a; k <= b; k++)); do
          name=$(printf '%05d.png' "$k")
          cp "\(template)" "$out/$name"
          entries+=("{\\"bytes\\": $(stat -c %s "$out/$name"), \\"frame\\": $k, \\"path\\": \\"$name\\", \\"sha256\\": \\"$(sha256sum "$out/$name" | cut -c1-64)\\"}")
        done
        files=$(IFS=,; echo "${entries[*]}")
        echo "{\\"files\\": [$files], \\"first_frame\\": $a, \\"format\\": \\"png-sequence\\", \\"fps\\": 60, \\"height\\": 8, \\"last_frame\\": $b, \\"width\\": 16}" > "$out/manifest.json"
        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func pngShardsRunInParallelAndFillOneDirectory() throws {
        let dir = tempDir("pngshards")
        let fake = try Self.fakeRenderer(dir)
        let out = dir + "/frames/"
        let r = try run("/bin/bash", [Self.script, "--shards", "3", "--frames", "5..14", "-o", out, "--", fake, "render", "candlefish", "--seed", "7"])
        #expect(r.status == 0, "\(r.stderr)")
        let calls = try String(contentsOfFile: dir + "/calls.log", encoding: .utf8).split(separator: "\n").map(String.init).sorted()
        #expect(calls == [
            "render candlefish --seed 7 --frames 11..14 -o \(dir)/frames/.shard-002/",
            "render candlefish --seed 7 --frames 5..7 -o \(dir)/frames/.shard-000/",
            "render candlefish --seed 7 --frames 8..10 -o \(dir)/frames/.shard-001/",
        ].sorted())
        #expect(leftovers(out) == (5...14).map { String(format: "%05d.png", $0) } + ["manifest.json"])
        let manifest = try Manifest.read(out + "manifest.json")
        #expect(manifest.firstFrame == 5 && manifest.lastFrame == 14)
        #expect(manifest.files.map(\.frame) == Array(5...14))
        for f in manifest.files { #expect(try SHA256Hasher.file(out + f.path).sha256 == f.sha256) }
    }

    @Test func aFailedShardFailsTheRunAndJoinsNothing() throws {
        let dir = tempDir("shardfail")
        let fake = try Self.fakeRenderer(dir, failOn: "3..5")
        let r = try run("/bin/bash", [Self.script, "--shards", "2", "--frames", "0..5", "-o", dir + "/f/%05d.png", "--", fake, "render", "x"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("shard 1 (frames 3..5) failed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/f/manifest.json"))
    }

    @Test func badUsageExitsWith2() throws {
        for args in [["--shards", "0", "--frames", "0..9", "-o", "x.mp4", "--", "p", "render"],
                     ["--shards", "2", "--frames", "9..0", "-o", "x.mp4", "--", "p", "render"],
                     ["--shards", "2", "--frames", "0..9", "-o", "x.gif", "--", "p", "render"],
                     ["--shards", "2", "--frames", "0..9", "-o", "x.mp4"]] {
            let r = try run("/bin/bash", [Self.script] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("shard: "))
        }
    }
}
