import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// Frame-time percentiles in milliseconds (nearest rank).
public struct Percentiles: Equatable, Sendable {
    public var p50: Double, p95: Double, p99: Double, max: Double

    public init(p50: Double, p95: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }

    /// Nearest-rank percentiles of `samples` (at least one): each is a sample, and a higher
    /// percentile never has a lower rank, so p50 ≤ p95 ≤ p99 ≤ max always. NaNs (never a
    /// measured time) are left out; only NaNs give NaNs.
    public init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "percentiles of no samples")
        let finite = samples.filter { !$0.isNaN }
        guard !finite.isEmpty else {
            self.init(p50: .nan, p95: .nan, p99: .nan, max: .nan)
            return
        }
        let s = finite.sorted()
        func rank(_ p: Double) -> Double {
            let k = Int((p / 100 * Double(s.count)).rounded(.up))
            return s[Swift.max(0, Swift.min(s.count - 1, k - 1))]
        }
        self.init(p50: rank(50), p95: rank(95), p99: rank(99), max: s[s.count - 1])
    }

    /// p50 ≤ p95 ≤ p99 ≤ max: true of every set of percentiles computed from one sample set.
    public var isOrdered: Bool { p50 <= p95 && p95 <= p99 && p99 <= max }
}

/// One stage's share of the frame (scene, raster, effects) as percentiles in milliseconds.
public struct StageTimes: Equatable, Sendable {
    public var stage: String
    public var ms: Percentiles
    public init(stage: String, ms: Percentiles) {
        self.stage = stage
        self.ms = ms
    }
}

/// What a benchmark's times depend on besides the settings: the CPU, the level the build was
/// compiled for, and how many cores there are.
public struct Machine: Equatable, Sendable, CustomStringConvertible {
    /// /proc/cpuinfo's "model name", e.g. "Intel(R) Xeon(R) Platinum 8488C".
    public var cpuModel: String
    /// The build's CPU level: "x86-64-v4", "x86-64-v3" or "portable".
    public var cpuLevel: String
    /// Online CPUs.
    public var cores: Int

    public init(cpuModel: String, cpuLevel: String, cores: Int) {
        self.cpuModel = cpuModel
        self.cpuLevel = cpuLevel
        self.cores = cores
    }

    /// "Intel(R) Xeon(R) … with x86-64-v4 and 2 cores"
    public var description: String { "\(cpuModel) with \(cpuLevel) and \(cores) core\(cores == 1 ? "" : "s")" }

    /// This machine, for a build of `cpuLevel`.
    public static func current(cpuLevel: String) -> Machine {
        let text = readSmallFile("/proc/cpuinfo") ?? ""
        return Machine(cpuModel: cpuModel(cpuinfo: text), cpuLevel: cpuLevel, cores: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The first "model name" of /proc/cpuinfo's text, spaces squeezed; "unknown CPU" without one.
    public static func cpuModel(cpuinfo: String) -> String {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let words = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            if !words.isEmpty { return words.joined(separator: " ") }
        }
        return "unknown CPU"
    }
}

/// A small text file's contents (e.g. under /proc, or a bench report), or nil when it cannot
/// be opened. Reading stops past `limit` bytes (nil: no limit).
public func readSmallFile(_ path: String, limit: Int? = 16 << 20) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        bytes += buffer[0..<n]
        if let limit, bytes.count > limit { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// One scene's benchmark result.
public struct SceneResult: Equatable, Sendable {
    public var scene: String
    public var frames: Int
    public var frameMs: Percentiles
    /// Share of frames over the budget, in percent.
    public var overBudgetPercent: Double
    public var peakRSSMB: Double
    /// Work per frame, averaged over the run. Deterministic: the same scene, size, richness
    /// and frame count give the same numbers on any machine and thread count.
    public var trianglesPerFrame: Double
    public var fragmentsPerFrame: Double
    /// Milliseconds per round of the calibration loop, measured in the same process just
    /// before this scene ran.
    public var calibrationMs: Double
    /// Which attempt (1-based) of how many every figure of this result comes from.
    public var attempt = 1
    public var attempts = 1
    /// Per-stage percentiles, when the run measured them (`--stages`); same attempt.
    public var stages: [StageTimes] = []

    public init(scene: String, frames: Int, frameMs: Percentiles, overBudgetPercent: Double, peakRSSMB: Double,
                trianglesPerFrame: Double, fragmentsPerFrame: Double, calibrationMs: Double) {
        self.scene = scene
        self.frames = frames
        self.frameMs = frameMs
        self.overBudgetPercent = overBudgetPercent
        self.peakRSSMB = peakRSSMB
        self.trianglesPerFrame = trianglesPerFrame
        self.fragmentsPerFrame = fragmentsPerFrame
        self.calibrationMs = calibrationMs
    }

    /// p50 frame time in calibration rounds: comparable across machines of different speed.
    public var normalizedP50: Double { frameMs.p50 / calibrationMs }

    public var fps: Double { frameMs.p50 > 0 ? 1000 / frameMs.p50 : 0 }
}

/// A whole benchmark run: the JSON shape written by `photophore bench --json FILE`, which is
/// also the baseline format.
public struct BenchReport: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var threads: Int
    public var richness: String
    public var budgetMs: Double
    public var scenes: [SceneResult]
    /// The machine and build the run measured; nil in reports from before it was recorded.
    public var machine: Machine?

    public init(width: Int, height: Int, threads: Int, richness: String, budgetMs: Double, machine: Machine? = nil,
                scenes: [SceneResult]) {
        self.machine = machine
        self.width = width
        self.height = height
        self.threads = threads
        self.richness = richness
        self.budgetMs = budgetMs
        self.scenes = scenes
    }

    public var json: JSONValue {
        func n(_ v: Double, _ digits: Double = 1000) -> JSONValue { .number((v * digits).rounded() / digits) }
        func percentiles(_ p: Percentiles) -> JSONValue {
            .object([("p50", n(p.p50)), ("p95", n(p.p95)), ("p99", n(p.p99)), ("max", n(p.max))])
        }
        var fields: [(key: String, value: JSONValue)] = [
            ("size", .array([.number(Double(width)), .number(Double(height))])),
            ("threads", .number(Double(threads))),
            ("richness", .string(richness)),
            ("budget_ms", n(budgetMs)),
        ]
        if let machine {
            fields.append(("machine", .object([("cpu_model", .string(machine.cpuModel)), ("cpu_level", .string(machine.cpuLevel)),
                                               ("cores", .number(Double(machine.cores)))])))
        }
        fields.append(("scenes", .array(scenes.map { s in
            var scene: [(key: String, value: JSONValue)] = [
                ("scene", .string(s.scene)),
                ("frames", .number(Double(s.frames))),
                ("attempt", .number(Double(s.attempt))),
                ("attempts", .number(Double(s.attempts))),
                ("frame_ms", percentiles(s.frameMs)),
                ("fps", n(s.fps, 10)),
                ("over_budget_pct", n(s.overBudgetPercent, 100)),
                ("peak_rss_mb", n(s.peakRSSMB, 10)),
                ("work", .object([("triangles", n(s.trianglesPerFrame, 10)), ("fragments", n(s.fragmentsPerFrame, 10))])),
                ("calibration_ms", n(s.calibrationMs, 10000)),
            ]
            if !s.stages.isEmpty { scene.append(("stage_ms", .object(s.stages.map { ($0.stage, percentiles($0.ms)) }))) }
            return .object(scene)
        })))
        return .object(fields)
    }

    /// Reads a report (a baseline). The message of the error names what is missing.
    public init(json: JSONValue) throws(ReportError) {
        func number(_ v: JSONValue?, _ what: String) throws(ReportError) -> Double {
            guard case let .number(x)? = v else { throw ReportError(message: "\(what) is missing or not a number") }
            return x
        }
        guard case let .array(size)? = json["size"], size.count == 2 else { throw ReportError(message: "size is missing") }
        width = Int(try number(size[0], "size[0]"))
        height = Int(try number(size[1], "size[1]"))
        threads = Int(try number(json["threads"], "threads"))
        guard case let .string(r)? = json["richness"] else { throw ReportError(message: "richness is missing") }
        richness = r
        budgetMs = try number(json["budget_ms"], "budget_ms")
        if let m = json["machine"] {
            guard case let .string(model)? = m["cpu_model"], case let .string(level)? = m["cpu_level"] else {
                throw ReportError(message: "machine.cpu_model or machine.cpu_level is missing")
            }
            machine = Machine(cpuModel: model, cpuLevel: level, cores: Int(try number(m["cores"], "machine.cores")))
        } else {
            machine = nil
        }
        guard case let .array(list)? = json["scenes"] else { throw ReportError(message: "scenes is missing") }
        var scenes: [SceneResult] = []
        for (i, item) in list.enumerated() {
            guard case let .string(name)? = item["scene"] else { throw ReportError(message: "scenes[\(i)].scene is missing") }
            let ms = item["frame_ms"]
            scenes.append(SceneResult(
                scene: name, frames: Int(try number(item["frames"], "scenes[\(i)].frames")),
                frameMs: Percentiles(p50: try number(ms?["p50"], "scenes[\(i)].frame_ms.p50"), p95: try number(ms?["p95"], "scenes[\(i)].frame_ms.p95"),
                                     p99: try number(ms?["p99"], "scenes[\(i)].frame_ms.p99"), max: try number(ms?["max"], "scenes[\(i)].frame_ms.max")),
                overBudgetPercent: try number(item["over_budget_pct"], "scenes[\(i)].over_budget_pct"),
                peakRSSMB: try number(item["peak_rss_mb"], "scenes[\(i)].peak_rss_mb"),
                trianglesPerFrame: try number(item["work"]?["triangles"], "scenes[\(i)].work.triangles"),
                fragmentsPerFrame: try number(item["work"]?["fragments"], "scenes[\(i)].work.fragments"),
                calibrationMs: try number(item["calibration_ms"], "scenes[\(i)].calibration_ms")))
            if case let .number(a)? = item["attempt"], case let .number(of)? = item["attempts"] {
                scenes[i].attempt = Int(a)
                scenes[i].attempts = Int(of)
            }
            if case let .object(stages)? = item["stage_ms"] {
                for (name, p) in stages {
                    scenes[i].stages.append(StageTimes(stage: name, ms: Percentiles(
                        p50: try number(p["p50"], "stage_ms.\(name).p50"), p95: try number(p["p95"], "stage_ms.\(name).p95"),
                        p99: try number(p["p99"], "stage_ms.\(name).p99"), max: try number(p["max"], "stage_ms.\(name).max"))))
                }
            }
        }
        self.scenes = scenes
    }
}

/// A report or baseline file that cannot be read.
public struct ReportError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
