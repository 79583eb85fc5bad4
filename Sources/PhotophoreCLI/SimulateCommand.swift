import ArgumentParser
import Engine
import Foundation
import Mind
import Stimuli
import Store

/// `photophore simulate`: runs Mind on a script without rendering and prints the timeline.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a scene's mind on a stimulus script, without rendering, and print the timeline.",
        discussion: """
            Steps the scene at a fixed 60 Hz, as render does; each event applies at the first step whose time is \
            at or after its t. The run lasts until one second after the last event (and until the last food is eaten), or --until. \
            Calendar rules (the daily visit bonus, trust decay) use --clock, else the script's clock; without either they are skipped. \
            Give an offset that starts with a minus sign as --time-zone=-05:00.

            Memory: by default the run starts from a fixed, fresh memory and saves nothing, so \
            the same script always gives the same timeline. With --memory PATH it starts from \
            that store (read-only). With --remember it starts from the store (the default one, \
            or --memory) and appends every change to it, creating it on first use.

            Food: there is no simulation of the fish's body here, so food counts as eaten \
            --food-delay seconds after each click.
            """)

    @Argument(help: ArgumentHelp("The scene: \(SceneRegistry.nameList)."), completion: .list(SceneRegistry.names.map(\.rawValue)),
              transform: Parse.scene)
    var scene: SceneName

    @Option(name: .long, help: ArgumentHelp("The stimulus script (format in docs/cli.md).", valueName: "FILE.json"))
    var script: String

    @OptionGroup var memoryOptions: MemoryOptions

    @OptionGroup var clockOptions: ClockOptions

    @Flag(name: .long, help: "Start from the stored memory and save every change to it.")
    var remember = false

    @Flag(name: .long, help: "Print the timeline as one JSON object.")
    var json = false

    @OptionGroup var profileOptions: ProfileOptions

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Run until this simulation time, 0 to 86400 seconds.", valueName: "SECONDS"),
            transform: Parse.number(Limits.seconds, "seconds"))
    var until: Double?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "The person's time zone for calendar rules: an offset such as +01:00 or an IANA name such as Europe/Paris (default: the offset written in the script's clock).",
        valueName: "ZONE"))
    var timeZone: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Seconds after a click at which the food counts as eaten, 0 to 60 (default: 1.5).", valueName: "SECONDS"),
            transform: Parse.number(0...60, "seconds"))
    var foodDelay: Double = 1.5

    /// Simulation steps per second: the engine's fixed step.
    static let rate = Double(FixedStep.rate)

    /// The scenes with a timeline of their own; any other gets `Timeline.general`.
    static let detailedTimelines: [SceneName: @Sendable (inout Timeline) throws -> Void] = [
        .candlefish: { try $0.candlefish() },
        .emergence: { try $0.emergence() },
    ]

    func run() throws {
        let text = try readTextFile(script, what: "script")
        var parsed: Script
        do {
            parsed = try Script(json: text, expecting: scene)
        } catch {
            throw Failure.usage("script \(script): \(error.description)")
        }
        let sceneType = SceneRegistry.scene(named: scene)!  // Parse.scene took only registered names
        if let pinned = try clockOptions.resolve() { parsed.clock = pinned }
        if let timeZone, var clock = parsed.clock {
            clock.utcOffsetSeconds = try Self.offset(timeZone, at: clock.unixSeconds)
            parsed.clock = clock
        } else if let timeZone {
            _ = try Self.offset(timeZone, at: 0) // still reject a bad zone
        }

        // Where the starting memory comes from, and whether changes are saved.
        let memorySession = try MemorySession(options: memoryOptions, remember: remember)
        let memory = memorySession.state
        let profile = try profileOptions.resolve(userID: memorySession.userID)
        try memorySession.begin(scene: scene, clock: parsed.clock, profile: profile)
        func save(_ events: [MemoryEvent]) throws { try memorySession.save(events) }

        // By default, one second past the last event, and long enough for the last food to be
        // eaten. Script times, --until and --food-delay are bounded, so the step count is too.
        let lastClick = parsed.events.last { if case .click = $0.stimulus { true } else { false } }?.t
        let end = until ?? max(parsed.duration + 1, lastClick.map { $0 + foodDelay } ?? 0)
        let steps = Int((end * Self.rate).rounded(.up))
        var run = Timeline(script: parsed, memory: memory, profile: profile, steps: steps, foodDelay: foodDelay, save: save)
        // The built-in scenes have timelines of their own (mood changes, answers); any other
        // registered scene gets the general one: its memory events and HUD lines.
        if let detailed = Self.detailedTimelines[scene] {
            try detailed(&run)
        } else {
            try run.general(sceneType)
        }
        let (timeline, lines, startSummary, endSummary) = (run.timeline, run.lines, run.startSummary, run.endSummary)

        let memoryNote: String
        let memoryJSON: JSONValue
        if let store = memorySession.store {
            memoryNote = remember ? "memory \(store.path) (read and saved)" : "memory \(store.path) (read, not saved)"
            memoryJSON = .object([("path", .string(store.path)), ("saved", .bool(remember))])
            store.close()
        } else {
            memoryNote = "memory: fixed starting state (not saved)"
            memoryJSON = .object([("path", .null), ("saved", .bool(false))])
        }
        if json {
            try printJSON(JSONTree(.object([
                ("scene", .string(scene.rawValue)), ("profile", .string(profile.description)),
                ("rate_hz", .number(Self.rate)), ("duration", .number(Double(steps) / Self.rate)),
                ("memory", memoryJSON), ("start", .object(startSummary)), ("timeline", .array(timeline)),
                ("end", .object(endSummary)),
            ])))
        } else {
            print("simulate \(scene.rawValue): \(parsed.events.count) events, \(fixed(Double(steps) / Self.rate)) s at 60 Hz, profile \(profile)")
            print(memoryNote)
            for line in lines { print(line) }
        }
    }

    static func round(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
    static func time(_ t: Double) -> String {
        let s = fixed(t, 3) + " s"
        return String(repeating: " ", count: max(0, 10 - s.count)) + s
    }

    static func candlefishSummary(_ mind: CandlefishMind) -> [(key: String, value: JSONValue)] {
        [("trust", .number(round(mind.trust))), ("mood", .string(mind.mood.rawValue)), ("colour", .string(mind.mood.hex)),
         ("visits", .number(Double(mind.memory.visits)))]
    }

    static func emergenceSummary(_ m: EmergenceMemory) -> [(key: String, value: JSONValue)] {
        [("trust", .number(round(m.trust))), ("escalation", .number(Double(m.escalation))),
         ("corruption", .number(Double(m.corruption))), ("stage", .number(Double(m.stage))),
         ("wrong_count", .number(Double(m.wrongCount)))]
    }

    /// A UTC offset from "+01:00", "-0530", "Z", or an IANA zone name at an instant.
    static func offset(_ zone: String, at unixSeconds: Double) throws -> Int {
        if zone == "Z" || zone.uppercased() == "UTC" { return 0 }
        if let c = WallClock(rfc3339: "2000-01-01T00:00:00" + zone) { return c.utcOffsetSeconds }
        if let tz = TimeZone(identifier: zone) {
            return tz.secondsFromGMT(for: Date(timeIntervalSince1970: unixSeconds))
        }
        throw Failure.usage("unknown time zone \(zone); use an offset such as +01:00 or a name such as Europe/Paris")
    }
}

/// A `simulate` run of one scene: the mind stepped at 60 Hz over the script, and what it
/// prints (the timeline, and the state at the start and the end).
struct Timeline {
    let script: Script
    let memory: Memory
    let profile: Profile
    let steps: Int
    let foodDelay: Double
    let save: ([MemoryEvent]) throws -> Void
    var timeline: [JSONValue] = []
    var lines: [String] = []
    var startSummary: [(key: String, value: JSONValue)] = []
    var endSummary: [(key: String, value: JSONValue)] = []

    init(script: Script, memory: Memory, profile: Profile, steps: Int, foodDelay: Double, save: @escaping ([MemoryEvent]) throws -> Void) {
        self.script = script
        self.memory = memory
        self.profile = profile
        self.steps = steps
        self.foodDelay = foodDelay
        self.save = save
    }

    /// A stepper of `scene` over the script: the stepping `render` runs (`SceneStepper`).
    func stepper(_ scene: any Scene.Type) -> SceneStepper {
        SceneStepper(scene, start: SceneStart(memory: memory, profile: profile, clock: script.clock), events: script.events)
    }

    /// Any scene, stepped as `render` steps it: each memory event, and the HUD's lines every 10 s.
    mutating func general(_ scene: any Scene.Type) throws {
        let run = stepper(scene)
        func report(_ events: [MemoryEvent]) {
            for e in events {
                timeline.append(.object([("t", e.time.map { .number($0) } ?? .null), ("kind", .string(e.kind))]))
                lines.append("\(e.time.map(SimulateCommand.time) ?? "          ")  \(e.kind)")
            }
        }
        func hud() -> String {
            let h = run.hud
            return ((h.trust.map { ["trust \(fixed($0))"] } ?? []) + h.lines).joined(separator: "  ")
        }
        startSummary = run.memory.summaryJSON
        lines.append("start     " + hud())
        var nextSample = 10.0
        for n in 0...steps {
            run.simulate(toStep: n)
            let events = run.takeMemoryEvents()
            try save(events)
            report(events)
            let t = run.simulationTime
            if t >= nextSample {
                lines.append("\(SimulateCommand.time(t))  " + hud())
                nextSample += 10
            }
        }
        let last = run.finish()
        try save(last)
        report(last)
        endSummary = run.memory.summaryJSON
        lines.append("end       " + hud())
    }

    /// The candlefish: mood changes with the trust, and the trust every 10 s. Its mind alone:
    /// without the fish's body, food counts as eaten `foodDelay` seconds after each click
    /// (`--food-delay`), so it does not go through the stepper.
    mutating func candlefish() throws {
        let steps = self.steps
        var queue = StimulusQueue(script.events)
        var mind = CandlefishMind(memory: memory.candlefish, profile: profile, clock: script.clock, foodEatenDelay: foodDelay)
        func report(_ events: [MemoryEvent]) {
            for case let .mood(mt, from, to, trigger)? in events.map(\.candlefishEvent) {
                timeline.append(.object([("t", .number(mt)), ("kind", .string("mood")), ("from", .string(from.rawValue)),
                                         ("to", .string(to.rawValue)), ("trigger", .string(trigger)),
                                         ("trust", .number(SimulateCommand.round(mind.trust)))]))
                lines.append("\(SimulateCommand.time(mt))  \(from.rawValue) → \(to.rawValue)  (\(trigger))  trust \(fixed(mind.trust))")
            }
        }
        let initial = mind.takeEvents()
        try save(initial)
        startSummary = SimulateCommand.candlefishSummary(mind)
        lines.append("start     trust \(fixed(mind.trust))  mood \(mind.mood.rawValue)  visits \(mind.memory.visits)")
        report(initial)
        var nextSample = 10.0
        for n in 0...steps {
            let t = Double(n) / SimulateCommand.rate
            let events = mind.step(to: t, events: queue.due(at: t))
            try save(events)
            report(events)
            if t >= nextSample {
                timeline.append(.object([("t", .number(t)), ("kind", .string("trust")), ("trust", .number(SimulateCommand.round(mind.trust))),
                                         ("mood", .string(mind.mood.rawValue))]))
                lines.append("\(SimulateCommand.time(t))  trust \(fixed(mind.trust))  mood \(mind.mood.rawValue)")
                nextSample += 10
            }
        }
        try save(mind.finish())
        endSummary = SimulateCommand.candlefishSummary(mind)
        lines.append("end       trust \(fixed(mind.trust))  mood \(mind.mood.rawValue)  visits \(mind.memory.visits)")
    }

    /// Emergence, stepped as `render` steps it: pressure ticks, each answer with the state
    /// after it, and stage changes.
    mutating func emergence() throws {
        let run = stepper(Emergence.self)
        var mind: EmergenceMind { run.state(Emergence.self)!.mind }
        startSummary = SimulateCommand.emergenceSummary(mind.memory)
        lines.append("start     trust \(fixed(mind.trust))  escalation \(mind.escalation)  corruption \(mind.corruption)  stage \(mind.stage)")
        for n in 0...steps {
            let stageBefore = mind.stage
            let memoryBefore = mind.memory
            run.simulate(toStep: n)
            let t = run.simulationTime
            let events = run.takeMemoryEvents()
            try save(events)
            for case let .pressure(remaining) in run.lastStimuli.map(\.stimulus) {
                timeline.append(.object([("t", .number(t)), ("kind", .string("pressure")), ("remaining", .number(remaining))]))
                lines.append("\(SimulateCommand.time(t))  pressure tick: \(fixed(remaining * 100, 0))% of the time left")
            }
            // Fold this step's answers one by one, so each line shows the state after it.
            var m = memoryBefore
            for e in events {
                guard let me = e.emergenceEvent else { continue }
                m.apply(me)
                guard case let .answer(at, correct, _) = me else { continue }
                timeline.append(.object([("t", .number(at)), ("kind", .string("answer")), ("correct", .bool(correct))]
                                        + SimulateCommand.emergenceSummary(m)))
                lines.append("\(SimulateCommand.time(at))  \(correct ? "correct" : "wrong  ") answer  trust \(fixed(m.trust))  escalation \(m.escalation)  corruption \(m.corruption)  stage \(m.stage)")
            }
            if mind.stage != stageBefore {
                lines.append("\(SimulateCommand.time(t))  stage \(stageBefore) → \(mind.stage)")
                timeline.append(.object([("t", .number(t)), ("kind", .string("stage")), ("from", .number(Double(stageBefore))),
                                         ("to", .number(Double(mind.stage)))]))
            }
        }
        try save(run.finish())
        endSummary = SimulateCommand.emergenceSummary(mind.memory)
        lines.append("end       trust \(fixed(mind.trust))  escalation \(mind.escalation)  corruption \(mind.corruption)  stage \(mind.stage)")
    }
}
