import Foundation
import GRDB
import Mind

/// What `repair` did.
public struct RepairReport: Equatable, Sendable {
    /// The store was healthy and nothing was changed.
    public var wasHealthy: Bool
    /// Where the original file was kept, when it was replaced.
    public var backupPath: String?
    public var salvagedEvents: Int
    public var lostEvents: Int
    public var keptUserID: Bool
}

extension MemoryStore {
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
        do {
            try FileManager.default.moveItem(atPath: path, toPath: backup)
            for s in sideSuffixes where FileManager.default.fileExists(atPath: path + s) {
                try FileManager.default.moveItem(atPath: path + s, toPath: backup + s)
            }
        } catch {
            throw StoreError(.io, path: path, "cannot move it to \(backup): \(error.localizedDescription)")
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
            return RepairReport(wasHealthy: true, backupPath: nil, salvagedEvents: 0, lostEvents: 0, keptUserID: true)
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
                            lostEvents: salvage.lost, keptUserID: salvage.userID != nil)
    }

    struct Salvage {
        var userID: String?
        var sessions: [(id: Int64, scene: String, clock: String?, profile: String)] = []
        var events: [StoredEvent] = []
        var lost = 0
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
        guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return result }
        defer { try? queue.close() }
        try? queue.read { db in
            result.userID = try? String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'user_id'")
            if let rows = try? Row.fetchAll(db, sql: "SELECT id, scene, clock, profile FROM sessions ORDER BY id") {
                result.sessions = rows.compactMap { try? session($0) }
            }
            // Row by row, so one damaged page costs only the rows on it. The ids are the ones
            // the table lists when it can be walked, else 1...max(id); a damaged file can make
            // that absurd (up to 2^63), so at most a million ids are tried.
            let ids: [Int64]
            if let listed = try? Int64.fetchAll(db, sql: "SELECT id FROM events ORDER BY id") {
                ids = listed
            } else {
                let maxID = (try? Int64.fetchOne(db, sql: "SELECT max(id) FROM events")) ?? nil
                guard let maxID, maxID > 0 else { return }
                ids = Array(1...min(maxID, 1_000_000))
            }
            for id in ids {
                do {
                    guard let row = try Row.fetchOne(db, sql: "SELECT session, payload FROM events WHERE id = ?", arguments: [id])
                    else { continue }
                    let event = try decodeEvent(try column(row, "payload", of: "event \(id)"), id: id, scenes: scenes)
                    result.events.append(StoredEvent(id: id, session: try column(row, "session", of: "event \(id)"), event: event))
                } catch {
                    result.lost += 1
                }
            }
        }
        return result
    }
}
