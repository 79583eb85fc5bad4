#if canImport(Glibc)
import Glibc
#endif

/// The statistics of an A/B comparison (`bench --compare`): two sets of per-run p50s, one per
/// binary, interleaved on the same machine. As Chromium's Pinpoint does, the verdict takes
/// the smaller p-value of a Mann–Whitney U test and a two-sample Kolmogorov–Smirnov test:
/// DIFFERENT below 0.01, SAME above 0.1 once enough runs were made, UNKNOWN otherwise (more
/// runs may decide it). The size of a change is the Hodges–Lehmann estimate of the ratio
/// (the median of all pairwise ratios this / other) with its distribution-free 95% interval.
public enum Compare {
    /// Two-sided p-value of the Mann–Whitney U test (Wilcoxon rank-sum) of `x` against `y`.
    /// Exact (the distribution of U counted over all orderings) when there are no ties and
    /// both samples have at most 25 values; otherwise the normal approximation with the tie
    /// correction of the variance and a continuity correction of 0.5.
    public static func mannWhitneyP(_ x: [Double], _ y: [Double]) -> Double {
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return 1 }
        let (u1, tieTerm) = uStatistic(x, y)
        let product = Double(n1 * n2)
        let u = min(u1, product - u1)
        if tieTerm == 0 && n1 <= 25 && n2 <= 25 {
            return min(1, 2 * exactUCDF(Int(u.rounded()), n1, n2))
        }
        let n = Double(n1 + n2)
        let variance = product / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return 1 }  // every value the same
        let z = max(0, abs(u1 - product / 2) - 0.5) / variance.squareRoot()
        return min(1, erfc(z / 2.0.squareRoot()))
    }

    /// U of `x` (the number of pairs with x above y, ties counting a half) from average ranks,
    /// and Σ (t³ − t) over the groups of tied values.
    public static func uStatistic(_ x: [Double], _ y: [Double]) -> (u: Double, tieTerm: Double) {
        let all = (x.map { ($0, true) } + y.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumX = 0.0, tieTerm = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2  // 1-based average rank of the group
            let t = Double(j - i + 1)
            if t > 1 { tieTerm += t * t * t - t }
            for k in i...j where all[k].1 { rankSumX += rank }
            i = j + 1
        }
        let n1 = Double(x.count)
        return (rankSumX - n1 * (n1 + 1) / 2, tieTerm)
    }

    /// P(U ≤ u) for samples of m and n values without ties: the number of orderings with U ≤ u
    /// over C(m + n, m), counted with f(m, n, u) = f(m − 1, n, u − n) + f(m, n − 1, u).
    static func exactUCDF(_ u: Int, _ m: Int, _ n: Int) -> Double {
        if u < 0 { return 0 }
        let maxU = m * n
        // f[i][j] is the distribution of U for samples of i and j values.
        var f = [[[Double]]](repeating: [[Double]](repeating: [], count: n + 1), count: m + 1)
        for i in 0...m {
            for j in 0...n {
                if i == 0 || j == 0 { f[i][j] = [1]; continue }
                var d = [Double](repeating: 0, count: i * j + 1)
                for (k, c) in f[i - 1][j].enumerated() { d[k + j] += c }  // the largest value is an x: above all j y's
                for (k, c) in f[i][j - 1].enumerated() { d[k] += c }        // the largest value is a y
                f[i][j] = d
            }
        }
        let dist = f[m][n]
        let total = dist.reduce(0, +)
        return dist[0...min(u, maxU)].reduce(0, +) / total
    }

    /// The two-sample Kolmogorov–Smirnov statistic: the largest distance between the two
    /// empirical distribution functions.
    public static func ksStatistic(_ x: [Double], _ y: [Double]) -> Double {
        let a = x.sorted(), b = y.sorted()
        var i = 0, j = 0, d = 0.0
        while i < a.count && j < b.count {
            let v = min(a[i], b[j])
            while i < a.count && a[i] == v { i += 1 }
            while j < b.count && b[j] == v { j += 1 }
            d = max(d, abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
        }
        return d
    }

    /// Asymptotic two-sided p-value of the two-sample Kolmogorov–Smirnov test: the Kolmogorov
    /// distribution's tail at D · √(n·m / (n + m)).
    public static func ksP(_ x: [Double], _ y: [Double]) -> Double {
        guard !x.isEmpty, !y.isEmpty else { return 1 }
        let en = (Double(x.count * y.count) / Double(x.count + y.count)).squareRoot()
        return kolmogorovTail(ksStatistic(x, y) * en)
    }

    /// Q(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2 j² λ²}, P(K > λ) for the Kolmogorov distribution.
    public static func kolmogorovTail(_ lambda: Double) -> Double {
        if lambda < 0.2 { return 1 }  // the series converges slowly here, to 1 within 1e-9
        var sum = 0.0, sign = 1.0
        for j in 1...100 {
            let term = exp(-2 * Double(j * j) * lambda * lambda)
            sum += sign * term
            if term < 1e-12 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }

    /// The Hodges–Lehmann estimate of the ratio this / other (the median of all n·m pairwise
    /// ratios) and its distribution-free confidence interval at `confidence`: the k-th smallest
    /// and k-th largest pairwise ratio, with k from the normal approximation of U's
    /// distribution (k at least 1, so the interval is at most the range of the ratios).
    public static func ratio(_ this: [Double], _ other: [Double], confidence: Double = 0.95) -> (estimate: Double, low: Double, high: Double) {
        precondition(!this.isEmpty && !other.isEmpty)
        var ratios: [Double] = []
        ratios.reserveCapacity(this.count * other.count)
        for a in this { for b in other { ratios.append(a / b) } }
        ratios.sort()
        let count = ratios.count
        let median = count % 2 == 1 ? ratios[count / 2] : (ratios[count / 2 - 1] * ratios[count / 2]).squareRoot()
        let n1 = Double(this.count), n2 = Double(other.count)
        let z = normalQuantile(0.5 + confidence / 2)
        let k = max(1, Int((n1 * n2 / 2 - z * (n1 * n2 * (n1 + n2 + 1) / 12).squareRoot()).rounded(.down)))
        let kk = min(k, (count + 1) / 2)
        return (median, ratios[kk - 1], ratios[count - kk])
    }

    /// The standard normal quantile (Acklam's rational approximation, refined by one Newton
    /// step on erfc: accurate to about 1e-12).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p > 1 - 0.02425 {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// What the runs say: the two builds differ, they are the same, or more runs are needed.
    public enum Verdict: String, Sendable { case same = "SAME", different = "DIFFERENT", unknown = "UNKNOWN" }

    /// The result of comparing one measure (a scene's p50, or a stage's) of two binaries.
    public struct Result: Sendable {
        public var this: [Double], other: [Double]
        public var pMannWhitney: Double, pKS: Double
        public var ratio: Double, ratioLow: Double, ratioHigh: Double
        public var verdict: Verdict
        /// The smaller of the two p-values: what the verdict is taken on.
        public var p: Double { min(pMannWhitney, pKS) }
        public var n: Int { min(this.count, other.count) }
        public var medianThis: Double { Percentiles(this).p50 }
        public var medianOther: Double { Percentiles(other).p50 }

        /// A regression: the two differ, and the whole interval of this / other lies above
        /// 1 + `minEffect` (a fraction: 0.02 is 2%).
        public func isRegression(minEffect: Double) -> Bool { verdict == .different && ratioLow > 1 + minEffect }
    }

    /// DIFFERENT when p < `different`; SAME when p > `same` and each side has at least
    /// `minRuns` runs; UNKNOWN otherwise.
    public static func compare(this: [Double], other: [Double], minRuns: Int, different: Double = 0.01, same: Double = 0.1) -> Result {
        let pMW = mannWhitneyP(this, other), pKS = ksP(this, other)
        let (r, lo, hi) = ratio(this, other)
        let p = min(pMW, pKS)
        let n = min(this.count, other.count)
        let verdict: Verdict = p < different ? .different : (p > same && n >= minRuns ? .same : .unknown)
        return Result(this: this, other: other, pMannWhitney: pMW, pKS: pKS, ratio: r, ratioLow: lo, ratioHigh: hi, verdict: verdict)
    }
}
