import Engine
import Foundation
import Mind
import Sinks
import Stimuli
import Store
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

func number(_ v: JSONValue?) -> Double? {
    if case let .number(n)? = v { return n }
    return nil
}

func json(_ r: ProcessOutput) throws -> JSONValue {
    try JSONValue.parse(r.stdout)
}

@Suite("photophore simulate and memory", .serialized)
struct CommandTests {
    @Test func aGentleMinuteRaisesTrustAndTheNextRunStartsFromIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite")
        let script = scriptsFolder + "/gentle-60s.json"
        let first = try photophoreRun(["simulate", "candlefish", "--script", script, "--remember", "--memory", store, "--json"], state: dir.path)
        #expect(first.status == 0, "\(first.stderr)")
        let a = try json(first)
        let endTrust = try #require(number(a["end"]?["trust"]))
        #expect(number(a["start"]?["trust"]) == 25)
        #expect(endTrust > 20 && endTrust > 25)
        let show = try json(try photophoreRun(["memory", "show", "--json", "--memory", store], state: dir.path))
        #expect(number(show["candlefish"]?["trust"]) == endTrust)
        #expect(number(show["candlefish"]?["visits"]) == 1)
        #expect(show["path"] == .string(store))
        for key in ["trust", "escalation", "corruption", "stage"] { #expect(number(show["emergence"]?[key]) != nil) }

        // Same calendar day: no bonus and no decay, so it starts exactly where it stopped.
        let second = try json(try photophoreRun(["simulate", "candlefish", "--script", script, "--remember", "--memory", store, "--json"], state: dir.path))
        #expect(number(second["start"]?["trust"]) == endTrust)
        #expect(number(second["start"]?["visits"]) == 2)
        // Without --remember or --memory it starts from the fixed state and saves nothing.
        let fixed = try json(try photophoreRun(["simulate", "candlefish", "--script", script, "--json"], state: dir.path))
        #expect(number(fixed["start"]?["trust"]) == 25)
        #expect(!FileManager.default.fileExists(atPath: dir.file("photophore/memory.sqlite")))
        // With --memory alone it reads the store but does not write it.
        let before = bytes(store)
        let readOnly = try json(try photophoreRun(["simulate", "candlefish", "--script", script, "--memory", store, "--json"], state: dir.path))
        #expect(number(readOnly["start"]?["visits"]) == 3)
        #expect(bytes(store) == before)
        #expect(try MemoryStore(path: store, writable: false, scenes: SceneRegistry.memories).state.candlefish.visits == 2)
    }

    @Test func fiveWrongAnswersDriveCorruptionTo4AndRaiseEscalation() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let result = try photophoreRun(["simulate", "emergence", "--script", scriptsFolder + "/five-wrong.json", "--remember", "--json"], state: dir.path)
        #expect(result.status == 0, "\(result.stderr)")
        let end = try json(result)["end"]
        #expect(number(end?["corruption"]) == 4)
        #expect((number(end?["escalation"]) ?? 0) > 1)
        let show = try json(try photophoreRun(["memory", "show", "--json"], state: dir.path))
        #expect(show["path"] == .string(dir.path + "/photophore/memory.sqlite"))
        #expect(number(show["emergence"]?["corruption"]) == 4)
        #expect(number(show["emergence"]?["trust"]) == -75)
    }

    /// `simulate` steps the fish's body as `render` does: food counts as eaten at the step
    /// after the world's fish swallowed it, not after a fixed delay.
    @Test func simulatedFoodIsEatenWhenTheFishEatsIt() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let script = dir.file("feed.json")
        try #"{"scene": "candlefish", "events": [{"t": 1, "type": "pointer", "x": 0.5, "y": 0.5}, {"t": 3, "type": "click", "x": 0.55, "y": 0.45}, {"t": 12, "type": "click", "x": 0.2, "y": 0.8}]}"#
            .write(toFile: script, atomically: true, encoding: .utf8)
        let store = dir.file("memory.sqlite")
        let r = try photophoreRun(["simulate", "candlefish", "--script", script, "--remember", "--memory", store], state: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let opened = try MemoryStore(path: store, writable: false, scenes: SceneRegistry.memories)
        defer { opened.close() }
        let simulated = try opened.events().compactMap { e -> Double? in
            if case let .foodEaten(t, _, _)? = e.event.candlefishEvent { return t }
            return nil
        }
        // The steps at which the world's fish swallowed a piece, stepped here on their own.
        let parsed = try Script(json: String(contentsOfFile: script, encoding: .utf8), expecting: .candlefish)
        let stepper = SceneStepper(Candlefish.self, start: SceneStart(), events: parsed.events)
        var swallowed: [Double] = []
        var eaten = 0
        for n in 0...(30 * FixedStep.rate) {
            stepper.simulate(toStep: n)
            let total = stepper.state(Candlefish.self)!.world.eatenTotal
            swallowed += Array(repeating: FixedStep.time(n + 1), count: total - eaten)
            eaten = total
        }
        #expect(swallowed.count >= 2, "the fish should eat pieces of both feeds: \(swallowed)")
        #expect(simulated == swallowed)
    }

    @Test func badScriptsExitWith2NamingTheEventAndField() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("bad.json")
        try #"{"scene": "candlefish", "events": [{"t": 0, "type": "leave"}, {"t": 1, "type": "click", "x": 0.5, "y": NaN}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try photophoreRun(["simulate", "candlefish", "--script", path], state: dir.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("event 1, field \"y\": not valid JSON") && r.stderr.split(separator: "\n").count == 1)
        try #"{"scene": "candlefish", "events": [{"t": 0, "type": "leave"}, {"t": 1, "type": "click", "x": 0.5, "y": 2}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r2 = try photophoreRun(["simulate", "candlefish", "--script", path], state: dir.path)
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("event 1, field \"y\""))
        let r3 = try photophoreRun(["simulate", "emergence", "--script", scriptsFolder + "/gentle-60s.json"], state: dir.path)
        #expect(r3.status == 2 && r3.stderr.contains("scene"))
    }

    @Test func aCorruptStoreStopsTheRunAndIsLeftUntouched() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite")
        let garbage = Data(repeating: 0x42, count: 5000)
        try garbage.write(to: URL(fileURLWithPath: store))
        let r = try photophoreRun(["simulate", "candlefish", "--script", scriptsFolder + "/gentle-60s.json", "--remember", "--memory", store], state: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains(store) && r.stderr.contains("memory repair") && r.stderr.contains("memory reset"))
        #expect(bytes(store) == garbage)
        #expect(try photophoreRun(["memory", "show", "--memory", store], state: dir.path).status == 1)
        let repair = try photophoreRun(["memory", "repair", "--memory", store], state: dir.path)
        #expect(repair.status == 0 && repair.stdout.contains("damaged-1"))
        #expect(bytes(store + ".damaged-1") == garbage)
        #expect(try photophoreRun(["memory", "show", "--memory", store], state: dir.path).status == 0)
    }

    @Test func forgetNeedsConfirmationAndStatsSumsTheMoodTimes() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(try photophoreRun(["simulate", "candlefish", "--script", scriptsFolder + "/gentle-60s.json", "--remember"], state: dir.path).status == 0)
        let wrongName = try photophoreRun(["memory", "stats", "--plot", dir.file("x.txt")], state: dir.path)
        #expect(wrongName.status == 2 && wrongName.stderr.contains("--plot"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.txt")))
        let stats = try photophoreRun(["memory", "stats", "--json"], state: dir.path)
        let sessions = try json(stats)["sessions"]
        guard case let .array(list)? = sessions else { Issue.record("no sessions"); return }
        #expect(list.count == 1)
        let moodSeconds = list.first?["mood_seconds"]
        guard case let .object(members)? = moodSeconds else { Issue.record("no mood_seconds"); return }
        let total = members.compactMap { number($0.value) }.reduce(0, +)
        #expect(abs(total - 60.9) < 0.01)
        #expect(try photophoreRun(["memory", "history"], state: dir.path).stdout.contains("visit at 2026-11-21T09:30:00Z"))
        let export = dir.file("export.json")
        #expect(try photophoreRun(["memory", "export", export], state: dir.path).status == 0)
        let exported = try JSONValue.parse(String(contentsOfFile: export, encoding: .utf8))
        guard case let .array(events)? = exported["events"] else { Issue.record("no events"); return }
        #expect(events.count > 500)

        let refused = try photophoreRun(["memory", "forget"], state: dir.path)
        #expect(refused.status == 2 && refused.stderr.contains("--yes"))
        #expect(number(try json(try photophoreRun(["memory", "show", "--json"], state: dir.path))["candlefish"]?["visits"]) == 1)
        #expect(try photophoreRun(["memory", "forget", "--yes"], state: dir.path).status == 0)
        let after = try json(try photophoreRun(["memory", "show", "--json"], state: dir.path))
        #expect(number(after["candlefish"]?["visits"]) == 0 && number(after["events"]) == 0)
    }

    /// `memory stats --plot` draws one stacked bar per candlefish session: each mood's time is
    /// a segment in the mood's colour, stacked bottom-up in `Mood.allCases` order, with
    /// heights in proportion to the seconds `memory stats --json` reports, within a bar and
    /// from one session's bar to the other's.
    @Test func statsPlotDrawsEachSessionsMoodTimesAsBarsInTheMoodColours() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let short = dir.file("short.json")
        try #"{"scene": "candlefish", "events": [{"t": 5, "type": "click", "x": 0.5, "y": 0.5}, {"t": 24, "type": "leave"}]}"#
            .write(toFile: short, atomically: true, encoding: .utf8)
        for script in [scriptsFolder + "/gentle-60s.json", short] {
            let r = try photophoreRun(["simulate", "candlefish", "--script", script, "--remember"], state: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let file = dir.file("stats.png")
        let stats = try photophoreRun(["memory", "stats", "--json", "--plot", file], state: dir.path)
        #expect(stats.status == 0, "\(stats.stderr)")
        guard case let .array(sessions)? = try json(stats)["sessions"] else { Issue.record("no sessions"); return }
        let seconds: [[Mood: Double]] = sessions.map { s in
            Dictionary(uniqueKeysWithValues: Mood.allCases.map { ($0, number(s["mood_seconds"]?[$0.rawValue]) ?? 0) })
        }
        try #require(seconds.count == 2)
        #expect(seconds.allSatisfy { $0.values.filter { $0 > 0 }.count >= 2 }, "each bar has segments: \(seconds)")

        let image = try PNG.read(file)
        let colours = Mood.allCases.map { m in
            (m, SIMD3<Int>(Int(m.colour >> 16 & 0xFF), Int(m.colour >> 8 & 0xFF), Int(m.colour & 0xFF)))
        }
        /// The mood whose colour a pixel has (within 2 steps), if any.
        func mood(_ x: Int, _ y: Int) -> Mood? {
            let p = image[x, y]
            let c = SIMD3<Int>(Int(p.x), Int(p.y), Int(p.z))
            return colours.first { abs($0.1.x - c.x) <= 2 && abs($0.1.y - c.y) <= 2 && abs($0.1.z - c.z) <= 2 }?.0
        }
        // The chart stacks two panels in equal slots (moods, then candlefish trust, whose line
        // is in the trusting colour): the top half holds the mood panel alone.
        let rows = image.height / 2
        /// The longest vertical stretch of mood-coloured pixels in column x, bottom first;
        /// single other pixels inside it are the blended joins between two segments.
        func bar(_ x: Int) -> [Mood?] {
            var best: [Mood?] = [], current: [Mood?] = []
            var y = rows - 1
            while y >= 0 {
                if let m = mood(x, y) {
                    current.append(m)
                } else if !current.isEmpty, y > 0, mood(x, y - 1) != nil, current.last! != nil {
                    current.append(nil)
                } else {
                    if current.count > best.count { best = current }
                    current = []
                }
                y -= 1
            }
            return current.count > best.count ? current : best
        }
        // Columns of bars; the legend's mood-coloured squares are far shorter than 30 pixels.
        var spans: [ClosedRange<Int>] = []
        for x in 0..<image.width where bar(x).count >= 30 {
            if let last = spans.last, last.upperBound == x - 1 { spans[spans.count - 1] = last.lowerBound...x } else { spans.append(x...x) }
        }
        try #require(spans.count == 2, "one bar per session, found columns \(spans)")
        #expect(spans[0].upperBound < spans[1].lowerBound, "session 1 left of session 2")
        #expect(spans.allSatisfy { $0.count > 100 }, "bars are wide: \(spans)")

        var heights: [Int] = []
        for (i, span) in spans.enumerated() {
            let pixels = bar((span.lowerBound + span.upperBound) / 2)
            let total = seconds[i].values.reduce(0, +)
            heights.append(pixels.count)
            // Segments bottom-up: each mood once, in Mood.allCases order.
            var order: [Mood] = []
            for case let m? in pixels where order.last != m { order.append(m) }
            #expect(order == Mood.allCases.filter { order.contains($0) }, "session \(i + 1): stacked as \(order)")
            #expect(order.count == Set(order).count, "session \(i + 1): each mood is one segment: \(order)")
            #expect(pixels.filter { $0 == nil }.count <= max(0, order.count - 1), "session \(i + 1): only the joins are blended")
            for m in Mood.allCases {
                let expected = Double(pixels.count) * (seconds[i][m] ?? 0) / total
                let drawn = pixels.filter { $0 == m }.count
                #expect(abs(Double(drawn) - expected) <= 2, "session \(i + 1), \(m): \(drawn) pixels for \(seconds[i][m] ?? 0) s of \(total) s (\(expected))")
            }
        }
        // From bar to bar, height follows the session's length (within 3 pixels of the shorter).
        let lengths = seconds.map { $0.values.reduce(0, +) }
        let ratio = Double(heights[0]) / Double(heights[1]), expected = lengths[0] / lengths[1]
        #expect(abs(ratio - expected) <= expected * 3 / Double(min(heights[0], heights[1])),
                "bars of \(heights) pixels for \(lengths) s")
    }

    /// Kills `simulate --remember` at random moments; every time the store must open, hold at
    /// least what it held before, and its snapshot + replay must equal the full replay.
    @Test func aKilledRunLosesNothingCommitted() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = dir.file("memory.sqlite")
        let script = dir.file("long.json")
        var events: [StimulusEvent] = []
        for i in 1..<7200 {
            let t = Double(i) / 60
            events.append(StimulusEvent(t: t, .pointer(x: 0.5 + 0.2 * Double(i % 7) / 7, y: 0.5 + 0.2 * Double(i % 5) / 5)))
        }
        try Script(scene: .candlefish, events: events).json().write(toFile: script, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = dir.path
        var rng = SplitMix64(seed: 2026)
        var previous = 0
        var grew = 0
        for round in 0..<8 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: photophore)
            p.arguments = ["simulate", "candlefish", "--script", script, "--remember", "--memory", store]
            p.environment = env
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Wait on the store, not on the clock: until this run has written (or ended),
            // then kill it at a random moment up to 0.3 s later.
            let deadline = Date().addingTimeInterval(120)
            while p.isRunning, Date() < deadline, Self.eventCount(store) <= previous { usleep(5_000) }
            usleep(useconds_t(rng.next() % 300_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let s = try MemoryStore(path: store, writable: true, scenes: SceneRegistry.memories)
            #expect(s.eventCount >= previous, "round \(round)")
            if s.eventCount > previous { grew += 1 }
            #expect(try s.loadFromSnapshot() == s.replayAll())
            // A run killed before it opened the store adds no session.
            #expect(try s.sessions().count <= round + 1)
            previous = s.eventCount
            s.close()
        }
        #expect(grew == 8, "every run writes before it is killed")
    }

    /// The events a store holds now, or 0 while it does not exist or cannot be read (another
    /// process is writing it).
    static func eventCount(_ path: String) -> Int {
        guard MemoryStore.exists(at: path), let s = try? MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories) else { return 0 }
        defer { s.close() }
        return s.eventCount
    }
}

@Suite("photophore simulate: calendar rules in the person's time zone", .serialized)
struct TimeZoneCommandTests {
    /// Trust at the start of a second visit an hour after a first one at 23:30 UTC.
    func secondVisitTrust(zone: String?) throws -> (first: Double, second: Double) {
        let dir = TempDir()
        defer { dir.cleanup() }
        let a = dir.file("a.json"), b = dir.file("b.json")
        try #"{"scene": "candlefish", "clock": "2026-11-21T23:30:00Z", "events": [{"t": 1, "type": "click", "x": 0.5, "y": 0.5}]}"#
            .write(toFile: a, atomically: true, encoding: .utf8)
        try #"{"scene": "candlefish", "clock": "2026-11-22T00:30:00Z", "events": []}"#
            .write(toFile: b, atomically: true, encoding: .utf8)
        let zoneArgs = zone.map { ["--time-zone=\($0)"] } ?? []
        let first = try json(try photophoreRun(["simulate", "candlefish", "--script", a, "--remember", "--json"] + zoneArgs, state: dir.path))
        let second = try json(try photophoreRun(["simulate", "candlefish", "--script", b, "--remember", "--json"] + zoneArgs, state: dir.path))
        return (try #require(number(first["end"]?["trust"])), try #require(number(second["start"]?["trust"])))
    }

    @Test func theDailyBonusFollowsTheTimeZone() throws {
        let utc = try secondVisitTrust(zone: nil)
        // The visit bonus, the feed, and 2 for each piece the fish ate.
        #expect(utc.first >= 20 + 5 + 3 + 2)
        #expect(utc.second == utc.first + 5, "a new day in UTC, and less than a whole day of decay")
        let west = try secondVisitTrust(zone: "-02:00")
        #expect(west.second == west.first, "21:30 and 22:30 on the same day")
        let east = try secondVisitTrust(zone: "Europe/Paris")
        #expect(east.second == east.first, "00:30 and 01:30 on the same day in Paris (UTC+1 in November)")
    }

    /// `--clock` pins the calendar over the script's own clock: a visit 3 days after the
    /// first starts with two points more trust than one 5 days after it (one point a day),
    /// whatever today's date is.
    @Test func theClockOptionPinsTheCalendar() throws {
        func startTrust(after days: Int) throws -> Double {
            let dir = TempDir()
            defer { dir.cleanup() }
            let a = dir.file("a.json"), b = dir.file("b.json")
            try #"{"scene": "candlefish", "clock": "2026-11-21T09:00:00Z", "events": [{"t": 1, "type": "click", "x": 0.5, "y": 0.5}]}"#
                .write(toFile: a, atomically: true, encoding: .utf8)
            try #"{"scene": "candlefish", "events": []}"#.write(toFile: b, atomically: true, encoding: .utf8)
            _ = try photophoreRun(["simulate", "candlefish", "--script", a, "--remember"], state: dir.path)
            let clock = "2026-11-\(21 + days)T09:00:00Z"
            let second = try json(try photophoreRun(["simulate", "candlefish", "--script", b, "--remember", "--json", "--clock", clock], state: dir.path))
            return try #require(number(second["start"]?["trust"]))
        }
        #expect(try startTrust(after: 3) - startTrust(after: 5) == 2)
        let bad = try photophoreRun(["simulate", "candlefish", "--script", scriptsFolder + "/gentle-60s.json", "--clock", "yesterday"], state: "/nonexistent")
        #expect(bad.status == 2)
        #expect(bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("--clock"), "\(bad.stderr)")
    }
}
