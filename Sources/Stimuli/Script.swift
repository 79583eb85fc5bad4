/// A stimulus script (docs/stimuli.md): a scene, an optional wall clock for t = 0, and events
/// sorted by time. `play --record` writes the same format.
public struct Script: Equatable, Sendable {
    public var scene: SceneName
    /// The wall-clock time of t = 0; calendar rules are skipped without it.
    public var clock: WallClock?
    public var events: [StimulusEvent]

    public init(scene: SceneName, clock: WallClock? = nil, events: [StimulusEvent] = []) {
        self.scene = scene
        self.clock = clock
        self.events = events
    }

    /// The time of the last event, or 0.
    public var duration: Double { events.last?.t ?? 0 }
}

/// Why a script was rejected. `description` is one line that names the event index and the
/// field when there is one.
public struct ScriptError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The index of the offending event, when the problem is inside `events`.
    public var eventIndex: Int?
    /// The offending field (`t`, `x`, `scene`...), when there is one.
    public var field: String?
    public var message: String

    public init(eventIndex: Int? = nil, field: String? = nil, _ message: String) {
        self.eventIndex = eventIndex
        self.field = field
        self.message = message
    }

    public var description: String {
        var place: [String] = []
        if let i = eventIndex { place.append("event \(i)") }
        if let f = field { place.append("field \(JSONValue.quoted(f))") }
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }
}

extension Script {
    /// The range of an event's `t`, in seconds from the start: one day. The 60 Hz step count
    /// of a run is bounded with it.
    public static let times: ClosedRange<Double> = 0...86_400

    /// The most events a script may hold. Reading and stepping are linear in the count, and
    /// this many take a few seconds and a few hundred MB (docs/stimuli.md, "Limits").
    public static let maxEvents = 1_000_000

    /// The fields each event type must have, besides `t` and `type`.
    static let fieldsByType: [String: [String]] = [
        "pointer": ["x", "y"], "click": ["x", "y"], "leave": [],
        "answer": ["correct"], "pressure": ["remaining"], "key": ["key"],
    ]

    /// Parses and validates a script. `expecting` rejects a script written for another scene.
    public init(json text: String, expecting scene: SceneName? = nil) throws(ScriptError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(text)
        } catch {
            // Name the event and field the reader was in, as for any other bad script.
            var eventIndex: Int?
            var field: String?
            if error.path.count >= 2, error.path[0] == .key("events"), case let .index(i) = error.path[1] {
                eventIndex = i
                if error.path.count >= 3, case let .key(k) = error.path[2] { field = k }
            } else if case let .key(k)? = error.path.first {
                field = k
            }
            throw ScriptError(eventIndex: eventIndex, field: field, "not valid JSON: \(error)")
        }
        guard case let .object(members) = root else {
            throw ScriptError("the script must be a JSON object, found \(root.typeName)")
        }
        for m in members where !["scene", "clock", "events"].contains(m.key) {
            throw ScriptError(field: m.key, "unknown field (expected scene, clock, events)")
        }
        guard let sceneValue = root["scene"] else { throw ScriptError(field: "scene", "missing") }
        guard case let .string(sceneText) = sceneValue else {
            throw ScriptError(field: "scene", "must be a string, found \(sceneValue.typeName)")
        }
        // Which scenes exist is the registry's business: `expecting` (which every command
        // passes) names the one wanted; here the name need only be well formed.
        guard let parsedScene = SceneName(rawValue: sceneText) else {
            throw ScriptError(field: "scene", "\(JSONValue.quoted(sceneText)) is not a scene name (lowercase letters, digits and dashes)")
        }
        if let scene, scene != parsedScene {
            throw ScriptError(field: "scene", "the script is for \(parsedScene.rawValue), not \(scene.rawValue)")
        }
        var clock: WallClock?
        if let clockValue = root["clock"] {
            guard case let .string(clockText) = clockValue else {
                throw ScriptError(field: "clock", "must be an RFC 3339 string, found \(clockValue.typeName)")
            }
            guard let parsed = WallClock(rfc3339: clockText) else {
                throw ScriptError(field: "clock", "\(JSONValue.quoted(clockText)) is not an RFC 3339 time such as 2026-11-21T09:30:00Z")
            }
            clock = parsed
        }
        guard let eventsValue = root["events"] else { throw ScriptError(field: "events", "missing") }
        guard case let .array(items) = eventsValue else {
            throw ScriptError(field: "events", "must be an array, found \(eventsValue.typeName)")
        }
        guard items.count <= Script.maxEvents else {
            throw ScriptError(field: "events", "\(items.count) events, more than the \(Script.maxEvents) a script may hold; split the session into several scripts")
        }
        var events: [StimulusEvent] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let event = try Script.event(item, index: index)
            if let previous = events.last, event.t < previous.t {
                throw ScriptError(eventIndex: index, field: "t", "events must be sorted by t (\(JSONValue.format(event.t)) comes after \(JSONValue.format(previous.t)))")
            }
            events.append(event)
        }
        self.init(scene: parsedScene, clock: clock, events: events)
    }

    static func event(_ item: JSONValue, index: Int) throws(ScriptError) -> StimulusEvent {
        guard case let .object(members) = item else {
            throw ScriptError(eventIndex: index, "must be an object, found \(item.typeName)")
        }
        guard let typeValue = item["type"] else { throw ScriptError(eventIndex: index, field: "type", "missing") }
        guard case let .string(type) = typeValue else {
            throw ScriptError(eventIndex: index, field: "type", "must be a string, found \(typeValue.typeName)")
        }
        guard let fields = fieldsByType[type] else {
            throw ScriptError(eventIndex: index, field: "type", "unknown type \(JSONValue.quoted(type)) (expected pointer, leave, click, answer, pressure or key)")
        }
        for m in members where m.key != "t" && m.key != "type" && !fields.contains(m.key) {
            throw ScriptError(eventIndex: index, field: m.key, "unknown field for a \(type) event")
        }
        func number(_ name: String, in range: ClosedRange<Double>? = nil) throws(ScriptError) -> Double {
            guard let v = item[name] else { throw ScriptError(eventIndex: index, field: name, "missing") }
            guard case let .number(n) = v else {
                throw ScriptError(eventIndex: index, field: name, "must be a number, found \(v.typeName)")
            }
            guard n.isFinite else { throw ScriptError(eventIndex: index, field: name, "must be finite") }
            if let range, !range.contains(n) {
                throw ScriptError(eventIndex: index, field: name, "\(JSONValue.format(n)) is outside \(JSONValue.format(range.lowerBound))..\(JSONValue.format(range.upperBound))")
            }
            return n
        }
        let t = try number("t")
        guard Script.times.contains(t) else {
            throw ScriptError(eventIndex: index, field: "t", "\(JSONValue.format(t)) is outside 0..86400; give the seconds from the start, at most one day")
        }
        let stimulus: Stimulus
        switch type {
        case "pointer": stimulus = .pointer(x: try number("x", in: 0...1), y: try number("y", in: 0...1))
        case "click": stimulus = .click(x: try number("x", in: 0...1), y: try number("y", in: 0...1))
        case "leave": stimulus = .leave
        case "pressure": stimulus = .pressure(remaining: try number("remaining", in: 0...1))
        case "answer":
            guard let v = item["correct"] else { throw ScriptError(eventIndex: index, field: "correct", "missing") }
            guard case let .bool(b) = v else {
                throw ScriptError(eventIndex: index, field: "correct", "must be true or false, found \(v.typeName)")
            }
            stimulus = .answer(correct: b)
        default: // key
            guard let v = item["key"] else { throw ScriptError(eventIndex: index, field: "key", "missing") }
            guard case let .string(k) = v, !k.isEmpty else {
                throw ScriptError(eventIndex: index, field: "key", "must be a non-empty string, found \(v.typeName)")
            }
            stimulus = .key(k)
        }
        return StimulusEvent(t: t, stimulus)
    }

    /// The script as JSON text, one event per line; `Script(json:)` reads it back equal.
    public func json() -> String {
        var lines: [String] = []
        lines.append("{")
        lines.append("  \"scene\": \"\(scene.rawValue)\",")
        if let clock { lines.append("  \"clock\": \"\(clock.rfc3339)\",") }
        if events.isEmpty {
            lines.append("  \"events\": []")
        } else {
            lines.append("  \"events\": [")
            for (i, e) in events.enumerated() {
                var members: [(key: String, value: JSONValue)] = [("t", .number(e.t)), ("type", .string(e.stimulus.typeName))]
                switch e.stimulus {
                case let .pointer(x, y), let .click(x, y): members += [("x", .number(x)), ("y", .number(y))]
                case .leave: break
                case let .answer(correct): members.append(("correct", .bool(correct)))
                case let .pressure(remaining): members.append(("remaining", .number(remaining)))
                case let .key(k): members.append(("key", .string(k)))
                }
                lines.append("    " + JSONValue.object(members).rendered() + (i + 1 < events.count ? "," : ""))
            }
            lines.append("  ]")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Hands out a sorted event list step by step: an event is applied at the first simulation
/// step whose time is ≥ its t.
public struct StimulusQueue: Sendable {
    public private(set) var events: [StimulusEvent]
    public private(set) var next = 0

    public init(_ events: [StimulusEvent]) { self.events = events }

    /// True when every event has been handed out.
    public var isEmpty: Bool { next >= events.count }

    /// The events due at a step at `time`, in script order.
    public mutating func due(at time: Double) -> ArraySlice<StimulusEvent> {
        let start = next
        while next < events.count, events[next].t <= time { next += 1 }
        return events[start..<next]
    }
}
