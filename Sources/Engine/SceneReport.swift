import Basics
import Foundation
import Mind
import Plot
import Stimuli

/// A scene's own wording: what `simulate` prints of a run of it, and what `memory show`,
/// `history` and `stats` print of its memory. A scene that gives none gets
/// `SceneReport.general`: its HUD, its memory's JSON members, and its events by kind.
///
/// The command line prints what these return and never looks inside a scene's types.
public struct SceneReport<S: Scene>: Sendable {
    /// JSON members, in the order they are printed.
    public typealias Members = [(key: String, value: JSONValue)]

    // MARK: simulate

    /// The state summed up at the start and at the end of a `simulate` run: the text after
    /// "start" or "end", and the members of the report's `start` and `end` objects.
    public var summary: @Sendable (S.State) -> (line: String, members: Members)
    /// What `simulate` reports of one step: memory events, mood or stage changes, samples.
    public var timeline: @Sendable (TimelineStep<S>) -> [TimelineEntry]
    /// Whether the run should go on past the script's end, because the state has something
    /// still under way (food still in the water). `SimulationRun` caps the overrun.
    public var isBusy: @Sendable (S.State) -> Bool

    // MARK: memory

    /// `memory show --json`: the scene's member.
    public var members: @Sendable (S.Remembers) -> Members
    /// `memory show`: the scene's line, after its name.
    public var line: @Sendable (S.Remembers) -> String
    /// `memory history`: one event.
    public var describe: @Sendable (S.Remembers.Event) -> String
    /// `memory stats --json`: a session's own members.
    public var sessionMembers: @Sendable (SessionFacts<S>) -> Members
    /// `memory stats`: a session's own lines.
    public var sessionLines: @Sendable (SessionFacts<S>) -> [String]
    /// The scene's colour in charts: its trust in `memory stats --plot`, its frame times in
    /// `bench --plot`.
    public var colour: SIMD3<Float>
    /// `memory stats --plot`: a panel of the scene's own over its sessions, if it has one.
    public var panel: @Sendable ([SessionFacts<S>]) -> ChartPanel?

    public init(summary: @escaping @Sendable (S.State) -> (line: String, members: Members) = Self.hudSummary,
                timeline: @escaping @Sendable (TimelineStep<S>) -> [TimelineEntry] = Self.generalTimeline,
                isBusy: @escaping @Sendable (S.State) -> Bool = { _ in false },
                members: @escaping @Sendable (S.Remembers) -> Members = { $0.summaryJSON },
                line: @escaping @Sendable (S.Remembers) -> String = Self.membersLine,
                describe: @escaping @Sendable (S.Remembers.Event) -> String = Self.kindAndTime,
                sessionMembers: @escaping @Sendable (SessionFacts<S>) -> Members = { _ in [] },
                sessionLines: @escaping @Sendable (SessionFacts<S>) -> [String] = { _ in [] },
                colour: SIMD3<Float> = SIMD3(0.9, 0.9, 0.9),
                panel: @escaping @Sendable ([SessionFacts<S>]) -> ChartPanel? = { _ in nil }) {
        self.summary = summary
        self.timeline = timeline
        self.isBusy = isBusy
        self.members = members
        self.line = line
        self.describe = describe
        self.sessionMembers = sessionMembers
        self.sessionLines = sessionLines
        self.colour = colour
        self.panel = panel
    }

    /// The wording of a scene that gives none of its own.
    public static var general: SceneReport { SceneReport() }

    /// The HUD's trust and lines, and the memory's JSON members.
    public static func hudSummary(_ state: S.State) -> (line: String, members: Members) {
        (hudText(S.hud(state)), S.memory(of: state).summaryJSON)
    }

    /// "trust 42.0  stage 3": a HUD as one line.
    public static func hudText(_ h: SceneHUD) -> String {
        ((h.trust.map { ["trust \(NumberText.fixed($0))"] } ?? []) + h.lines).joined(separator: "  ")
    }

    /// Each memory event by kind and time, and the HUD at every sample.
    public static func generalTimeline(_ step: TimelineStep<S>) -> [TimelineEntry] {
        var entries = step.events.map { e in
            let t = S.Remembers.time(of: e)
            return TimelineEntry(time: t, kind: S.Remembers.kind(of: e),
                                 line: "\(t.map(TimelineEntry.timeText) ?? String(repeating: " ", count: 10))  \(S.Remembers.kind(of: e))")
        }
        if step.isSample {
            entries.append(TimelineEntry(time: step.time, kind: "sample", line: "\(TimelineEntry.timeText(step.time))  \(hudText(S.hud(step.state)))",
                                         printed: true, inJSON: false))
        }
        return entries
    }

    /// The memory's members as "key value" pairs.
    public static func membersLine(_ m: S.Remembers) -> String {
        m.summaryJSON.map { "\($0.key) \($0.value.rendered())" }.joined(separator: "  ")
    }

    /// "t=12.500  answer": an event's kind, after its time when it has one.
    public static func kindAndTime(_ e: S.Remembers.Event) -> String {
        (S.Remembers.time(of: e).map { "t=\(NumberText.fixed($0, 3))  " } ?? "") + S.Remembers.kind(of: e)
    }
}

/// One step of a `simulate` run, for the scene's timeline (`SceneReport.timeline`).
public struct TimelineStep<S: Scene> {
    /// The step's simulation time.
    public let time: Double
    /// The state after the step.
    public let state: S.State
    /// The scene's memory before the step (events fold onto it one by one).
    public let memoryBefore: S.Remembers
    /// The stimuli the step applied.
    public let stimuli: ArraySlice<StimulusEvent>
    /// The memory events the step produced, in order.
    public let events: [S.Remembers.Event]
    /// Whether a sample is due (every 10 s of simulation time).
    public let isSample: Bool
}

/// One entry of a `simulate` timeline: a JSON object (`t`, `kind` and the members) and a line.
public struct TimelineEntry: Sendable {
    /// The time printed and written as `t`, nil when the event has none.
    public var time: Double?
    public var kind: String
    /// The members after `t` and `kind`.
    public var members: [(key: String, value: JSONValue)]
    /// The printed line.
    public var line: String
    /// Whether it is printed, and whether it is in the JSON timeline.
    public var printed: Bool
    public var inJSON: Bool

    public init(time: Double?, kind: String, members: [(key: String, value: JSONValue)] = [], line: String,
                printed: Bool = true, inJSON: Bool = true) {
        self.time = time
        self.kind = kind
        self.members = members
        self.line = line
        self.printed = printed
        self.inJSON = inJSON
    }

    /// The entry as the JSON timeline holds it.
    public var json: JSONValue {
        .object([("t", time.map { .number($0) } ?? .null), ("kind", .string(kind))] + members)
    }

    /// "    12.500 s": a time as the printed timeline aligns it (10 characters).
    public static func timeText(_ t: Double) -> String {
        let s = NumberText.fixed(t, 3) + " s"
        return String(repeating: " ", count: max(0, 10 - s.count)) + s
    }

    /// `v` to the thousandth, as the timeline's JSON gives trust.
    public static func rounded(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}

/// One stored session of a scene, for `memory stats` (`SceneReport.sessionMembers`).
public struct SessionFacts<S: Scene> {
    /// The session's events of this scene, in order.
    public let events: [S.Remembers.Event]
    /// The scene's memory after the session's last event.
    public let memoryAtEnd: S.Remembers

    public init(events: [S.Remembers.Event], memoryAtEnd: S.Remembers) {
        self.events = events
        self.memoryAtEnd = memoryAtEnd
    }
}

extension SceneMemory {
    /// The memory's JSON members (its Codable form): how a scene without wording of its own
    /// shows its memory.
    public var summaryJSON: [(key: String, value: JSONValue)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self), case let .object(members)? = try? JSONValue.parse(String(decoding: data, as: UTF8.self))
        else { return [] }
        return members
    }
}

/// A scene's memory wording (`SceneReport`) with its types erased: what the commands that
/// hold any scene's memory (`memory show`, `history`, `stats`) call.
public struct MemoryWording: Sendable {
    public typealias Members = [(key: String, value: JSONValue)]
    /// One stored session: its events (of this scene) and the whole memory after it.
    public typealias Session = (events: [MemoryEvent], memoryAtEnd: Memory)

    public let members: @Sendable (Memory) -> Members
    public let line: @Sendable (Memory) -> String
    public let describe: @Sendable (MemoryEvent) -> String
    public let sessionMembers: @Sendable (Session) -> Members
    public let sessionLines: @Sendable (Session) -> [String]
    public let colour: SIMD3<Float>
    public let panel: @Sendable ([Session]) -> ChartPanel?

    /// The wording of `report`'s scene.
    public init<S: Scene>(_ report: SceneReport<S>) {
        @Sendable func facts(_ s: Session) -> SessionFacts<S> {
            SessionFacts(events: s.events.compactMap { $0.event(S.Remembers.self) }, memoryAtEnd: s.memoryAtEnd[S.Remembers.self])
        }
        members = { report.members($0[S.Remembers.self]) }
        line = { report.line($0[S.Remembers.self]) }
        describe = { e in e.event(S.Remembers.self).map(report.describe) ?? e.kind }
        sessionMembers = { report.sessionMembers(facts($0)) }
        sessionLines = { report.sessionLines(facts($0)) }
        colour = report.colour
        panel = { report.panel($0.map(facts)) }
    }

    private init() {
        members = { _ in [] }
        line = { _ in "" }
        describe = { e in (e.time.map { "t=\(NumberText.fixed($0, 3))  " } ?? "") + e.kind }
        sessionMembers = { _ in [] }
        sessionLines = { _ in [] }
        colour = SIMD3(0.9, 0.9, 0.9)
        panel = { _ in nil }
    }

    /// The wording of a scene no type is known for: its events by kind and time, nothing else.
    static let eventKinds = MemoryWording()
}

extension SceneRegistry {
    /// The memory wording of the scene called `name`: its own for a registered scene (the
    /// store reads only registered scenes' events), else events by kind alone.
    public static func memoryWording(of name: SceneName) -> MemoryWording {
        scene(named: name)?.memoryWording ?? .eventKinds
    }
}

extension Scene {
    /// The scene's memory wording, its types erased.
    public static var memoryWording: MemoryWording { MemoryWording(report) }
}

// Number and colour helpers of the scenes' wording.

/// `x` with `decimals` digits after the point (`NumberText.fixed`).
func fixed(_ x: Double, _ decimals: Int = 1) -> String { NumberText.fixed(x, decimals) }

/// `text` right-aligned in `width` characters.
func padded(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

/// 0xRRGGBB as 0...1 RGB, the charts' colours.
func rgb(_ c: UInt32) -> SIMD3<Float> {
    SIMD3(Float((c >> 16) & 0xFF), Float((c >> 8) & 0xFF), Float(c & 0xFF)) / 255
}
