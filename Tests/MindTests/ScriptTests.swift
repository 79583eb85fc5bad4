import Mind
import Stimuli
import Testing

@Suite("Stimulus scripts")
struct ScriptTests {
    static let example = """
        {
          "scene": "candlefish",
          "clock": "2026-11-21T09:30:00Z",
          "events": [
            {"t": 0.50, "type": "pointer", "x": 0.40, "y": 0.52},
            {"t": 2.00, "type": "click",   "x": 0.61, "y": 0.40},
            {"t": 5.00, "type": "leave"},
            {"t": 6.00, "type": "answer",  "correct": false},
            {"t": 9.00, "type": "pressure", "remaining": 0.25},
            {"t": 9.00, "type": "key", "key": "space"}
          ]
        }
        """

    @Test func readsTheDocumentedExample() throws {
        let s = try Script(json: Self.example, expecting: .candlefish)
        #expect(s.scene == .candlefish)
        #expect(s.clock == WallClock(unixSeconds: Double(WallClock.daysFromCivil(year: 2026, month: 11, day: 21) * 86_400 + 9 * 3600 + 30 * 60)))
        #expect(s.events == [
            StimulusEvent(t: 0.5, .pointer(x: 0.4, y: 0.52)), StimulusEvent(t: 2, .click(x: 0.61, y: 0.4)),
            StimulusEvent(t: 5, .leave), StimulusEvent(t: 6, .answer(correct: false)),
            StimulusEvent(t: 9, .pressure(remaining: 0.25)), StimulusEvent(t: 9, .key("space")),
        ])
    }

    /// Each bad script, with the event index and field its error must name.
    static let bad: [(String, Int?, String?)] = [
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "pointer", "x": 0.5, "y": 0.5, "z": 1}]}"#, 0, "z"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "wiggle"}]}"#, 0, "type"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "pointer", "x": 0.5}]}"#, 0, "y"),
        (#"{"scene": "candlefish", "events": [{"type": "leave"}]}"#, 0, "t"),
        (#"{"scene": "candlefish", "events": [{"t": "1", "type": "leave"}]}"#, 0, "t"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "pointer", "x": true, "y": 0.5}]}"#, 0, "x"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "answer", "correct": 1}]}"#, 0, "correct"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "leave"}, {"t": 0.5, "type": "leave"}]}"#, 1, "t"),
        (#"{"scene": "candlefish", "events": [{"t": -0.1, "type": "leave"}]}"#, 0, "t"),
        (#"{"scene": "candlefish", "events": [{"t": 0, "type": "leave"}, {"t": 1e308, "type": "leave"}]}"#, 1, "t"),
        (#"{"scene": "candlefish", "events": [{"t": 1e12, "type": "leave"}]}"#, 0, "t"),
        (#"{"scene": "candlefish", "events": [{"t": 86400.001, "type": "leave"}]}"#, 0, "t"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "leave"}, {"t": 2, "type": "click", "x": 0.5, "y": 1.01}]}"#, 1, "y"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "pressure", "remaining": -0.5}]}"#, 0, "remaining"),
        (#"{"scene": "candlefish", "events": [{"t": 1e999, "type": "leave"}]}"#, 0, "t"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "key", "key": ""}]}"#, 0, "key"),
        (#"{"scene": "candlefish", "events": [3]}"#, 0, nil),
        (#"{"scene": "emergence", "events": []}"#, nil, "scene"),
        (#"{"scene": "aquarium", "events": []}"#, nil, "scene"),
        (#"{"scene": "candlefish", "events": [], "seed": 3}"#, nil, "seed"),
        (#"{"scene": "candlefish"}"#, nil, "events"),
        (#"{"scene": "candlefish", "clock": "yesterday", "events": []}"#, nil, "clock"),
        (#"{"scene": "candlefish", "clock": "2026-02-30T00:00:00Z", "events": []}"#, nil, "clock"),
    ]

    @Test(arguments: 0..<bad.count)
    func rejectsBadScriptsNamingIndexAndField(_ i: Int) {
        let (text, index, field) = Self.bad[i]
        #expect {
            _ = try Script(json: text, expecting: .candlefish)
        } throws: { error in
            guard let e = error as? ScriptError else { return false }
            return e.eventIndex == index && e.field == field
                && (index == nil || e.description.contains("event \(index!)"))
                && (field == nil || e.description.contains("\"\(field!)\""))
        }
    }

    /// `t` runs from 0 to one day (86400 s), both included; the error says so.
    @Test func eventTimesRunFromZeroToOneDay() throws {
        let day = try Script(json: #"{"scene": "candlefish", "events": [{"t": 0, "type": "leave"}, {"t": 86400, "type": "leave"}]}"#)
        #expect(day.duration == 86_400)
        #expect(Script.times == 0...86_400)
        #expect {
            _ = try Script(json: #"{"scene": "candlefish", "events": [{"t": 1e308, "type": "leave"}]}"#)
        } throws: { error in
            (error as? ScriptError)?.description == "event 0, field \"t\": 1e+308 is outside 0..86400; give the seconds from the start, at most one day"
        }
    }

    /// Text that is not JSON, with the event index and field the message must still name.
    static let notJSON: [(String, Int?, String?)] = [
        (#"{"scene": "candlefish", "events": [{"t": 0, "type": "leave"}, {"t": 1, "type": "pointer", "x": 0.5, "y": 0.5"#, 1, nil),
        (#"{"scene": "candlefish", "events": [{"t": 0, "type": "pointer", "x": 0.5, "y": 0."#, 0, "y"),
        (#"{"scene": "candlefish", "events": [{"t": NaN, "type": "leave"}]}"#, 0, "t"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "click", "x": -Infinity, "y": 0}]}"#, 0, "x"),
        (#"{"scene": "candlefish", "events": [{"t": 1, "type": "click", "x": Infinity, "y": 0}]}"#, 0, "x"),
        (#"{"scene": "candlefish", "events": []} trailing"#, nil, nil),
        (#"{"scene": "candlefish", "scene": "candlefish", "events": []}"#, nil, nil),
        (#"{"scene": "candl"#, nil, "scene"),
        ("", nil, nil),
    ]

    @Test(arguments: 0..<notJSON.count)
    func rejectsTextThatIsNotJSONNamingWhereItStopped(_ i: Int) {
        let (text, index, field) = Self.notJSON[i]
        #expect {
            _ = try Script(json: text)
        } throws: { error in
            guard let e = error as? ScriptError else { return false }
            return e.message.hasPrefix("not valid JSON") && e.eventIndex == index && e.field == field
        }
    }

    @Test func writerRoundTripsRandomScripts() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var t = 0.0
            var events: [StimulusEvent] = []
            for _ in 0..<Int(rng.next() % 20) {
                t += rng.nextUnit() * 3
                let x = rng.nextUnit(), y = rng.nextUnit()
                let s: Stimulus
                switch rng.next() % 6 {
                case 0: s = .pointer(x: x, y: y)
                case 1: s = .click(x: x, y: y)
                case 2: s = .leave
                case 3: s = .answer(correct: rng.next() % 2 == 0)
                case 4: s = .pressure(remaining: x)
                default: s = .key("k\"\\é\(rng.next() % 9)")
                }
                events.append(StimulusEvent(t: t, s))
            }
            let clock = rng.next() % 2 == 0 ? nil : WallClock(unixSeconds: Double(rng.next() % 4_000_000_000), utcOffsetSeconds: 3600 * (Int(rng.next() % 27) - 12))
            let script = Script(scene: rng.next() % 2 == 0 ? .candlefish : .emergence, clock: clock, events: events)
            #expect(try Script(json: script.json()) == script)
        }
    }

    @Test func clockParsesOffsetsAndCalendarMath() {
        let c = WallClock(rfc3339: "2026-11-21T10:30:00.250+01:00")
        #expect(c?.utcOffsetSeconds == 3600)
        #expect(c?.unixSeconds == WallClock(rfc3339: "2026-11-21T09:30:00.250Z")?.unixSeconds)
        #expect(WallClock.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(WallClock.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(WallClock.civilFromDays(20_778) == (2026, 11, 21))
        for d in stride(from: -800_000, to: 800_000, by: 997) {
            let (y, m, day) = WallClock.civilFromDays(d)
            #expect(WallClock.daysFromCivil(year: y, month: m, day: day) == d)
        }
        #expect(WallClock(rfc3339: "2026-11-21T09:30:00") == nil)
        #expect(WallClock(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(WallClock(rfc3339: "2023-02-29T00:00:00Z") == nil)
    }

    /// Found by tools/fuzz.sh: text quoted from the script (a type, a scene, a key, a clock)
    /// went into the message as it was, so a newline or an escape sequence in it broke the
    /// one-line message, and a 100 000-character name filled the screen.
    @Test(arguments: [
        #"{"scene": "candlefish", "events": [{"t": 0, "type": "/\b\f\n\r\t"}]}"#,
        #"{"scene": "candle\nfish", "events": []}"#,
        #"{"scene": "candlefish", "clock": "2026-11-21\u001b[31m", "events": []}"#,
        #"{"scene": "candlefish", "events": [], "a\u2028b": 1}"#,
        #"{"scene": "candlefish", "events": [], "\u0085": 1, "\u0085": 2}"#,
        #"{"scene": "candlefish", "events": [{"t": 0, "type": "\#(String(repeating: "x", count: 100_000))"}]}"#,
        "{\"scene\": \u{1}}", "{\"scene\": \u{7F}}",
    ])
    func quotedTextKeepsTheMessageOnOneShortLine(_ text: String) {
        #expect {
            _ = try Script(json: text)
        } throws: { error in
            let line = (error as? ScriptError)?.description ?? ""
            return !line.isEmpty && line.count < 300
                && !line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 }
        }
        #expect(throws: ScriptError.self) { try Script(json: text) }
    }

    @Test func quotedTextIsEscapedAndCut() throws {
        #expect(throws: ScriptError(eventIndex: 0, field: "type", "unknown type \"a\\nb\" (expected pointer, leave, click, answer, pressure or key)")) {
            try Script(json: #"{"scene": "candlefish", "events": [{"t": 0, "type": "a\nb"}]}"#)
        }
        let long = String(repeating: "y", count: 50)
        #expect(throws: ScriptError(field: "scene", "\"\(long.prefix(40))...\" is not a scene name (lowercase letters, digits and dashes)")) {
            try Script(json: #"{"scene": "\#(long)", "events": []}"#)
        }
        // A character outside ASCII is named as itself, not as its first UTF-8 byte.
        #expect {
            try Script(json: "{\"scene\": é}")
        } throws: { error in
            (error as? ScriptError)?.description.hasSuffix("unexpected character \"é\"") == true
        }
    }

    /// Found by tools/fuzz.sh: each key of an object was compared with every key before it,
    /// so an object of 30 000 keys took seconds (a hang, for 300 000 keys).
    @Test func anObjectOfManyKeysIsReadInLinearTime() {
        var text = "{\"scene\": \"candlefish\", \"events\": [{\"t\": 0, \"type\": \"leave\""
        for k in 0..<200_000 { text += ", \"k\(k)\": 0" }
        text += "}]}"
        let start = ContinuousClock.now
        #expect(throws: ScriptError(eventIndex: 0, field: "k0", "unknown field for a leave event")) { try Script(json: text) }
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    /// Found by tools/fuzz.sh: a clock with digits past the millisecond (10:30:00.3025) was
    /// read as it was, but the writer keeps milliseconds, so a written script read back as
    /// another; and the writer turned .9996 s into the same second again, not .999.
    @Test(arguments: ["2026-11-21T10:30:00.3025+01:00", "2026-11-21T10:30:00.2505+01:00", "2026-11-21T23:59:59.9996Z",
                      "2026-11-21T10:30:00.0004-05:30", "2026-11-21T10:30:00.123456789Z"])
    func aClockFinerThanMillisecondsRoundTrips(_ clock: String) throws {
        let script = try Script(json: #"{"scene": "candlefish", "clock": "\#(clock)", "events": []}"#)
        #expect(try Script(json: script.json()) == script)
    }

    @Test func theWriterKeepsTheSecondOfAClockJustBeforeTheNext() {
        #expect(WallClock(rfc3339: "2026-11-21T23:59:59.9996Z")?.rfc3339 == "2026-11-21T23:59:59.999Z")
        #expect(WallClock(unixSeconds: 59.9996).rfc3339 == "1970-01-01T00:00:59.999Z")
    }

    @Test func queueAppliesEventsAtTheFirstStepAtOrAfterT() {
        var q = StimulusQueue([StimulusEvent(t: 0, .leave), StimulusEvent(t: 0.01, .leave), StimulusEvent(t: 1.0 / 60, .leave)])
        #expect(q.due(at: 0).count == 1)
        #expect(q.due(at: 1.0 / 60).count == 2)
        #expect(q.isEmpty)
    }
}
