import ArgumentParser
import Basics
import Benchmarking
import CPUCheck
import Engine
import Simulation
import Mind
import Plot
import Raster
import Sinks
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// `photophore bench [candlefish emergence]`: the frame-budget benchmark and its CI gate.
///
/// Each scene renders headless (render plus effects, no encoding) for N frames while the
/// built-in scripts take it through every mood and every emergence stage. The scripts' 160 s
/// are a timeline of 9600 frames at 60 fps (the simulation's rate); sample k of N renders
/// timeline frame k · 9600 / N (integer division), so the samples spread evenly over the
/// whole timeline and never pass its end. A frame's time is what it costs in playback: the scene,
/// the rasterizer and the effects (the simulation is caught up before the timer starts, as
/// a 60 fps player takes one step per frame). The first 3 frames are warm-up and excluded.
struct BenchScenesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "Render the scenes headless and report frame times against the budget.",
        discussion: """
            With --baseline FILE the run is a regression gate (exit code 3): p99 over the \
            budget, work counters grown by more than 2%, or p50 frame time grown by more than \
            15% after dividing by a calibration loop measured in the same process. Time is \
            judged on the median of --attempts runs, as the baseline records the median of \
            its attempts. A baseline is only compared with a run of the same settings \
            (size, richness, threads, frames) on the same machine kind (CPU model, the \
            build's CPU level, core count). A baseline from another machine kind stops the \
            run with exit 5 (nothing compared); other settings, a scene the baseline lacks, \
            a baseline that cannot be read or does not record its machine stop it with exit \
            2; either with one line saying what to do. --work-only compares the work \
            counters alone, on any machine.

            With --compare OTHER_BINARY it is an A/B test on this machine: this binary and \
            the other run as subprocesses, interleaved with the order alternating each \
            round, each run a one-attempt bench --json of the scenes at the given settings. \
            Per scene the verdict takes the smaller p-value of a Mann-Whitney U test and a \
            two-sample Kolmogorov-Smirnov test of the runs' p50s: DIFFERENT below 0.01, SAME \
            above 0.1 after --runs runs, else UNKNOWN, which adds runs up to --max-runs. The \
            ratio this / other is the Hodges-Lehmann estimate with its 95% interval. Exit 3 \
            when a scene is DIFFERENT with the whole interval above 1 + --min-effect percent; \
            otherwise exit 6 (undecided) when a scene is still UNKNOWN after --max-runs. A \
            scene missing from either binary's report is an error (exit 1).

            Sampling: the built-in scripts cover 160 s, a timeline of 9600 frames at 60 fps \
            (the simulation's rate). Sample k of --frames N renders timeline frame \
            k * 9600 / N (integer division): spread evenly over the whole timeline, never \
            past its end; with N above 9600 some frames repeat.
            """)

    @Argument(help: "Scenes to run (default: candlefish and emergence, the ones the baseline holds).")
    var scenes: [String] = []

    @Option(parsing: .unconditional, help: "Render size, WIDTHxHEIGHT, each side 1 to 8192 (default: 1920x1080).", transform: Parse.size)
    var size = Size(width: 1920, height: 1080)

    @Option(parsing: .unconditional, help: "Frames per scene, 4 to 1000000; the first 3 are warm-up (default: 600).",
            transform: Parse.int(BenchScenesCommand.warmupFrames + 1...1_000_000))
    var frames = 600

    @Option(help: "minimal, standard or rich.")
    var richness = "rich"

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU).", transform: Parse.int(Limits.threads))
    var threads: Int?

    @Option(parsing: .unconditional, help: "Anti-aliasing samples per pixel: 1, 2, 4 or 8 (default: 4).", transform: Parse.samples)
    var samples = SamplePattern.standard

    @Option(name: .customLong("budget-ms"), parsing: .unconditional, help: "The frame budget, 0.1 to 1000 milliseconds (default: 16.67).",
            transform: Parse.number(0.1...1000, "milliseconds"))
    var budgetMs = 16.67

    @Option(help: ArgumentHelp("Write the report as JSON (the baseline format).", valueName: "FILE"))
    var json: String?

    @Option(help: ArgumentHelp("Draw frame time per frame, with the budget line.", valueName: "FILE.png"))
    var plot: String?

    @Option(help: ArgumentHelp("Compare with this baseline and exit 3 on a regression.", valueName: "FILE"))
    var baseline: String?

    @Option(parsing: .unconditional,
            help: "Runs per scene, 1 to 20; the best counts, or the median with --median or --baseline (default: 3 with --baseline, else 1).",
            transform: Parse.int(1...20))
    var attempts: Int?

    @Flag(name: .customLong("median"), help: "Report the median attempt instead of the best (for recording a baseline).")
    var reportMedian = false

    @Flag(name: .customLong("work-only"),
          help: "With --baseline: compare only the deterministic work counters (any machine, one attempt).")
    var workOnly = false

    @Flag(help: "Also print p50, p95 and p99 of each stage (scene, raster, effects) per scene.")
    var stages = false

    @Option(help: ArgumentHelp("A/B mode: run this binary and OTHER_BINARY interleaved and say, per scene, whether they differ (exit 3 on a regression).",
                               valueName: "OTHER_BINARY"))
    var compare: String?

    @Option(name: .customLong("runs"), parsing: .unconditional, help: "With --compare: runs of each binary before a verdict, 3 to 200 (default: 10).",
            transform: Parse.int(3...200))
    var compareRuns: Int?

    @Option(name: .customLong("max-runs"), parsing: .unconditional,
            help: "With --compare: at most this many runs of each while a verdict is UNKNOWN, 3 to 500, at least --runs (default: 30).",
            transform: Parse.int(3...500))
    var maxRuns: Int?

    @Option(name: .customLong("min-effect"), parsing: .unconditional,
            help: "With --compare: the slowdown in percent, 0 to 100, that the 95% interval of this / other must lie above to be a regression (default: 2).",
            transform: Parse.number(0...100, "percent"))
    var minEffect: Double?

    /// For proving the gate (tools/gate-selftest.sh, tools/gate-power.sh): `work` renders every
    /// frame twice and counts both; `time` spins for an extra half of each frame's time;
    /// STAGE:PERCENT spins inside the stage for that share of its time. With `--compare` it is
    /// planted in this binary's runs only.
    @Option(name: .customLong("plant-regression"), help: .hidden)
    var plantRegression: String?

    static let warmupFrames = 3

    @Option(name: [.customLong("model"), .customLong("character")], help: ArgumentHelp(
        "A glTF 2.0 model for the scenes that show one: emergence's character, the model scene's subject (not with --baseline or --compare).",
        valueName: "FILE.glb"))
    var model: String?

    func run() throws {
        if model != nil, baseline != nil || compare != nil {
            throw Failure.usage("--model: the baseline and --compare measure the scenes as they are; leave --model out, or drop --baseline and --compare")
        }
        var shown: SceneModel?
        if let model {
            do { shown = try SceneModel.load(model) } catch { throw Failure.usage(error.description) }
        }
        let sceneNames = try (scenes.isEmpty ? SceneRegistry.benchmarked.map(\.rawValue) : scenes).map { name in
            guard let s = SceneRegistry.scene(named: name)?.name else { throw Failure.usage("unknown scene '\(name)': use \(SceneRegistry.nameList)") }
            return s
        }
        guard let richness = Richness(rawValue: richness) else { throw Failure.usage("--richness \(self.richness): use minimal, standard or rich") }
        let threadCount = threads ?? Limits.defaultThreads
        if workOnly && baseline == nil { throw Failure.usage("--work-only: give --baseline FILE too") }
        let runs = attempts ?? (baseline == nil || workOnly ? 1 : 3)
        let machine = Self.thisMachine
        if compare == nil, let given = [(compareRuns.map { "--runs \($0)" }), maxRuns.map { "--max-runs \($0)" },
                                        minEffect.map { "--min-effect \(NumberText.short($0))" }].compactMap({ $0 }).first {
            throw Failure.usage("\(given): it is for --compare OTHER_BINARY; leave it out, or compare two binaries (--attempts sets the runs of a plain bench)")
        }
        try claimPaths { claims in
            if let json { try claims.output(json, as: "--json \(json)") }
            if let plot { try claims.output(plot, as: "--plot \(plot)") }
            if let baseline { try claims.input(baseline, as: "--baseline \(baseline)") }
            if let compare { try claims.input(compare, as: "--compare \(compare)") }
            if let model { try claims.input(model, as: "--model \(model)") }
        }
        if let json { try checkWritable(json) }
        if let plot {
            guard plot.hasSuffix(".png") else { throw Failure.usage("--plot \(plot): give a file name ending in .png") }
            try checkWritable(plot)
        }
        if let compare {
            let firstRuns = compareRuns ?? 10, mostRuns = maxRuns ?? 30
            if baseline != nil { throw Failure.usage("--compare: give --compare OTHER_BINARY or --baseline FILE, not both") }
            if plot != nil || attempts != nil || reportMedian {
                throw Failure.usage("--compare: --plot, --attempts and --median do not apply; each run is one attempt")
            }
            // Checked here, once, rather than in every run of this binary.
            if let plantRegression { _ = try SceneBench.Plant(parsing: plantRegression) }
            guard mostRuns >= firstRuns else { throw Failure.usage("--max-runs \(mostRuns): use at least --runs (\(firstRuns))") }
            try BenchComparison(other: compare, scenes: sceneNames.map(\.rawValue), size: size, frames: frames, richness: richness.rawValue,
                                threads: threadCount, samples: samples, budgetMs: budgetMs, stages: stages, runs: firstRuns, maxRuns: mostRuns,
                                minEffect: (minEffect ?? 2) / 100, json: json, plant: plantRegression).run()
            return
        }
        let base = try baseline.map(Self.readBaseline)
        if let base {
            let setup = Gate.Setup(width: size.width, height: size.height, threads: threadCount, richness: richness.rawValue, samples: samples,
                                   frames: sceneNames.map { ($0.rawValue, frames) }, machine: machine)
            if let why = Gate().incompatibility(setup, base, checkMachine: !workOnly) { throw Failure(baselineRefused: why, baseline!) }
        }
        let plant = try plantRegression.map(SceneBench.Plant.init(parsing:))

        var reports: [BenchReport] = []
        var seriesByAttempt: [[(SceneName, [Double])]] = []
        for attempt in 0..<runs {
            var results: [SceneResult] = []
            var series: [(SceneName, [Double])] = []
            for scene in sceneNames {
                if runs > 1 { printError("bench: \(scene.rawValue), attempt \(attempt + 1) of \(runs)") }
                let (result, times) = try Self.measure(scene, size: size, frames: frames, richness: richness,
                                                        threads: threadCount, samples: samples, budgetMs: budgetMs, plant: plant,
                                                        measureStages: stages,
                                                        model: SceneRegistry.scene(named: scene)?.modelUse == ModelUse.none ? nil : shown)
                results.append(result)
                series.append((scene, times))
            }
            seriesByAttempt.append(series)
            reports.append(BenchReport(width: size.width, height: size.height, threads: threadCount,
                                       richness: richness.rawValue, samples: samples, budgetMs: budgetMs, machine: machine, scenes: results))
        }
        let report = reportMedian || base != nil ? Gate.median(of: reports) : Gate.best(of: reports)
        Self.printTable(report)
        if stages { Self.printStages(report) }

        if let json {
            try writeTextFile(report.jsonText(), to: json)
        }
        // The plot shows the same attempt of each scene as the table.
        let plotted = report.scenes.indices.map { seriesByAttempt[report.scenes[$0].attempt - 1][$0] }
        if let plot { try Self.drawPlot(plotted, budgetMs: budgetMs, size: size, richness: richness, to: plot) }
        if let base {
            let gate = Gate()
            let regressions = gate.regressions(report, baseline: base, workOnly: workOnly)
            if regressions.isEmpty {
                print(workOnly ? "gate: pass (work counters only, against \(baseline!))"
                      : "gate: pass (median of \(runs) attempt\(runs == 1 ? "" : "s") against \(baseline!))")
            } else {
                for r in regressions { printError("regression: \(r)") }
                throw Failure(.gate, "benchmark gate failed: \(regressions.count) regression\(regressions.count == 1 ? "" : "s") against \(baseline!) (listed above)")
            }
        }
    }

    /// Renders one scene for `frames` frames and measures it.

    static func measure(_ scene: SceneName, size: Size, frames: Int, richness: Richness, threads: Int, samples: Int,
                        budgetMs: Double, plant: SceneBench.Plant? = nil, measureStages: Bool = false,
                        model: SceneModel? = nil) throws -> (SceneResult, [Double]) {
        let before = Calibration.measure(threads: threads)
        MemoryProbe.resetPeak()
        let fps = BenchScripts.fps
        let settings = RenderSettings(scene: scene, width: size.width, height: size.height, seed: 1,
                                      script: BenchScripts.script(for: scene), richness: richness, threads: threads, fps: fps,
                                      model: model, samples: samples)
        let renderer: SceneRenderer
        do { renderer = try SceneRenderer(settings) } catch { throw Failure.usage("\(error)") }
        // Sample k is frame k · 9600 / N of the 60 fps timeline (BenchScripts.sampledFrame).
        let costs = SceneBench.run(renderer, frames: frames, fps: fps, frameAt: { BenchScripts.sampledFrame($0, of: frames) }, plant: plant)
        let times = costs.map(\.ms)
        let triangles = costs.reduce(0) { $0 + $1.triangles }, fragments = costs.reduce(0) { $0 + $1.fragments }
        let kept = costs.dropFirst(warmupFrames)
        let stageTimes = (scene: kept.map(\.scene), raster: kept.map(\.raster), effects: kept.map(\.effects))
        // Calibrate on both sides of the run, so slow drifts of the machine are averaged in.
        let calibration = (before + Calibration.measure(threads: threads)) / 2
        let measured = Array(times.dropFirst(warmupFrames))
        let over = Double(measured.filter { $0 > budgetMs }.count) / Double(measured.count) * 100
        var result = SceneResult(
            scene: scene.rawValue, frames: frames, frameMs: Percentiles(measured), overBudgetPercent: over,
            peakRSSMB: MemoryProbe.peakResidentMB(), trianglesPerFrame: Double(triangles) / Double(frames),
            fragmentsPerFrame: Double(fragments) / Double(frames), calibrationMs: calibration)
        result.splitBlocksPerFrame = Double(costs.reduce(0) { $0 + $1.splitBlocks }) / Double(frames)
        if measureStages {
            result.stages = [("scene", stageTimes.scene), ("raster", stageTimes.raster), ("effects", stageTimes.effects)]
                .map { StageTimes(stage: $0.0, ms: Percentiles($0.1)) }
        }
        return (result, times)
    }

    /// This machine, with the CPU level this binary was built for.
    static var thisMachine: Machine { Machine.current(cpuLevel: String(cString: photophore_build_level())) }

    /// The stage percentiles of each scene, from the same attempt as its table row.
    static func printStages(_ r: BenchReport) {
        for s in r.scenes {
            for st in s.stages {
                print("\(s.scene) \(st.stage): p50 \(fixed(st.ms.p50, 2)) ms, p95 \(fixed(st.ms.p95, 2)) ms, p99 \(fixed(st.ms.p99, 2)) ms")
            }
            if r.samples > 1 {
                let blocks = Double(((r.width + 7) / 8) * ((r.height + 7) / 8))
                print("\(s.scene) edges: \(fixed(s.splitBlocksPerFrame, 0)) of \(Int(blocks)) 8x8 blocks per frame drawn per sample "
                      + "(\(fixed(100 * s.splitBlocksPerFrame / blocks, 1))%)")
            }
        }
    }

    static func readBaseline(_ path: String) throws -> BenchReport {
        let text = try readTextFile(path, what: "baseline")
        do {
            return try BenchReport(jsonText: text)
        } catch {
            throw Failure.usage("--baseline \(path) is not a benchmark report: \(error); record one with tools/update-baseline.sh")
        }
    }

    static func printTable(_ r: BenchReport) {
        func cell(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        func ms(_ v: Double) -> String { JSONValue.format((v * 100).rounded() / 100) }
        print("bench \(r.width)x\(r.height) \(r.richness), \(r.threads) threads, budget \(ms(r.budgetMs)) ms"
              + (r.machine.map { ", on \($0)" } ?? ""))
        print("scene      " + cell("frames", 7) + cell("p50", 8) + cell("p95", 8) + cell("p99", 8) + cell("max", 8)
              + cell("over", 8) + cell("fps", 7) + cell("RSS MB", 8) + cell("tris/frame", 12) + cell("frags/frame", 13))
        for s in r.scenes {
            print(s.scene.padding(toLength: 11, withPad: " ", startingAt: 0) + cell(String(s.frames), 7)
                  + cell(ms(s.frameMs.p50), 8) + cell(ms(s.frameMs.p95), 8) + cell(ms(s.frameMs.p99), 8) + cell(ms(s.frameMs.max), 8)
                  + cell(ms(s.overBudgetPercent) + "%", 8) + cell(JSONValue.format(s.fps.rounded()), 7)
                  + cell(JSONValue.format((s.peakRSSMB * 10).rounded() / 10), 8)
                  + cell(String(Int(s.trianglesPerFrame.rounded())), 12) + cell(String(Int(s.fragmentsPerFrame.rounded())), 13)
                  + (s.attempts > 1 ? "  attempt \(s.attempt) of \(s.attempts)" : ""))
        }
    }

    static func drawPlot(_ series: [(SceneName, [Double])], budgetMs: Double, size: Size, richness: Richness, to path: String) throws {
        let top = max(budgetMs * 1.5, series.flatMap(\.1).max() ?? budgetMs)
        let panels = series.map { scene, times -> ChartPanel in
            var p = ChartPanel(title: "\(scene.rawValue): frame time, \(size) \(richness.rawValue)", xLabel: "frame",
                               yLabel: "ms", xRange: 0...Double(max(1, times.count - 1)), yRange: 0...top)
            p.lines = [ChartPanel.Line(color: SceneRegistry.memoryWording(of: scene).colour,
                                       points: times.enumerated().map { SIMD2(Double($0.offset), min($0.element, top)) }, thickness: 2)]
            p.rules = [ChartPanel.Rule(y: budgetMs, color: SIMD3(1, 0.3, 0.3), label: "budget \(JSONValue.format(budgetMs)) ms")]
            return p
        }
        let chart = Chart(title: "photophore bench", panels: panels)
        let image: Image8
        do { image = try chart.render(width: 1280, height: 140 + 300 * panels.count) } catch { throw Failure.runtime("cannot draw the plot: \(error)") }
        do { try PNG.write(image, to: path) } catch { throw Failure.runtime(error.description) }
    }
}

extension Failure {
    /// `--baseline FILE` refused before anything ran: exit 5 when it comes from another
    /// machine kind or build (nothing was compared), else exit 2.
    init(baselineRefused why: Incompatibility, _ path: String) {
        self.init(why.kind == .otherMachine ? .otherMachine : .usage, "--baseline \(path): \(why.message)")
    }
}

extension SceneBench.Plant {
    /// `--plant-regression`: work, time or STAGE:PERCENT.
    init(parsing text: String) throws {
        switch text {
        case "work": self = .work
        case "time": self = .time
        default:
            let parts = text.split(separator: ":")
            guard parts.count == 2, let stage = FrameStage(rawValue: String(parts[0])), let pct = Double(parts[1]), (0...1000).contains(pct) else {
                throw Failure.usage("--plant-regression \(text): use work, time or STAGE:PERCENT (STAGE scene, raster or effects; PERCENT 0 to 1000)")
            }
            self = .stage(stage, pct)
        }
    }
}
