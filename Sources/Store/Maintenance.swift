import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import Mind

/// What `repair` did.
public struct RepairReport: Equatable, Sendable {
    /// The store was healthy and nothing was changed.
    public var wasHealthy: Bool
    /// Where the original file was kept, when it was replaced.
    public var backupPath: String?
    public var salvagedEvents: Int
    /// How many events the damaged store held, as far as it can tell: nil when it cannot.
    public var heldEvents: Int?
    /// Whether `heldEvents` is the number the store held, or only a number it held at least
    /// (the highest event id seen, when the file no longer says which id it gave last).
    public var heldIsExact: Bool
    public var keptUserID: Bool

    /// Events held but not salvaged (at least, when `heldIsExact` is false); nil when unknown.
    public var lostEvents: Int? { heldEvents.map { max(0, $0 - salvagedEvents) } }

    public init(wasHealthy: Bool, backupPath: String?, salvagedEvents: Int, heldEvents: Int?, heldIsExact: Bool, keptUserID: Bool) {
        self.wasHealthy = wasHealthy
        self.backupPath = backupPath
        self.salvagedEvents = salvagedEvents
        self.heldEvents = heldEvents
        self.heldIsExact = heldIsExact
        self.keptUserID = keptUserID
    }
}

extension MemoryStore {
    /// The size of a file in bytes, 0 when it cannot be read.
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The SQLite side files that belong with a database file.
    static let sideSuffixes = ["-wal", "-shm"]

    /// A free backup path beside `path`: `path.<label>-1`, `-2`, ...
    static func freeBackupPath(_ path: String, label: String) -> String {
        var n = 1
        while FileManager.default.fileExists(atPath: "\(path).\(label)-\(n)") { n += 1 }
        return "\(path).\(label)-\(n)"
    }

    /// Moves the database and its side files to `backup`, keeping them together so the
    /// backup still opens with everything that was in its write-ahead log.
    static func moveAside(_ path: String, to backup: String) throws(StoreError) {
        for s in [""] + sideSuffixes where s.isEmpty || FileManager.default.fileExists(atPath: path + s) {
            // rename(2) rather than FileManager: its errno tells a folder that cannot be
            // written (advice of its own) from other failures, and reads as a sentence.
            guard rename(path + s, backup + s) == 0 else {
                let e = errno
                let detail = "cannot move \((path + s as NSString).lastPathComponent) to \(backup + s): \(String(cString: strerror(e)))"
                throw StoreError([EACCES, EPERM, EROFS].contains(e) ? .readOnly : .io, path: path, detail)
            }
        }
    }

    /// Starts over with an empty store, after moving the old one (if any) to a backup.
    /// Returns the backup path, or nil when there was no store.
    @discardableResult
    public static func reset(path: String, scenes: SceneMemories, options: StoreOptions = StoreOptions()) throws(StoreError) -> String? {
        var backup: String?
        if FileManager.default.fileExists(atPath: path) {
            let b = freeBackupPath(path, label: "backup")
            try moveAside(path, to: b)
            backup = b
        }
        _ = try MemoryStore(path: path, writable: true, scenes: scenes, options: options)
        return backup
    }

    /// Salvages a store that does not open: the original is moved to a backup, a fresh store
    /// is made, and every event that can still be read (and the user id) is copied into it.
    /// A healthy store is left alone. A locked or newer store is not touched.
    public static func repair(path: String, scenes: SceneMemories, options: StoreOptions = StoreOptions()) throws(StoreError) -> RepairReport {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.unreadable, path: path, "no such file; there is nothing to repair")
        }
        do {
            _ = try MemoryStore(path: path, writable: false, scenes: scenes, options: options)
            return RepairReport(wasHealthy: true, backupPath: nil, salvagedEvents: 0, heldEvents: nil, heldIsExact: true, keptUserID: true)
        } catch let e where [.locked, .newerSchema, .unreadable, .foreign].contains(e.kind) {
            throw e
        } catch {
            // Damaged: salvage below.
        }
        let backup = freeBackupPath(path, label: "damaged")
        try moveAside(path, to: backup)
        let salvage = salvageRows(from: backup, scenes: scenes)
        let store = try MemoryStore(path: path, writable: true, scenes: scenes, options: options)
        if let id = salvage.userID {
            try store.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('user_id', ?)", arguments: [id])
            }
            store.userID = id
        }
        var sessionMap: [Int64: Int64] = [:]
        for s in salvage.sessions {
            sessionMap[s.id] = try store.write { db in
                try db.execute(sql: "INSERT INTO sessions(scene, clock, profile) VALUES (?, ?, ?)",
                               arguments: [s.scene, s.clock, s.profile])
                return db.lastInsertedRowID
            }
        }
        for e in salvage.events {
            try store.append(e.event, session: e.session.flatMap { sessionMap[$0] })
        }
        store.close()
        return RepairReport(wasHealthy: false, backupPath: backup, salvagedEvents: salvage.events.count,
                            heldEvents: salvage.held, heldIsExact: salvage.heldIsExact, keptUserID: salvage.userID != nil)
    }

    struct Salvage {
        var userID: String?
        var sessions: [(id: Int64, scene: String, clock: String?, profile: String)] = []
        var events: [StoredEvent] = []
        /// How many events the file held (see `RepairReport.heldEvents`).
        var held: Int?
        var heldIsExact = true
    }

    /// Reads what it can, row by row, from a damaged file (opened read-only). When nothing can
    /// be read with the file's write-ahead log (a damaged log can stop SQLite from opening the
    /// file at all), it reads a copy of the file alone: what was checkpointed into it.
    static func salvageRows(from path: String, scenes: SceneMemories) -> Salvage {
        let salvage = salvageRows(opening: path, scenes: scenes)
        let fm = FileManager.default
        guard salvage.events.isEmpty, salvage.userID == nil, fm.fileExists(atPath: path + "-wal") else { return salvage }
        let alone = path + ".without-log"
        defer { for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: alone + suffix) } }
        guard (try? fm.copyItem(atPath: path, toPath: alone)) != nil else { return salvage }
        return salvageRows(opening: alone, scenes: scenes)
    }

    static func salvageRows(opening path: String, scenes: SceneMemories) -> Salvage {
        var result = Salvage()
        var config = Configuration()
        config.readonly = true
        // A file cut short is smaller than its header says; SQLite then refuses even its
        // schema unless writable_schema is on. On this read-only connection it writes nothing:
        // it only lets SQLite read the pages that are still there.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA writable_schema = ON") }
        guard let queue = try? DatabaseQueue(path: readOnlyLocation(path), configuration: config) else { return result }
        defer { try? queue.close() }
        try? queue.read { db in
            result.userID = try? String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'user_id'")
            if let rows = try? Row.fetchAll(db, sql: "SELECT id, scene, clock, profile FROM sessions ORDER BY id") {
                result.sessions = rows.compactMap { try? session($0) }
            }
            // Which ids the file held. Events are appended with ids 1, 2, 3, ... and never
            // deleted one by one (`forget` empties the table and its counter), so the count is
            // the last id given, which sqlite_sequence keeps on a page of its own near the start
            // of the file: it survives a file cut short. When the events table can be walked,
            // the ids it lists are exact. Else the ids seen (a walk up to the damage, the
            // largest id, the snapshots' ids) say at least how many there were.
            let sequence = (try? Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'")) ?? nil
            var listed: [Int64] = []
            var walked = false
            if let cursor = try? Int64.fetchCursor(db, sql: "SELECT id FROM events ORDER BY id") {
                do {
                    while let id = try cursor.next() { listed.append(id) }
                    walked = true
                } catch {
                    // The ids before the damage are kept.
                }
            }
            var seen = listed.last ?? 0
            for sql in ["SELECT max(id) FROM events", "SELECT max(event_id) FROM snapshots"] {
                if let v = (try? Int64.fetchOne(db, sql: sql)) ?? nil { seen = max(seen, v) }
            }
            // A damaged file can make a counter absurd (up to 2^63): one no file of this size
            // (with its log) could have held (an event takes well over 16 bytes) is not believed.
            let plausible = Int64(max(fileSize(path) + fileSize(path + "-wal"), 4096) / 16)
            let counter = sequence.flatMap { (0...plausible).contains($0) ? $0 : nil }
            if walked {
                // Ids above the last listed one that the counter gave were lost with their rows.
                let beyond = counter.map { max(0, $0 - (listed.last ?? 0)) } ?? 0
                result.held = listed.count + Int(beyond)
            } else if let counter, counter >= seen {
                result.held = Int(counter)
            } else if seen > 0, seen <= plausible {
                result.held = Int(seen)
                result.heldIsExact = false
            }
            // Row by row, so one damaged page costs only the rows on it: the ids the table
            // lists when it can be walked, else 1...the largest id known, at most a million.
            let ids: [Int64]
            if walked {
                ids = listed
            } else {
                let last = min(max(counter ?? 0, seen <= plausible ? seen : 0, listed.last ?? 0), 1_000_000)
                ids = last > 0 ? Array(1...last) : []
            }
            for id in ids {
                do {
                    guard let row = try Row.fetchOne(db, sql: "SELECT session, payload FROM events WHERE id = ?", arguments: [id])
                    else { continue }
                    let event = try decodeEvent(try column(row, "payload", of: "event \(id)"), id: id, scenes: scenes)
                    result.events.append(StoredEvent(id: id, session: try column(row, "session", of: "event \(id)"), event: event))
                } catch {
                    // Lost: counted against what the file held.
                }
            }
        }
        return result
    }
}

extension MemoryStore {
    /// The log read row by row, for listing it: every event, or why it cannot be read.
    public struct Log: Sendable {
        public enum Entry: Sendable {
            case event(StoredEvent)
            /// An event whose row or payload cannot be read: its id and the problem.
            case unreadable(id: Int64, problem: String)
        }
        /// Oldest first.
        public var entries: [Entry] = []
        /// The snapshots that cannot be read: the id of the event each follows, and the problem.
        public var unreadableSnapshots: [(eventID: Int64, problem: String)] = []
    }

    /// Reads the log of the store at `path` through a read-only connection, after the same
    /// check as opening (a file SQLite finds damaged, or not ours, throws). Unlike opening,
    /// an event or snapshot that cannot be read does not stop it: the event is an entry of
    /// its own, the snapshot is listed apart.
    public static func readLog(path: String, scenes: SceneMemories, options: StoreOptions = StoreOptions()) throws(StoreError) -> Log {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw StoreError(.unreadable, path: path, FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        try check(path: path, options: options)
        var log = Log()
        do {
            let queue = try readOnlyQueue(path, options: options)
            defer { try? queue.close() }
            try queue.read { db in
                // A file never initialised (see `load`) has no tables yet: no events.
                guard try db.tableExists("events") else { return }
                let rows = try Row.fetchCursor(db, sql: "SELECT id, session, payload FROM events ORDER BY id")
                while let row = try rows.next() {
                    let id: Int64 = try column(row, "id", of: "an event")
                    do {
                        let event = try decodeEvent(try column(row, "payload", of: "event \(id)"), id: id, scenes: scenes)
                        log.entries.append(.event(StoredEvent(id: id, session: try column(row, "session", of: "event \(id)"), event: event)))
                    } catch {
                        log.entries.append(.unreadable(id: id, problem: problem(error, dropping: "event \(id) cannot be read", otherwise: "its payload is not an event this photophore knows")))
                    }
                }
                let snapshots = try Row.fetchCursor(db, sql: "SELECT event_id, state FROM snapshots ORDER BY event_id")
                while let row = try snapshots.next() {
                    let id: Int64 = try column(row, "event_id", of: "a snapshot")
                    do {
                        _ = try decodeState(try column(row, "state", of: "snapshot \(id)"), what: "snapshot \(id)", scenes: scenes)
                    } catch {
                        log.unreadableSnapshots.append((id, problem(error, dropping: "snapshot \(id) cannot be read", otherwise: "its state is not a memory this photophore knows")))
                    }
                }
            }
        } catch {
            throw StoreError.from(error, path: path, writing: false)
        }
        return log
    }

    /// What is wrong with a row, without the "<what> cannot be read" its message starts with.
    static func problem(_ error: any Error, dropping prefix: String, otherwise: String) -> String {
        let message = (error as? DatabaseError)?.message ?? "\(error)"
        guard message.hasPrefix(prefix) else { return message }
        let rest = message.dropFirst(prefix.count).drop { $0 == ":" || $0 == " " }
        return rest.isEmpty ? otherwise : String(rest)
    }
}
