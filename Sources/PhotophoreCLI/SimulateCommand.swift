import ArgumentParser
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
            Steps the mind at a fixed 60 Hz; each event applies at the first step whose time is \
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

    @Argument(help: "candlefish or emergence")
    var scene: SceneName

    @Option(name: .long, help: ArgumentHelp("The stimulus script (format in docs/stimuli.md).", valueName: "FILE.json"))
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

    /// Simulation steps per second.
    static let rate = 60.0

    func run() throws {
        let text = try readTextFile(script, what: "script")
        var parsed: Script
        do {
            parsed = try Script(json: text, expecting: scene)
        } catch {
            throw Failure.usage("script \(script): \(error.description)")
        }
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
        var queue = StimulusQueue(parsed.events)
        var timeline: [TimelineEntry] = []
        var lines: [String] = []
        var startSummary: SceneSummary
        var endSummary: SceneSummary

        switch scene {
        case .candlefish:
            var mind = CandlefishMind(memory: memory.candlefish, profile: profile, clock: parsed.clock, foodEatenDelay: foodDelay)
            func report(_ events: [MemoryEvent]) {
                for case let .candlefish(.mood(mt, from, to, trigger)) in events {
                    timeline.append(.mood(t: mt, from: from, to: to, trigger: trigger, trust: Self.round(mind.trust)))
                    lines.append("\(Self.time(mt))  \(from.rawValue) → \(to.rawValue)  (\(trigger))  trust \(fixed(mind.trust))")
                }
            }
            let initial = mind.takeEvents()
            try save(initial)
            startSummary = SceneSummary(mind)
            lines.append("start     trust \(fixed(mind.trust))  mood \(mind.mood.rawValue)  visits \(mind.memory.visits)")
            report(initial)
            var nextSample = 10.0
            for n in 0...steps {
                let t = Double(n) / Self.rate
                let events = mind.step(to: t, events: queue.due(at: t))
                try save(events)
                report(events)
                if t >= nextSample {
                    timeline.append(.trust(t: t, trust: Self.round(mind.trust), mood: mind.mood))
                    lines.append("\(Self.time(t))  trust \(fixed(mind.trust))  mood \(mind.mood.rawValue)")
                    nextSample += 10
                }
            }
            try save(mind.finish())
            endSummary = SceneSummary(mind)
            lines.append("end       trust \(fixed(mind.trust))  mood \(mind.mood.rawValue)  visits \(mind.memory.visits)")
        case .emergence:
            var mind = EmergenceMind(memory: memory.emergence, profile: profile)
            try save(mind.takeEvents())
            startSummary = SceneSummary(mind.memory)
            lines.append("start     trust \(fixed(mind.trust))  escalation \(mind.escalation)  corruption \(mind.corruption)  stage \(mind.stage)")
            for n in 0...steps {
                let t = Double(n) / Self.rate
                let due = queue.due(at: t).map(\.stimulus)
                let stageBefore = mind.stage
                let memoryBefore = mind.memory
                let events = mind.step(to: t, stimuli: due)
                try save(events)
                for s in due {
                    if case let .pressure(remaining) = s {
                        timeline.append(.pressure(t: t, remaining: remaining))
                        lines.append("\(Self.time(t))  pressure tick: \(fixed(remaining * 100, 0))% of the time left")
                    }
                }
                // Fold this step's answers one by one, so each line shows the state after it.
                var m = memoryBefore
                for e in events {
                    guard case let .emergence(me) = e else { continue }
                    m.apply(me)
                    guard case let .answer(at, correct, _) = me else { continue }
                    timeline.append(.answer(t: at, correct: correct, after: EmergenceState(m)))
                    lines.append("\(Self.time(at))  \(correct ? "correct" : "wrong  ") answer  trust \(fixed(m.trust))  escalation \(m.escalation)  corruption \(m.corruption)  stage \(m.stage)")
                }
                if mind.stage != stageBefore {
                    lines.append("\(Self.time(t))  stage \(stageBefore) → \(mind.stage)")
                    timeline.append(.stage(t: t, from: stageBefore, to: mind.stage))
                }
            }
            try save(mind.finish())
            endSummary = SceneSummary(mind.memory)
            lines.append("end       trust \(fixed(mind.trust))  escalation \(mind.escalation)  corruption \(mind.corruption)  stage \(mind.stage)")
        }

        let memoryNote: String
        let memoryJSON: SimulateReport.MemoryNote
        if let store = memorySession.store {
            memoryNote = remember ? "memory \(store.path) (read and saved)" : "memory \(store.path) (read, not saved)"
            memoryJSON = .init(path: store.path, saved: remember)
            store.close()
        } else {
            memoryNote = "memory: fixed starting state (not saved)"
            memoryJSON = .init(path: nil, saved: false)
        }
        if json {
            try printJSON(SimulateReport(scene: scene, profile: profile.description, rateHz: Self.rate,
                                         duration: Double(steps) / Self.rate, memory: memoryJSON, start: startSummary,
                                         timeline: timeline, end: endSummary))
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
