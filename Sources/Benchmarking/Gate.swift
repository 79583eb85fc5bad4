/// The regression gate: compares a run with a committed baseline.
///
/// CI machines are shared and noisy, so only what can be trusted is compared strictly:
/// - **work counters** are deterministic, so growth beyond 2% is a real change;
/// - **frame time** is compared after dividing by the calibration loop measured in the same
///   process (so a slower machine does not trip the gate), with 15% allowed;
/// - **p99 over the budget** fails on its own, whatever the baseline says.
/// Time checks should be judged on the best of several attempts (`best(of:)`): noise only
/// ever makes a run slower, so a regression is one that shows in every attempt.
public struct Gate: Sendable {
    public var workTolerance = 0.02
    public var timeTolerance = 0.15

    public init() {}

    /// One thing that regressed, with numbers.
    public struct Regression: Equatable, Sendable, CustomStringConvertible {
        public var scene: String
        public var what: String
        public var baseline: Double
        public var current: Double
        public var limit: Double
        public var description: String {
            let change = baseline != 0 ? " (\(current > baseline ? "+" : "")\(format((current / baseline - 1) * 100))%)" : ""
            return "\(scene): \(what) \(format(current)) vs baseline \(format(baseline))\(change), limit \(format(limit))"
        }
    }

    /// Why a run cannot be compared with a baseline at all (different settings).
    public func incompatibility(_ current: BenchReport, _ baseline: BenchReport) -> String? {
        if current.width != baseline.width || current.height != baseline.height {
            return "the baseline was recorded at \(baseline.width)x\(baseline.height); run with --size \(baseline.width)x\(baseline.height)"
        }
        if current.richness != baseline.richness { return "the baseline was recorded with --richness \(baseline.richness)" }
        for s in current.scenes {
            guard let b = baseline.scenes.first(where: { $0.scene == s.scene }) else {
                return "the baseline has no \(s.scene); record a new baseline with tools/update-baseline.sh"
            }
            if b.frames != s.frames { return "the baseline ran \(b.frames) frames of \(s.scene); run with --frames \(b.frames)" }
        }
        return nil
    }

    /// Everything that regressed. Empty means the gate passes.
    public func regressions(_ current: BenchReport, baseline: BenchReport) -> [Regression] {
        var out: [Regression] = []
        for s in current.scenes {
            if s.frameMs.p99 > current.budgetMs {
                out.append(Regression(scene: s.scene, what: "p99 frame time (ms)", baseline: current.budgetMs,
                                      current: s.frameMs.p99, limit: current.budgetMs))
            }
            guard let b = baseline.scenes.first(where: { $0.scene == s.scene }) else { continue }
            for (what, now, then) in [("triangles per frame", s.trianglesPerFrame, b.trianglesPerFrame),
                                      ("fragments per frame", s.fragmentsPerFrame, b.fragmentsPerFrame)] {
                let limit = then * (1 + workTolerance)
                if now > limit { out.append(Regression(scene: s.scene, what: what, baseline: then, current: now, limit: limit)) }
            }
            let now = s.normalizedP50, then = b.normalizedP50
            let limit = then * (1 + timeTolerance)
            if now > limit {
                out.append(Regression(scene: s.scene, what: "p50 frame time / calibration", baseline: then, current: now, limit: limit))
            }
        }
        return out
    }

    /// The best of several attempts of the same run, statistic by statistic: per scene the
    /// attempt with the lowest normalised p50, with the lowest p99, max and over-budget share
    /// seen in any attempt. Noise only ever slows a run down, so a regression is what remains
    /// in the best attempt. Work counters are identical in every attempt.
    public static func best(of attempts: [BenchReport]) -> BenchReport {
        precondition(!attempts.isEmpty)
        var out = attempts[0]
        for i in out.scenes.indices {
            let runs = attempts.map { $0.scenes[i] }
            var s = runs.min { $0.normalizedP50 < $1.normalizedP50 }!
            s.frameMs.p99 = runs.map(\.frameMs.p99).min()!
            s.frameMs.max = runs.map(\.frameMs.max).min()!
            s.overBudgetPercent = runs.map(\.overBudgetPercent).min()!
            s.peakRSSMB = runs.map(\.peakRSSMB).max()!
            out.scenes[i] = s
        }
        return out
    }
}

extension Gate {
    /// A typical run among several attempts, for recording a baseline: per scene the attempt
    /// with the median normalised p50. A baseline from the best attempt would be a lucky run
    /// that later runs could not match; the gate judges the current run by its best attempt.
    public static func median(of attempts: [BenchReport]) -> BenchReport {
        precondition(!attempts.isEmpty)
        var out = attempts[0]
        for i in out.scenes.indices {
            let runs = attempts.map { $0.scenes[i] }.sorted { $0.normalizedP50 < $1.normalizedP50 }
            out.scenes[i] = runs[runs.count / 2]
        }
        return out
    }
}

func format(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return r == r.rounded() && abs(r) < 1e12 ? String(Int(r)) : String(r)
}
