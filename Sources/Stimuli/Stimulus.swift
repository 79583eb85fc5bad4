/// The name of a scene, as the command line, scripts and the store write it ("candlefish").
///
/// Any well-formed name is a `SceneName`; which scenes exist is the engine's scene registry's
/// business (Engine's `SceneRegistry`). Each scene declares its own constant
/// (`SceneName.candlefish` is declared beside the candlefish's mind).
public struct SceneName: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// A name of 1 to 32 characters: lowercase ASCII letters, digits and dashes, starting
    /// with a letter. Nil for anything else.
    public init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard (1...32).contains(bytes.count), (97...122).contains(bytes[0]),
              bytes.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }) else { return nil }
        self.rawValue = rawValue
    }

    /// A name known to be well formed (a scene's own constant); traps on a malformed one.
    public init(_ name: StaticString) {
        guard let n = SceneName(rawValue: name.description) else { preconditionFailure("bad scene name \(name)") }
        self = n
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = SceneName(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a scene name"))
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public static func < (a: SceneName, b: SceneName) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue }
}

/// One input the scenes react to. The window, a script and a recording all produce these.
///
/// Coordinates are view coordinates: 0...1 from the top-left corner of the view.
public enum Stimulus: Equatable, Codable, Sendable {
    /// The pointer moved to (x, y).
    case pointer(x: Double, y: Double)
    /// The pointer left the view.
    case leave
    /// A click at (x, y): a feed in candlefish, a selection in emergence.
    case click(x: Double, y: Double)
    /// An emergence decision.
    case answer(correct: Bool)
    /// The time-pressure countdown: the fraction of time remaining, 0...1.
    case pressure(remaining: Double)
    /// Any other control key, by name.
    case key(String)

    /// The script's `type` name.
    public var typeName: String {
        switch self {
        case .pointer: return "pointer"
        case .leave: return "leave"
        case .click: return "click"
        case .answer: return "answer"
        case .pressure: return "pressure"
        case .key: return "key"
        }
    }
}

/// A stimulus at a time: `t` is seconds of simulation time from frame 0.
public struct StimulusEvent: Equatable, Codable, Sendable {
    public var t: Double
    public var stimulus: Stimulus

    public init(t: Double, _ stimulus: Stimulus) {
        self.t = t
        self.stimulus = stimulus
    }
}

/// A wall-clock instant with the UTC offset it was written in.
///
/// The offset is the person's time zone for calendar rules (daily visit, trust decay) unless
/// the caller chooses another.
public struct WallClock: Equatable, Codable, Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var unixSeconds: Double
    /// Seconds east of UTC.
    public var utcOffsetSeconds: Int

    public init(unixSeconds: Double, utcOffsetSeconds: Int = 0) {
        self.unixSeconds = unixSeconds
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Parses an RFC 3339 timestamp: `2026-11-21T09:30:00Z`, `2026-11-21T10:30:00.250+01:00`.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for c in b[from..<from + count] {
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        guard let year = num(0, 4), at(4, "-"), let month = num(5, 2), at(7, "-"), let day = num(8, 2),
              at(10, "T") || at(10, "t") || at(10, " "),
              let hour = num(11, 2), at(13, ":"), let minute = num(14, 2), at(16, ":"), let second = num(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...WallClock.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if at(i, ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            if i == start { return nil }
            // The clock keeps milliseconds, as `rfc3339` writes it, so that a clock read back
            // from what was written is the same clock (never rounded up into the next second).
            fraction = min(999, (fraction * 1000).rounded()) / 1000
        }
        var offset = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            let sign = at(i, "-") ? -1 : 1
            guard let oh = num(i + 1, 2), at(i + 3, ":"), let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = WallClock.daysFromCivil(year: year, month: month, day: day)
        let local = Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        self.init(unixSeconds: local - Double(offset), utcOffsetSeconds: offset)
    }

    /// The RFC 3339 text, in this clock's own offset.
    public var rfc3339: String {
        let local = unixSeconds + Double(utcOffsetSeconds)
        let whole = (local).rounded(.down)
        let days = Int((whole / 86_400).rounded(.down))
        let secs = Int(whole) - days * 86_400
        let (y, m, d) = WallClock.civilFromDays(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))"
        let ms = min(999, Int(((local - whole) * 1000).rounded())) // .9996 is .999, not this second again
        if ms > 0 && ms < 1000 {
            let s = String(ms)
            text += "." + String(repeating: "0", count: 3 - s.count) + s
        }
        if utcOffsetSeconds == 0 { return text + "Z" }
        let o = abs(utcOffsetSeconds)
        return text + (utcOffsetSeconds < 0 ? "-" : "+") + two(o / 3600) + ":" + two(o / 60 % 60)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number (days since 1970-01-01).
    public static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
