import Foundation
import Sinks
import Testing
import TestSupport

/// `photophore bench workload`: the contract in docs/cli.md, and its errors.
@Suite struct BenchWorkloadCLITests {
    @Test func jsonHasTheDocumentedShape() throws {
        for workload in ["spheres", "glow"] {
            let r = try photophore("bench", "workload", workload, "--size", "320x180", "--frames", "5", "--threads", "2", "--json")
            #expect(r.status == 0, "\(r.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            #expect(object["workload"] as? String == workload)
            #expect(object["width"] as? Int == 320 && object["height"] as? Int == 180)
            #expect(object["threads"] as? Int == 2 && object["frames"] as? Int == 5)
            let ms = object["frame_ms"] as! [String: Double]
            #expect(Set(ms.keys) == ["p50", "p95", "p99", "max"])
            #expect(ms["p50"]! > 0 && ms["p50"]! <= ms["p95"]! && ms["p95"]! <= ms["p99"]! && ms["p99"]! <= ms["max"]!)
            let work = object["work"] as! [String: Int]
            #expect(work["triangles"] == (workload == "spheres" ? 131_072 : 20_000))
            #expect(work["fragments"]! > 10_000)
        }
    }

    @Test func referenceRasterizerDrawsTheSameImage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["bench", "workload", "spheres", "--size", "160x90", "--frames", "1", "--segments", "16x8"]
        let fast = try run(photophorePath, common + ["--output", dir.appendingPathComponent("fast.png").path])
        let ref = try run(photophorePath, common + ["--reference", "--json", "--output", dir.appendingPathComponent("ref.png").path])
        #expect(fast.status == 0 && ref.status == 0, "\(fast.stderr) \(ref.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(ref.stdout.split(separator: "\n")[0].utf8)) as! [String: Any]
        #expect(object["rasterizer"] as? String == "reference" && object["threads"] as? Int == 1)
        let a = try PNG.read(dir.appendingPathComponent("fast.png").path), b = try PNG.read(dir.appendingPathComponent("ref.png").path)
        let lit = stride(from: 0, to: a.pixels.count, by: 4).filter { a.pixels[$0] > 0 }.count
        #expect(lit > 1000, "the spheres cover part of the frame")
        let maxDiff = zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(maxDiff <= 1, "fast and reference images differ by \(maxDiff) steps")
    }

    @Test func workCountersDoNotDependOnThreads() throws {
        var outputs: [[String: Int]] = []
        for threads in ["1", "2", "5"] {
            let r = try photophore("bench", "workload", "spheres", "--size", "333x200", "--frames", "2", "--threads", threads, "--json", "--segments", "16x8")
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            outputs.append(object["work"] as! [String: Int])
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        #expect(outputs[0]["fragments"]! > 1000)
    }

    @Test(arguments: [
        ["bench", "workload", "cubes"],
        ["bench", "workload", "glow", "--size", "0x0"],
        ["bench", "workload", "glow", "--size", "-5x10"],
        ["bench", "workload", "glow", "--size", "100000x100000"],
        ["bench", "workload", "glow", "--size", "wide"],
        ["bench", "workload", "glow", "--frames", "0"],
        ["bench", "workload", "glow", "--threads", "0"],
        ["bench", "workload", "glow", "--particle-size", "9..2"],
        ["bench", "workload", "glow", "--count", "-1"],
        ["bench", "workload", "spheres", "--grid", "0x4"],
        ["bench", "workload", "spheres", "--segments", "2x1"],
        ["bench", "workload", "glow", "--no-such-option"],
        ["bench", "workload", "glow", "--reference", "--threads", "2"],
        ["no-such-command"],
    ])
    func badUsageExitsWith2AndOneClearLine(arguments: [String]) throws {
        let r = try run(photophorePath, arguments)
        #expect(r.status == 2, "\(arguments): \(r.stderr)")
        #expect(r.stderr.hasPrefix("photophore: ") && r.stderr.hasSuffix("\n"))
        #expect(r.stderr.split(separator: "\n", omittingEmptySubsequences: false).count == 2, "one line, then the end: \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func absurdSizeIsRejectedBeforeAllocating() throws {
        let r = try photophore("bench", "workload", "glow", "--size", "100000x100000")
        #expect(r.status == 2)
        #expect(r.stderr.contains("100000x100000") && r.stderr.contains("8192"))
    }

    @Test func unwritableOutputExitsWith1() throws {
        for path in ["/nonexistent-dir/frame.png", "/proc/frame.png", temporaryDirectory()] {
            let r = try photophore("bench", "workload", "glow", "--size", "64x64", "--frames", "1", "--output", path)
            #expect(r.status == 1, "\(path): \(r.stderr)")
            #expect(r.stderr.contains(path))
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func outputWritesTheLastFrame() throws {
        let dir = temporaryDirectory()
        let r = try photophore("bench", "workload", "spheres", "--size", "200x100", "--frames", "1", "--output", dir + "/s.png")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/s.png"))
    }
}
