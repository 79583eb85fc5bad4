import ArgumentParser
import JSONWriter
import Engine
import Plot
import Raster
import Sinks
import Foundation
import Mind
import Stimuli
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `photophore memory`: look at, export, forget, repair or reset the persistent memory.
struct MemoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Show, export, import, forget, repair or reset what the scenes remember.",
        subcommands: [Show.self, History.self, Stats.self, Export.self, Import.self, Forget.self, Repair.self, Reset.self])

    /// Opens an existing store read-only; nil when there is none yet.
    static func openExisting(_ path: String) throws -> MemoryStore? {
        guard MemoryStore.exists(at: path) else { return nil }
        do { return try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories) } catch { throw error.failure }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the current memory of every scene.")
        @Flag(name: .long, help: "Print one JSON object.") var json = false
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            let store = try MemoryCommand.openExisting(path)
            let m = store?.state ?? .fresh
            if json {
                try printJSON(JSONTree(.object([
                    ("path", .string(path)), ("exists", .bool(store != nil)),
                    ("user_id", store.map { .string($0.userID) } ?? .null),
                    ("events", .number(Double(store?.eventCount ?? 0))),
                ] + SceneRegistry.names.map { ($0.rawValue, .object(SceneRegistry.memoryWording(of: $0).members(m))) })))
                return
            }
            print("memory \(path)" + (store == nil ? " (none yet: these are the starting values)" : ""))
            if let store { print("user id \(store.userID), \(store.eventCount) events") }
            for scene in SceneRegistry.names {
                print(scene.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + SceneRegistry.memoryWording(of: scene).line(m))
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored events, oldest first.")
        @Option(name: .long, parsing: .unconditional, help: "Show only the last N events, 0 to 1000000000.",
                transform: Parse.int(0...1_000_000_000)) var last: Int?
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            guard MemoryStore.exists(at: path) else {
                print("memory \(path): no events yet")
                return
            }
            // Read row by row: an event that cannot be read is a line of its own, not the end.
            let log: MemoryStore.Log
            do { log = try MemoryStore.readLog(path: path, scenes: SceneRegistry.memories) } catch { throw error.failure }
            let entries = last.map { Array(log.entries.suffix($0)) } ?? log.entries
            for entry in entries {
                switch entry {
                case let .event(e):
                    print("#\(e.id)  session \(e.session.map(String.init) ?? "-")  \(e.event.scene.rawValue)  \(MemoryCommand.describe(e.event))")
                case let .unreadable(id, problem):
                    print("#\(id)  cannot be read: \(problem)")
                }
            }
            for (id, problem) in log.unreadableSnapshots { print("snapshot after #\(id)  cannot be read: \(problem)") }
            func unreadable(_ list: [MemoryStore.Log.Entry]) -> Int {
                list.filter { if case .unreadable = $0 { return true } else { return false } }.count
            }
            let badEvents = unreadable(log.entries), badSnapshots = log.unreadableSnapshots.count
            guard badEvents + badSnapshots == 0 else {
                var what: [String] = []
                if badEvents > 0 { what.append("\(badEvents) of \(log.entries.count) events") }
                if badSnapshots > 0 { what.append("\(badSnapshots) snapshot\(badSnapshots == 1 ? "" : "s")") }
                let shown = unreadable(entries) == badEvents ? "each has its line above" : "without --last each has its line"
                throw Failure.runtime("memory store \(path) is damaged: \(what.joined(separator: " and ")) could not be read (\(shown)); run `photophore memory repair --memory \(path)` to keep what can be read in a fresh store")
            }
        }
    }

    static func describe(_ event: MemoryEvent) -> String { SceneRegistry.memoryWording(of: event.scene).describe(event) }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time in each mood per session and trust across sessions.")
        @Flag(name: .long, help: "Print one JSON object.") var json = false
        @Option(name: .long, help: ArgumentHelp("Also draw the charts to a PNG, with the engine's rasterizer.", valueName: "FILE.png"))
        var plot: String?
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            if let plot {
                guard plot.hasSuffix(".png") else { throw Failure.usage("--plot \(plot): give a file name ending in .png") }
                try MemoryCommand.refuseStore(plot, as: "--plot \(plot)", store: path)
                try checkWritable(plot)
            }
            let summaries: [SessionSummary]
            if let store = try MemoryCommand.openExisting(path) {
                do { summaries = SessionSummary.summarise(try store.events()) } catch { throw error.failure }
            } else {
                summaries = []
            }
            if let plot { try MemoryCommand.writeChart(summaries, path: path, to: plot) }
            if json {
                try printJSON(JSONTree(.object([
                    ("path", .string(path)),
                    ("sessions", .array(summaries.map { s in
                        var members: [(key: String, value: JSONValue)] = [
                            ("session", s.session.map { .number(Double($0)) } ?? .null), ("scene", .string(s.scene.rawValue)),
                            ("duration", .number(TimelineEntry.rounded(s.duration))), ("ended", .bool(s.ended)),
                            ("trust_start", .number(TimelineEntry.rounded(s.trustAtStart))),
                            ("trust_end", .number(TimelineEntry.rounded(s.trustAtEnd))),
                        ]
                        members += SceneRegistry.memoryWording(of: s.scene).sessionMembers((s.events, s.memoryAtEnd))
                        return .object(members)
                    })),
                ])))
                return
            }
            print("memory \(path): \(summaries.count) sessions")
            for s in summaries {
                let keepsTrust = SceneRegistry.scene(named: s.scene)?.memoryType.trustRange != nil
                let head = "session \(s.session.map(String.init) ?? "-")  \(s.scene.rawValue)  \(fixed(s.duration)) s\(s.ended ? "" : " (cut short)")"
                    + (keepsTrust ? "  trust \(fixed(s.trustAtStart)) → \(fixed(s.trustAtEnd))" : "")
                print(head)
                for line in SceneRegistry.memoryWording(of: s.scene).sessionLines((s.events, s.memoryAtEnd)) { print(line) }
            }
            for scene in SceneRegistry.scenes {
                let these = summaries.filter { $0.scene == scene.name }
                guard !these.isEmpty, let range = scene.memoryType.trustRange else { continue }
                print("\(scene.name.rawValue) trust at the end of each session (1 to 40 blocks for \(fixed(range.lowerBound, 0)) to \(fixed(range.upperBound, 0))):")
                for (i, s) in these.enumerated() {
                    print("  \(String(i + 1).leftPadded(3)) \(fixed(s.trustAtEnd).leftPadded(6)) |\(String(repeating: "▇", count: MemoryCommand.barLength(s.trustAtEnd, in: range)))")
                }
            }
        }
    }

    /// The length of a trust bar in `memory stats`: 1 block at the bottom of the range, 40 at
    /// the top, longer for more trust, so the lowest trust still shows as a bar.
    static func barLength(_ trust: Double, in range: ClosedRange<Double>) -> Int {
        let fraction = (trust - range.lowerBound) / (range.upperBound - range.lowerBound)
        return 1 + Int((min(1, max(0, fraction)) * 39).rounded())
    }

    /// The stats chart: time in each mood per candlefish session (stacked, in the mood
    /// colours), and trust at the start and end of each session, per scene.
    static func writeChart(_ summaries: [SessionSummary], path: String, to file: String) throws {
        var panels: [ChartPanel] = []
        // The scenes' own panels first (the candlefish's time in each mood), then trust.
        for scene in SceneRegistry.names {
            let these = summaries.filter { $0.scene == scene }
            if !these.isEmpty, let panel = SceneRegistry.memoryWording(of: scene).panel(these.map { ($0.events, $0.memoryAtEnd) }) { panels.append(panel) }
        }
        for sceneType in SceneRegistry.scenes {
            let scene = sceneType.name
            let these = summaries.filter { $0.scene == scene }
            guard !these.isEmpty, let range = sceneType.memoryType.trustRange else { continue }
            var trust = ChartPanel(title: "\(scene.rawValue.capitalized): trust across sessions", xLabel: "session", yLabel: "trust",
                                   xRange: 0.5...(Double(these.count) + 0.5), yRange: range)
            trust.xTicks = these.indices.map { (Double($0 + 1), String($0 + 1)) }
            var points: [SIMD2<Double>] = []
            for (i, s) in these.enumerated() {
                points.append(SIMD2(Double(i + 1) - 0.3, s.trustAtStart))
                points.append(SIMD2(Double(i + 1) + 0.3, s.trustAtEnd))
            }
            let colour = SceneRegistry.memoryWording(of: scene).colour
            trust.lines = [ChartPanel.Line(color: colour, points: points, thickness: 3, markers: true)]
            trust.legend = [("start and end of each session", colour)]
            panels.append(trust)
        }
        if panels.isEmpty {
            panels.append(ChartPanel(title: "No sessions yet", xLabel: "session", yLabel: "trust", xRange: 0...1, yRange: 0...100))
        }
        let chart = Chart(title: "Photophore memory: \(path)", panels: panels)
        let image: Image8
        do { image = try chart.render(width: 1280, height: 300 + 260 * panels.count) } catch { throw Failure.runtime("cannot draw the chart: \(error)") }
        do { try PNG.write(image, to: file) } catch { throw Failure.runtime(error.description) }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the whole memory (state, sessions, events) to a JSON file.")
        @Argument(help: ArgumentHelp("Where to write.", valueName: "FILE.json")) var file: String
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            // Before anything is opened or written: the export must not land on the store.
            try MemoryCommand.refuseStore(file, as: "memory export \(file)", store: path)
            guard let store = try MemoryCommand.openExisting(path) else {
                throw Failure.runtime("no memory store at \(path); there is nothing to export")
            }
            let export: MemoryExport
            do { export = try MemoryExport(store) } catch { throw error.failure }
            let text: String
            do { text = try export.json(scenes: store.scenes) } catch {
                throw Failure.runtime("cannot write \(file): \(error)")
            }
            // What the person did and when: as private as the store itself.
            try writeTextFile(text, to: file, mode: 0o600)
            print("exported \(export.events.count) events from \(path) to \(file)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a file written by memory export into a store that holds nothing yet (with --replace, in place of one, kept as a backup).")
        @Argument(help: ArgumentHelp("A file written by photophore memory export.", valueName: "FILE.json")) var file: String
        @Flag(name: .long, help: "When the store holds events, move it aside as <store>.backup-N and import in its place.")
        var replace = false
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            try MemoryCommand.refuseStore(file, as: "memory import \(file)", store: path, reads: true)
            let text = try readTextFile(file, what: "memory export")
            let export: MemoryExport
            do { export = try MemoryExport(json: Data(text.utf8), scenes: SceneRegistry.memories) } catch {
                throw Failure.usage("cannot import \(file): \(error.description); give a file written by `photophore memory export`")
            }
            var backup: String?
            if let store = try MemoryCommand.openExisting(path) {
                let empty: Bool
                do { empty = try store.isEmpty() } catch { throw error.failure }
                let count = store.eventCount
                store.close()
                if !empty {
                    guard replace else {
                        throw Failure.usage("memory store \(path) already holds \(count) events; import into a new store with --memory NEW.sqlite, or pass --replace to keep it as a backup and import in its place")
                    }
                    do { backup = try MemoryStore.reset(path: path, scenes: SceneRegistry.memories) } catch { throw error.failure(command: "import \(file)") }
                }
            }
            do {
                let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
                try store.fill(with: export)
                store.close()
            } catch { throw error.failure(command: "import \(file)") }
            print("imported \(export.events.count) events and \(export.sessions.count) sessions from \(file) into \(path)"
                  + (backup.map { "; the old store is kept at \($0)" } ?? ""))
        }
    }

    /// Refuses `file`, which the command writes (or with `reads`, reads), where it is the
    /// store or one of its log files: exit 2, one line naming both (`PathClaims`).
    static func refuseStore(_ file: String, as name: String, store path: String, reads: Bool = false) throws {
        try claimPaths { claims in
            for suffix in ["", "-wal", "-shm"] { try claims.output(path + suffix, as: "the memory store \(path + suffix)") }
            if reads { try claims.input(file, as: name) } else { try claims.output(file, as: name) }
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase everything the scenes remember (no backup is kept; a new user id is made).")
        @Flag(name: .long, help: "Do not ask for confirmation.") var yes = false
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            guard MemoryStore.exists(at: path) else {
                print("memory \(path): nothing to forget")
                return
            }
            if !yes {
                guard isatty(0) == 1 else {
                    throw Failure.usage("memory forget needs confirmation and there is no terminal to ask on; pass --yes to erase \(path)")
                }
                print("Erase everything remembered in \(path)? This cannot be undone. Type yes to confirm: ", terminator: "")
                fflush(nil) // the prompt has no newline; flush it before reading
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    print("nothing was erased")
                    return
                }
            }
            do {
                let store = try MemoryStore(path: path, writable: true, scenes: SceneRegistry.memories)
                try store.forget()
                store.close()
            } catch { throw error.failure(command: "forget --yes") }
            print("forgot everything in \(path)")
        }
    }

    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Salvage a damaged store: keep the original as a backup and copy every readable event into a fresh one.")
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            let report: RepairReport
            do { report = try MemoryStore.repair(path: path, scenes: SceneRegistry.memories) } catch { throw error.failure(command: "repair") }
            if report.wasHealthy {
                print("memory \(path) is healthy; nothing was changed")
            } else {
                print("repaired \(path): \(MemoryCommand.salvaged(report))"
                      + (report.keptUserID ? "" : ", made a new user id") + "; the original is kept at \(report.backupPath ?? "?")")
            }
        }
    }

    /// What `repair` salvaged and lost, saying so when the damaged file does not tell how
    /// many events it held.
    static func salvaged(_ report: RepairReport) -> String {
        let s = report.salvagedEvents
        guard let held = report.heldEvents, let lost = report.lostEvents else {
            return "salvaged \(s) events; how many were lost is unknown (the damaged file no longer says how many it held)"
        }
        if report.heldIsExact { return "salvaged \(s) of \(held) events, lost \(lost)" }
        return "salvaged \(s) events, lost at least \(lost) (the damaged file shows event ids up to \(held); whether it held more is unknown)"
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start over with an empty store; the old one is kept as a backup.")
        @OptionGroup var memoryOptions: MemoryOptions

        func run() throws {
            let path = try memoryOptions.resolvedPath()
            let backup: String?
            do { backup = try MemoryStore.reset(path: path, scenes: SceneRegistry.memories) } catch { throw error.failure(command: "reset") }
            print("reset \(path)" + (backup.map { "; the old store is kept at \($0)" } ?? " (there was no store)"))
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
