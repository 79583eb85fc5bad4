import Benchmarking
import Stimuli
import Testing

@Suite struct GateTests {
    static let machine = Machine(cpuModel: "Intel(R) Xeon(R) Platinum 8488C", cpuLevel: "x86-64-v4", cores: 2)

    static func report(p50: Double = 8, p99: Double = 12, triangles: Double = 50_000, fragments: Double = 2_000_000,
                       calibration: Double = 10, machine: Machine? = GateTests.machine) -> BenchReport {
        BenchReport(width: 1280, height: 720, threads: 2, richness: "rich", budgetMs: 16.67, machine: machine, scenes: [
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
        #expect(best.scenes[0].attempt == 2 && best.scenes[0].attempts == 3)
        #expect(Gate().regressions(best, baseline: Self.report()).isEmpty)
    }

    /// Every figure of a scene comes from one attempt: an attempt with the lowest p50 but a
    /// high tail and another with a low tail are never mixed into p95 > p99.
    @Test func figuresOfAChosenAttemptAreNeverMixed() {
        var lowP50 = Self.report(p50: 8, p99: 11.41, calibration: 10)
        lowP50.scenes[0].frameMs = Percentiles(p50: 8, p95: 11.0, p99: 11.41, max: 20)
        lowP50.scenes[0].peakRSSMB = 41
        var lowTail = Self.report(p50: 9, p99: 9.5, calibration: 10)
        lowTail.scenes[0].frameMs = Percentiles(p50: 9, p95: 11.72, p99: 11.8, max: 12)
        lowTail.scenes[0].peakRSSMB = 50
        let mid = Self.report(p50: 10, p99: 12, calibration: 10)
        for picked in [Gate.best(of: [lowTail, lowP50, mid]), Gate.median(of: [mid, lowP50, lowTail])] {
            let s = picked.scenes[0]
            let source = [lowP50, lowTail, mid].first { $0.scenes[0].frameMs == s.frameMs }
            #expect(source != nil, "\(s.frameMs) is not one attempt's")
            #expect(s.peakRSSMB == source?.scenes[0].peakRSSMB)
            #expect(s.frameMs.isOrdered)
        }
        #expect(Gate.best(of: [lowTail, lowP50, mid]).scenes[0].attempt == 2)
        let median = Gate.median(of: [mid, lowP50, lowTail]).scenes[0]
        #expect(median.frameMs.p50 == 9 && median.attempt == 3 && median.attempts == 3)
    }

    @Test func incompatibleRunsAreNamed() {
        var other = Self.report()
        other.width = 1920
        #expect(Gate().incompatibility(other, Self.report())?.message.contains("--size 1280x720") == true)
        var frames = Self.report()
        frames.scenes[0].frames = 10
        #expect(Gate().incompatibility(frames, Self.report())?.message.contains("--frames 300") == true)
        var richness = Self.report()
        richness.richness = "minimal"
        #expect(Gate().incompatibility(richness, Self.report())?.message.contains("--richness rich") == true)
        var threads = Self.report()
        threads.threads = 8
        #expect(Gate().incompatibility(threads, Self.report()) == Incompatibility(.settings, "the baseline was recorded with --threads 2; run with --threads 2"))
        // Every one of these is a mismatch of settings (exit 2), never of the machine (exit 5).
        for run in [other, frames, richness] { #expect(Gate().incompatibility(run, Self.report())?.kind == .settings) }
        var scenes = Self.report()
        scenes.scenes[0].scene = "lanterns"
        let missing = Gate().incompatibility(scenes, Self.report())
        #expect(missing?.kind == .settings && missing?.message.contains("the baseline has no lanterns") == true)
        #expect(Gate().incompatibility(Self.report(), Self.report()) == nil)
    }

    /// A baseline from another machine kind, another build level, another core count, or one
    /// that does not say, is refused in one line that says what to do; never compared silently.
    @Test(arguments: [
        Machine(cpuModel: "AMD EPYC 9B45 128-Core Processor", cpuLevel: "x86-64-v4", cores: 2),
        Machine(cpuModel: "Intel(R) Xeon(R) Platinum 8488C", cpuLevel: "x86-64-v3", cores: 2),
        Machine(cpuModel: "Intel(R) Xeon(R) Platinum 8488C", cpuLevel: "portable", cores: 2),
        Machine(cpuModel: "Intel(R) Xeon(R) Platinum 8488C", cpuLevel: "x86-64-v4", cores: 4),
    ])
    func aBaselineFromAnotherMachineIsRefused(recordedOn: Machine) throws {
        let refused = try #require(Gate().incompatibility(Self.report(), Self.report(machine: recordedOn)))
        // The one case of exit 5: the baseline may be right, only not for this machine kind.
        #expect(refused.kind == .otherMachine)
        let why = refused.message
        #expect(why == "the baseline was recorded on \(recordedOn) and --threads 2; this is \(Self.machine): "
                + "record a baseline on this machine with tools/update-baseline.sh, or compare two builds side by side with bench --compare OTHER_BINARY")
        #expect(!why.contains("\n"))
        // The work counters alone can still be compared.
        #expect(Gate().incompatibility(Self.report(), Self.report(machine: recordedOn), checkMachine: false) == nil)
    }

    @Test func aBaselineThatDoesNotSayItsMachineIsRefused() throws {
        let refused = try #require(Gate().incompatibility(Self.report(), Self.report(machine: nil)))
        // It cannot be compared anywhere: record it again (exit 2), not "another machine" (5).
        #expect(refused.kind == .settings)
        let why = refused.message
        #expect(why.contains("does not say which machine") && why.contains("tools/update-baseline.sh") && why.contains("bench --compare"))
    }

    @Test func machineDescriptionsAndCPUInfo() {
        #expect(Self.machine.description == "Intel(R) Xeon(R) Platinum 8488C with x86-64-v4 and 2 cores")
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R)  Xeon(R) Platinum 8488C\nflags\t\t: fpu\n"
        #expect(Machine.cpuModel(cpuinfo: cpuinfo) == "Intel(R) Xeon(R) Platinum 8488C")
        #expect(Machine.cpuModel(cpuinfo: "processor : 0\n") == "unknown CPU")
        let here = Machine.current(cpuLevel: "x86-64-v4")
        #expect(here.cores >= 1 && !here.cpuModel.isEmpty)
    }

    @Test func reportsRoundTripThroughJSON() throws {
        var r = Self.report(p50: 8.123, p99: 12.5)
        r.scenes[0].attempt = 2
        r.scenes[0].attempts = 3
        r.scenes[0].stages = [StageTimes(stage: "raster", ms: Percentiles(p50: 1, p95: 2, p99: 3, max: 4))]
        let text = r.jsonText()
        let back = try BenchReport(jsonText: text)
        #expect(back == r)
        // Reports from before the machine was recorded still read, without one.
        #expect(try BenchReport(jsonText: Self.report(machine: nil).jsonText()).machine == nil)
        #expect(throws: ReportError.self) { try BenchReport(jsonText: #"{"size": [1, 2]}"#) }
    }

    @Test func percentilesAreNearestRank() {
        let p = Percentiles((1...100).map(Double.init))
        #expect(p.p50 == 50 && p.p95 == 95 && p.p99 == 99 && p.max == 100)
        #expect(Percentiles([3]).p99 == 3)
    }

    /// Adversarial sample sets: every count from 1 to 300, sorted up, down, constant, spiky,
    /// with ties, huge outliers, negative zero and a NaN: p50 ≤ p95 ≤ p99 ≤ max, each a sample.
    @Test func percentilesAreAlwaysOrdered() {
        var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Double(rng >> 11) / Double(1 << 53)
        }
        var bad: [String] = []
        for n in 1...300 {
            let sets: [[Double]] = [
                (0..<n).map(Double.init), (0..<n).map { Double(n - $0) }, Array(repeating: 4.25, count: n),
                (0..<n).map { $0 % 7 == 0 ? 1e9 : 1 }, (0..<n).map { _ in (next() * 4).rounded() },
                (0..<n).map { _ in next() < 0.02 ? 1e300 : next() }, (0..<n).map { $0 == n - 1 ? -0.0 : 0 },
                (0..<n).map { $0 == 0 ? .nan : next() } + (n == 1 ? [1] : []),
            ]
            for (i, set) in sets.enumerated() {
                let p = Percentiles(set)
                let values = Set(set.filter { !$0.isNaN })
                if !p.isOrdered || ![p.p50, p.p95, p.p99, p.max].allSatisfy(values.contains) || p.max != values.max() {
                    bad.append("n \(n) set \(i): \(p)")
                }
            }
        }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
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
