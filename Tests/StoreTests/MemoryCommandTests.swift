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

    /// `makeStore`, then `damage` run on it (given the event count) through a connection of
    /// its own; returns the event count.
    func makeDamagedStore(_ dir: TempDir, _ path: String, damage: (Database, Int) throws -> Void) throws -> Int {
        try makeStore(dir, path)
        let count = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories).eventCount
        let q = try DatabaseQueue(path: path)
        try q.write { db in try damage(db, count) }
        try q.close()
        return count
    }

    func expectOneLine(_ r: ProcessOutput, status: Int32, saying words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "exit \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "\(r.stderr) should say \(w)", sourceLocation: sourceLocation) }
    }

    /// export → import → export gives the same bytes but for the path; the export is private
    /// (0600) and has no `_0` keys; a store that holds events is not overwritten without
    /// `--replace`, which keeps a backup.
    @Test func exportImportExportRoundTripsByteForByte() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite"), first = dir.file("first.json"), second = dir.file("second.json")
        try makeStore(dir, store)
        let export = try photophoreRun(["memory", "export", first, "--memory", store], state: dir.path)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(permissions(first) == 0o600)
        let text = try String(contentsOfFile: first, encoding: .utf8)
        #expect(!text.contains("\"_0\"") && text.contains("\"version\" : 2"))

        let copy = dir.file("copy.sqlite")
        let imported = try photophoreRun(["memory", "import", first, "--memory", copy], state: dir.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported"))
        #expect(try photophoreRun(["memory", "export", second, "--memory", copy], state: dir.path).status == 0)
        let again = try String(contentsOfFile: second, encoding: .utf8)
        #expect(again.replacingOccurrences(of: copy, with: store) == text)

        // Into a store that holds events: refused, untouched; with --replace, in its place.
        let before = bytes(copy)
        let refused = try photophoreRun(["memory", "import", first, "--memory", copy], state: dir.path)
        expectOneLine(refused, status: 2, saying: [copy, "--replace", "--memory NEW.sqlite"])
        #expect(bytes(copy) == before)
        let replaced = try photophoreRun(["memory", "import", first, "--memory", copy, "--replace"], state: dir.path)
        #expect(replaced.status == 0 && replaced.stdout.contains(copy + ".backup-1"), "\(replaced.stdout) \(replaced.stderr)")
        #expect(bytes(copy + ".backup-1") == before)
    }

    /// A file that is not an export, or a damaged one, is one line and exit 2, and no store
    /// is made.
    @Test func badImportFilesAreOneLineAndExit2() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite"), good = dir.file("good.json")
        try makeStore(dir, store)
        #expect(try photophoreRun(["memory", "export", good, "--memory", store], state: dir.path).status == 0)
        let text = try String(contentsOfFile: good, encoding: .utf8)
        let cases: [(String, String)] = [
            ("{", "not valid JSON"),
            (#"{"format": "something-else"}"#, "not a photophore memory export"),
            (text.replacingOccurrences(of: "\"version\" : 2", with: "\"version\" : 3"), "newer photophore"),
            (text.replacingOccurrences(of: "\"user_id\"", with: "\"user\""), "user_id: missing"),
            (text.replacingOccurrences(of: "\"kind\" : \"visit\"", with: "\"kind\" : \"fed\""), "events[0].kind"),
            (text.replacingOccurrences(of: "\"scene\" : \"emergence\"", with: "\"scene\" : \"nowhere\""), "nowhere"),
        ]
        for (i, (content, words)) in cases.enumerated() {
            let file = dir.file("bad\(i).json"), target = dir.file("new\(i).sqlite")
            try content.write(toFile: file, atomically: true, encoding: .utf8)
            let r = try photophoreRun(["memory", "import", file, "--memory", target], state: dir.path)
            expectOneLine(r, status: 2, saying: [file, words])
            #expect(!FileManager.default.fileExists(atPath: target), "case \(i)")
        }
        let missing = try photophoreRun(["memory", "import", dir.file("none.json"), "--memory", dir.file("x.sqlite")], state: dir.path)
        expectOneLine(missing, status: 2, saying: ["no such file"])
    }

    /// `memory export S --memory S`, by any name of the same file, is refused before anything
    /// is written: exit 2, one line naming both.
    @Test func exportOntoTheStoreItselfIsRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite")
        try makeStore(dir, store)
        let before = bytes(store)
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.json"), withDestinationPath: store)
        for target in [store, dir.file("link.json"), dir.path + "/./memory.sqlite", store + "-wal"] {
            let r = try photophoreRun(["memory", "export", target, "--memory", store], state: dir.path)
            expectOneLine(r, status: 2, saying: [target, store])
            #expect(bytes(store) == before)
        }
        #expect(!FileManager.default.fileExists(atPath: store + "-wal"))
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

    /// A store whose last event does not read passes SQLite's own check; a run that would
    /// write it (`--remember`, `forget --yes`) reads the memory through the read-only
    /// connection first, and stops with the file as it was: no table made and dropped that
    /// rewrote the header's schema cookie (9 to 11), no -wal or -shm.
    @Test func aWritingRunStopsBeforeTouchingAStoreWhoseEventsDoNotRead() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite")
        let count = try makeDamagedStore(dir, store) { db, count in
            try db.execute(sql: "UPDATE events SET payload = 'x' WHERE id = ?", arguments: [count])
        }
        let before = try #require(bytes(store))
        for command in [["simulate", "candlefish", "--script", scriptsFolder + "/gentle-60s.json", "--remember"], ["memory", "forget", "--yes"]] {
            let r = try photophoreRun(command + ["--memory", store], state: dir.path)
            expectOneLine(r, status: 1, saying: [store, "event \(count) cannot be read", "memory repair"])
            #expect(bytes(store) == before, "\(command) changed the store")
            #expect(!FileManager.default.fileExists(atPath: store + "-wal") && !FileManager.default.fileExists(atPath: store + "-shm"))
        }
    }

    /// `memory history` lists the events it can read and a line for each it cannot, and says
    /// how many those are (exit 1), instead of refusing the whole store.
    @Test func historyListsTheGoodEventsAndALineForEachBadOne() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite")
        let count = try makeDamagedStore(dir, store) { db, _ in
            try db.execute(sql: "UPDATE events SET payload = 'x' WHERE id = 2")
            try db.execute(sql: #"UPDATE events SET payload = '{"candlefish":{"_0":{"visit":{"rate":0.7,"utcOffset":3600,"wall":1e308}}}}' WHERE id = 5"#)
            try db.execute(sql: "UPDATE snapshots SET state = 'y' WHERE event_id = (SELECT min(event_id) FROM snapshots)")
        }
        let r = try photophoreRun(["memory", "history", "--memory", store], state: dir.path)
        expectOneLine(r, status: 1, saying: ["2 of \(count) events and 1 snapshot could not be read", "memory repair"])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == count + 1)
        #expect(lines[1].hasPrefix("#2  cannot be read"))
        #expect(lines[4].hasPrefix("#5  cannot be read: its wall"))
        #expect(lines[0].hasPrefix("#1  session 1  candlefish"))
        #expect(lines.last?.hasPrefix("snapshot after #") == true)
        let last = try photophoreRun(["memory", "history", "--last", "3", "--memory", store], state: dir.path)
        expectOneLine(last, status: 1, saying: ["2 of \(count) events", "without --last"])
        #expect(last.stdout.split(separator: "\n").count == 4)
    }

    /// The text chart of `memory stats` grows with trust and shows the lowest trust as one
    /// block: emergence at −75, then at −100.
    @Test func statsBarsGrowWithTrustAndTheMinimumIsOneBlock() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        for _ in 0..<2 {
            let r = try photophoreRun(["simulate", "emergence", "--script", scriptsFolder + "/five-wrong.json", "--remember"], state: dir.path)
            try #require(r.status == 0, "\(r.stderr)")
        }
        let stats = try photophoreRun(["memory", "stats"], state: dir.path)
        #expect(stats.status == 0, "\(stats.stderr)")
        let lines = stats.stdout.split(separator: "\n")
        let header = try #require(lines.firstIndex { $0.hasPrefix("emergence trust at the end of each session") })
        let bars = lines[(header + 1)...].prefix(2).map { line in (line.split(separator: "|").first ?? "", line.filter { $0 == "▇" }.count) }
        #expect(bars.map { $0.0.split(separator: " ").last } == ["-75.0", "-100.0"])
        #expect(bars.map(\.1) == [6, 1])
    }

    /// The messages: XDG_STATE_HOME naming a file, `forget --yes` on a store that cannot be
    /// written, and `--memory ''`.
    @Test func messagesSayWhatIsWrongAndWhatToDo() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let file = dir.file("state-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let script = scriptsFolder + "/gentle-60s.json"
        let r = try photophoreRun(["simulate", "candlefish", "--script", script, "--remember"], state: file)
        expectOneLine(r, status: 2, saying: ["XDG_STATE_HOME", file, "a file, not a folder"])
        #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        expectOneLine(try photophoreRun(["memory", "show"], state: file), status: 2, saying: ["XDG_STATE_HOME"])
        // A run that uses no store is not affected.
        #expect(try photophoreRun(["simulate", "candlefish", "--script", script], state: file).status == 0)

        let empty = try photophoreRun(["memory", "show", "--memory", ""], state: dir.path)
        expectOneLine(empty, status: 2, saying: ["--memory is empty"])
        #expect(!empty.stderr.contains("directory"))

        let store = dir.file("ro/memory.sqlite")
        try makeStore(dir, store)
        try #require(makeReadOnly(store), "cannot make a file read-only here")
        defer { makeWritable(store) }
        let before = bytes(store)
        let forget = try photophoreRun(["memory", "forget", "--yes", "--memory", store], state: dir.path)
        expectOneLine(forget, status: 1, saying: [store, "read-only", "memory forget --yes", "nothing was changed"])
        #expect(!forget.stderr.contains("--remember"))
        #expect(bytes(store) == before)

        // reset and repair in a folder that cannot be written: the same advice, their command.
        makeWritable(store)
        let damaged = dir.file("ro/damaged.sqlite")
        try try #require(bytes(store)).prefix(8192).write(to: URL(fileURLWithPath: damaged))
        try #require(makeReadOnly(dir.file("ro")))
        defer { makeWritable(dir.file("ro")) }
        for (command, path) in [("reset", store), ("repair", damaged)] {
            let r = try photophoreRun(["memory", command, "--memory", path], state: dir.path)
            expectOneLine(r, status: 1, saying: [path, "read-only", "`photophore memory \(command)` again"])
            #expect(!r.stderr.contains("--remember") && !r.stderr.contains("check the disk"))
        }
        #expect(bytes(store) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("ro")).sorted() == ["damaged.sqlite", "memory.sqlite"])
    }
}
