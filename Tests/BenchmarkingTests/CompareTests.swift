import Benchmarking
import Testing

/// The A/B statistics against known values (scipy.stats 1.17: mannwhitneyu, kstwobign, norm).
@Suite struct CompareTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance }

    @Test func mannWhitneyExactForSmallSamplesWithoutTies() {
        // Completely separated 5 vs 5: U = 0, p = 2 / C(10, 5) = 2 / 252.
        #expect(Self.close(Compare.mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]), 2.0 / 252, 1e-12))
        #expect(Self.close(Compare.mannWhitneyP([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]), 2.0 / 252, 1e-12))
        // 6 vs 7, U = 8: scipy exact 0.07342657342657342.
        let c = [1.1, 2.3, 3.7, 4.2, 5.9, 6.1], d = [2.0, 4.0, 6.5, 7.2, 8.8, 9.1, 10.3]
        #expect(Compare.uStatistic(c, d).u == 8)
        #expect(Self.close(Compare.mannWhitneyP(c, d), 0.07342657342657342, 1e-12))
    }

    @Test func mannWhitneyNormalApproximationWithTies() {
        // A textbook sample with ties, 10 vs 10: U = 91, scipy asymptotic (continuity) 0.0021601407222153076.
        let a: [Double] = [19, 22, 16, 29, 24, 20, 22, 18, 25, 27], b: [Double] = [20, 11, 17, 12, 15, 14, 16, 19, 13, 18]
        #expect(Compare.uStatistic(a, b).u == 91)
        #expect(Self.close(Compare.mannWhitneyP(a, b), 0.0021601407222153076, 1e-9))
        // All values equal: no evidence of a difference.
        #expect(Compare.mannWhitneyP([3, 3, 3], [3, 3, 3, 3]) == 1)
    }

    @Test func kolmogorovSmirnov() {
        #expect(Self.close(Compare.kolmogorovTail(1.0), 0.26999967167735456, 1e-9))
        #expect(Self.close(Compare.kolmogorovTail(1.36), 0.049485876755377876, 1e-9))
        let a: [Double] = [19, 22, 16, 29, 24, 20, 22, 18, 25, 27], b: [Double] = [20, 11, 17, 12, 15, 14, 16, 19, 13, 18]
        #expect(Self.close(Compare.ksStatistic(a, b), 0.6, 1e-12))
        #expect(Self.close(Compare.ksP(a, b), 0.05464633011386356, 1e-9))
        let c = [1.1, 2.3, 3.7, 4.2, 5.9, 6.1], d = [2.0, 4.0, 6.5, 7.2, 8.8, 9.1, 10.3]
        #expect(Self.close(Compare.ksStatistic(c, d), 5.0 / 7, 1e-12))
        #expect(Self.close(Compare.ksP(c, d), 0.07400617148563049, 1e-9))
        #expect(Compare.ksP([1, 2, 3], [1, 2, 3]) == 1)
    }

    @Test func normalQuantile() {
        #expect(Self.close(Compare.normalQuantile(0.975), 1.959963984540054, 1e-9))
        #expect(Self.close(Compare.normalQuantile(0.5), 0, 1e-12))
        #expect(Self.close(Compare.normalQuantile(0.001), -3.090232306167813, 1e-9))
    }

    /// A deterministic noisy sample around `centre`: 2% spread.
    static func noisy(_ centre: Double, _ n: Int, seed: UInt64) -> [Double] {
        var s = seed
        return (0..<n).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return centre * (1 + 0.02 * (Double(s >> 11) / Double(1 << 53) - 0.5))
        }
    }

    @Test func identicalSamplesAreTheSame() {
        let a = Self.noisy(10, 12, seed: 1)
        let r = Compare.compare(this: a, other: a, minRuns: 8)
        #expect(r.pMannWhitney > 0.9 && r.pKS > 0.9, "\(r.pMannWhitney) \(r.pKS)")
        #expect(r.verdict == .same && r.ratio == 1 && r.ratioLow <= 1 && r.ratioHigh >= 1)
        #expect(!r.isRegression(minEffect: 0.02))
        // Too few runs for SAME: UNKNOWN, and more runs are asked for.
        #expect(Compare.compare(this: a, other: a, minRuns: 20).verdict == .unknown)
    }

    @Test func clearlyShiftedSamplesDiffer() {
        let slower = Self.noisy(11, 12, seed: 2), base = Self.noisy(10, 12, seed: 3)
        let r = Compare.compare(this: slower, other: base, minRuns: 8)
        #expect(r.p < 1e-4 && r.verdict == .different, "\(r.pMannWhitney) \(r.pKS)")
        #expect(r.ratioLow > 1.05 && r.ratioHigh < 1.15 && Self.close(r.ratio, 1.1, 0.02), "\(r.ratioLow) \(r.ratio) \(r.ratioHigh)")
        #expect(r.isRegression(minEffect: 0.02))
        #expect(!r.isRegression(minEffect: 0.2), "10% is below a 20% effect size")
        // Faster is different but not a regression.
        let faster = Compare.compare(this: base, other: slower, minRuns: 8)
        #expect(faster.verdict == .different && !faster.isRegression(minEffect: 0.02) && faster.ratioHigh < 1)
    }

    @Test func hodgesLehmannRatio() {
        // Pairwise ratios of [2, 4] / [1, 2]: 1, 2, 2, 4; the median of an even count is the
        // geometric mean of the middle two (ratios are symmetric on a log scale).
        let r = Compare.ratio([2, 4], [1, 2])
        #expect(r.estimate == 2 && r.low == 1 && r.high == 4)
    }
}
