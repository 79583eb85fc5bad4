import ArgumentParser
import Engine
import Foundation
import Mind
import Stimuli
import Store

/// `photophore simulate`: runs a scene (mind and world, through `SimulationRun`) on a script
/// without rendering, and prints the timeline its `SceneReport` gives.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a scene on a stimulus script, without rendering, and print the timeline.",
        discussion: """
            Steps the scene at a fixed 60 Hz through the same code as render, with its world: each event applies \
            at the first step whose time is at or after its t. The run lasts until one second after the last event, \
            and on while the scene has something under way (food still in the water), for at most 60 s more; \
            or exactly until --until. The same --seed and --size give the timeline that render of the same script lives through. \
            Calendar rules (the daily visit bonus, trust decay) use --clock, else the script's clock; without either they are skipped. \
            Give an offset that starts with a minus sign as --time-zone=-05:00.

            Memory: by default the run starts from a fixed, fresh memory and saves nothing, so \
            the same script always gives the same timeline. With --memory PATH it starts from \
            that store (read-only). With --remember it starts from the store (the default one, \
            or --memory) and appends every change to it, creating it on first use.

            """)

    @Argument(help: ArgumentHelp("The scene: \(SceneRegistry.nameList)."), completion: .list(SceneRegistry.names.map(\.rawValue)),
              transform: Parse.scene)
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

    @Option(parsing: .unconditional, help: ArgumentHelp("The view's size, WIDTHxHEIGHT, each side 1 to 8192, as render's (default: 1920x1080).", valueName: "WIDTHxHEIGHT"),
            transform: Parse.size)
    var size = Size(width: 1920, height: 1080)

    @Option(parsing: .unconditional, help: ArgumentHelp("Random seed, 0 to 2^64 - 1, as render's (default: 1).", valueName: "N"), transform: Parse.seed)
    var seed: UInt64 = 1

    /// Removed: food now counts as eaten when the fish eats it, as in render.
    @Option(name: .long, parsing: .unconditional, help: .hidden)
    var foodDelay: String?

    /// Simulation steps per second: the engine's fixed step.
    static let rate = Double(FixedStep.rate)

    func run() throws {
        if foodDelay != nil {
            throw Failure.usage("--food-delay was removed: simulate now steps the fish's body as render does, so food counts as eaten when the fish eats it; leave the option out")
        }
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

        // By default one second past the last event, then on while the scene is busy.
        // Script times and --until are bounded, so the step count is too.
        let end = until ?? (parsed.duration + 1)
        let steps = Int((end * Self.rate).rounded(.up))
        let start = SceneStart(memory: memory, profile: profile, clock: parsed.clock, seed: seed, width: size.width, height: size.height)
        let run = try SimulationRun.run(sceneType, start: start, events: parsed.events, steps: steps, overrun: until == nil, save: save)
        let duration = FixedStep.time(run.lastStep)

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
                ("rate_hz", .number(Self.rate)), ("duration", .number(duration)),
                ("memory", memoryJSON), ("start", .object(run.start.members)),
                ("timeline", .array(run.entries.filter(\.inJSON).map(\.json))), ("end", .object(run.end.members)),
            ])))
        } else {
            print("simulate \(scene.rawValue): \(parsed.events.count) events, \(fixed(duration)) s at 60 Hz, profile \(profile)")
            print(memoryNote)
            print("start     " + run.start.line)
            for entry in run.entries where entry.printed { print(entry.line) }
            print("end       " + run.end.line)
        }
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
