import Foundation
import Testing
import TestSupport

/// A JSON number as JSONSerialization hands it out (an integer or a fraction).
func jsonNumber(_ value: Any?) -> Double? {
    if let d = value as? Double { return d }
    if let i = value as? Int { return Double(i) }
    return nil
}

/// `photophore bench --baseline`, end to end: a baseline recorded with `bench --json` and
/// the gate run against it. Only the work counters are judged strictly here: they are
/// deterministic, while frame times are noisy, so the doctored baselines make the time checks
/// unable to trip (a baseline p50 a thousand times slower, and the largest budget).
@Suite(.serialized) struct BenchGateCLITests {
    /// The settings of the baseline and of every gate run: tiny, so the test is quick.
    static let settings = ["bench", "candlefish", "emergence", "--size", "64x36", "--frames", "8", "--threads", "1"]

    /// Records a baseline into `dir` and returns it as a JSON object.
    static func record(in dir: String) throws -> [String: Any] {
        let r = try run(photophorePath, settings + ["--json", dir + "/recorded.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/recorded.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The baseline with each scene's p50 multiplied by `slower` and its work counters by
    /// `work`, written to `dir/name`.
    static func doctor(_ baseline: [String: Any], slower: Double = 1000, work: Double = 1, in dir: String, name: String) throws -> String {
        var b = baseline
        let scenes = try #require(b["scenes"] as? [[String: Any]])
        b["scenes"] = scenes.map { scene -> [String: Any] in
            var s = scene
            var ms = (s["frame_ms"] as! [String: Any]).mapValues { jsonNumber($0)! }
            ms["p50"] = ms["p50"]! * slower
            s["frame_ms"] = ms
            s["work"] = (s["work"] as! [String: Any]).mapValues { jsonNumber($0)! * work }
            return s
        }
        let path = dir + "/" + name
        try JSONSerialization.data(withJSONObject: b).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func gate(_ baseline: String) throws -> RunResult {
        try run(photophorePath, settings + ["--baseline", baseline, "--budget-ms", "1000"])
    }

    @Test func aRecordedBaselineHasTheRunsShape() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let b = try Self.record(in: dir)
        #expect(b["size"] as? [Int] == [64, 36] && b["threads"] as? Int == 1 && b["richness"] as? String == "rich")
        let scenes = try #require(b["scenes"] as? [[String: Any]])
        #expect(scenes.map { $0["scene"] as? String } == ["candlefish", "emergence"])
        for s in scenes {
            #expect(s["frames"] as? Int == 8)
            let work = try #require(s["work"] as? [String: Any])
            #expect(jsonNumber(work["triangles"]) ?? 0 > 0 && jsonNumber(work["fragments"]) ?? 0 > 0)
            #expect(jsonNumber(s["calibration_ms"]) ?? 0 > 0)
        }
    }

    /// The same work as the baseline, or 1% more, is within the 2% tolerance: exit 0 and the
    /// verdict line.
    @Test(arguments: [1.0, 0.99])
    func theGatePassesOnTheWorkItWasRecordedWith(work: Double) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let baseline = try Self.doctor(try Self.record(in: dir), work: work, in: dir, name: "baseline.json")
        let r = try Self.gate(baseline)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").last == "gate: pass (median of 3 attempts against \(baseline))", "\(r.stdout)")
        #expect(!r.stderr.contains("regression"))
    }

    /// Work counters lowered by 5% in the baseline: the run did 5% more work than it says,
    /// past the 2% tolerance. Exit 3, a regression line per counter and scene, then the verdict.
    @Test func theGateFailsWithExit3WhenTheWorkGrewByMoreThan2Percent() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let baseline = try Self.doctor(try Self.record(in: dir), work: 0.95, in: dir, name: "lowered.json")
        let r = try Self.gate(baseline)
        #expect(r.status == 3, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("bench: ") }  // attempt progress
        let regressions = lines.filter { $0.hasPrefix("regression: ") }
        for scene in ["candlefish", "emergence"] {
            for counter in ["triangles per frame", "fragments per frame"] {
                #expect(regressions.contains { $0.hasPrefix("regression: \(scene): \(counter) ") && $0.contains(" vs baseline ") },
                        "\(scene) \(counter) in \(regressions)")
            }
        }
        #expect(regressions.count == 4, "only the work regressed: \(regressions)")
        #expect(lines.last == "photophore: benchmark gate failed: 4 regressions against \(baseline) (listed above)")
        #expect(!r.stdout.contains("gate: pass"))
    }

    /// A baseline from another machine is refused before anything runs with exit 5 (the gate
    /// cannot compare here; nothing was compared), one that does not say which (as every
    /// baseline before this field did) with exit 2 (it cannot be compared anywhere); either
    /// with one line saying what to do. `--work-only` still compares the work counters.
    @Test(arguments: ["other", "missing"])
    func aBaselineFromAnotherMachineIsRefusedInOneLine(kind: String) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var b = try Self.record(in: dir)
        let machine = try #require(b["machine"] as? [String: Any])
        #expect((machine["cpu_model"] as? String)?.isEmpty == false && (machine["cores"] as? Int ?? 0) >= 1)
        #expect(["x86-64-v4", "x86-64-v3", "portable"].contains(machine["cpu_level"] as? String ?? ""))
        if kind == "missing" {
            b["machine"] = nil
        } else {
            b["machine"] = ["cpu_model": "AMD EPYC 9B45 128-Core Processor", "cpu_level": "x86-64-v4", "cores": 2] as [String: Any]
        }
        let path = dir + "/foreign.json"
        try JSONSerialization.data(withJSONObject: b).write(to: URL(fileURLWithPath: path))
        let r = try Self.gate(path)
        #expect(r.status == (kind == "other" ? 5 : 2), "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("record a baseline on this machine with tools/update-baseline.sh")
                && lines[0].contains("bench --compare"), "\(r.stderr)")
        if kind == "other" { #expect(lines.first?.contains("AMD EPYC 9B45") == true) }
        #expect(!r.stdout.contains("bench "), "nothing ran: \(r.stdout)")
        let work = try run(photophorePath, Self.settings + ["--baseline", path, "--work-only"])
        #expect(work.status == 0, "\(work.stderr)")
        #expect(work.stdout.split(separator: "\n").last == "gate: pass (work counters only, against \(path))", "\(work.stdout)")
    }

    /// A baseline that cannot be read, or that lacks a scene of the run, is exit 2 and one
    /// line, never 5: CI must not take it for a baseline of another machine and skip it.
    @Test func aCorruptBaselineOrAMissingSceneIsExit2() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var b = try Self.record(in: dir)
        b["scenes"] = (b["scenes"] as? [[String: Any]])?.filter { $0["scene"] as? String == "candlefish" }
        let lacking = dir + "/lacking.json"
        try JSONSerialization.data(withJSONObject: b).write(to: URL(fileURLWithPath: lacking))
        let corrupt = dir + "/corrupt.json"
        try "{\"size\": [64, 36], \"scenes\": [".write(toFile: corrupt, atomically: true, encoding: .utf8)
        for (path, says) in [(lacking, "the baseline has no emergence"), (corrupt, "is not a benchmark report")] {
            let r = try Self.gate(path)
            #expect(r.status == 2, "\(path): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(says), "\(r.stderr)")
        }
    }

    @Test func aBaselineRecordedWithOtherThreadsIsRefused() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.record(in: dir)
        let r = try run(photophorePath, Array(Self.settings.dropLast(2)) + ["--threads", "2", "--baseline", dir + "/recorded.json"])
        #expect(r.status == 2 && r.stderr.contains("run with --threads 1"), "\(r.stderr)")
    }
}
