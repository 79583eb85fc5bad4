import Foundation
import JSONWriter
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
    /// With samples: 8×8 blocks per frame drawn per sample, at edges (`FrameStats.splitBlocks`).
    /// Deterministic too, but not a gated counter.
    public var splitBlocksPerFrame: Double = 0
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
    /// Anti-aliasing samples per pixel; 1 in reports from before anti-aliasing.
    public var samples: Int
    public var budgetMs: Double
    public var scenes: [SceneResult]
    /// The machine and build the run measured; nil in reports from before it was recorded.
    public var machine: Machine?

    public init(width: Int, height: Int, threads: Int, richness: String, samples: Int = 1, budgetMs: Double, machine: Machine? = nil,
                scenes: [SceneResult]) {
        self.machine = machine
        self.samples = samples
        self.width = width
        self.height = height
        self.threads = threads
        self.richness = richness
        self.budgetMs = budgetMs
        self.scenes = scenes
    }

    /// The report as the JSON that `--json` writes and `--baseline` reads (the one JSON writer).
    public func jsonText() -> String {
        // A report holds finite numbers only (percentiles of measured times), so it encodes.
        ((try? JSONOutput.text(self, pretty: true)) ?? "{}") + "\n"
    }

    /// Reads a report (a baseline); the error names the field that is wrong.
    public init(jsonText: String) throws(ReportError) {
        do {
            self = try JSONDecoder().decode(BenchReport.self, from: Data(jsonText.utf8))
        } catch {
            throw ReportError(decoding: error)
        }
    }
}

// The JSON shape of a report (docs/cli.md, bench): figures rounded as written, the size as
// [width, height], a scene's work counters and stage percentiles as objects.
extension BenchReport: Codable {
    enum CodingKeys: String, CodingKey {
        case size, threads, richness, samples, machine, scenes
        case budgetMs = "budget_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let size = try c.decode([Int].self, forKey: .size)
        guard size.count == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: "size must be [width, height]")
        }
        self.init(width: size[0], height: size[1], threads: try c.decode(Int.self, forKey: .threads),
                  richness: try c.decode(String.self, forKey: .richness),
                  samples: try c.decodeIfPresent(Int.self, forKey: .samples) ?? 1, budgetMs: try c.decode(Double.self, forKey: .budgetMs),
                  machine: try c.decodeIfPresent(Machine.self, forKey: .machine), scenes: try c.decode([SceneResult].self, forKey: .scenes))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([width, height], forKey: .size)
        try c.encode(threads, forKey: .threads)
        try c.encode(richness, forKey: .richness)
        try c.encode(samples, forKey: .samples)
        try c.encode(rounded(budgetMs, 1000), forKey: .budgetMs)
        try c.encodeIfPresent(machine, forKey: .machine)
        try c.encode(scenes, forKey: .scenes)
    }
}

extension Machine: Codable {
    enum CodingKeys: String, CodingKey {
        case cores
        case cpuModel = "cpu_model"
        case cpuLevel = "cpu_level"
    }
}

extension Percentiles: Codable {
    enum CodingKeys: String, CodingKey { case p50, p95, p99, max }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(p50: try c.decode(Double.self, forKey: .p50), p95: try c.decode(Double.self, forKey: .p95),
                  p99: try c.decode(Double.self, forKey: .p99), max: try c.decode(Double.self, forKey: .max))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rounded(p50, 1000), forKey: .p50)
        try c.encode(rounded(p95, 1000), forKey: .p95)
        try c.encode(rounded(p99, 1000), forKey: .p99)
        try c.encode(rounded(max, 1000), forKey: .max)
    }
}

extension SceneResult: Codable {
    enum CodingKeys: String, CodingKey {
        case scene, frames, attempt, attempts, fps, work
        case frameMs = "frame_ms"
        case overBudgetPercent = "over_budget_pct"
        case peakRSSMB = "peak_rss_mb"
        case calibrationMs = "calibration_ms"
        case stageMs = "stage_ms"
    }

    struct Work: Codable {
        var triangles: Double, fragments: Double
        var splitBlocks: Double?
        enum CodingKeys: String, CodingKey {
            case triangles, fragments
            case splitBlocks = "split_blocks"
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let work = try c.decode(Work.self, forKey: .work)
        self.init(scene: try c.decode(String.self, forKey: .scene), frames: try c.decode(Int.self, forKey: .frames),
                  frameMs: try c.decode(Percentiles.self, forKey: .frameMs),
                  overBudgetPercent: try c.decode(Double.self, forKey: .overBudgetPercent),
                  peakRSSMB: try c.decode(Double.self, forKey: .peakRSSMB), trianglesPerFrame: work.triangles,
                  fragmentsPerFrame: work.fragments, calibrationMs: try c.decode(Double.self, forKey: .calibrationMs))
        splitBlocksPerFrame = work.splitBlocks ?? 0
        if let a = try c.decodeIfPresent(Int.self, forKey: .attempt), let of = try c.decodeIfPresent(Int.self, forKey: .attempts) {
            attempt = a
            attempts = of
        }
        if c.contains(.stageMs) {
            let stages = try c.nestedContainer(keyedBy: JSONKey.self, forKey: .stageMs)
            // In the order of a frame's stages, whatever the order of the keys in the file.
            let order = ["scene", "raster", "effects"]
            let keys = stages.allKeys.sorted { (order.firstIndex(of: $0.stringValue) ?? 99, $0.stringValue) < (order.firstIndex(of: $1.stringValue) ?? 99, $1.stringValue) }
            self.stages = try keys.map { StageTimes(stage: $0.stringValue, ms: try stages.decode(Percentiles.self, forKey: $0)) }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scene, forKey: .scene)
        try c.encode(frames, forKey: .frames)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(frameMs, forKey: .frameMs)
        try c.encode(rounded(fps, 10), forKey: .fps)
        try c.encode(rounded(overBudgetPercent, 100), forKey: .overBudgetPercent)
        try c.encode(rounded(peakRSSMB, 10), forKey: .peakRSSMB)
        try c.encode(Work(triangles: rounded(trianglesPerFrame, 10), fragments: rounded(fragmentsPerFrame, 10),
                          splitBlocks: rounded(splitBlocksPerFrame, 10)), forKey: .work)
        try c.encode(rounded(calibrationMs, 10000), forKey: .calibrationMs)
        if !stages.isEmpty {
            var nested = c.nestedContainer(keyedBy: JSONKey.self, forKey: .stageMs)
            for st in stages { try nested.encode(st.ms, forKey: JSONKey(st.stage)) }
        }
    }
}

/// `v` rounded to 1 / `per` (a report's figures are written to a stated precision).
func rounded(_ v: Double, _ per: Double) -> Double { (v * per).rounded() / per }

/// A report or baseline file that cannot be read.
public struct ReportError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    init(message: String) { self.message = message }

    /// What a decoding error says, as the path of the field it is about ("scenes[0].frames is missing").
    init(decoding error: any Error) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().drop { $0 == "." }.description
        }
        switch error {
        case let DecodingError.keyNotFound(key, context): message = "\(path(context.codingPath + [key])) is missing"
        case let DecodingError.typeMismatch(_, context): message = "\(path(context.codingPath)) has the wrong type"
        case let DecodingError.valueNotFound(_, context): message = "\(path(context.codingPath)) is null"
        case let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty:
            message = "\(path(context.codingPath)): \(context.debugDescription)"
        default: message = "not JSON"
        }
    }
}
