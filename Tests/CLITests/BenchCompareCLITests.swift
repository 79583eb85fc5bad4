import Foundation
import Testing
import TestSupport

/// `photophore bench --compare`: the A/B mode end to end, with the binary against itself at a
/// tiny size. Three runs each cannot give a Mann–Whitney p below 0.1, so the verdict can never
/// be DIFFERENT and the exit status is 0 whatever the machine's noise.
@Suite(.serialized) struct BenchCompareCLITests {
    static let settings = ["bench", "candlefish", "--size", "64x36", "--frames", "8", "--threads", "1"]

    @Test func theBinaryAgainstItselfIsNoRegression() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let json = dir + "/compare.json"
        let r = try run(photophorePath, Self.settings + ["--compare", photophorePath, "--runs", "3", "--max-runs", "3", "--json", json])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("verdict") && r.stdout.contains("candlefish"), "\(r.stdout)")
        #expect(r.stdout.split(separator: "\n").last?.hasPrefix("compare: no regression") == true, "\(r.stdout)")
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
