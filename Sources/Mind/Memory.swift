import Stimuli

/// What one scene keeps between runs, and the events that change it: the scene's memory
/// codec. The store logs the events and snapshots the memories; `Memory.fresh` folded over
/// the log is the current memory.
///
/// The store knows scenes only through this protocol: each scene lists its memory type with
/// the registry, and the store encodes and decodes through the list (`SceneMemories`). A
/// conformer's `Codable` form is its part of a snapshot; its `Event`'s is an event's payload.
public protocol SceneMemory: Codable, Equatable, Sendable {
    /// A change to this memory, as the mind records it.
    associatedtype Event: Codable, Equatable, Sendable
    /// The scene this memory belongs to: the key of its part of a snapshot and of its events.
    static var scene: SceneName { get }
    /// The memory of a person never seen.
    init()
    /// Folds one event. Pure: the same events give the same memory.
    mutating func apply(_ event: Event)
    /// A short name of the event's kind, for logs and the store's index; "visit" starts a session.
    static func kind(of event: Event) -> String
    /// Why an event could not have come from the mind (a damaged file), or nil.
    static func rangeProblem(of event: Event) -> String?
    /// Why this memory could not have been reached by folding events, or nil.
    var rangeProblem: String? { get }
    /// The trust kept with the person, for `memory stats` (0 for a scene that keeps none).
    var trust: Double { get }
    /// The range `trust` stays in; nil for a scene that keeps no trust.
    static var trustRange: ClosedRange<Double>? { get }
    /// The simulation time of an event, when it has one (session statistics).
    static func time(of event: Event) -> Double?
}

extension SceneMemory {
    public static func rangeProblem(of event: Event) -> String? { nil }
    public var rangeProblem: String? { nil }
    public var trust: Double { 0 }
    public static var trustRange: ClosedRange<Double>? { nil }
    public static func time(of event: Event) -> Double? { nil }

    func isEqual(_ other: any SceneMemory) -> Bool { (other as? Self) == self }
    var isFresh: Bool { self == Self() }
}

/// The scenes' memory types, by scene: what the store decodes snapshots and events with.
/// The engine's scene registry makes the list of every registered scene.
public struct SceneMemories: Sendable {
    public let types: [any SceneMemory.Type]

    public init(_ types: [any SceneMemory.Type]) { self.types = types }

    /// The memory type of `scene`, or nil for a scene not in the list.
    public func type(of scene: SceneName) -> (any SceneMemory.Type)? { types.first { $0.scene == scene } }

    /// Where a coder's `userInfo` carries the list.
    public static let userInfoKey = CodingUserInfoKey(rawValue: "photophore.scene-memories")!
}

/// A coding key of any name (a scene's name in a snapshot or an event).
struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A change to the persistent memory of one scene: what the store's event log holds.
///
/// Its JSON is `{"<scene>": {"_0": <the scene's event>}}` (the form the log has always had).
/// Decoding needs the `SceneMemories` in the decoder's `userInfo`.
public struct MemoryEvent: Equatable, Codable, Sendable {
    public let scene: SceneName
    let payload: any MemoryEventPayload

    /// An event of the scene whose memory is `memory`.
    public init<M: SceneMemory>(_ memory: M.Type, _ event: M.Event) {
        scene = M.scene
        payload = TypedMemoryEvent<M>(event: event)
    }

    /// The event, when it belongs to `memory`'s scene.
    public func event<M: SceneMemory>(_ memory: M.Type) -> M.Event? { (payload as? TypedMemoryEvent<M>)?.event }

    /// A short name of the event kind, for logs and the store's index.
    public var kind: String { payload.kind }

    /// Whether this event starts a session.
    public var startsSession: Bool { kind == "visit" }

    /// Why this event is not one Mind could have recorded, or nil when it is.
    public var rangeProblem: String? { payload.rangeProblem }

    /// The event's simulation time, when it has one.
    public var time: Double? { payload.time }

    public static func == (a: MemoryEvent, b: MemoryEvent) -> Bool { a.scene == b.scene && a.payload.isEqual(b.payload) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an event names one scene"))
        }
        guard let memories = decoder.userInfo[SceneMemories.userInfoKey] as? SceneMemories,
              let type = SceneName(rawValue: key.stringValue).flatMap(memories.type(of:)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown scene \(key.stringValue)"))
        }
        func decode<M: SceneMemory>(_ memory: M.Type) throws -> MemoryEvent {
            let inner = try c.nestedContainer(keyedBy: NameKey.self, forKey: key)
            return MemoryEvent(memory, try inner.decode(M.Event.self, forKey: NameKey("_0")))
        }
        self = try decode(type)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        var inner = c.nestedContainer(keyedBy: NameKey.self, forKey: NameKey(scene.rawValue))
        try payload.encode(into: &inner, forKey: NameKey("_0"))
    }

    /// Writes the scene's own event alone, e.g. `{"visit": {"rate": 1, ...}}`: the event without
    /// the log's `{"<scene>": {"_0": ...}}` around it (the form `memory export` writes).
    public func encodeSceneEvent(to encoder: any Encoder) throws { try payload.encode(to: encoder) }

    /// Reads an event of `scene` written by `encodeSceneEvent`. Decoding needs the
    /// `SceneMemories` in the decoder's `userInfo`.
    public init(scene: SceneName, sceneEventFrom decoder: any Decoder) throws {
        guard let memories = decoder.userInfo[SceneMemories.userInfoKey] as? SceneMemories,
              let type = memories.type(of: scene) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown scene \(scene.rawValue)"))
        }
        func decode<M: SceneMemory>(_ memory: M.Type) throws -> MemoryEvent { MemoryEvent(memory, try M.Event(from: decoder)) }
        self = try decode(type)
    }
}

/// A memory event with its scene's types erased.
protocol MemoryEventPayload: Sendable {
    var kind: String { get }
    var rangeProblem: String? { get }
    var time: Double? { get }
    func isEqual(_ other: any MemoryEventPayload) -> Bool
    func encode(into container: inout KeyedEncodingContainer<NameKey>, forKey key: NameKey) throws
    func encode(to encoder: any Encoder) throws
    func apply(to memory: inout Memory)
}

struct TypedMemoryEvent<M: SceneMemory>: MemoryEventPayload {
    let event: M.Event
    var kind: String { M.kind(of: event) }
    var rangeProblem: String? { M.rangeProblem(of: event) }
    var time: Double? { M.time(of: event) }
    func isEqual(_ other: any MemoryEventPayload) -> Bool { (other as? Self)?.event == event }
    func encode(into container: inout KeyedEncodingContainer<NameKey>, forKey key: NameKey) throws {
        try container.encode(event, forKey: key)
    }
    func encode(to encoder: any Encoder) throws { try event.encode(to: encoder) }
    func apply(to memory: inout Memory) { memory[M.self].apply(event) }
}

/// The whole persistent memory: one part per scene, each a `SceneMemory`. A scene with no
/// part yet has the fresh memory of its type.
///
/// Its JSON (a snapshot) is an object with a member per scene: every scene of the
/// `SceneMemories` in the encoder's `userInfo` (fresh ones included), else the parts held.
/// Decoding needs the list; members of scenes not in it are ignored.
public struct Memory: Equatable, Codable, Sendable {
    var parts: [SceneName: any SceneMemory] = [:]

    /// The fixed memory a headless run starts from unless asked to use the person's.
    public static let fresh = Memory()

    public init() {}

    /// The part of one scene.
    public subscript<M: SceneMemory>(_ memory: M.Type) -> M {
        get { parts[M.scene] as? M ?? M() }
        set { parts[M.scene] = newValue }
    }

    /// The scenes with a part, in name order.
    public var scenes: [SceneName] { parts.keys.sorted() }

    /// The part of `scene` as its type-erased memory, when there is one.
    public func part(_ scene: SceneName) -> (any SceneMemory)? { parts[scene] }

    /// Folds one event. `Memory.fresh` folded over the whole log is the current memory.
    public mutating func apply(_ event: MemoryEvent) { event.payload.apply(to: &self) }

    /// Folds events in order.
    public mutating func apply<S: Sequence>(_ events: S) where S.Element == MemoryEvent {
        for e in events { apply(e) }
    }

    /// Why this memory is not one Mind could have reached by folding events, or nil when it is.
    public var rangeProblem: String? {
        scenes.lazy.compactMap { self.parts[$0]?.rangeProblem }.first
    }

    public static func == (a: Memory, b: Memory) -> Bool {
        Set(a.parts.keys).union(b.parts.keys).allSatisfy { key in
            switch (a.parts[key], b.parts[key]) {
            case let (x?, y?): return x.isEqual(y)
            case let (x?, nil), let (nil, x?): return x.isFresh
            case (nil, nil): return true
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        guard let memories = decoder.userInfo[SceneMemories.userInfoKey] as? SceneMemories else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no scene memory types to decode with"))
        }
        let c = try decoder.container(keyedBy: NameKey.self)
        func decode<M: SceneMemory>(_ memory: M.Type, into m: inout Memory) throws {
            guard c.contains(NameKey(M.scene.rawValue)) else { return }
            m[M.self] = try c.decode(M.self, forKey: NameKey(M.scene.rawValue))
        }
        var m = Memory()
        for type in memories.types { try decode(type, into: &m) }
        self = m
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        var all = parts
        if let memories = encoder.userInfo[SceneMemories.userInfoKey] as? SceneMemories {
            for type in memories.types where all[type.scene] == nil { all[type.scene] = type.init() }
        }
        for key in all.keys.sorted() { try c.encode(all[key]!, forKey: NameKey(key.rawValue)) }
    }
}

/// The ranges of what Mind itself records. A value outside them can only come from a damaged
/// file, and folding it could trap (a wall clock of 1e308 s has no day number, a counter at
/// Int.max cannot count one more) or poison every later value, so the store refuses it.
public enum MemoryRanges {
    /// Seconds of simulation time in a session (about 31 years).
    public static let t = 0.0...1e9
    /// Seconds since 1970 of any RFC 3339 year, 0000 to 9999, with room to spare.
    public static let wall = -1e12...1e12
    public static let utcOffset = -86_400...86_400
    public static let rate = 0.0...100.0
    public static let count = 0...(1 << 52)
    public static let days = -1_000_000_000...1_000_000_000

    /// "name V is outside A..B" when `v` is outside `range`, else nil.
    public static func check(_ name: String, _ v: Double, _ range: ClosedRange<Double>) -> String? {
        range.contains(v) ? nil : "\(name) \(JSONValue.format(v)) is outside \(JSONValue.format(range.lowerBound))..\(JSONValue.format(range.upperBound))"
    }

    /// "name V is outside A..B" when `v` is outside `range`, else nil.
    public static func check(_ name: String, _ v: Int, _ range: ClosedRange<Int>) -> String? {
        range.contains(v) ? nil : "\(name) \(v) is outside \(range.lowerBound)..\(range.upperBound)"
    }
}
