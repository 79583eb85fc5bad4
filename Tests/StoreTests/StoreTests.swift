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

func permissions(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int ?? -1) & 0o777
}

@Suite("Store: event log and snapshots")
struct StoreLogTests {
    @Test func createsAPrivateFileInAPrivateFolderWithAUserID() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("state/photophore/memory.sqlite")
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        let id = store.userID
        store.close()
        #expect(UUID(uuidString: id) != nil)
        #expect(permissions(path) == 0o600)
        #expect(permissions(dir.file("state/photophore")) == 0o700)
        #expect(permissions(dir.file("state")) == 0o700)
        #expect(try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories).userID == id)
        #expect(MemoryStore.defaultPath(environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/a"]) == "/x/state/photophore/memory.sqlite")
        #expect(MemoryStore.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.local/state/photophore/memory.sqlite")
    }

    @Test func replayEqualsLiveThroughTheStore() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var mismatches: [UInt64] = []
        for seed in 0..<60 as Range<UInt64> {
            let path = dir.file("m\(seed).sqlite")
            let options = StoreOptions(snapshotInterval: 1 + Int(seed % 9))
            var live = Memory.fresh
            for session in 0..<3 {
                let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories, options: options)
                if store.state != live { mismatches.append(seed) }
                let id = try store.beginSession(scene: .candlefish, clock: nil, profile: .standard)
                let run = randomSessionEvents(seed: seed &* 31 &+ UInt64(session), start: store.state)
                try store.append(run.events, session: id)
                live = run.end
                let fromSnapshot = try store.loadFromSnapshot(), replayed = try store.replayAll()
                if store.state != live || fromSnapshot != live || replayed != live {
                    mismatches.append(seed)
                }
                store.close()
            }
            #expect(try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories, options: options).snapshotCount() > 0)
        }
        #expect(mismatches.isEmpty)
    }

    @Test(arguments: [1, 3, 50, 10_000])
    func snapshotPlusReplayEqualsFullReplay(interval: Int) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try MemoryStore(path: dir.file("m.sqlite"), writable: true, scenes: SceneRegistry.memories, options: StoreOptions(snapshotInterval: interval))
        var total = 0
        for seed in 100..<105 as Range<UInt64> {
            let run = randomSessionEvents(seed: seed, start: store.state)
            try store.append(run.events, session: nil)
            total += run.events.count
            #expect(try store.loadFromSnapshot() == store.replayAll())
            #expect(store.state == run.end)
        }
        #expect(try store.snapshotCount() == total / interval)
        #expect(store.eventCount == total)
    }

    /// An export reads back as what was written (without the log's `_0` wrapper), fills an
    /// empty store with the same log, ids, sessions and user id, and that store exports the
    /// same bytes. A store that holds events is not filled.
    @Test func anExportReadsBackAndFillsAnEmptyStoreWithTheSameLog() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try MemoryStore(path: dir.file("memory.sqlite"), writable: true, scenes: SceneRegistry.memories,
                                    options: StoreOptions(snapshotInterval: 7))
        let session = try store.beginSession(scene: .candlefish, clock: WallClock(unixSeconds: 1.7e9, utcOffsetSeconds: 3600), profile: .standard)
        try store.append(randomSessionEvents(seed: 4, start: store.state).events, session: session)
        try store.append(randomSessionEvents(seed: 5, start: store.state).events, session: nil)
        let export = try MemoryExport(store)
        let text = try export.json(scenes: SceneRegistry.memories)
        #expect(!text.contains("\"_0\""))
        let read = try MemoryExport(json: Data(text.utf8), scenes: SceneRegistry.memories)
        #expect(read == export)

        let copy = try MemoryStore(path: dir.file("copy.sqlite"), writable: true, scenes: SceneRegistry.memories,
                                   options: StoreOptions(snapshotInterval: 7))
        try copy.fill(with: read)
        #expect(copy.userID == store.userID && copy.state == store.state && copy.eventCount == store.eventCount)
        #expect(try copy.events() == store.events())
        #expect(try copy.loadFromSnapshot() == copy.replayAll())
        #expect(try copy.snapshotCount() == store.snapshotCount())
        var again = try MemoryExport(copy)
        again.path = export.path
        #expect(try again.json(scenes: SceneRegistry.memories) == text)
        #expect(throws: StoreError.self) { try copy.fill(with: read) }
    }

    @Test func sessionStatisticsAddUpMoodTimes() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try MemoryStore(path: dir.file("m.sqlite"), writable: true, scenes: SceneRegistry.memories)
        let session = try store.beginSession(scene: .candlefish, clock: nil, profile: .standard)
        var fish = CandlefishMind(memory: store.state.candlefish)
        try store.append(fish.takeEvents(), session: session)
        for n in 0...(90 * 60) {
            let t = Double(n) / 60
            let stimuli: [Stimulus] = n == 600 ? [.click(x: 0.5, y: 0.5)] : []
            try store.append(fish.step(to: t, stimuli: stimuli), session: session)
        }
        try store.append(fish.finish(), session: session)
        let s = try #require(SessionSummary.summarise(try store.events()).first)
        let moodSeconds = CandlefishMemory.moodSeconds(in: s.events)
        #expect(s.ended && abs(s.duration - 90) < 1e-9)
        #expect(abs(moodSeconds.values.reduce(0, +) - 90) < 1e-9)
        // Curious 0–10 s; fed at 10 s: excited 10–12 s; then shy (the pointer is there and
        // trust is low) until 70 s; lonely from 70 s, 60 s after the click.
        #expect(abs((moodSeconds[.curious] ?? 0) - 10) < 1e-9)
        #expect(abs((moodSeconds[.excited] ?? 0) - 2) < 1e-9)
        #expect(abs((moodSeconds[.shy] ?? 0) - 58) < 1e-9)
        #expect(abs((moodSeconds[.lonely] ?? 0) - 20) < 1e-9)
    }
}

@Suite("Store: failures leave the file untouched", .serialized)
struct StoreFailureTests {
    func expectFailure(_ kind: StoreError.Kind, path: String, writable: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            _ = try MemoryStore(path: path, writable: writable, scenes: SceneRegistry.memories)
        } throws: { error in
            guard let e = error as? StoreError else { return false }
            return e.kind == kind && e.description.contains(path)
        }
    }

    @Test func aCorruptFileIsReportedAndLeftAsItWas() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 13) })
        try garbage.write(to: URL(fileURLWithPath: path))
        expectFailure(.corrupt, path: path)
        expectFailure(.corrupt, path: path, writable: false)
        #expect(bytes(path) == garbage)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["memory.sqlite"])
        do {
            _ = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        } catch {
            #expect(error.description.contains("photophore memory repair") && error.description.contains("photophore memory reset"))
        }
    }

    /// A real store with its pages damaged in the middle: detected, untouched, repairable.
    @Test func aDamagedStoreIsDetectedAndRepairSalvagesWhatItCan() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories, options: StoreOptions(snapshotInterval: 1000))
        let id = store.userID
        var events = 0
        for seed in 0..<8 as Range<UInt64> {
            let run = randomSessionEvents(seed: seed, start: store.state)
            try store.append(run.events, session: nil)
            events += run.events.count
        }
        store.close()
        var data = try #require(bytes(path))
        #expect(data.count > 40_000)
        let page = 4096
        for i in (data.count / 2)..<(data.count / 2 + page) { data[i] = 0xA5 }
        try data.write(to: URL(fileURLWithPath: path))
        expectFailure(.corrupt, path: path)
        #expect(bytes(path) == data)

        let report = try MemoryStore.repair(path: path, scenes: SceneRegistry.memories)
        #expect(!report.wasHealthy)
        #expect(report.salvagedEvents > 0 && report.salvagedEvents < events)
        #expect(report.keptUserID)
        #expect(bytes(try #require(report.backupPath)) == data)
        let repaired = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories)
        #expect(repaired.eventCount == report.salvagedEvents)
        #expect(repaired.userID == id)
        #expect(try repaired.loadFromSnapshot() == repaired.replayAll())
        #expect(try MemoryStore.repair(path: path, scenes: SceneRegistry.memories).wasHealthy)
    }

    @Test func resetKeepsABackup() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        let garbage = Data("not a database at all, just text".utf8)
        try garbage.write(to: URL(fileURLWithPath: path))
        let backup = try #require(try MemoryStore.reset(path: path, scenes: SceneRegistry.memories))
        #expect(bytes(backup) == garbage)
        #expect(try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories).eventCount == 0)
    }

    @Test func aNewerSchemaIsRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories).close()
        let q = try DatabaseQueue(path: path)
        try q.write { db in try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')") }
        try q.close()
        let before = bytes(path)
        expectFailure(.newerSchema, path: path)
        #expect(bytes(path) == before)
    }

    @Test func someoneElsesDatabaseIsRefused() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("other.sqlite")
        let q = try DatabaseQueue(path: path)
        try q.write { db in try db.execute(sql: "CREATE TABLE t(x); INSERT INTO t VALUES (1)") }
        try q.close()
        let before = bytes(path)
        expectFailure(.foreign, path: path)
        #expect(bytes(path) == before)
    }

    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ((try? run("/usr/bin/env", ["sh", "-c", "command -v python3"]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0.isEmpty ? nil : $0 }

    @Test(.enabled(if: python != nil, "needs python3 to hold a lock from another process"))
    func aStoreLockedByAnotherProcessFailsQuicklyAndLosesNothing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        let run0 = randomSessionEvents(seed: 5, start: store.state)
        try store.append(run0.events, session: nil)
        store.close()

        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: Self.python!)
        holder.arguments = ["-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE')
            print('locked', flush=True)
            time.sleep(20)
            """, path]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("locked"))

        let started = Date()
        #expect {
            let s = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
            _ = try s.beginSession(scene: .candlefish, clock: nil, profile: .standard)
            try s.append(.emergence(.session), session: nil)
        } throws: { error in
            (error as? StoreError)?.kind == .locked
        }
        #expect(Date().timeIntervalSince(started) < 5)

        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let after = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories)
        #expect(after.eventCount == run0.events.count)
        #expect(after.state == run0.end)
    }

    @Test func aReadOnlyFileOrFolderIsReportedForWritingAndStillReadable() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let folder = dir.file("ro")
        let path = folder + "/memory.sqlite"
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        let run0 = randomSessionEvents(seed: 9, start: store.state)
        try store.append(run0.events, session: nil)
        store.close()
        let before = bytes(path)

        try #require(makeReadOnly(path), "cannot make a file read-only here")
        expectFailure(.readOnly, path: path)
        #expect(try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories).state == run0.end)
        makeWritable(path)
        #expect(bytes(path) == before)

        try #require(makeReadOnly(folder))
        expectFailure(.readOnly, path: path)
        makeWritable(folder)
        #expect(bytes(path) == before)
        #expect(try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories).state == run0.end)
    }

    /// Runs `photophore` so that file permissions bind it. Root reads and writes any file
    /// through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so as root the program runs under
    /// `setpriv` without those two capabilities (in its bounding and inheritable sets, which
    /// an exec by root draws its capabilities from): a mode-000 file is then unreadable to
    /// root as to anyone.
    static func photophoreBoundByPermissions(_ arguments: [String], state: String) throws -> ProcessOutput {
        guard geteuid() == 0 else { return try photophoreRun(arguments, state: state) }
        let setpriv = "/usr/bin/setpriv"
        try #require(FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) is needed to drop root's file capabilities")
        let drop = "-dac_override,-dac_read_search"
        return try photophoreRun(arguments, state: state, via: [setpriv, "--bounding-set", drop, "--inh-caps", drop, "--"])
    }

    /// A store file its owner may not read (mode 000): every command that opens it stops with
    /// exit 1 and the one line that names the file and says to check its permissions, and the
    /// file, its folder and its memory are as they were.
    @Test func anUnreadableFileIsReportedAndLeftAsItWas() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        let run0 = randomSessionEvents(seed: 11, start: store.state)
        try store.append(run0.events, session: nil)
        store.close()
        let before = bytes(path)
        let listing = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        chmod(path, 0o000)
        defer { chmod(path, 0o600) }

        // In this process root still reads everything; for anyone else the store refuses too.
        if geteuid() != 0 {
            expectFailure(.unreadable, path: path, writable: false)
            expectFailure(.unreadable, path: path)
        }
        // The control: permissions really bind the program (as root, only under setpriv).
        let probe = try Self.photophoreBoundByPermissions(["simulate", "candlefish", "--script", path], state: dir.path)
        #expect(probe.status == 2 && probe.stderr.contains("cannot read script \(path)"), "\(probe.stderr)")

        let script = scriptsFolder + "/gentle-60s.json"
        for arguments in [["memory", "show", "--memory", path], ["memory", "stats", "--memory", path],
                          ["memory", "history", "--memory", path], ["memory", "repair", "--memory", path],
                          ["simulate", "candlefish", "--script", script, "--memory", path],
                          ["simulate", "candlefish", "--script", script, "--remember", "--memory", path]] {
            let r = try Self.photophoreBoundByPermissions(arguments, state: dir.path)
            #expect(r.status == 1, "\(arguments): exit \(r.status): \(r.stderr)")
            #expect(r.stderr == "photophore: memory store \(path) cannot be read (permission denied); check its permissions, or choose another with --memory PATH\n",
                    "\(arguments)")
        }
        chmod(path, 0o600)
        #expect(bytes(path) == before, "the file is unchanged")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == listing, "no backup, journal or new store beside it")
        let reopened = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories)
        #expect(reopened.eventCount == run0.events.count && reopened.state == run0.end)
    }

    @Test func aFullDiskFailsTheWriteAndLosesNothingSaved() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories).close()
        // The test hook caps the file a few pages above its size: SQLite then reports
        // SQLITE_FULL exactly as on a full disk.
        let pages = try #require(try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") })
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories, options: StoreOptions(snapshotInterval: 10, maxPageCount: pages + 3))
        var saved = Memory.fresh
        var count = 0
        var failure: StoreError?
        outer: for seed in 0..<200 as Range<UInt64> {
            for e in randomSessionEvents(seed: seed, start: saved).events {
                do {
                    try store.append(e, session: nil)
                    saved.apply(e)
                    count += 1
                } catch {
                    failure = error
                    break outer
                }
            }
        }
        store.close()
        #expect(failure?.kind == .full)
        #expect(failure?.description.contains("disk is full") == true)
        let reopened = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        #expect(reopened.eventCount == count)
        #expect(reopened.state == saved)
    }
}

@Suite("Store: a file never initialised")
struct EmptyFileTests {
    @Test func anEmptyFileReadsAsAFreshMemoryAndIsInitialisedOnWrite() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let reader = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories)
        #expect(reader.state == .fresh && reader.eventCount == 0)
        reader.close()
        let writer = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        try writer.append(.emergence(.session), session: nil)
        #expect(UUID(uuidString: writer.userID) != nil)
        writer.close()
        #expect(try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories).state.emergence.sessions == 1)
    }
}
