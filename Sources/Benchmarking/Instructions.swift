import Foundation
import JSONWriter

/// Instruction counts of each stage of a frame, counted by Valgrind's callgrind
/// (`photophore bench instructions`): the gate's leg that noise cannot move.
///
/// A frame renders on one thread inside callgrind, and only the instructions between the
/// start and the end of a stage are counted. For the same binary, settings and frames the
/// counts are the same on every run, whatever else the machine does, so a change of a
/// fraction of a percent is a change of the code path. They are comparable only for the same
/// build: the same CPU level (callgrind cannot run AVX-512 code, so the counts come from an
/// x86-64-v3 build) and the same compiler.
public struct InstructionReport: Codable, Equatable, Sendable {
    /// Render size [width, height].
    public var size: [Int]
    public var richness: String
    /// Frames counted per scene, sampled evenly over the bench timeline (`BenchScripts`).
    public var frames: Int
    /// Anti-aliasing samples per pixel the frames were drawn with; 1 in reports from before
    /// anti-aliasing, which have no such field.
    public var samples: Int
    public var build: InstructionBuild
    public var scenes: [SceneInstructions]

    public init(width: Int, height: Int, richness: String, frames: Int, samples: Int, build: InstructionBuild, scenes: [SceneInstructions]) {
        size = [width, height]
        self.richness = richness
        self.frames = frames
        self.samples = samples
        self.build = build
        self.scenes = scenes
    }

    /// The report as the JSON that `--json` writes and `--baseline` reads (the one JSON writer).
    public func jsonText() -> String {
        // Plain strings and integers: encoding cannot fail.
        ((try? JSONOutput.text(self, pretty: true)) ?? "{}") + "\n"
    }

    private enum CodingKeys: String, CodingKey { case size, richness, frames, samples, build, scenes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        size = try c.decode([Int].self, forKey: .size)
        richness = try c.decode(String.self, forKey: .richness)
        frames = try c.decode(Int.self, forKey: .frames)
        samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? 1
        build = try c.decode(InstructionBuild.self, forKey: .build)
        scenes = try c.decode([SceneInstructions].self, forKey: .scenes)
    }

    /// Reads a report; the error says which field is wrong.
    public init(jsonText: String) throws(ReportError) {
        do {
            self = try JSONDecoder().decode(InstructionReport.self, from: Data(jsonText.utf8))
        } catch {
            throw ReportError(decoding: error)
        }
        guard size.count == 2 else { throw ReportError(message: "size must be [width, height]") }
    }
}

/// What instruction counts depend on besides the settings: the build (its CPU level, its
/// compiler and its optimisation), which `sameBuild(as:)` compares, and the CPU the counts
/// were taken on, recorded for information only.
public struct InstructionBuild: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The build's CPU level, e.g. "x86-64-v3" (the `-march` of its flags).
    public var cpuLevel: String
    /// The Swift compiler the build came from, e.g. "Swift 6.3".
    public var compiler: String
    /// "release" or "debug": the build configuration, which sets the optimisation flags.
    public var configuration: String
    /// The CPU the counts were taken on (/proc/cpuinfo's model name). Not compared: the
    /// instructions are the build's, and what the C library picks by CPU (its string
    /// functions) moves the counts by far less than the gate's tolerance.
    public var cpuModel: String

    public init(cpuLevel: String, compiler: String = InstructionBuild.thisCompiler,
                configuration: String = InstructionBuild.thisConfiguration,
                cpuModel: String = Machine.cpuModel(cpuinfo: readSmallFile("/proc/cpuinfo") ?? "")) {
        self.cpuLevel = cpuLevel
        self.compiler = compiler
        self.configuration = configuration
        self.cpuModel = cpuModel
    }

    enum CodingKeys: String, CodingKey {
        case cpuLevel = "cpu_level", compiler, configuration
        case cpuModel = "cpu_model"
    }

    /// Reads a build; a report from before `configuration` was recorded is a release build
    /// (tools/gate-instructions.sh has always counted one).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cpuLevel = try c.decode(String.self, forKey: .cpuLevel)
        compiler = try c.decode(String.self, forKey: .compiler)
        configuration = try c.decodeIfPresent(String.self, forKey: .configuration) ?? "release"
        cpuModel = try c.decode(String.self, forKey: .cpuModel)
    }

    /// The same build: CPU level, compiler and configuration. The CPU model may differ.
    public func sameBuild(as other: InstructionBuild) -> Bool {
        cpuLevel == other.cpuLevel && compiler == other.compiler && configuration == other.configuration
    }

    public var description: String { "a \(cpuLevel) \(configuration) build of \(compiler) (on \(cpuModel))" }

    /// The configuration of this build.
    public static var thisConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    /// The compiler of this build, to the minor version.
    public static var thisCompiler: String {
        #if compiler(>=6.5)
        return "Swift 6.5 or newer"
        #elseif compiler(>=6.4)
        return "Swift 6.4"
        #elseif compiler(>=6.3)
        return "Swift 6.3"
        #elseif compiler(>=6.2)
        return "Swift 6.2"
        #else
        return "Swift 6.1"
        #endif
    }
}

/// One scene's counts: per stage, the instructions of all counted frames together.
public struct SceneInstructions: Codable, Equatable, Sendable {
    public var scene: String
    public var stages: [StageInstructions]

    public init(scene: String, stages: [StageInstructions]) {
        self.scene = scene
        self.stages = stages
    }

    /// All stages together.
    public var total: UInt64 { stages.reduce(0) { $0 + $1.instructions } }
}

/// One stage's instructions over the counted frames.
public struct StageInstructions: Codable, Equatable, Sendable {
    public var stage: String
    public var instructions: UInt64

    public init(stage: String, instructions: UInt64) {
        self.stage = stage
        self.instructions = instructions
    }
}

/// The instruction leg of the regression gate.
public struct InstructionGate: Sendable {
    /// Growth allowed before a stage counts as regressed. Counts repeat exactly for the same
    /// binary and inputs, so this only has to absorb what the C library picks for the host
    /// (its string functions differ a little between CPUs).
    public var tolerance = 0.01

    public init() {}

    /// Why `current` cannot be compared with `baseline`, in one line that says what to do:
    /// other settings, or a scene the baseline has no counts of (`.settings`), or another
    /// build (`.otherMachine`: `InstructionBuild.sameBuild`).
    public func incompatibility(width: Int, height: Int, richness: String, frames: Int, samples: Int, scenes: [String],
                                build: InstructionBuild, baseline: InstructionReport) -> Incompatibility? {
        func settings(_ message: String) -> Incompatibility { Incompatibility(.settings, message) }
        let advice = "record one with tools/gate-instructions.sh --record"
        if baseline.size != [width, height] {
            return settings("the baseline was counted at \(baseline.size.map(String.init).joined(separator: "x")); run with --size \(baseline.size.map(String.init).joined(separator: "x"))")
        }
        if baseline.richness != richness { return settings("the baseline was counted with --richness \(baseline.richness); run with --richness \(baseline.richness)") }
        if baseline.frames != frames { return settings("the baseline counted \(baseline.frames) frames per scene; run with --frames \(baseline.frames)") }
        if baseline.samples != samples {
            return settings("the baseline was counted with --samples \(baseline.samples); run with --samples \(baseline.samples)")
        }
        for s in scenes where !baseline.scenes.contains(where: { $0.scene == s }) {
            return settings("the baseline has no counts of \(s); count them into it with tools/gate-instructions.sh --record")
        }
        if !baseline.build.sameBuild(as: build) {
            return Incompatibility(.otherMachine, "the baseline was counted with \(baseline.build), this is \(build): counts differ between builds; \(advice)")
        }
        return nil
    }

    /// Every stage whose count grew by more than the tolerance. Empty means the leg passes.
    public func regressions(_ current: InstructionReport, baseline: InstructionReport) -> [Gate.Regression] {
        changes(current, baseline: baseline).filter { $0.current > $0.limit }
    }

    /// Every stage's count beside the baseline's, with its limit.
    public func changes(_ current: InstructionReport, baseline: InstructionReport) -> [Gate.Regression] {
        var out: [Gate.Regression] = []
        for s in current.scenes {
            guard let b = baseline.scenes.first(where: { $0.scene == s.scene }) else { continue }
            for st in s.stages {
                guard let then = b.stages.first(where: { $0.stage == st.stage }) else { continue }
                out.append(Gate.Regression(scene: s.scene, what: "\(st.stage) instructions", baseline: Double(then.instructions),
                                           current: Double(st.instructions), limit: Double(then.instructions) * (1 + tolerance)))
            }
        }
        return out
    }
}

/// Reads callgrind's dump files (its "callgrind.out" format).
public enum CallgrindDump {
    /// The dump's trigger (for a client request, the text given to it) and its total
    /// instruction count; nil when the text is not a callgrind dump.
    public static func parse(_ text: String) -> (trigger: String, instructions: UInt64)? {
        var trigger: String?
        var totals: UInt64?
        var summary: UInt64?
        var events: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("desc: Trigger: ") {
                var t = line.dropFirst("desc: Trigger: ".count)
                if t.hasPrefix("Client Request: ") { t = t.dropFirst("Client Request: ".count) }
                trigger = String(t)
            } else if line.hasPrefix("events:") {
                events = String(line.dropFirst("events:".count))
            } else if line.hasPrefix("totals:") {
                totals = firstCount(line.dropFirst("totals:".count))
            } else if line.hasPrefix("summary:") {
                summary = firstCount(line.dropFirst("summary:".count))
            }
        }
        // The first event is Ir (instructions) unless callgrind was told otherwise.
        guard let trigger, let n = totals ?? summary,
              events.map({ $0.split(separator: " ").first == "Ir" }) ?? true else { return nil }
        return (trigger, n)
    }

    private static func firstCount(_ s: Substring) -> UInt64? {
        s.split(separator: " ").first.flatMap { UInt64($0) }
    }
}
