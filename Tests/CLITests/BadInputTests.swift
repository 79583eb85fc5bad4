import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A bad argument list and what the one line on stderr must contain (the option it names,
/// and for some what to do).
struct BadArguments: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var says: [String]

    init(_ arguments: [String], _ says: String...) {
        self.arguments = arguments
        self.says = says
    }

    var testDescription: String { arguments.joined(separator: " ") }
}

/// Runs `photophore` in `cwd` and kills it after `seconds`: a hang shows as a failure, not as
/// a test run that never ends.
func photophoreBounded(_ arguments: [String], cwd: String, seconds: Double = 60) throws -> (result: RunResult, timedOut: Bool) {
    // XDG_STATE_HOME: never the person's own memory.
    let r = try run(photophorePath, arguments, environment: ["XDG_STATE_HOME": cwd + "/state"], cwd: cwd, timeout: seconds)
    return (r, r.timedOut)
}

/// Bad input exits 2 with one line on stderr that names the option and says what to do
/// (docs/cli.md): never a crash, a hang, or a usage block.
@Suite struct BadInputTests {
    static let script = repositoryRoot + "/assets/scripts/gentle-60s.json"
    static let simulate = ["simulate", "candlefish", "--script", script]

    /// Every numeric option of every subcommand: negative, zero, huge, NaN and infinite
    /// doubles, reversed ranges; and ArgumentParser's own errors.
    static let cases: [BadArguments] = [
        // render
        BadArguments(["render", "candlefish", "-o", "x.png", "--seed", "-1"], "--seed -1", "18446744073709551615"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--seed=-1"], "--seed -1", "18446744073709551615"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--seed", "18446744073709551616"], "--seed", "18446744073709551615"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "0..1", "--preset", "bogus"], "--preset bogus", "ultrafast", "veryslow"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "5..2"], "--frames 5..2", "before the start", "2..5"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "-5..2"], "--frames -5..2", "0 to 10000000"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "0..10000001"], "--frames", "0 to 10000000"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "five"], "--frames five", "A..B"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--frame", "-1"], "--frame -1"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--frame", "5184001"], "--frame 5184001", "86400", "5184000"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--frame", "86401", "--fps", "1"], "--frame 86401", "--fps 1", "up to 86400"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--fps", "0"], "--fps 0", "1 to 1000"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--fps", "1001"], "--fps 1001", "1 to 1000"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--threads", "0"], "--threads 0", "1 to 256"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--threads", "-1"], "--threads -1", "1 to 256"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--threads", "257"], "--threads 257", "1 to 256"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--samples", "3"], "--samples 3", "1, 2, 4 or 8"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--samples", "0"], "--samples 0", "1, 2, 4 or 8"),
        BadArguments(["bench", "workload", "glow", "--samples", "16"], "--samples 16", "1, 2, 4 or 8"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--size", "0x10"], "--size 0x10", "8192"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--size", "8193x10"], "--size 8193x10", "8192"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--size", "-5x10"], "--size -5x10", "8192"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "0..1", "--crf", "52"], "--crf 52", "0 to 51"),
        BadArguments(["render", "candlefish", "-o", "x.webm", "--frames", "0..1", "--crf", "64"], "--crf 64", "0 to 63"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--crf", "-1"], "--crf -1"),
        // simulate
        BadArguments(simulate + ["--until", "-1"], "--until -1", "0 to 86400"),
        BadArguments(simulate + ["--until", "nan"], "--until nan", "0 to 86400"),
        BadArguments(simulate + ["--until", "inf"], "--until inf", "0 to 86400"),
        BadArguments(simulate + ["--until", "1e308"], "--until 1e308", "0 to 86400"),
        BadArguments(simulate + ["--until", "86401"], "--until 86401", "0 to 86400"),
        BadArguments(simulate + ["--food-delay", "1.5"], "--food-delay was removed", "leave the option out"),
        BadArguments(simulate + ["--size", "0x10"], "--size 0x10"),
        BadArguments(simulate + ["--seed", "-1"], "--seed -1", "18446744073709551615"),
        // models: refused before anything is drawn
        BadArguments(["render", "model", "-o", "x.png"], "the model scene needs a model", "--model FILE.glb"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--model", "x.glb"], "candlefish shows no model", "--character for emergence"),
        BadArguments(["render", "emergence", "-o", "x.png", "--clips", "idle"], "--clips idle", "ROLE=NAME"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--clips", "idle=Idle"], "--clips is for a scene with a character"),
        BadArguments(["render", "model", "-o", "x.png", "--model", "/nonexistent/robot.glb"], "/nonexistent/robot.glb"),
        BadArguments(["render", "model", "-o", "x.png", "--model", repositoryRoot + "/assets/models/RobotExpressive.glb", "--clip", "Moonwalk"],
                     "no clip named Moonwalk", "Dance"),
        BadArguments(["render", "model", "-o", "x.png", "--orbit", "-1"], "--orbit -1", "0 to 3600"),
        BadArguments(["render", "emergence", "-o", "x.png", "--clip", "Idle"], "--clip and --orbit are for the model scene"),
        BadArguments(["render", "emergence", "-o", "x.png", "--orbit", "12"], "--clip and --orbit are for the model scene"),
        // play: refused while parsing, before any window is opened
        BadArguments(["play", "candlefish", "--frames", "0"], "--frames 0", "1 to 5184000"),
        BadArguments(["play", "candlefish", "--frames", "-3"], "--frames -3", "1 to 5184000"),
        BadArguments(["play", "candlefish", "--threads", "0"], "--threads 0", "1 to 256"),
        BadArguments(["play", "candlefish", "--seed", "-1"], "--seed -1", "18446744073709551615"),
        BadArguments(["play", "candlefish", "--size", "0x0"], "--size 0x0", "8192"),
        // memory
        BadArguments(["memory", "history", "--last", "-1"], "--last -1", "0 to 1000000000"),
        BadArguments(["memory", "show", "--memory", "."], "--memory . is a directory", "./memory.sqlite"),
        BadArguments(["memory", "stats", "--memory", "/"], "--memory / is a directory", "/memory.sqlite"),
        BadArguments(["memory", "stats", "--memory", "s.png", "--plot", "./s.png"], "s.png and --plot ./s.png are the same file"),
        // bench (the scenes)
        BadArguments(["bench", "--frames", "3"], "--frames 3", "4 to 1000000"),
        BadArguments(["bench", "--frames", "1000001"], "--frames 1000001", "4 to 1000000"),
        BadArguments(["bench", "--threads", "0"], "--threads 0", "1 to 256"),
        BadArguments(["bench", "--budget-ms", "0"], "--budget-ms 0", "0.1 to 1000"),
        BadArguments(["bench", "--budget-ms", "-16"], "--budget-ms -16", "0.1 to 1000"),
        BadArguments(["bench", "--budget-ms", "nan"], "--budget-ms nan", "0.1 to 1000"),
        BadArguments(["bench", "--budget-ms", "inf"], "--budget-ms inf", "0.1 to 1000"),
        BadArguments(["bench", "--attempts", "0"], "--attempts 0", "1 to 20"),
        BadArguments(["bench", "--attempts", "21"], "--attempts 21", "1 to 20"),
        BadArguments(["bench", "--runs", "5"], "--runs 5", "for --compare"),
        BadArguments(["bench", "--min-effect", "5"], "--min-effect 5", "for --compare"),
        BadArguments(["bench", "--json", "b.json", "--baseline", "b.json"], "--json b.json and --baseline b.json are the same file"),
        BadArguments(["bench", "--size", "0x0"], "--size 0x0"),
        BadArguments(["bench", "aquarium"], "aquarium", "candlefish, emergence, lanterns or model"),
        // bench scenes-quick
        BadArguments(["bench", "scenes-quick", "--threads", "0"], "--threads 0", "1 to 256"),
        BadArguments(["bench", "scenes-quick", "--threads", "999"], "--threads 999", "1 to 256"),
        BadArguments(["bench", "scenes-quick", "--frames", "0"], "--frames 0", "1 to 100000"),
        BadArguments(["bench", "scenes-quick", "--frames", "100001"], "--frames 100001", "1 to 100000"),
        BadArguments(["bench", "scenes-quick", "--size", "1x0"], "--size 1x0"),
        // bench soak
        BadArguments(["bench", "soak", "--frames", "999"], "--frames 999", "1000 to 1000000"),
        BadArguments(["bench", "soak", "--threads", "0"], "--threads 0", "1 to 256"),
        BadArguments(["bench", "soak", "--min-writes", "-1"], "--min-writes -1", "0 to 10000000"),
        BadArguments(["bench", "soak", "--limit-mb", "nan"], "--limit-mb nan", "0 to 4096"),
        BadArguments(["bench", "soak", "--limit-mb", "-1"], "--limit-mb -1", "0 to 4096"),
        BadArguments(["bench", "soak", "--size", "640x0"], "--size 640x0"),
        // bench workload
        BadArguments(["bench", "workload", "spheres", "--grid", "65x1"], "--grid 65x1", "1 to 64"),
        BadArguments(["bench", "workload", "spheres", "--grid", "-1x4"], "--grid -1x4", "1 to 64"),
        BadArguments(["bench", "workload", "spheres", "--segments", "2x1"], "--segments 2x1", "3 to 1024"),
        BadArguments(["bench", "workload", "spheres", "--grid", "64x64", "--segments", "1024x1024"], "--segments 1024x1024", "8 million"),
        BadArguments(["bench", "workload", "glow", "--count", "2000001"], "--count 2000001", "0 to 2000000"),
        BadArguments(["bench", "workload", "glow", "--count", "-1"], "--count -1", "0 to 2000000"),
        BadArguments(["bench", "workload", "glow", "--particle-size", "0..2"], "--particle-size 0..2", "4096"),
        BadArguments(["bench", "workload", "glow", "--particle-size", "nan..2"], "--particle-size nan..2", "4096"),
        BadArguments(["bench", "workload", "glow", "--particle-size", "9..2"], "--particle-size 9..2", "MAX is below MIN", "2..9"),
        BadArguments(["bench", "workload", "glow", "--particle-size", "8..inf"], "--particle-size 8..inf", "4096"),
        BadArguments(["bench", "workload", "glow", "--frames", "100001"], "--frames 100001", "1 to 100000"),
        BadArguments(["bench", "workload", "glow", "--threads", "300"], "--threads 300", "1 to 256"),
        BadArguments(["bench", "workload", "glow", "--output", "o.jpg"], "--output o.jpg", "ending in .png"),
        // image compare
        BadArguments(["image", "compare", "a.png", "b.png", "--downsample", "0"], "--downsample 0", "1 to 16"),
        BadArguments(["image", "compare", "a.png", "b.png", "--downsample", "17"], "--downsample 17", "1 to 16"),
        BadArguments(["image", "compare", "a.png", "b.png", "--threshold", "-1"], "--threshold -1", "0 to 255"),
        BadArguments(["image", "compare", "a.png", "b.png", "--threshold", "256"], "--threshold 256", "0 to 255"),
        BadArguments(["image", "compare", "a.png", "b.png", "--threshold", "1.5"], "--threshold 1.5", "0 to 255"),
        BadArguments(["image", "compare", "a.png", "b.png", "--crop-sheet", "s.jpg"], "--crop-sheet s.jpg", "ending in .png"),
        BadArguments(["image", "compare", "a.png", "b.png"], "cannot read a.png"),
        BadArguments(["image", "compare", "a.png", "b.png", "--crop-sheet", "./b.png"], "the reference b.png and --crop-sheet ./b.png are the same file"),
        // No output overwrites an input or another output: refused before anything is written.
        BadArguments(["render", "candlefish", "-o", "x.mp4", "-o", "./x.mp4", "--frames", "0..1"], "-o x.mp4 and -o ./x.mp4 are the same file"),
        BadArguments(["render", "candlefish", "-o", "c.mp4", "-o", "c.poster.webp", "--frames", "0..1"],
                     "the poster of -o c.mp4 (c.poster.webp) and -o c.poster.webp are the same file"),
        BadArguments(["render", "candlefish", "-o", "c.mp4", "--frame-hashes", "c.mp4.manifest.json", "--frames", "0..1"], "the manifest of -o c.mp4"),
        BadArguments(["render", "candlefish", "-o", "o.png", "--frame-hashes", "o.png"], "-o o.png and --frame-hashes o.png are the same file"),
        BadArguments(["render", "candlefish", "-o", "fr/", "-o", "fr/%05d.png", "--frames", "0..1"], "the manifest of -o fr/", "the manifest of -o fr/%05d.png"),
        BadArguments(["render", "candlefish", "-o", "sq/%03d.png", "--frame-hashes", "sq/001.png", "--frames", "0..1"], "-o sq/%03d.png and --frame-hashes sq/001.png"),
        BadArguments(["render", "candlefish", "-o", "sq/", "--frame-hashes", "sq/00001.png", "--frames", "0..1"], "-o sq/ and --frame-hashes sq/00001.png"),
        BadArguments(["render", "candlefish", "-o", "s.png", "--script", "s.png"], "-o s.png and --script s.png are the same file"),
        BadArguments(["render", "candlefish", "-o", "m.png", "--memory", "./m.png"], "-o m.png and the memory store ./m.png are the same file"),
        BadArguments(["render", "candlefish", "-o", "h.txt.png", "--frame-hashes", "st.sqlite", "--remember", "--memory", "st.sqlite"],
                     "--frame-hashes st.sqlite and the memory store st.sqlite are the same file"),
        BadArguments(["render", "model", "-o", "r.png", "--model", "r.png"], "-o r.png and --model r.png are the same file"),
        BadArguments(["play", "candlefish", "--record", "p.json", "--frame-hashes", "./p.json"], "--record p.json and --frame-hashes ./p.json"),
        // Options that would do nothing for the outputs given
        BadArguments(["render", "candlefish", "-o", "x.png", "--crf", "20"], "--crf", "no output here is MP4 or WebM"),
        BadArguments(["render", "candlefish", "-o", "x.webm", "--frames", "0..1", "--preset", "fast"], "--preset fast", "no output here is H.264"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "0..1", "--av1-preset", "4"], "--av1-preset 4", "no output here is AV1"),
        BadArguments(["render", "candlefish", "-o", "x.webm", "--frames", "0..1", "--film-grain", "4"], "--film-grain 4", "no output here is AV1"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--frames", "0..1", "--png-compression", "small"], "--png-compression small", "no output here is PNG"),
        // AV1's size minimum, before anything is encoded
        BadArguments(["render", "candlefish", "-o", "a.mp4", "--frames", "0..1", "--codec", "av1", "--size", "62x64"], "at least 64 pixels", "62x64"),
        // Files that are not regular files, and empty paths
        BadArguments(["render", "candlefish", "-o", "x.png", "--script", "/dev/zero"], "/dev/zero", "not a regular file"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--script", ""], "the script path is empty"),
        BadArguments(["render", "candlefish", "-o", ""], "an output path is empty"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--frame-hashes", ""], "an output path is empty"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--script", "/dev/null/x.json"], "/dev/null/x.json", "is a file, not a folder"),
        // One syntax for numbers: decimal only
        BadArguments(["render", "candlefish", "-o", "x.png", "--fps", "0x10"], "--fps 0x10", "1 to 1000"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--fps", "+30"], "--fps +30", "1 to 1000"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--loop", "0x10"], "--loop 0x10", "0.1 to 3600"),
        BadArguments(["render", "candlefish", "-o", "x.mp4", "--loop", "1."], "--loop 1.", "0.1 to 3600"),
        BadArguments(simulate + ["--until", "0x10"], "--until 0x10", "0 to 86400"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--seed", "+1"], "--seed +1"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--size", "0x10x10"], "--size 0x10x10"),
        // ArgumentParser's own errors: unknown option, missing value, bad value
        BadArguments(["render", "candlefish", "-o", "x.png", "--bogus"], "--bogus", "--help"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--threads"], "--threads", "--help"),
        BadArguments(["render", "candlefish", "-o", "x.png", "--threads", "many"], "--threads many", "1 to 256"),
        BadArguments(["render", "cubes", "-o", "x.png"], "cubes", "candlefish"),
        BadArguments(["render", "candlefish"], "--output", "--help"),
        BadArguments(["no-such-command"], "no-such-command", "--help"),
    ]

    @Test(arguments: cases)
    func exitsWith2AndOneLineNamingTheOption(_ bad: BadArguments) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (r, timedOut) = try photophoreBounded(bad.arguments, cwd: dir)
        #expect(!timedOut, "still running after 60 s")
        #expect(r.status == 2, "exit \(r.status): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1 && r.stderr.hasSuffix("\n"), "stderr is not one line:\n\(r.stderr)")
        #expect(r.stderr.hasPrefix("photophore: "))
        for text in bad.says { #expect(r.stderr.contains(text), "\(r.stderr) does not say \(text)") }
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "nothing is written")
    }

    /// A script event far in the future crashed (1e308) or hung (1e12) `simulate`: the reader
    /// refuses it, naming the event and the field, in every command that reads scripts.
    @Test(arguments: ["1e308", "1e12", "86400.5", "-1"])
    func aScriptTimeOutsideOneDayIsRefused(_ t: String) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/far.json"
        try #"{"scene": "candlefish", "events": [{"t": 0, "type": "leave"}, {"t": \#(t), "type": "leave"}]}"#
            .write(toFile: script, atomically: true, encoding: .utf8)
        for arguments in [["simulate", "candlefish", "--script", script],
                          ["render", "candlefish", "--script", script, "--size", "64x36", "-o", dir + "/x.png"],
                          ["bench", "scenes-quick", "candlefish", "--script", script, "--size", "64x36", "--frames", "1"]] {
            let (r, timedOut) = try photophoreBounded(arguments, cwd: dir)
            #expect(!timedOut, "\(arguments[0]) still running after 60 s")
            #expect(r.status == 2, "\(arguments[0]): exit \(r.status): \(r.stderr)")
            #expect(r.stderr.contains("event 1, field \"t\"") && r.stderr.contains("0..86400"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.png"))
    }

    /// The longest script, one day, runs to its end, with the fish's body stepped all the
    /// way: the step count is bounded, not looped forever.
    @Test func aScriptOfOneDaySimulatesToTheEnd() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/day.json"
        try #"{"scene": "candlefish", "events": [{"t": 86400, "type": "click", "x": 0.5, "y": 0.5}]}"#
            .write(toFile: script, atomically: true, encoding: .utf8)
        let (r, timedOut) = try photophoreBounded(["simulate", "candlefish", "--script", script, "--json"], cwd: dir, seconds: 300)
        #expect(!timedOut)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        // The click at 86400 s, one second more, and on while the food sinks (at most 60 s).
        let duration = try #require(object?["duration"] as? Double)
        #expect(duration >= 86_401 && duration <= 86_461)
    }
}
