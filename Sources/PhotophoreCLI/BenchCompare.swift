import Benchmarking
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// `bench --compare OTHER_BINARY`: this binary against another, side by side on this machine.
///
/// Each run is a subprocess, `bench SCENES --json FILE --attempts 1` at the chosen settings,
/// of this binary or the other, interleaved round by round with the order alternating
/// (A B, B A, A B, …) so that a drift of the machine falls on both alike. Every run gives one
/// p50 per scene (and per stage with `--stages`, when both binaries write them). After
/// `--runs` rounds each scene has a verdict (`Compare.compare`); while one is UNKNOWN, rounds
/// are added up to `--max-runs`. Exit 3 on a regression; otherwise exit 6 (undecided) when a
/// scene is still UNKNOWN after `--max-runs`. Every scene asked for must be in both binaries'
/// reports: a scene one of them did not measure is an error, never "no regression".
struct BenchComparison {
    var other: String
    var scenes: [String]
    var size: Size
    var frames: Int
    var richness: String
    var threads: Int
    /// `--samples`, given to both binaries; a binary from before anti-aliasing (no such option)
    /// draws one sample, so against it this is the cost of the samples.
    var samples: Int
    var budgetMs: Double
    var stages: Bool
    var runs: Int
    var maxRuns: Int
    /// A fraction: 0.02 is 2%.
    var minEffect: Double
    var json: String?
    /// `--plant-regression`, passed to this binary's runs only: a known regression, to prove
    /// that the comparison catches one.
    var plant: String?

    /// One measure of one scene: the frame's p50, or a stage's.
    struct Series {
        var scene: String
        var metric: String
        var this: [Double] = []
        var other: [Double] = []
    }

    func run() throws {
        guard access(other, X_OK) == 0 else {
            throw Failure.usage("--compare \(other): not an executable file; give the path of another photophore binary")
        }
        let this = Self.ownPath()
        let tmp = try makeTemporaryDirectory("photophore-compare")
        defer {
            for name in ["a.json", "b.json", "a.log", "b.log", "help.log"] { unlink(tmp + "/" + name) }
            rmdir(tmp)
        }
        var series: [Series] = []
        func add(_ report: BenchReport, this isThis: Bool) {
            for s in report.scenes {
                var measures = [("frame", s.frameMs.p50)]
                if stages { measures += s.stages.map { ($0.stage, $0.ms.p50) } }
                for (metric, value) in measures {
                    if !series.contains(where: { $0.scene == s.scene && $0.metric == metric }) {
                        series.append(Series(scene: s.scene, metric: metric))
                    }
                    let i = series.firstIndex { $0.scene == s.scene && $0.metric == metric }!
                    if isThis { series[i].this.append(value) } else { series[i].other.append(value) }
                }
            }
        }
        // A binary from before anti-aliasing has no --samples and draws one sample.
        _ = try Self.spawn([other, "bench", "--help"], output: tmp + "/help.log")
        let otherKnowsSamples = (readSmallFile(tmp + "/help.log", limit: nil) ?? "").contains("--samples")
        printError("compare: \(this) (this, \(samples) samples) against \(other) (other, "
                   + (otherKnowsSamples ? "\(samples) samples" : "1 sample: it has no --samples") + "), \(runs) to \(maxRuns) runs each, alternating")
        var round = 0
        var results: [(Series, Compare.Result)] = []
        while round < maxRuns {
            let order = round % 2 == 0 ? [true, false] : [false, true]
            for isThis in order {
                let report = try runOnce(isThis ? this : other, json: tmp + (isThis ? "/a.json" : "/b.json"),
                                         log: tmp + (isThis ? "/a.log" : "/b.log"), planted: isThis,
                                         samples: isThis || otherKnowsSamples)
                // A scene the binary did not measure would drop out of the comparison unnoticed.
                if let missing = scenes.first(where: { name in !report.scenes.contains { $0.scene == name } }) {
                    throw Failure.runtime("bench --compare: the report of \(isThis ? this : other) has no \(missing); "
                                          + "compare only the scenes both binaries measure (name them: bench SCENES --compare ...)")
                }
                add(report, this: isThis)
            }
            round += 1
            // Stage series count only when both binaries gave them.
            let complete = series.filter { $0.this.count == round && $0.other.count == round }
            results = complete.map { ($0, Compare.compare(this: $0.this, other: $0.other, minRuns: runs)) }
            let undecided = results.filter { $0.0.metric == "frame" && $0.1.verdict == .unknown }.count
            printError("compare: round \(round): " + results.filter { $0.0.metric == "frame" }
                .map { "\($0.0.scene) \($0.1.verdict.rawValue) (p \(Self.p($0.1.p)))" }.joined(separator: ", "))
            if round >= runs && undecided == 0 { break }
        }
        printTable(results, this: this)
        let regressions = results.filter { $0.0.metric == "frame" && $0.1.isRegression(minEffect: minEffect) }
        if let json {
            try writeTextFile(report(results, this: this).rendered() + "\n", to: json)
        }
        let undecided = results.filter { $0.0.metric == "frame" && $0.1.verdict == .unknown }.map(\.0.scene)
        if !regressions.isEmpty {
            for (s, r) in regressions {
                printError("regression: \(s.scene): p50 frame time \(Self.ms(r.medianThis)) vs other \(Self.ms(r.medianOther)), ratio \(Self.r(r.ratio)) [\(Self.r(r.ratioLow)), \(Self.r(r.ratioHigh))], p \(Self.p(r.p)), n \(r.n)")
            }
            throw Failure(.gate, "bench --compare: \(regressions.count) scene\(regressions.count == 1 ? "" : "s") slower than \(other) by more than \(JSONValue.format(minEffect * 100))% (listed above)")
        }
        if !undecided.isEmpty {
            throw Failure(.undecided, "bench --compare: undecided: \(undecided.joined(separator: " and ")) still UNKNOWN after \(round) runs of each binary; "
                          + "give a larger --max-runs, or compare on a quieter machine")
        }
        print("compare: no regression (a regression is DIFFERENT with the whole 95% interval of this / other above \(JSONValue.format(1 + minEffect)))")
    }

    /// One `bench --json` run of `binary`, read back.
    /// `planted`: this binary's run, which gets `plant`.
    /// `samples`: pass `--samples`.
    func runOnce(_ binary: String, json: String, log: String, planted: Bool = false, samples passSamples: Bool) throws -> BenchReport {
        unlink(json)
        var args = [binary, "bench"] + scenes + ["--size", size.description, "--frames", String(frames), "--richness", richness,
                                                  "--threads", String(threads), "--budget-ms", JSONValue.format(budgetMs),
                                                  "--attempts", "1", "--json", json]
        if passSamples { args += ["--samples", String(samples)] }
        if stages { args.append("--stages") }
        if planted, let plant { args += ["--plant-regression", plant] }
        let status = try Self.spawn(args, output: log)
        guard status == 0 else {
            let why = (readSmallFile(log, limit: nil) ?? "").split(separator: "\n").last.map(String.init) ?? "no message"
            throw Failure.runtime("bench --compare: \(binary) bench exited with \(status): \(why)")
        }
        guard let text = readSmallFile(json, limit: nil) else { throw Failure.runtime("bench --compare: \(binary) wrote no report") }
        do {
            return try BenchReport(jsonText: text)
        } catch {
            throw Failure.runtime("bench --compare: the report of \(binary) cannot be read: \(error)")
        }
    }

    /// Runs `args` with stdout and stderr into `output`; returns the exit status (128 + signal
    /// when killed).
    static func spawn(_ args: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = args.map { strdup($0) }
        defer { cArgs.forEach { free($0) } }
        cArgs.append(nil)
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, args[0], &actions, nil, cArgs, environ)
        guard rc == 0 else { throw Failure.runtime("cannot run \(args[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The path of this executable.
    static func ownPath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    static func ms(_ v: Double) -> String { fixed(v, 3) + " ms" }
    static func r(_ v: Double) -> String { fixed(v, 4) }
    static func p(_ v: Double) -> String { v < 0.0001 ? "<0.0001" : fixed(v, 4) }

    func printTable(_ results: [(Series, Compare.Result)], this: String) {
        func cell(_ s: String, _ w: Int) -> String { s.count >= w ? " " + s : String(repeating: " ", count: w - s.count) + s }
        print("compare \(size) \(richness), \(frames) frames, \(threads) threads: this \(this) / other \(other)")
        print("scene      " + "metric".padding(toLength: 8, withPad: " ", startingAt: 0) + cell("this p50", 11) + cell("other p50", 11)
              + cell("ratio", 8) + cell("95% CI", 18) + cell("p (MW)", 9) + cell("p (KS)", 9) + cell("n", 4) + cell("verdict", 11))
        for (s, r) in results {
            print(s.scene.padding(toLength: 11, withPad: " ", startingAt: 0) + s.metric.padding(toLength: 8, withPad: " ", startingAt: 0)
                  + cell(Self.ms(r.medianThis), 11) + cell(Self.ms(r.medianOther), 11) + cell(Self.r(r.ratio), 8)
                  + cell("[\(Self.r(r.ratioLow)), \(Self.r(r.ratioHigh))]", 18) + cell(Self.p(r.pMannWhitney), 9) + cell(Self.p(r.pKS), 9)
                  + cell(String(r.n), 4) + cell(r.verdict.rawValue + (s.metric == "frame" && r.isRegression(minEffect: minEffect) ? "!" : ""), 11))
        }
    }

    func report(_ results: [(Series, Compare.Result)], this: String) -> JSONValue {
        func n(_ v: Double, _ digits: Double = 10000) -> JSONValue { .number((v * digits).rounded() / digits) }
        func list(_ v: [Double]) -> JSONValue { .array(v.map { n($0, 1000) }) }
        return .object([
            ("this", .string(this)), ("other", .string(other)),
            ("size", .array([.number(Double(size.width)), .number(Double(size.height))])),
            ("frames", .number(Double(frames))), ("richness", .string(richness)), ("threads", .number(Double(threads))),
            ("min_runs", .number(Double(runs))), ("max_runs", .number(Double(maxRuns))),
            ("min_effect_pct", n(minEffect * 100, 1000)),
            ("results", .array(results.map { s, r in
                .object([
                    ("scene", .string(s.scene)), ("metric", .string(s.metric)), ("n", .number(Double(r.n))),
                    ("this_p50_ms", n(r.medianThis, 1000)), ("other_p50_ms", n(r.medianOther, 1000)),
                    ("ratio", n(r.ratio)), ("ratio_ci95", .array([n(r.ratioLow), n(r.ratioHigh)])),
                    ("p_mann_whitney", .number(r.pMannWhitney)), ("p_ks", .number(r.pKS)), ("p", .number(r.p)),
                    ("verdict", .string(r.verdict.rawValue)),
                    ("regression", .bool(s.metric == "frame" && r.isRegression(minEffect: minEffect))),
                    ("this_runs_ms", list(s.this)), ("other_runs_ms", list(s.other)),
                ])
            })),
        ])
    }
}

/// A new private directory `$TMPDIR/PREFIX-XXXXXX` (mkdtemp), for a command's scratch files.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    var template = Array((getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp").utf8CString.dropLast())
        + Array("/\(prefix)-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { throw Failure.runtime("cannot make a temporary directory: \(String(cString: strerror(errno)))") }
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
