import ArgumentParser
import Dispatch
import Foundation
import Benchmarking
import CPUCheck
import CProbe
import Engine
import Mind
import Raster
import Simulation
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// `photophore bench instructions`: the instructions of each stage of a frame, counted by
/// Valgrind's callgrind, and the gate on them (docs/cli.md, bench instructions).
///
/// The command runs itself under `valgrind --tool=callgrind` once per scene (the inner run
/// has `--inside-valgrind`). The inner run steps the bench timeline uninstrumented, renders
/// each sampled frame on one thread, and around each stage switches callgrind's collection
/// on and off and dumps the counts (`SceneRenderer.stageHook`). The outer run reads the dumps
/// and sums them per stage.
struct BenchInstructionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instructions",
        abstract: "Count each stage's instructions with Valgrind's callgrind, and gate on them.",
        discussion: """
            Each scene renders --frames frames on one thread inside callgrind, sampled evenly \
            over the bench timeline (frame k * 9600 / N of the built-in scripts at 60 fps). \
            The report gives, per scene and stage (scene, raster, effects), the instructions \
            of those frames together. The counts repeat exactly for the same binary and \
            settings, whatever else the machine does. With --baseline FILE a stage that \
            grew by more than 1% is a regression (exit 3). Counts are only compared for the \
            same build (CPU level, compiler and configuration, whatever the CPU model) and \
            settings: a baseline of another build stops the run with exit 5 (nothing \
            compared); other settings, a scene the baseline lacks, or a baseline that cannot \
            be read stop it with exit 2. Callgrind cannot run AVX-512 code: count with an x86-64-v3 build \
            (tools/gate-instructions.sh builds one). A frame costs about a second of \
            callgrind at 640x360.
            """)

    @Argument(help: "Scenes to count (default: both).")
    var scenes: [String] = []

    @Option(parsing: .unconditional, help: "Render size, WIDTHxHEIGHT, each side 1 to 8192 (default: 640x360).", transform: Parse.size)
    var size = Size(width: 640, height: 360)

    @Option(parsing: .unconditional, help: "Frames counted per scene, 1 to 64 (default: 6).", transform: Parse.int(1...64))
    var frames = 6

    @Option(help: "minimal, standard or rich.")
    var richness = "rich"

    @Option(parsing: .unconditional, help: "Anti-aliasing samples per pixel: 1, 2, 4 or 8 (default: 4).", transform: Parse.samples)
    var samples = SamplePattern.standard

    @Option(help: ArgumentHelp("Write the report as JSON (the baseline format).", valueName: "FILE"))
    var json: String?

    @Option(help: ArgumentHelp("Compare with this report and exit 3 when a stage grew by more than 1%.", valueName: "FILE"))
    var baseline: String?

    @Option(help: ArgumentHelp("The valgrind program (default: valgrind on PATH).", valueName: "PATH"))
    var valgrind: String?

    /// For measuring the gate's power (tools/gate-power.sh): STAGE:PERCENT, with --baseline,
    /// adds that percentage of the baseline's instructions of the stage to every frame of it,
    /// as steps of fixed work (`photophore_planted_work`) at the end of the stage.
    @Option(name: .customLong("plant-regression"), help: .hidden)
    var plantRegression: String?

    /// What the outer run hands the inner one: STAGE:STEPS of planted work per frame.
    @Option(name: .customLong("plant-steps"), help: .hidden)
    var plantSteps: String?

    /// The inner run that counts the instructions of one planted step instead of a scene.
    @Flag(name: .customLong("count-planted-step"), help: .hidden)
    var countPlantedStep = false

    /// The run callgrind starts; never given by hand.
    @Flag(name: .customLong("inside-valgrind"), help: .hidden)
    var insideValgrind = false

    func run() throws {
        let names = try (scenes.isEmpty ? SceneRegistry.benchmarked.map(\.rawValue) : scenes).map { name in
            guard let s = SceneRegistry.scene(named: name)?.name else { throw Failure.usage("unknown scene '\(name)': use \(SceneRegistry.nameList)") }
            return s
        }
        guard let richness = Richness(rawValue: richness) else { throw Failure.usage("--richness \(self.richness): use minimal, standard or rich") }
        if insideValgrind {
            guard photophore_running_on_valgrind() != 0 else {
                throw Failure.usage("--inside-valgrind is for the run bench instructions starts under callgrind")
            }
            if countPlantedStep {
                Self.countPlantedSteps()
                return
            }
            guard names.count == 1 else { throw Failure.usage("--inside-valgrind counts one scene") }
            try countInside(names[0], richness: richness, plant: try plantSteps.map(Self.parsePlantSteps))
            return
        }
        let plant = try plantRegression.map { text -> (FrameStage, Double) in
            let parts = text.split(separator: ":")
            guard parts.count == 2, let stage = FrameStage(rawValue: String(parts[0])), let pct = Double(parts[1]), (0...1000).contains(pct) else {
                throw Failure.usage("--plant-regression \(text): use STAGE:PERCENT, STAGE one of scene, raster, effects, PERCENT 0 to 1000")
            }
            guard baseline != nil else { throw Failure.usage("--plant-regression: give --baseline FILE too; the plant is a share of its counts") }
            return (stage, pct)
        }
        if let json { try checkWritable(json) }
        let build = InstructionBuild(cpuLevel: String(cString: photophore_build_level()))
        // The baseline is judged before anything else: a baseline of another build is exit 5
        // whatever this machine could count.
        let base = try baseline.map { path -> InstructionReport in
            let text = try readTextFile(path, what: "baseline")
            do { return try InstructionReport(jsonText: text) } catch {
                throw Failure.usage("--baseline \(path) is not an instruction report: \(error); record one with tools/gate-instructions.sh --record")
            }
        }
        let gate = InstructionGate()
        if let base, let why = gate.incompatibility(width: size.width, height: size.height, richness: richness.rawValue, frames: frames, samples: samples,
                                                    scenes: names.map(\.rawValue), build: build, baseline: base) {
            throw Failure(baselineRefused: why, baseline!)
        }
        guard photophore_callgrind_built_in() == 1 else {
            throw Failure.usage("this build has no callgrind requests: install valgrind (tools/setup.sh does), then build again")
        }
        guard build.cpuLevel != "x86-64-v4" else {
            throw Failure.usage("callgrind cannot run this AVX-512 build: count with an x86-64-v3 build (tools/gate-instructions.sh builds one)")
        }
        let valgrindPath = try valgrind ?? Self.onPath("valgrind") ?? {
            throw Failure.usage("valgrind is not installed: install it (apt-get install valgrind, or tools/setup.sh)")
        }()
        guard access(valgrindPath, X_OK) == 0 else { throw Failure.usage("--valgrind \(valgrindPath): not an executable file") }

        // Valgrind 3.19 cannot read the compiler's DWARF 5 debug information: callgrind runs a
        // copy of this program without it (the same code, so the same instructions).
        let dir = try makeTemporaryDirectory("photophore-callgrind")
        let counted = dir + "/photophore"
        defer {
            unlink(counted)
            rmdir(dir)
        }
        try Self.copyWithoutDebugInfo(BenchComparison.ownPath(), to: counted)
        let runner = Runner(valgrind: valgrindPath, program: counted)
        // Instructions of one step of planted work, counted once.
        let stepInstructions = try plant.map { _ in try runner.count(["--count-planted-step"], what: "the planted step") }
        // Each scene's callgrind is one single-threaded process: the scenes count side by side,
        // as many at once as there are CPUs.
        var jobs: [[String]] = []
        for scene in names {
            var args = [scene.rawValue, "--size", size.description, "--frames", String(frames), "--richness", richness.rawValue,
                        "--samples", String(samples)]
            if let (stage, pct) = plant, let base, let stepInstructions,
               let then = base.scenes.first(where: { $0.scene == scene.rawValue })?.stages.first(where: { $0.stage == stage.rawValue }) {
                let perStep = Double(stepInstructions[.scene] ?? 1) / Double(Self.calibrationSteps)
                let steps = (pct / 100 * Double(then.instructions) / Double(frames) / perStep).rounded()
                args += ["--plant-steps", "\(stage.rawValue):\(Int(steps))"]
            }
            jobs.append(args)
        }
        printError("bench instructions: \(names.map(\.rawValue).joined(separator: " and ")), \(frames) frame\(frames == 1 ? "" : "s") each in callgrind")
        let outcomes = Outcomes(count: jobs.count)
        let expected = frames * FrameStage.allCases.count
        let width = max(1, min(jobs.count, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        let jobList = jobs
        DispatchQueue.concurrentPerform(iterations: width) { worker in
            for i in stride(from: worker, to: jobList.count, by: width) {
                outcomes.set(i, Result { try runner.count(jobList[i], what: jobList[i][0], dumps: expected) })
            }
        }
        var results: [SceneInstructions] = []
        for (scene, outcome) in zip(names, outcomes.all) {
            let sums = try outcome.get()
            results.append(SceneInstructions(scene: scene.rawValue, stages: FrameStage.allCases.map {
                StageInstructions(stage: $0.rawValue, instructions: sums[$0] ?? 0)
            }))
        }
        let report = InstructionReport(width: size.width, height: size.height, richness: richness.rawValue, frames: frames,
                                       samples: samples, build: build, scenes: results)
        printTable(report, baseline: base)
        if let json {
            try writeTextFile(report.jsonText(), to: json)
        }
        if let base {
            let regressions = gate.regressions(report, baseline: base)
            if regressions.isEmpty {
                print("gate: pass (instructions within \(Int(gate.tolerance * 100))% of \(baseline!))")
            } else {
                for r in regressions { printError("regression: \(r)") }
                throw Failure(.gate, "instruction gate failed: \(regressions.count) stage\(regressions.count == 1 ? "" : "s") grew against \(baseline!) (listed above)")
            }
        }
    }

    static func parsePlantSteps(_ text: String) throws -> (FrameStage, UInt64) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let stage = FrameStage(rawValue: String(parts[0])), let n = UInt64(parts[1]), n <= 1 << 40 else {
            throw Failure.usage("--plant-steps \(text): use STAGE:STEPS, STAGE one of scene, raster, effects")
        }
        return (stage, n)
    }

    /// Steps of planted work whose instructions `--count-planted-step` counts.
    static let calibrationSteps: UInt64 = 1_000_000

    /// The inner run of `--count-planted-step`: one dump, under the stage name "scene", of
    /// `calibrationSteps` steps of planted work.
    static func countPlantedSteps() {
        photophore_callgrind_start_instrumentation()
        photophore_callgrind_toggle_collect()
        let x = photophore_planted_work(calibrationSteps, 7)
        photophore_callgrind_toggle_collect()
        photophore_callgrind_dump("photophore planted scene 0")
        photophore_callgrind_stop_instrumentation()
        if x == 1 { printError("") }
    }

    /// `objcopy --strip-debug FROM TO`.
    static func copyWithoutDebugInfo(_ from: String, to: String) throws {
        guard let objcopy = onPath("objcopy") else {
            throw Failure.usage("objcopy is not installed: install binutils (apt-get install binutils, or tools/setup.sh)")
        }
        let log = to + ".log"
        defer { unlink(log) }
        let status = try BenchComparison.spawn([objcopy, "--strip-debug", from, to], output: log)
        guard status == 0 else {
            let why = (readSmallFile(log) ?? "").split(separator: "\n").last.map(String.init) ?? "no message"
            throw Failure.runtime("bench instructions: objcopy --strip-debug \(from) failed: \(why)")
        }
    }

    /// The results of the scenes' callgrind runs, filled from several threads.
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<[FrameStage: UInt64], any Error>]
        init(count: Int) { results = Array(repeating: .failure(Failure.runtime("bench instructions: a count did not run")), count: count) }
        func set(_ i: Int, _ r: Result<[FrameStage: UInt64], any Error>) { lock.withLock { results[i] = r } }
        var all: [Result<[FrameStage: UInt64], any Error>] { lock.withLock { results } }
    }

    /// Runs the counted copy of this program under callgrind.
    struct Runner: Sendable {
        var valgrind: String
        var program: String

        /// Runs `bench instructions --inside-valgrind ARGS` and sums its dumps per stage;
        /// `dumps` is how many stage dumps it must have written.
        func count(_ inner: [String], what: String, dumps expected: Int = 1) throws -> [FrameStage: UInt64] {
            let dir = try makeTemporaryDirectory("photophore-callgrind")
            // callgrind writes callgrind.out.1 … one per dump, and callgrind.out at the end.
            defer {
                for name in ["log.txt", "callgrind.out"] + (1...expected + 1).map({ "callgrind.out.\($0)" }) { unlink(dir + "/" + name) }
                rmdir(dir)
            }
            let log = dir + "/log.txt"
            // Swift seeds its hashing at random in each process, which moves the instruction
            // counts of dictionary and set code from run to run; the counted run hashes the same
            // way every time. (No frame's bytes depend on hashing.)
            setenv("SWIFT_DETERMINISTIC_HASHING", "1", 1)
            let args = [valgrind, "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
                        "--callgrind-out-file=\(dir)/callgrind.out", program, "bench", "instructions", "--inside-valgrind"] + inner
            let status = try BenchComparison.spawn(args, output: log)
            guard status == 0 else {
                let lines = (readSmallFile(log, limit: nil) ?? "").split(separator: "\n")
                let why = lines.last(where: { $0.contains("photophore:") || $0.contains("unhandled instruction") }) ?? lines.last ?? "no message"
                throw Failure.runtime("bench instructions: callgrind of \(what) exited with \(status): \(why)")
            }
            var sums: [FrameStage: UInt64] = [:]
            var dumps = 0
            for n in 1...(expected + 1) {
                guard let text = readSmallFile("\(dir)/callgrind.out.\(n)", limit: nil) else { continue }
                guard let (trigger, count) = CallgrindDump.parse(text) else {
                    throw Failure.runtime("bench instructions: callgrind.out.\(n) of \(what) is not a callgrind dump")
                }
                // "photophore SCENE STAGE FRAME"
                let words = trigger.split(separator: " ")
                guard words.count == 4, words[0] == "photophore", let stage = FrameStage(rawValue: String(words[2])) else { continue }
                sums[stage, default: 0] += count
                dumps += 1
            }
            guard dumps == expected else {
                throw Failure.runtime("bench instructions: callgrind wrote \(dumps) stage dumps of \(what), expected \(expected)")
            }
            return sums
        }
    }

    /// The run inside callgrind: the bench timeline, one thread, counts per stage.
    func countInside(_ scene: SceneName, richness: Richness, plant: (FrameStage, UInt64)?) throws {
        let fps = BenchScripts.fps
        let settings = RenderSettings(scene: scene, width: size.width, height: size.height, seed: 1,
                                      script: BenchScripts.script(for: scene), richness: richness, threads: 1, fps: fps, samples: samples)
        let renderer: SceneRenderer
        do { renderer = try SceneRenderer(settings) } catch { throw Failure.usage("\(error)") }
        var image = Image8(width: size.width, height: size.height)
        var frameIndex = 0
        var sink: UInt64 = 0
        renderer.stageHook = StageHook(
            begin: { _ in photophore_callgrind_toggle_collect() },
            end: { stage in
                if let (planted, n) = plant, planted == stage { sink &+= photophore_planted_work(n, UInt64(frameIndex)) }
                photophore_callgrind_toggle_collect()
                photophore_callgrind_dump("photophore \(scene.rawValue) \(stage.rawValue) \(frameIndex)")
            })
        for k in 0..<frames {
            frameIndex = k
            let frame = BenchScripts.sampledFrame(k, of: frames)
            let (n, alpha) = FixedStep.position(frame: frame, fps: fps)
            renderer.simulate(toStep: alpha > 0 ? n + 1 : n)
            photophore_callgrind_start_instrumentation()
            renderer.render(frame: frame, into: &image)
            photophore_callgrind_stop_instrumentation()
        }
        // Keeps the planted work's result alive.
        if sink == 1 { printError("") }
    }

    static func onPath(_ program: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where access("\(dir)/\(program)", X_OK) == 0 { return "\(dir)/\(program)" }
        return nil
    }

    func printTable(_ r: InstructionReport, baseline: InstructionReport?) {
        func cell(_ s: String, _ w: Int) -> String { s.count >= w ? " " + s : String(repeating: " ", count: w - s.count) + s }
        print("instructions \(r.size[0])x\(r.size[1]) \(r.richness), \(r.frames) frame\(r.frames == 1 ? "" : "s") per scene, one thread, \(r.build)")
        print("scene      stage   " + cell("instructions", 16) + cell("per frame", 14) + (baseline == nil ? "" : cell("baseline", 16) + cell("change", 9)))
        for s in r.scenes {
            for st in s.stages {
                var line = s.scene.padding(toLength: 11, withPad: " ", startingAt: 0) + st.stage.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + cell(String(st.instructions), 16) + cell(String(st.instructions / UInt64(r.frames)), 14)
                if let then = baseline?.scenes.first(where: { $0.scene == s.scene })?.stages.first(where: { $0.stage == st.stage }) {
                    let change = then.instructions > 0 ? (Double(st.instructions) / Double(then.instructions) - 1) * 100 : 0
                    line += cell(String(then.instructions), 16) + cell((change >= 0 ? "+" : "") + fixed(change, 2) + "%", 9)
                }
                print(line)
            }
        }
    }
}
