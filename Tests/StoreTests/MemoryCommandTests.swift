import Engine
import Foundation
import GRDB
import Mind
import Stimuli
import Store
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `photophore memory`: export and import, a damaged store left byte for byte, and the
/// messages of the commands that cannot do what they were asked.
@Suite("photophore memory: export, import, damaged stores and messages", .serialized)
struct MemoryCommandTests {
    /// A store with a candlefish and an emergence session, made through the command line.
    func makeStore(_ dir: TempDir, _ path: String) throws {
        for (scene, script) in [("candlefish", "gentle-60s.json"), ("emergence", "five-wrong.json")] {
            let r = try photophoreRun(["simulate", scene, "--script", scriptsFolder + "/" + script, "--remember", "--memory", path], state: dir.path)
            try #require(r.status == 0, "\(r.stderr)")
        }
    }

    func expectOneLine(_ r: ProcessOutput, status: Int32, saying words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "\(r.stderr) should say \(w)", sourceLocation: sourceLocation) }
    }

    /// A damaged store (cut off in the middle) is left byte for byte by every read-only
    /// command, with no -wal or -shm beside it; so is a healthy one. `repair` says how many of
    /// its events it lost.
    @Test func readOnlyCommandsLeaveADamagedStoreByteForByte() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let healthy = dir.file("healthy.sqlite"), damaged = dir.file("damaged.sqlite")
        try makeStore(dir, healthy)
        let held = try MemoryStore(path: healthy, writable: false, scenes: SceneRegistry.memories).eventCount
        let whole = try #require(bytes(healthy))
        try whole.prefix(whole.count / 2 + 100).write(to: URL(fileURLWithPath: damaged))
        let script = scriptsFolder + "/gentle-60s.json"
        for (store, status) in [(damaged, Int32(1)), (healthy, Int32(0))] {
            let before = try #require(bytes(store))
            let commands: [[String]] = [
                ["memory", "show"], ["memory", "show", "--json"], ["memory", "history"], ["memory", "history", "--last", "3"],
                ["memory", "stats"], ["memory", "stats", "--json"], ["memory", "export", dir.file("out.json")],
                ["simulate", "candlefish", "--script", script],
            ]
            for command in commands {
                let r = try photophoreRun(command + ["--memory", store], state: dir.path)
                #expect(r.status == status, "\(command): \(r.stderr)")
                if status != 0 { expectOneLine(r, status: status, saying: [store, "memory repair"]) }
                #expect(bytes(store) == before, "\(command) changed \(store)")
                for side in ["-wal", "-shm", "-journal"] {
                    #expect(!FileManager.default.fileExists(atPath: store + side), "\(command) left \(store + side)")
                }
            }
        }
        // Nor does a run that would write it: it stops before anything is written.
        let before = bytes(damaged)
        let remember = try photophoreRun(["simulate", "candlefish", "--script", script, "--remember", "--memory", damaged], state: dir.path)
        expectOneLine(remember, status: 1, saying: [damaged, "memory repair"])
        #expect(bytes(damaged) == before)
        #expect(!FileManager.default.fileExists(atPath: damaged + "-wal") && !FileManager.default.fileExists(atPath: damaged + "-shm"))

        let repair = try photophoreRun(["memory", "repair", "--memory", damaged], state: dir.path)
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(repair.stdout.contains("of \(held) events, lost "), "\(repair.stdout)")
    }
}
