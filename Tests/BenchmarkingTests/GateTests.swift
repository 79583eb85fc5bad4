import Benchmarking
import Stimuli
import Testing

@Suite struct GateTests {
    static func report(p50: Double = 8, p99: Double = 12, triangles: Double = 50_000, fragments: Double = 2_000_000,
                       calibration: Double = 10) -> BenchReport {
        BenchReport(width: 1280, height: 720, threads: 2, richness: "rich", budgetMs: 16.67, scenes: [
            SceneResult(scene: "candlefish", frames: 300, frameMs: Percentiles(p50: p50, p95: p99 - 1, p99: p99, max: p99 + 1),
                        overBudgetPercent: 0, peakRSSMB: 40, trianglesPerFrame: triangles, fragmentsPerFrame: fragments,
                        calibrationMs: calibration),
        ])
    }

    @Test func unchangedRunPasses() {
        #expect(Gate().regressions(Self.report(), baseline: Self.report()).isEmpty)
    }

    @Test func workGrowthBeyondTwoPercentTrips() {
        let gate = Gate()
        #expect(gate.regressions(Self.report(triangles: 50_900), baseline: Self.report()).isEmpty)
        let r = gate.regressions(Self.report(triangles: 51_600), baseline: Self.report())
        #expect(r.count == 1 && r[0].what == "triangles per frame")
        #expect(r[0].description.contains("+3.2%"))
        #expect(gate.regressions(Self.report(fragments: 2_100_000), baseline: Self.report()).map(\.what) == ["fragments per frame"])
    }

    @Test func timeIsJudgedAfterCalibration() {
        let gate = Gate()
        // 20% slower frames on a machine that is 20% slower: no regression.
        #expect(gate.regressions(Self.report(p50: 9.6, calibration: 12), baseline: Self.report()).isEmpty)
        // 20% slower frames on the same machine: regression.
        let r = gate.regressions(Self.report(p50: 9.6), baseline: Self.report())
        #expect(r.map(\.what) == ["p50 frame time / calibration"])
        // 10% is within the allowance.
        #expect(gate.regressions(Self.report(p50: 8.8), baseline: Self.report()).isEmpty)
    }

    @Test func p99OverBudgetTripsWhateverTheBaseline() {
        let r = Gate().regressions(Self.report(p99: 17), baseline: Self.report(p99: 17))
        #expect(r.map(\.what) == ["p99 frame time (ms)"])
    }

    @Test func bestOfAttemptsTakesTheQuietestRun() {
        let noisy = Self.report(p50: 11, p99: 18, calibration: 10)
        let quiet = Self.report(p50: 8.2, p99: 12, calibration: 10)
        let best = Gate.best(of: [noisy, quiet, noisy])
        #expect(best.scenes[0].frameMs.p50 == 8.2 && best.scenes[0].frameMs.p99 == 12)
        #expect(Gate().regressions(best, baseline: Self.report()).isEmpty)
    }

    @Test func incompatibleRunsAreNamed() {
        var other = Self.report()
        other.width = 1920
        #expect(Gate().incompatibility(other, Self.report())?.contains("--size 1280x720") == true)
        var frames = Self.report()
        frames.scenes[0].frames = 10
        #expect(Gate().incompatibility(frames, Self.report())?.contains("--frames 300") == true)
        #expect(Gate().incompatibility(Self.report(), Self.report()) == nil)
    }

    @Test func reportsRoundTripThroughJSON() throws {
        let r = Self.report(p50: 8.123, p99: 12.5)
        let text = r.json.rendered()
        let back = try BenchReport(json: try JSONValue.parse(text))
        #expect(back == r)
        #expect(throws: ReportError.self) { try BenchReport(json: try JSONValue.parse(#"{"size": [1, 2]}"#)) }
    }

    @Test func percentilesAreNearestRank() {
        let p = Percentiles((1...100).map(Double.init))
        #expect(p.p50 == 50 && p.p95 == 95 && p.p99 == 99 && p.max == 100)
        #expect(Percentiles([3]).p99 == 3)
    }

    @Test func probesSeeMemory() {
        #expect(Calibration.measure(rounds: 3) > 0)
        let before = MemoryProbe.residentMB()
        let n = 64 << 20
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        p.initialize(repeating: 1, count: n)
        let after = MemoryProbe.residentMB()
        #expect(after - before > 50, "resident \(before) → \(after) MiB")
        #expect(MemoryProbe.peakResidentMB() >= after)
        p.deallocate()
    }
}
