import Foundation
import Testing
import TestSupport

/// `photophore bench --compare`: the A/B mode end to end at a tiny size. The binary against
/// itself: three runs each cannot give a Mann–Whitney p below 0.1, so the verdict can never be
/// DIFFERENT, and the exit status is 0 (SAME) or 6 (still UNKNOWN) whatever the machine's
/// noise. Against itself with a regression planted in this side's runs, it must find it.
@Suite(.serialized) struct BenchCompareCLITests {
    static let settings = ["bench", "candlefish", "--size", "64x36", "--frames", "8", "--threads", "1"]

    @Test func theBinaryAgainstItselfIsNoRegression() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let json = dir + "/compare.json"
        let r = try run(photophorePath, Self.settings + ["--compare", photophorePath, "--runs", "3", "--max-runs", "3", "--json", json])
        #expect(r.stdout.contains("verdict") && r.stdout.contains("candlefish"), "\(r.stdout)")
        if r.stdout.contains(" SAME") {
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.split(separator: "\n").last?.hasPrefix("compare: no regression") == true, "\(r.stdout)")
        } else {
            // Undecided after --max-runs: its own exit code and one line saying so, never "no regression".
            #expect(r.status == 6, "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").last == "photophore: bench --compare: undecided: candlefish still UNKNOWN after 3 runs of each binary; give a larger --max-runs, or compare on a quieter machine", "\(r.stderr)")
            #expect(!r.stdout.contains("no regression"), "\(r.stdout)")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.count == 1)
        let first = try #require(results.first)
        #expect(first["scene"] as? String == "candlefish" && first["metric"] as? String == "frame" && first["n"] as? Int == 3)
        #expect(["SAME", "UNKNOWN"].contains(first["verdict"] as? String ?? ""), "\(first)")
        #expect((first["this_runs_ms"] as? [Any])?.count == 3 && (first["other_runs_ms"] as? [Any])?.count == 3)
        #expect(first["regression"] as? Bool == false)
        let ci = try #require(first["ratio_ci95"] as? [Any])
        #expect(ci.count == 2 && jsonNumber(ci[0])! <= jsonNumber(first["ratio"])! && jsonNumber(first["ratio"])! <= jsonNumber(ci[1])!)
    }

    /// The same binary, with half of each frame's time spun on top in this side's runs
    /// (`--plant-regression time`, the plant the gate's self-test uses): a regression, exit 3,
    /// with its regression line and verdict. Five runs each, all of this side slower, give an
    /// exact Mann–Whitney p of 0.008, below the 0.01 a DIFFERENT needs; a noisy machine gets
    /// more runs, up to 12. Were the plant not caught, the exit status would be 0 or 6.
    @Test func aPlantedRegressionIsCaughtWithExit3() throws {
        let r = try run(photophorePath, ["bench", "candlefish", "--size", "64x36", "--frames", "20", "--threads", "1",
                                         "--compare", photophorePath, "--runs", "5", "--max-runs", "12", "--plant-regression", "time"])
        #expect(r.status == 3, "\(r.stdout)\n\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("regression: candlefish: p50 frame time ") }, "\(r.stderr)")
        #expect(lines.last?.hasPrefix("photophore: bench --compare: 1 scene slower than \(photophorePath) by more than 2%") == true, "\(r.stderr)")
        #expect(!r.stdout.contains("no regression"), "\(r.stdout)")
    }

    /// A scene missing from the other binary's report is an error naming it, never a pass:
    /// the other "binary" here is a script that benchmarks emergence whatever it is asked.
    @Test func aSceneMissingFromOneReportIsAnError() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let other = dir + "/other-scene"
        try "#!/bin/sh\nshift 2\nexec '\(photophorePath)' bench emergence \"$@\"\n".write(toFile: other, atomically: true, encoding: .utf8)
        chmod(other, 0o755)
        let r = try run(photophorePath, Self.settings + ["--compare", other, "--runs", "3", "--max-runs", "3"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").last == "photophore: bench --compare: the report of \(other) has no candlefish; compare only the scenes both binaries measure (name them: bench SCENES --compare ...)", "\(r.stderr)")
        #expect(!r.stdout.contains("no regression"), "\(r.stdout)")
    }

    @Test(arguments: [
        (["--compare", "/nonexistent/photophore"], "--compare /nonexistent/photophore"),
        (["--compare", "/bin/true", "--min-effect", "101"], "--min-effect"),
        (["--compare", "/bin/true", "--runs", "2"], "--runs"),
        (["--compare", "/bin/true", "--runs", "8", "--max-runs", "5"], "--max-runs 5"),
        (["--compare", "/bin/true", "--baseline", "x.json"], "--compare"),
    ])
    func badCompareOptionsExit2WithOneLine(extra: [String], names: String) throws {
        let r = try run(photophorePath, Self.settings + extra)
        #expect(r.status == 2, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(names), "\(r.stderr)")
    }

    /// Every figure of a scene comes from one attempt, and the table says which.
    @Test func theTableNamesTheAttempt() throws {
        let r = try run(photophorePath, Self.settings + ["--attempts", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("candlefish ") })
        #expect(row.contains("attempt ") && row.hasSuffix(" of 3"), "\(row)")
    }
}
