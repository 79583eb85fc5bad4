import JSONWriter
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import Mind
import Stimuli

/// One event as stored in the log.
public struct StoredEvent: Equatable, Sendable {
    public var id: Int64
    public var session: Int64?
    public var event: MemoryEvent
}

/// Options of a store; the defaults suit everyday use.
public struct StoreOptions: Sendable {
    /// A snapshot of the memory is written after every `snapshotInterval` events.
    public var snapshotInterval = 50
    /// How long to wait for another process's lock before failing, in seconds.
    public var busyTimeout = 0.3
    /// Test hook: caps the database at this many pages, so a write fails as on a full disk.
    public var maxPageCount: Int?

    public init(snapshotInterval: Int = 50, busyTimeout: Double = 0.3, maxPageCount: Int? = nil) {
        self.snapshotInterval = max(1, snapshotInterval)
        self.busyTimeout = busyTimeout
        self.maxPageCount = maxPageCount
    }
}

/// The persistent memory: an SQLite event log (through GRDB) with a snapshot every N
/// events. Current state = the last snapshot + replay of the later events.
///
/// Opening never creates, migrates or repairs a file it has not first checked with a
/// read-only connection: a damaged, locked, unreadable, read-only or newer store is reported
/// as a `StoreError` and left untouched. Each appended event is its own transaction (WAL,
/// synchronous=NORMAL): killing the process loses at most the event in flight.
public final class MemoryStore {
    /// The `application_id` that marks a photophore store ("PHOT").
    public static let applicationID: Int32 = 0x5048_4F54
    /// The migrations this build knows, oldest first.
    static let knownMigrations = ["v1"]

    public let path: String
    public let options: StoreOptions
    /// The scenes' memory types: what snapshots and events are read and written with (the
    /// engine's `SceneRegistry.memories` lists every registered scene).
    public let scenes: SceneMemories
    public internal(set) var userID: String
    /// The current memory, kept equal to snapshot + replay as events are appended.
    public internal(set) var state: Memory
    /// How many events the log holds.
    public internal(set) var eventCount: Int
    let queue: DatabaseQueue
    public let writable: Bool

    /// The default store: `$XDG_STATE_HOME/photophore/memory.sqlite`, else
    /// `~/.local/state/photophore/memory.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/photophore/memory.sqlite"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/state/photophore/memory.sqlite"
    }

    /// Whether a store file exists at `path`.
    public static func exists(at path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Opens the store. Read-only needs an existing file; writable creates the file (0600, in a
    /// 0700 folder) on first use, with a new user id. `scenes` are the memory types it reads
    /// and writes; an event of a scene not among them reads as damage.
    public init(path: String, writable: Bool, scenes: SceneMemories, options: StoreOptions = StoreOptions()) throws(StoreError) {
        self.path = path
        self.options = options
        self.scenes = scenes
        self.writable = writable
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: path)
        if !exists {
            guard writable else { throw StoreError(.unreadable, path: path, "no such file") }
            try MemoryStore.createFile(path)
        } else {
            guard fm.isReadableFile(atPath: path) else { throw StoreError(.unreadable, path: path, "permission denied") }
            // Check with a read-only connection before anything can write to the file; to be
            // written, the memory must also read (snapshot and later events) through it.
            try MemoryStore.check(path: path, options: options, loading: writable ? scenes : nil)
            if writable {
                let dir = (path as NSString).deletingLastPathComponent
                guard fm.isWritableFile(atPath: path) else { throw StoreError(.readOnly, path: path, "the file is not writable") }
                guard fm.isWritableFile(atPath: dir.isEmpty ? "." : dir) else {
                    throw StoreError(.readOnly, path: path, "its folder is not writable")
                }
            }
        }
        do {
            var config = Configuration()
            config.readonly = !writable
            config.busyMode = .timeout(options.busyTimeout)
            config.label = "memory"
            let cap = options.maxPageCount
            config.prepareDatabase { db in
                // WAL set here, not through GRDB's journalMode: that one also creates and drops
                // a table whenever no -wal lies beside the file (for its pools' readers), which
                // rewrites the header's schema cookie of every store it opens.
                if writable {
                    guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                        throw DatabaseError(resultCode: .SQLITE_IOERR, message: "cannot use a write-ahead log beside it")
                    }
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                if let cap { try db.execute(sql: "PRAGMA max_page_count = \(cap)") }
            }
            let queue = try DatabaseQueue(path: writable ? path : MemoryStore.readOnlyLocation(path), configuration: config)
            if writable { try MemoryStore.migrator.migrate(queue) }
            self.queue = queue
            let loaded = try queue.read { db in try MemoryStore.load(db, scenes: scenes) }
            state = loaded.state
            eventCount = loaded.count
            if let id = loaded.userID {
                userID = id
            } else if writable {
                let id = UUID().uuidString.lowercased()
                try queue.write { db in
                    try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('user_id', ?)", arguments: [id])
                }
                userID = id
            } else {
                userID = ""
            }
        } catch {
            throw StoreError.from(error, path: path, writing: writable)
        }
    }

    static func createFile(_ path: String) throws(StoreError) {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty && !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(.readOnly, path: path, "cannot create its folder: \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError(.readOnly, path: path, "cannot create the file: \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600) // whatever the umask
        Glibc.close(fd)
    }

    /// Checks an existing file through a read-only connection: readable, an SQLite database,
    /// intact, ours, and not newer than this build; with `loading`, also that the memory
    /// (last snapshot and later events) reads with those scenes.
    static func check(path: String, options: StoreOptions, loading scenes: SceneMemories? = nil) throws(StoreError) {
        do {
            let queue = try readOnlyQueue(path, options: options)
            defer { try? queue.close() }
            try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA quick_check")
                if integrity != ["ok"] {
                    // A header line, then a line per problem (up to 100), over one or more rows:
                    // the message names the first problem and counts the others.
                    let problems = integrity.flatMap { $0.split(whereSeparator: \.isNewline) }.filter { !$0.hasPrefix("***") }
                    let more = problems.count > 1 ? " and \(problems.count - 1) more problems" : ""
                    throw StoreError(.corrupt, path: path, "integrity check: \(problems.first ?? "failed")\(more)")
                }
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if appID != MemoryStore.applicationID {
                    // An empty file is a fresh database; anything else is someone else's.
                    if tables.isEmpty { return }
                    throw StoreError(.foreign, path: path, "application id \(appID)")
                }
                guard tables.contains("grdb_migrations") else {
                    throw StoreError(.corrupt, path: path, "the migrations table is missing")
                }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                let unknown = applied.filter { !MemoryStore.knownMigrations.contains($0) }
                if !unknown.isEmpty {
                    throw StoreError(.newerSchema, path: path, "unknown migration \(unknown.sorted().joined(separator: ", "))")
                }
                if let scenes { _ = try MemoryStore.load(db, scenes: scenes) }
            }
        } catch {
            let e = StoreError.from(error, path: path, writing: false)
            // SQLite will not open a file whose write-ahead log has a version it does not know,
            // and says only "unable to open database file": that is a damaged log, not permissions.
            if e.kind == .unreadable, let version = walVersion(path), version != 3_007_000 {
                let log = (path as NSString).lastPathComponent + "-wal"
                throw StoreError(.corrupt, path: path, "its write-ahead log \(log) says it has version \(version), not 3007000")
            }
            throw e
        }
    }

    /// A read-only connection to the file at `path` (`readOnlyLocation`), waiting on a lock
    /// as `options` says: the one way a store is read without being written.
    static func readOnlyQueue(_ path: String, options: StoreOptions) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(options.busyTimeout)
        return try DatabaseQueue(path: readOnlyLocation(path), configuration: config)
    }

    /// What a read-only connection opens: an SQLite URI with `mode=ro`, so nothing can write
    /// the file, and `immutable=1` unless a write-ahead log lies beside it. A read-only
    /// connection to a file in WAL mode otherwise creates `-wal` and `-shm` files beside it;
    /// immutable, SQLite creates neither, takes no lock and reads the file alone. With a log
    /// beside it (another process has the store open, or a killed run left one) the log holds
    /// the latest events and must be read, so the file is opened read-only but not immutable
    /// (SQLite then makes a `-shm` beside the log if there is none). Without SQLite's URIs
    /// (a build without SQLITE_USE_URI) the plain path is opened read-only.
    static func readOnlyLocation(_ path: String) -> String {
        guard sqliteReadsURIs else { return path }
        // The path part of a file: URI: '%', '?' and '#' would be read as escapes or the query.
        var escaped = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        let immutable = FileManager.default.fileExists(atPath: path + "-wal") ? "" : "&immutable=1"
        return "file:\(escaped)?mode=ro\(immutable)"
    }

    /// Whether SQLite reads `file:` names as URIs (GRDB does not ask it to; a build with
    /// SQLITE_USE_URI, as Debian's, does).
    static let sqliteReadsURIs: Bool = {
        guard let queue = try? DatabaseQueue() else { return false }
        defer { try? queue.close() }
        return ((try? queue.read { db in try String.fetchAll(db, sql: "PRAGMA compile_options") }) ?? []).contains("USE_URI")
    }()

    /// The version field of the write-ahead log beside `path`, when there is one that SQLite
    /// would read (one with a log's magic number; it ignores any other).
    static func walVersion(_ path: String) -> UInt32? {
        guard let handle = FileHandle(forReadingAtPath: path + "-wal") else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 8), head.count == 8 else { return nil }
        let word = { (at: Int) in head[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        return word(0) & 0xFFFF_FFFE == 0x377F_0682 ? word(4) : nil
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(MemoryStore.applicationID)")
            try db.execute(sql: """
                CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE sessions(
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    scene TEXT NOT NULL,
                    clock TEXT,
                    profile TEXT NOT NULL);
                CREATE TABLE events(
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session INTEGER REFERENCES sessions(id),
                    scene TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL);
                CREATE TABLE snapshots(
                    event_id INTEGER PRIMARY KEY NOT NULL,
                    state TEXT NOT NULL);
                """)
        }
        return m
    }

    struct Loaded {
        var state: Memory
        var count: Int
        var userID: String?
    }

    static func load(_ db: Database, scenes: SceneMemories) throws -> Loaded {
        // A file created but never initialised (a first run killed at once) reads as empty.
        guard try db.tableExists("events") else { return Loaded(state: .fresh, count: 0, userID: nil) }
        let userID = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'user_id'")
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
        var state = Memory.fresh
        var after: Int64 = 0
        if let row = try Row.fetchOne(db, sql: "SELECT event_id, state FROM snapshots ORDER BY event_id DESC LIMIT 1") {
            after = try column(row, "event_id", of: "a snapshot")
            state = try decodeState(try column(row, "state", of: "snapshot \(after)"), what: "snapshot \(after)", scenes: scenes)
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT id, payload FROM events WHERE id > ? ORDER BY id", arguments: [after])
        while let row = try rows.next() {
            let id: Int64 = try column(row, "id", of: "an event")
            state.apply(try decodeEvent(try column(row, "payload", of: "event \(id)"), id: id, scenes: scenes))
        }
        return Loaded(state: state, count: count, userID: userID)
    }

    /// A column of a row read from the file. GRDB's row subscript traps when the value does
    /// not convert (a NULL or a number where text belongs, as in a damaged file); this throws
    /// SQLite's corruption error instead, so that the store is reported as damaged.
    static func column<T: DatabaseValueConvertible>(_ row: Row, _ name: String, of what: String) throws -> T {
        do {
            return try row.decode(forColumn: name)
        } catch {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(what) cannot be read: its \(name) is \(row[name] as DatabaseValue)")
        }
    }

    /// A decoder that knows the scenes' memory types.
    static func decoder(_ scenes: SceneMemories) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.userInfo[SceneMemories.userInfoKey] = scenes
        return decoder
    }

    static func decodeEvent(_ text: String, id: Int64, scenes: SceneMemories) throws -> MemoryEvent {
        let event: MemoryEvent
        do {
            event = try decoder(scenes).decode(MemoryEvent.self, from: Data(text.utf8))
        } catch {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "event \(id) cannot be read")
        }
        // Decodable is not the same as something Mind recorded: folding a damaged value could trap.
        if let problem = event.rangeProblem {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "event \(id) cannot be read: its \(problem)")
        }
        return event
    }

    static func session(_ row: Row) throws -> (id: Int64, scene: String, clock: String?, profile: String) {
        let id: Int64 = try column(row, "id", of: "a session")
        return (id: id, scene: try column(row, "scene", of: "session \(id)"), clock: try column(row, "clock", of: "session \(id)"),
                profile: try column(row, "profile", of: "session \(id)"))
    }

    static func decodeState(_ text: String, what: String, scenes: SceneMemories) throws -> Memory {
        let state: Memory
        do {
            state = try decoder(scenes).decode(Memory.self, from: Data(text.utf8))
        } catch {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(what) cannot be read")
        }
        if let problem = state.rangeProblem {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(what) cannot be read: its \(problem)")
        }
        return state
    }

    /// JSON with sorted keys (the one JSON writer); a snapshot has a member for every scene of `scenes`.
    static func encode<T: Encodable>(_ value: T, scenes: SceneMemories) -> String {
        // Encoding our own plain values cannot fail: ranges are checked before anything is stored.
        try! JSONOutput.text(value, userInfo: [SceneMemories.userInfoKey: scenes])
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        guard writable else { throw StoreError(.readOnly, path: path, "opened read-only") }
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw StoreError.from(error, path: path, writing: true)
        }
    }

    /// Starts a session and returns its id, for `append`.
    public func beginSession(scene: SceneName, clock: WallClock?, profile: Profile) throws(StoreError) -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO sessions(scene, clock, profile) VALUES (?, ?, ?)",
                           arguments: [scene.rawValue, clock?.rfc3339, profile.description])
            return db.lastInsertedRowID
        }
    }

    /// Appends one event in its own transaction, with a snapshot when one is due.
    public func append(_ event: MemoryEvent, session: Int64?) throws(StoreError) {
        var next = state
        next.apply(event)
        let snapshotDue = (eventCount + 1) % options.snapshotInterval == 0
        let payload = MemoryStore.encode(event, scenes: scenes)
        let snapshot = snapshotDue ? MemoryStore.encode(next, scenes: scenes) : nil
        try write { db in
            try db.execute(sql: "INSERT INTO events(session, scene, kind, payload) VALUES (?, ?, ?, ?)",
                           arguments: [session, event.scene.rawValue, event.kind, payload])
            if let snapshot {
                try db.execute(sql: "INSERT INTO snapshots(event_id, state) VALUES (?, ?)",
                               arguments: [db.lastInsertedRowID, snapshot])
            }
        }
        state = next
        eventCount += 1
    }

    /// Appends events in order, each in its own transaction.
    public func append<S: Sequence>(_ events: S, session: Int64?) throws(StoreError) where S.Element == MemoryEvent {
        for e in events { try append(e, session: session) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw StoreError.from(error, path: path, writing: false)
        }
    }

    /// Every event, oldest first.
    public func events() throws(StoreError) -> [StoredEvent] {
        try read { db in
            // A file never initialised (see `load`) has no tables yet: no events.
            guard try db.tableExists("events") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT id, session, payload FROM events ORDER BY id").map { row in
                let id: Int64 = try MemoryStore.column(row, "id", of: "an event")
                return StoredEvent(id: id, session: try MemoryStore.column(row, "session", of: "event \(id)"),
                                   event: try MemoryStore.decodeEvent(try MemoryStore.column(row, "payload", of: "event \(id)"), id: id, scenes: scenes))
            }
        }
    }

    /// The memory rebuilt from the last snapshot and the events after it, read afresh.
    public func loadFromSnapshot() throws(StoreError) -> Memory {
        try read { db in try MemoryStore.load(db, scenes: scenes).state }
    }

    /// The memory rebuilt by replaying the whole log from the fresh memory, ignoring snapshots.
    public func replayAll() throws(StoreError) -> Memory {
        var m = Memory.fresh
        m.apply(try events().map(\.event))
        return m
    }

    /// How many snapshots the store holds.
    public func snapshotCount() throws(StoreError) -> Int {
        try read { db in try db.tableExists("snapshots") ? Int.fetchOne(db, sql: "SELECT count(*) FROM snapshots") ?? 0 : 0 }
    }

    /// The sessions, oldest first: id, scene, clock and profile.
    public func sessions() throws(StoreError) -> [(id: Int64, scene: String, clock: String?, profile: String)] {
        try read { db in
            guard try db.tableExists("sessions") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT id, scene, clock, profile FROM sessions ORDER BY id").map { try MemoryStore.session($0) }
        }
    }

    /// Erases the whole memory, events, snapshots and user id, and compacts the file so the
    /// erased data does not linger in free pages. A new user id is made.
    public func forget() throws(StoreError) {
        let id = UUID().uuidString.lowercased()
        try write { db in
            try db.execute(sql: "DELETE FROM snapshots; DELETE FROM events; DELETE FROM sessions; DELETE FROM meta")
            try db.execute(sql: "DELETE FROM sqlite_sequence")
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('user_id', ?)", arguments: [id])
        }
        do {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw StoreError.from(error, path: path, writing: true)
        }
        userID = id
        state = .fresh
        eventCount = 0
    }

    /// Closes the connection.
    public func close() {
        try? queue.close()
    }

    deinit { try? queue.close() }
}
