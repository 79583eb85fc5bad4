import Foundation
import Testing
import TestSupport

/// `photophore bench instructions` from outside: its refusals, and a real count where this
/// build can run under callgrind (an x86-64-v3 or portable build with Valgrind installed).
@Suite struct BenchInstructionsCLITests {
    @Test func theInnerRunRefusesToRunOutsideValgrind() throws {
        let r = try run(photophorePath, ["bench", "instructions", "candlefish", "--inside-valgrind"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("for the run bench instructions starts under callgrind"), "\(r.stderr)")
    }

    @Test func badSettingsAreRefusedBeforeAnythingRuns() throws {
        for (args, says) in [(["--frames", "0"], "--frames 0"), (["nosuch"], "unknown scene 'nosuch'"),
                             (["--richness", "lush"], "--richness lush"), (["--plant-regression", "raster"], "--plant-regression raster")] {
            let r = try run(photophorePath, ["bench", "instructions"] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(says), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }

    /// A baseline of another build is exit 5 (the gate cannot compare here; nothing was
    /// compared); one that cannot be read, or lacks a scene, is exit 2: CI skips only the
    /// first. Judged before anything is counted, on any build.
    @Test func aBaselineOfAnotherBuildIsExit5AndABrokenOneExit2() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func baseline(_ name: String, _ text: String) throws -> String {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            return dir + "/" + name
        }
        let stages = #"[{"stage": "scene", "instructions": 1}, {"stage": "raster", "instructions": 1}, {"stage": "effects", "instructions": 1}]"#
        func report(compiler: String, scenes: [String], samples: Int = 4) -> String {
            #"{"size": [64, 36], "richness": "rich", "frames": 1, "samples": "# + String(samples)
                + #", "build": {"cpu_level": "x86-64-v3", "compiler": ""#
                + compiler + #"", "cpu_model": "Some CPU"}, "scenes": ["#
                + scenes.map { #"{"scene": ""# + $0 + #"", "stages": "# + stages + "}" }.joined(separator: ", ") + "]}"
        }
        let cases = [
            (try baseline("other-build.json", report(compiler: "Swift 5.0", scenes: ["candlefish"])), 5, "counts differ between builds"),
            (try baseline("no-scene.json", report(compiler: "Swift 5.0", scenes: ["emergence"])), 2, "the baseline has no counts of candlefish"),
            (try baseline("corrupt.json", "{\"size\": [64, 36"), 2, "is not an instruction report"),
            // Counted at another sample count: other settings, exit 2, naming the count.
            (try baseline("one-sample.json", report(compiler: "Swift 5.0", scenes: ["candlefish"], samples: 1)), 2, "run with --samples 1"),
        ]
        for (path, status, says) in cases {
            let r = try run(photophorePath, ["bench", "instructions", "candlefish", "--size", "64x36", "--frames", "1", "--baseline", path])
            #expect(r.status == Int32(status), "\(path): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(says), "\(path): \(r.stderr)")
        }
    }

    @Test func aPlantNeedsABaseline() throws {
        let r = try run(photophorePath, ["bench", "instructions", "--plant-regression", "raster:10"])
        #expect(r.status == 2)
    }

    /// An AVX-512 build is refused with what to do; any other build counts for real, and the
    /// same count twice gives the same numbers.
    @Test func countsOrSaysWhichBuildCan() throws {
        let dir = temporaryDirectory()
        let args = ["bench", "instructions", "candlefish", "--size", "64x36", "--frames", "1", "--json", dir + "/a.json"]
        let r = try run(photophorePath, args)
        if r.stderr.contains("AVX-512 build") {
            #expect(r.status == 2)
            #expect(r.stderr.contains("x86-64-v3"))
            return
        }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("candlefish raster"), "\(r.stdout)")
        let again = try run(photophorePath, ["bench", "instructions", "candlefish", "--size", "64x36", "--frames", "1",
                                             "--baseline", dir + "/a.json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("+0.00%"), "\(again.stdout)")
    }
}
