import Foundation
import GRDB
import JSONWriter
import Mind
import Stimuli

/// The whole memory as one JSON document: what `memory export` writes and `memory import`
/// reads (docs/mind-and-memory.md, "Export format"). Version 2; version 1 (format
/// `photophore-memory-1`, each event in the log's own `{"<scene>": {"_0": ...}}` form) is
/// still read.
public struct MemoryExport: Equatable, Sendable {
    /// The value of `format`.
    public static let format = "photophore-memory"
    /// The value of `version` this build writes, and the newest it reads.
    public static let version = 2

    /// One session as the store keeps it.
    public struct Session: Equatable, Sendable {
        public var id: Int64
        public var scene: String
        public var clock: String?
        public var profile: String

        public init(id: Int64, scene: String, clock: String?, profile: String) {
            self.id = id
            self.scene = scene
            self.clock = clock
            self.profile = profile
        }
    }

    /// The store exported (informative: `import` does not read it).
    public var path: String
    /// Empty when the store had none yet.
    public var userID: String
    /// The memory after the last event.
    public var state: Memory
    public var sessions: [Session]
    public var events: [StoredEvent]

    public init(path: String, userID: String, state: Memory, sessions: [Session], events: [StoredEvent]) {
        self.path = path
        self.userID = userID
        self.state = state
        self.sessions = sessions
        self.events = events
    }

    /// Everything in `store`.
    public init(_ store: MemoryStore) throws(StoreError) {
        path = store.path
        userID = store.userID
        state = store.state
        sessions = try store.sessions().map { Session(id: $0.id, scene: $0.scene, clock: $0.clock, profile: $0.profile) }
        events = try store.events()
    }

    /// The document, indented, with sorted keys (the one JSON writer) and a final newline.
    public func json(scenes: SceneMemories) throws -> String {
        try JSONOutput.text(Document(self), pretty: true, userInfo: [SceneMemories.userInfoKey: scenes]) + "\n"
    }

    /// Reads a document written by `json` (or by a photophore that wrote version 1). A
    /// problem throws an `ImportError` that names where it is in the file.
    public init(json data: Data, scenes: SceneMemories) throws(ImportError) {
        let decoder = JSONDecoder()
        decoder.userInfo[SceneMemories.userInfoKey] = scenes
        let document: Document
        do {
            document = try decoder.decode(Document.self, from: data)
        } catch let e as ImportError {
            throw e
        } catch let e as DecodingError {
            throw ImportError(e)
        } catch {
            throw ImportError("\(error)")
        }
        self = document.export
        try check()
    }

    /// What a store could not have written: ids out of order, an event of a session not in
    /// the file, a kind or scene that is not the event's, a state that is not the events'.
    func check() throws(ImportError) {
        var sessionIDs = Set<Int64>()
        var previous: Int64 = 0
        for (i, s) in sessions.enumerated() {
            guard s.id > previous else { throw ImportError("sessions[\(i)]: id \(s.id) is not greater than the one before; ids rise from 1") }
            previous = s.id
            sessionIDs.insert(s.id)
            guard SceneName(rawValue: s.scene) != nil else { throw ImportError("sessions[\(i)]: scene \"\(s.scene)\" is not a scene name") }
        }
        previous = 0
        var folded = Memory.fresh
        for (i, e) in events.enumerated() {
            guard e.id > previous else { throw ImportError("events[\(i)]: id \(e.id) is not greater than the one before; ids rise from 1") }
            previous = e.id
            if let s = e.session, !sessionIDs.contains(s) { throw ImportError("events[\(i)]: session \(s) is not in sessions") }
            if let problem = e.event.rangeProblem { throw ImportError("events[\(i)]: the event's \(problem)") }
            folded.apply(e.event)
        }
        if let problem = state.rangeProblem { throw ImportError("state: its \(problem)") }
        guard folded == state else { throw ImportError("state: it is not the memory its events make; the file was changed after it was written") }
    }

    /// The document's Codable form.
    struct Document: Codable {
        var export: MemoryExport
        init(_ export: MemoryExport) { self.export = export }

        enum Keys: String, CodingKey {
            case format, version, path, state, sessions, events
            case userID = "user_id"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(MemoryExport.format, forKey: .format)
            try c.encode(MemoryExport.version, forKey: .version)
            try c.encode(export.path, forKey: .path)
            try c.encode(export.userID, forKey: .userID)
            try c.encode(export.state, forKey: .state)
            try c.encode(export.sessions.map(SessionForm.init), forKey: .sessions)
            try c.encode(export.events.map { EventForm($0, version: MemoryExport.version) }, forKey: .events)
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let format = try? c.decode(String.self, forKey: .format)
            let version: Int
            switch format {
            case MemoryExport.format?:
                version = try c.decode(Int.self, forKey: .version)
                guard version >= 2 else { throw ImportError("version \(version) is not one photophore wrote with format \(MemoryExport.format)") }
                guard version <= MemoryExport.version else {
                    throw ImportError("it is version \(version), written by a newer photophore; this one reads versions 1 and 2: upgrade photophore")
                }
            case "photophore-memory-1"?:
                version = 1
            default:
                throw ImportError("it is not a photophore memory export (its format is \(format.map { "\"\($0)\"" } ?? "missing"), not \"\(MemoryExport.format)\")")
            }
            let sessions = try c.decode([SessionForm].self, forKey: .sessions).map(\.session)
            var events: [StoredEvent] = []
            var list = try c.nestedUnkeyedContainer(forKey: .events)
            while !list.isAtEnd {
                let decoder = try list.superDecoder()
                events.append(try EventForm(from: decoder, version: version).stored)
            }
            export = MemoryExport(path: try c.decode(String.self, forKey: .path), userID: try c.decode(String.self, forKey: .userID),
                                  state: try c.decode(Memory.self, forKey: .state), sessions: sessions, events: events)
        }
    }

    /// `{"clock": "2026-11-21T09:30:00Z" or null, "id": 1, "profile": "...", "scene": "candlefish"}`.
    struct SessionForm: Codable {
        var session: Session
        init(_ session: Session) { self.session = session }
        enum Keys: String, CodingKey { case id, scene, clock, profile }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(session.id, forKey: .id)
            try c.encode(session.scene, forKey: .scene)
            try c.encode(session.clock, forKey: .clock) // null, not left out
            try c.encode(session.profile, forKey: .profile)
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            session = Session(id: try c.decode(Int64.self, forKey: .id), scene: try c.decode(String.self, forKey: .scene),
                              clock: try c.decode(String?.self, forKey: .clock), profile: try c.decode(String.self, forKey: .profile))
        }
    }

    /// `{"event": {"<case>": {...}}, "id": 1, "kind": "visit", "scene": "candlefish", "session": 1 or null}`;
    /// in version 1, `event` was the log's `{"<scene>": {"_0": {"<case>": {...}}}}`.
    struct EventForm: Encodable {
        var stored: StoredEvent
        var version: Int
        init(_ stored: StoredEvent, version: Int) {
            self.stored = stored
            self.version = version
        }
        enum Keys: String, CodingKey { case id, session, scene, kind, event }

        /// The scene's own event, written without the log's wrapper.
        struct SceneEvent: Encodable {
            let event: MemoryEvent
            func encode(to encoder: any Encoder) throws { try event.encodeSceneEvent(to: encoder) }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(stored.id, forKey: .id)
            try c.encode(stored.session, forKey: .session) // null, not left out
            try c.encode(stored.event.scene.rawValue, forKey: .scene)
            try c.encode(stored.event.kind, forKey: .kind)
            try c.encode(SceneEvent(event: stored.event), forKey: .event)
        }

        init(from decoder: any Decoder, version: Int) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let id = try c.decode(Int64.self, forKey: .id)
            let sceneText = try c.decode(String.self, forKey: .scene)
            guard let scene = SceneName(rawValue: sceneText),
                  (decoder.userInfo[SceneMemories.userInfoKey] as? SceneMemories)?.type(of: scene) != nil else {
                throw DecodingError.dataCorruptedError(forKey: .scene, in: c, debugDescription: "\"\(sceneText)\" is not a scene this photophore knows")
            }
            let event: MemoryEvent
            if version == 1 {
                event = try c.decode(MemoryEvent.self, forKey: .event)
            } else {
                event = try MemoryEvent(scene: scene, sceneEventFrom: try c.superDecoder(forKey: .event))
            }
            guard event.scene == scene else {
                throw DecodingError.dataCorruptedError(forKey: .event, in: c, debugDescription: "the event is of \(event.scene), not of its scene \(scene)")
            }
            let kind = try c.decode(String.self, forKey: .kind)
            guard kind == event.kind else {
                throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "\"\(kind)\" is not the event's kind \"\(event.kind)\"")
            }
            stored = StoredEvent(id: id, session: try c.decode(Int64?.self, forKey: .session), event: event)
            self.version = version
        }
    }
}

/// Why a file cannot be imported, on one line: where in the file, and what is wrong.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }

    init(_ error: DecodingError) {
        func place(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the document" : text
        }
        switch error {
        case let .typeMismatch(type, context):
            self.init("\(place(context.codingPath)): expected \(Self.name(type))")
        case let .valueNotFound(type, context):
            self.init("\(place(context.codingPath)): expected \(Self.name(type)), found null")
        case let .keyNotFound(key, context):
            self.init("\(place(context.codingPath + [key])): missing")
        case let .dataCorrupted(context):
            if let underlying = context.underlyingError as? ImportError {
                self = underlying
            } else if context.codingPath.isEmpty {
                self.init("it is not valid JSON")
            } else {
                self.init("\(place(context.codingPath)): \(context.debugDescription)")
            }
        @unknown default:
            self.init("\(error)")
        }
    }

    static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Double.Type: return "a number"
        default: return String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

extension MemoryStore {
    /// Whether the store holds nothing to lose: no events and no sessions.
    public func isEmpty() throws(StoreError) -> Bool {
        guard eventCount == 0 else { return false }
        return try sessions().isEmpty
    }

    /// Fills an empty store with an export, in one transaction: the sessions and events keep
    /// their ids, the user id is the export's (unless it has none), and snapshots are taken
    /// as `append` takes them.
    public func fill(with export: MemoryExport) throws(StoreError) {
        guard try isEmpty() else { throw StoreError(.io, path: path, "it already holds events; import only into an empty store") }
        var state = Memory.fresh
        var snapshots: [(Int64, String)] = []
        for (i, e) in export.events.enumerated() {
            state.apply(e.event)
            if (i + 1) % options.snapshotInterval == 0 { snapshots.append((e.id, MemoryStore.encode(state, scenes: scenes))) }
        }
        try write { db in
            if !export.userID.isEmpty {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('user_id', ?)", arguments: [export.userID])
            }
            for s in export.sessions {
                try db.execute(sql: "INSERT INTO sessions(id, scene, clock, profile) VALUES (?, ?, ?, ?)",
                               arguments: [s.id, s.scene, s.clock, s.profile])
            }
            for e in export.events {
                try db.execute(sql: "INSERT INTO events(id, session, scene, kind, payload) VALUES (?, ?, ?, ?, ?)",
                               arguments: [e.id, e.session, e.event.scene.rawValue, e.event.kind, MemoryStore.encode(e.event, scenes: scenes)])
            }
            for (id, snapshot) in snapshots {
                try db.execute(sql: "INSERT INTO snapshots(event_id, state) VALUES (?, ?)", arguments: [id, snapshot])
            }
        }
        if !export.userID.isEmpty { userID = export.userID }
        self.state = state
        eventCount = export.events.count
    }
}
