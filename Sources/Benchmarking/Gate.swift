import Basics
/// The regression gate: compares a run with a committed baseline.
///
/// CI machines are shared and noisy, so only what can be trusted is compared strictly:
/// - **work counters** are deterministic, so growth beyond 2% is a real change;
/// - **frame time** is compared after dividing by the calibration loop measured in the same
///   process (so a slower machine does not trip the gate), with 15% allowed;
/// - **p99 over the budget** fails on its own, whatever the baseline says.
/// Time checks are judged on the median of several attempts (`median(of:)`), as the baseline
/// records the median of its attempts: like is compared with like. A baseline is only
/// compared on the machine kind and build level that recorded it (`incompatibility`).
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

    /// What a run will be, known before it starts: enough to refuse a baseline it cannot be
    /// compared with before spending minutes on it.
    public struct Setup: Sendable {
        public var width: Int, height: Int, threads: Int
        public var richness: String
        public var samples: Int
        public var frames: [(scene: String, frames: Int)]
        public var machine: Machine?

        public init(width: Int, height: Int, threads: Int, richness: String, samples: Int = 1, frames: [(scene: String, frames: Int)],
                    machine: Machine?) {
            self.samples = samples
            self.width = width
            self.height = height
            self.threads = threads
            self.richness = richness
            self.frames = frames
            self.machine = machine
        }
    }

    /// What to do when the baseline comes from another machine, or does not say which.
    public static let otherMachineAdvice = "record a baseline on this machine with tools/update-baseline.sh, "
        + "or compare two builds side by side with bench --compare OTHER_BINARY"

    /// Why a run cannot be compared with a baseline at all, in one line that says what to do:
    /// different settings (size, richness, threads, frames, scenes: `.settings`), or a
    /// different machine (CPU model, the build's CPU level, core count: `.otherMachine`). A
    /// baseline that does not record its machine is refused too, as `.settings`: its times
    /// cannot be trusted to mean anything anywhere, so it has to be recorded again.
    /// `checkMachine: false` (the work-counter check) compares the settings only.
    public func incompatibility(_ current: Setup, _ baseline: BenchReport, checkMachine: Bool = true) -> Incompatibility? {
        func settings(_ message: String) -> Incompatibility { Incompatibility(.settings, message) }
        if current.width != baseline.width || current.height != baseline.height {
            return settings("the baseline was recorded at \(baseline.width)x\(baseline.height); run with --size \(baseline.width)x\(baseline.height)")
        }
        if current.richness != baseline.richness { return settings("the baseline was recorded with --richness \(baseline.richness); run with --richness \(baseline.richness)") }
        if current.samples != baseline.samples { return settings("the baseline was recorded with --samples \(baseline.samples); run with --samples \(baseline.samples)") }
        if checkMachine, current.threads != baseline.threads {
            return settings("the baseline was recorded with --threads \(baseline.threads); run with --threads \(baseline.threads)")
        }
        for s in current.frames {
            guard let b = baseline.scenes.first(where: { $0.scene == s.scene }) else {
                return settings("the baseline has no \(s.scene); record a new baseline with tools/update-baseline.sh")
            }
            if b.frames != s.frames { return settings("the baseline ran \(b.frames) frames of \(s.scene); run with --frames \(b.frames)") }
        }
        guard checkMachine else { return nil }
        guard let then = baseline.machine else {
            return settings("the baseline does not say which machine recorded it (CPU, build level, cores), so its times cannot be compared: "
                + Self.otherMachineAdvice)
        }
        if let now = current.machine, now != then {
            return Incompatibility(.otherMachine, "the baseline was recorded on \(then) and --threads \(baseline.threads); this is \(now): "
                + Self.otherMachineAdvice)
        }
        return nil
    }

    /// `incompatibility` of a finished run.
    public func incompatibility(_ current: BenchReport, _ baseline: BenchReport, checkMachine: Bool = true) -> Incompatibility? {
        incompatibility(current.setup, baseline, checkMachine: checkMachine)
    }

    /// Everything that regressed. Empty means the gate passes.
    /// `workOnly`: only the deterministic work counters, which any machine can compare.
    public func regressions(_ current: BenchReport, baseline: BenchReport, workOnly: Bool = false) -> [Regression] {
        var out: [Regression] = []
        for s in current.scenes {
            if !workOnly, s.frameMs.p99 > current.budgetMs {
                out.append(Regression(scene: s.scene, what: "p99 frame time (ms)", baseline: current.budgetMs,
                                      current: s.frameMs.p99, limit: current.budgetMs))
            }
            guard let b = baseline.scenes.first(where: { $0.scene == s.scene }) else { continue }
            for (what, now, then) in [("triangles per frame", s.trianglesPerFrame, b.trianglesPerFrame),
                                      ("fragments per frame", s.fragmentsPerFrame, b.fragmentsPerFrame)] {
                let limit = then * (1 + workTolerance)
                if now > limit { out.append(Regression(scene: s.scene, what: what, baseline: then, current: now, limit: limit)) }
            }
            if workOnly { continue }
            let now = s.normalizedP50, then = b.normalizedP50
            let limit = then * (1 + timeTolerance)
            if now > limit {
                out.append(Regression(scene: s.scene, what: "p50 frame time / calibration", baseline: then, current: now, limit: limit))
            }
        }
        return out
    }

    /// The best of several attempts of the same run: per scene the whole attempt with the
    /// lowest normalised p50. Every figure of a scene comes from that one attempt (its
    /// `attempt` says which), so its percentiles are consistent (p50 ≤ p95 ≤ p99 ≤ max).
    public static func best(of attempts: [BenchReport]) -> BenchReport {
        pick(attempts) { $0.first! }
    }

    /// A typical run among several attempts, for recording a baseline and for the gate: per
    /// scene the whole attempt with the median normalised p50 (the upper of the two middle
    /// ones for an even count). The gate judges the median of its attempts against a baseline
    /// that is a median too, so it leans neither toward passing nor toward failing.
    public static func median(of attempts: [BenchReport]) -> BenchReport {
        pick(attempts) { $0[$0.count / 2] }
    }

    /// Per scene, the attempt `choose` picks from the attempts' indices sorted by normalised p50.
    private static func pick(_ attempts: [BenchReport], _ choose: ([Int]) -> Int) -> BenchReport {
        precondition(!attempts.isEmpty)
        var out = attempts[0]
        for i in out.scenes.indices {
            let order = attempts.indices.sorted { attempts[$0].scenes[i].normalizedP50 < attempts[$1].scenes[i].normalizedP50 }
            let j = choose(order)
            var s = attempts[j].scenes[i]
            s.attempt = j + 1
            s.attempts = attempts.count
            out.scenes[i] = s
        }
        return out
    }
}

extension BenchReport {
    /// The settings and machine of this run.
    public var setup: Gate.Setup {
        Gate.Setup(width: width, height: height, threads: threads, richness: richness, samples: samples,
                   frames: scenes.map { ($0.scene, $0.frames) }, machine: machine)
    }
}

/// Why a run cannot be compared with a baseline (`Gate.incompatibility`,
/// `InstructionGate.incompatibility`): one line that says what to do, and what kind of
/// mismatch it is. `bench` exits 5 for `.otherMachine` (the baseline may be right, just not
/// for this machine kind or build: nothing was compared) and 2 for `.settings`.
public struct Incompatibility: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The run's settings or scenes differ from the baseline's, or the baseline lacks
        /// what it needs: fix the command or record the baseline again.
        case settings
        /// The baseline was recorded on another machine kind or build.
        case otherMachine
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A figure of a regression message, to a thousandth.
func format(_ v: Double) -> String { NumberText.short((v * 1000).rounded() / 1000) }
