import Stimuli

/// Frame-time percentiles in milliseconds (nearest rank).
public struct Percentiles: Equatable, Sendable {
    public var p50: Double, p95: Double, p99: Double, max: Double

    public init(p50: Double, p95: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }

    /// Nearest-rank percentiles of `samples` (at least one).
    public init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "percentiles of no samples")
        let s = samples.sorted()
        func rank(_ p: Double) -> Double {
            let k = Int((p / 100 * Double(s.count)).rounded(.up))
            return s[Swift.max(0, Swift.min(s.count - 1, k - 1))]
        }
        self.init(p50: rank(50), p95: rank(95), p99: rank(99), max: s[s.count - 1])
    }
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

    public init(width: Int, height: Int, threads: Int, richness: String, budgetMs: Double, scenes: [SceneResult]) {
        self.width = width
        self.height = height
        self.threads = threads
        self.richness = richness
        self.budgetMs = budgetMs
        self.scenes = scenes
    }

    public var json: JSONValue {
        func n(_ v: Double, _ digits: Double = 1000) -> JSONValue { .number((v * digits).rounded() / digits) }
        return .object([
            ("size", .array([.number(Double(width)), .number(Double(height))])),
            ("threads", .number(Double(threads))),
            ("richness", .string(richness)),
            ("budget_ms", n(budgetMs)),
            ("scenes", .array(scenes.map { s in
                .object([
                    ("scene", .string(s.scene)),
                    ("frames", .number(Double(s.frames))),
                    ("frame_ms", .object([("p50", n(s.frameMs.p50)), ("p95", n(s.frameMs.p95)),
                                          ("p99", n(s.frameMs.p99)), ("max", n(s.frameMs.max))])),
                    ("fps", n(s.fps, 10)),
                    ("over_budget_pct", n(s.overBudgetPercent, 100)),
                    ("peak_rss_mb", n(s.peakRSSMB, 10)),
                    ("work", .object([("triangles", n(s.trianglesPerFrame, 10)), ("fragments", n(s.fragmentsPerFrame, 10))])),
                    ("calibration_ms", n(s.calibrationMs, 10000)),
                ])
            })),
        ])
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
        }
        self.scenes = scenes
    }
}

/// A report or baseline file that cannot be read.
public struct ReportError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
