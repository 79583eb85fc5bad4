import Engine
import Foundation
import GRDB
import Mind
import Stimuli
import Store
import Testing
import TestSupport

/// Damaged stores that tools/fuzz.sh found crashing, hanging or misreporting the reader.
/// Each is made here from a real store, with SQL or with a byte patch of the record format.
@Suite("Store: damaged files found by fuzzing")
struct DamagedStoreTests {
    /// A store of one candlefish session (no clock) and `count` events, no snapshot.
    func makeStore(_ path: String, count: Int = 12) throws {
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories, options: StoreOptions(snapshotInterval: 10_000))
        let session = try store.beginSession(scene: .candlefish, clock: nil, profile: .standard)
        var events: [MemoryEvent] = []
        var seed: UInt64 = 3
        while events.count < count {
            events += randomSessionEvents(seed: seed, start: store.state).events
            seed += 1
        }
        try store.append(events.prefix(count), session: session)
        store.close()
    }

    func sql(_ path: String, _ statements: String) throws {
        let q = try DatabaseQueue(path: path)
        try q.write { db in try db.execute(sql: statements) }
        try q.close()
    }

    func expectDamaged(_ path: String, saying words: String, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () throws -> Void) {
        #expect(sourceLocation: sourceLocation) { try body() } throws: { error in
            guard let e = error as? StoreError else { return false }
            return e.kind == .corrupt && e.description.contains(words) && !e.description.contains("\n")
        }
    }

    /// Found by fuzzing: GRDB's row subscript traps when a value does not convert, and a
    /// damaged record can hold a number where the scene's text belongs. The integrity check
    /// refuses such a file, and then `repair`, which reads it row by row, trapped.
    @Test func aValueOfTheWrongTypeIsDamageNotATrap() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        try makeStore(path)
        // The session's record header: size 5, id (the rowid: NULL), scene (text of 10 bytes:
        // serial type 0x21), clock NULL, profile (text: 13 + 2 x its length); then
        // "candlefish". Make the scene an 8-byte integer (serial type 6) and the profile 2 bytes
        // longer, so that the record keeps its size.
        var data = try #require(bytes(path))
        let word = Data("candlefish".utf8)
        var patched = 0
        var from = data.startIndex
        while let r = data.range(of: word, in: from..<data.endIndex) {
            let h = r.lowerBound - 5
            if h >= 0, data[h] == 5, data[h + 1] == 0, data[h + 2] == 0x21, data[h + 3] == 0, data[h + 4] & 1 == 1 {
                data[h + 2] = 6
                data[h + 4] += 4
                patched += 1
            }
            from = r.upperBound
        }
        #expect(patched == 1)
        try data.write(to: URL(fileURLWithPath: path))

        expectDamaged(path, saying: "integrity check: NUMERIC value in sessions.scene") { _ = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories) }
        let report = try MemoryStore.repair(path: path, scenes: SceneRegistry.memories)
        #expect(report.salvagedEvents == 12 && report.lostEvents == 0)
        #expect(try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories).sessions().isEmpty)
    }

    /// Found by fuzzing: a digit changed inside an event made its wall clock 1e308 s, which
    /// has no day number: folding it trapped, in `memory show` (after the last snapshot) and
    /// in `memory stats` (which folds every event). A snapshot whose counter is at Int.max
    /// trapped on the next event.
    @Test func valuesMindCannotHaveRecordedAreDamage() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        try makeStore(path)
        try sql(path, #"UPDATE events SET payload = '{"candlefish":{"_0":{"visit":{"rate":0.7,"utcOffset":3600,"wall":1e308}}}}' WHERE id = 1"#)
        expectDamaged(path, saying: "event 1 cannot be read: its wall 1e+308 is outside") { _ = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories) }

        let other = dir.file("snapshot.sqlite")
        try makeStore(other)
        var full = Memory()
        full.candlefish.visits = Int.max
        let state = String(decoding: try JSONEncoder().encode(full), as: UTF8.self)
        try sql(other, "INSERT INTO snapshots(event_id, state) VALUES (1, '\(state)')")
        expectDamaged(other, saying: "snapshot 1 cannot be read: its visits 9223372036854775807 is outside") {
            _ = try MemoryStore(path: other, writable: false, scenes: SceneRegistry.memories)
        }
        #expect(try MemoryStore.repair(path: other, scenes: SceneRegistry.memories).salvagedEvents == 12)
    }

    /// Found by fuzzing: SQLite's integrity report spans lines (a header, then up to 100
    /// problems) and went into the message whole: thousands of characters over many lines.
    @Test func anIntegrityReportBecomesOneLine() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        try makeStore(path, count: 400)
        // Point every cell of a table leaf page (type 13) at offset 0.
        var data = try #require(bytes(path))
        let page = 4096
        let leaf = try #require((1..<data.count / page).first { data[$0 * page] == 13 && data[$0 * page + 4] > 4 })
        let cells = Int(data[leaf * page + 3]) << 8 | Int(data[leaf * page + 4])
        for i in 0..<2 * cells { data[leaf * page + 8 + i] = 0 }
        try data.write(to: URL(fileURLWithPath: path))
        expectDamaged(path, saying: "more problems") { _ = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories) }
        do { _ = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories) } catch {
            #expect(error.description.count < 600)
            #expect(error.description.contains("integrity check: "))
        }
    }

    /// Found by fuzzing: `repair` tried every id from 1 to max(id), which a damaged file can
    /// make 2^62: it never ended.
    @Test func repairVisitsTheIdsThatExistNotEveryIdUpToTheLargest() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        try makeStore(path)
        try sql(path, "UPDATE events SET id = 4611686018427387904 WHERE id = 12; UPDATE events SET payload = 'x' WHERE id = 1")
        let start = ContinuousClock.now
        let report = try MemoryStore.repair(path: path, scenes: SceneRegistry.memories)
        #expect(report.salvagedEvents == 11 && report.lostEvents == 1)
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    /// Found by fuzzing: a write-ahead log whose version field is damaged stops SQLite from
    /// opening the file at all ("unable to open database file"), which was reported as a
    /// permission problem that `repair` would not touch.
    @Test func aDamagedLogIsDamageAndRepairReadsTheFileAlone() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite"), copy = dir.file("killed.sqlite")
        try makeStore(path)
        // Six more events in the log, and the file and its log copied as a killed run left them.
        let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
        try store.append(randomSessionEvents(seed: 9, start: store.state).events.prefix(6), session: nil)
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
        store.close()
        #expect(try MemoryStore(path: copy, writable: false, scenes: SceneRegistry.memories).eventCount == 18)

        // The version field, with the header's checksum made right again (SQLite ignores a log
        // whose header checksum is wrong): 32-bit words in the byte order the magic names.
        var log = try #require(bytes(copy + "-wal"))
        log.replaceSubrange(4..<8, with: [0, 0, 2, 0])
        let bigEndian = log[3] == 0x83
        var s0: UInt32 = 0, s1: UInt32 = 0
        func word(_ at: Int) -> UInt32 {
            let b = (0..<4).map { UInt32(log[at + $0]) }
            return bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
        }
        for at in stride(from: 0, to: 24, by: 8) {
            s0 = s0 &+ word(at) &+ s1
            s1 = s1 &+ word(at + 4) &+ s0
        }
        log.replaceSubrange(24..<32, with: [s0, s1].flatMap { v in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } })
        try log.write(to: URL(fileURLWithPath: copy + "-wal"))
        try? FileManager.default.removeItem(atPath: copy + "-shm")
        expectDamaged(copy, saying: "killed.sqlite-wal says it has version 512, not 3007000") {
            _ = try MemoryStore(path: copy, writable: false, scenes: SceneRegistry.memories)
        }
        let report = try MemoryStore.repair(path: copy, scenes: SceneRegistry.memories)
        #expect(report.salvagedEvents == 12 && report.keptUserID)
        #expect(try MemoryStore(path: copy, writable: false, scenes: SceneRegistry.memories).eventCount == 12)
    }

    /// A store of 610 events cut off in the middle of its file: `repair` reads its event
    /// counter (sqlite_sequence, on a page near the start) and reports how many of the 610 it
    /// salvaged and how many were lost, not "0 lost". Cut to its first page, the file no
    /// longer says how many it held, and the report says so. The damaged file itself is kept
    /// byte for byte, with no side files.
    @Test func repairOfATruncatedStoreCountsWhatItLost() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        try makeStore(path, count: 610)
        let whole = try #require(bytes(path))
        let cut = whole.prefix(whole.count / 2 + 1000)
        try cut.write(to: URL(fileURLWithPath: path))
        let report = try MemoryStore.repair(path: path, scenes: SceneRegistry.memories)
        #expect(report.heldEvents == 610 && report.heldIsExact)
        #expect(report.salvagedEvents < 610)
        #expect(report.lostEvents == 610 - report.salvagedEvents)
        let backup = try #require(report.backupPath)
        #expect(bytes(backup) == cut)
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal") && !FileManager.default.fileExists(atPath: backup + "-shm"))
        #expect(try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories).eventCount == report.salvagedEvents)

        let other = dir.file("first-page.sqlite")
        try makeStore(other, count: 610)
        try try #require(bytes(other)).prefix(4096).write(to: URL(fileURLWithPath: other))
        let unknown = try MemoryStore.repair(path: other, scenes: SceneRegistry.memories)
        #expect(unknown.heldEvents == nil && unknown.lostEvents == nil && unknown.salvagedEvents == 0)
    }

    /// Found by fuzzing: `memory history` and `memory stats` failed on a file never
    /// initialised (zero bytes: a first run killed at once), which `memory show` reads as a
    /// fresh memory; and a store missing one of its tables was "check the disk", not damaged.
    @Test func anEmptyFileHasNoEventsAndAMissingTableIsDamage() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("memory.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories)
        #expect(try store.events().isEmpty && store.sessions().isEmpty && store.snapshotCount() == 0)
        store.close()

        let other = dir.file("other.sqlite")
        try makeStore(other)
        try sql(other, "DROP TABLE meta")
        expectDamaged(other, saying: "no such table: meta") { _ = try MemoryStore(path: other, writable: false, scenes: SceneRegistry.memories) }
    }
}
