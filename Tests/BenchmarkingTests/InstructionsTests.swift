import Benchmarking
import Testing

/// The instruction leg of the gate: reading callgrind's dumps, the report's JSON, and the
/// comparison with a baseline. (`bench instructions` itself runs under Valgrind, which cannot
/// run an AVX-512 build; CI runs it end to end with tools/gate-instructions.sh and
/// tools/gate-power.sh --quick.)
@Suite struct InstructionsTests {
    static let build = InstructionBuild(cpuLevel: "x86-64-v3", compiler: "Swift 6.3", cpuModel: "Test CPU")

    static func report(raster: UInt64 = 100_000_000, frames: Int = 3, build: InstructionBuild = InstructionsTests.build) -> InstructionReport {
        InstructionReport(width: 640, height: 360, richness: "rich", frames: frames, samples: 4, build: build, scenes: [
            SceneInstructions(scene: "candlefish", stages: [
                StageInstructions(stage: "scene", instructions: 2_000_000),
                StageInstructions(stage: "raster", instructions: raster),
                StageInstructions(stage: "effects", instructions: 36_000_000),
            ]),
        ])
    }

    @Test func aDumpGivesItsTriggerAndTotal() throws {
        let dump = """
            # callgrind format
            version: 1
            creator: callgrind-3.19.0
            desc: Timerange: Basic block 0 - 1774992
            desc: Trigger: Client Request: photophore emergence scene 0

            positions: line
            events: Ir
            summary: 11709445

            fn=(156) x
            0 11

            totals: 11709445
            """
        let parsed = try #require(CallgrindDump.parse(dump))
        #expect(parsed.trigger == "photophore emergence scene 0")
        #expect(parsed.instructions == 11_709_445)
    }

    @Test func theTotalWinsOverTheSummary() throws {
        // Callgrind's last dump can carry a wrapped-around summary; its totals line is right.
        let dump = "desc: Trigger: Program termination\nevents: Ir\nsummary: 18446744073615816302\n\ntotals: 0\n"
        let parsed = try #require(CallgrindDump.parse(dump))
        #expect(parsed.trigger == "Program termination" && parsed.instructions == 0)
    }

    @Test func otherTextIsNotADump() {
        #expect(CallgrindDump.parse("") == nil)
        #expect(CallgrindDump.parse("hello\nworld\n") == nil)
        // A dump of another event than instructions.
        #expect(CallgrindDump.parse("desc: Trigger: x\nevents: Dr\ntotals: 5\n") == nil)
    }

    @Test func aReportReadsBackAsWritten() throws {
        let r = Self.report()
        #expect(try InstructionReport(jsonText: r.jsonText()) == r)
        #expect(r.jsonText().contains("\"cpu_level\" : \"x86-64-v3\""))
    }

    /// True when `body` throws an error whose text is `message`.
    static func failure(_ message: String, _ body: () throws -> Void) -> Bool {
        do {
            try body()
            return false
        } catch {
            return "\(error)" == message
        }
    }

    @Test func aBrokenReportSaysWhichFieldIsWrong() {
        #expect(Self.failure("not JSON") { _ = try InstructionReport(jsonText: "{") })
        #expect(Self.failure("build is missing") {
            _ = try InstructionReport(jsonText: #"{"size": [1, 2], "richness": "rich", "frames": 3, "scenes": []}"#)
        })
        #expect(Self.failure("scenes[0].stages[0].instructions has the wrong type") {
            _ = try InstructionReport(jsonText: #"""
                {"size": [1, 2], "richness": "rich", "frames": 3, "build": {"cpu_level": "x86-64-v3", "compiler": "Swift 6.3", "cpu_model": "Test CPU"},
                 "scenes": [{"scene": "candlefish", "stages": [{"stage": "raster", "instructions": "many"}]}]}
                """#)
        })
        #expect(Self.failure("size must be [width, height]") {
            _ = try InstructionReport(jsonText: #"{"size": [1], "richness": "rich", "frames": 3, "build": {"cpu_level": "v3", "compiler": "c", "cpu_model": "m"}, "scenes": []}"#)
        })
    }

    @Test func growthBeyondOnePercentIsARegression() {
        let gate = InstructionGate()
        #expect(gate.regressions(Self.report(), baseline: Self.report()).isEmpty)
        #expect(gate.regressions(Self.report(raster: 100_900_000), baseline: Self.report()).isEmpty)
        let r = gate.regressions(Self.report(raster: 102_000_000), baseline: Self.report())
        #expect(r.count == 1)
        #expect(r.first?.what == "raster instructions")
        #expect(r.first?.description.contains("+2%") == true)
        // Fewer instructions never fail.
        #expect(gate.regressions(Self.report(raster: 50_000_000), baseline: Self.report()).isEmpty)
    }

    @Test func countsOfAnotherBuildOrSettingAreRefused() throws {
        let gate = InstructionGate()
        func why(frames: Int = 3, richness: String = "rich", width: Int = 640, samples: Int = 4, scenes: [String] = ["candlefish"],
                 build: InstructionBuild = Self.build, baseline: InstructionReport = Self.report()) -> String? {
            let refused = gate.incompatibility(width: width, height: 360, richness: richness, frames: frames, samples: samples, scenes: scenes,
                                               build: build, baseline: baseline)
            // Only another build is "another machine kind or build" (exit 5); the rest is exit 2.
            #expect(refused.map { $0.kind == (build.sameBuild(as: Self.build) ? .settings : .otherMachine) } ?? true, "\(build)")
            return refused?.message
        }
        #expect(why() == nil)
        #expect(why(frames: 6)?.contains("run with --frames 3") == true)
        #expect(why(richness: "minimal")?.contains("--richness rich") == true)
        #expect(why(width: 1280)?.contains("--size 640x360") == true)
        #expect(why(samples: 1)?.contains("run with --samples 4") == true)
        // A report from before anti-aliasing, without the field, counted 1 sample.
        let older = try InstructionReport(jsonText: Self.report().jsonText().replacing("\"samples\" : 4,", with: ""))
        #expect(older.samples == 1)
        #expect(why(samples: 1, baseline: older) == nil)
        #expect(why(samples: 4, baseline: older)?.contains("run with --samples 1") == true)
        #expect(why(scenes: ["candlefish", "emergence"])?.contains("no counts of emergence") == true)
        // The same build on another CPU model compares: the counts are the build's.
        #expect(why(build: InstructionBuild(cpuLevel: "x86-64-v3", compiler: "Swift 6.3", cpuModel: "Other CPU")) == nil)
        let other = why(build: InstructionBuild(cpuLevel: "x86-64-v3", compiler: "Swift 6.4", cpuModel: "Test CPU"))
        #expect(other?.contains("Swift 6.4") == true && other?.contains("tools/gate-instructions.sh --record") == true)
        #expect(why(build: InstructionBuild(cpuLevel: "portable", compiler: "Swift 6.3", cpuModel: "Test CPU"))?.contains("portable") == true)
        let debug = why(build: InstructionBuild(cpuLevel: "x86-64-v3", compiler: "Swift 6.3",
                                                configuration: Self.build.configuration == "debug" ? "release" : "debug", cpuModel: "Test CPU"))
        #expect(debug != nil)
    }

    /// A report from before the configuration was recorded reads as a release build, and its
    /// CPU model is kept for information.
    @Test func aReportWithoutTheConfigurationIsARelease() throws {
        let r = try InstructionReport(jsonText: #"""
            {"size": [640, 360], "richness": "rich", "frames": 3, "scenes": [],
             "build": {"cpu_level": "x86-64-v3", "compiler": "Swift 6.3", "cpu_model": "AMD EPYC"}}
            """#)
        #expect(r.build.configuration == "release" && r.build.cpuModel == "AMD EPYC")
        #expect(r.jsonText().contains("\"configuration\" : \"release\""))
    }
}
