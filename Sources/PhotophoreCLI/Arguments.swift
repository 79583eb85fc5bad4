import Basics
import ArgumentParser
import Benchmarking
import Engine
import Raster
import Stimuli

/// Why an option's value was refused, said as what to give instead ("use 1 to 256").
/// ArgumentParser puts the option and the value in front of it (see `Failure.swift`).
struct ValueError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The documented range of every number the options carry (docs/cli.md), and the parsers
/// that hold options to them. A value outside its range fails while the arguments are
/// parsed: exit 2 and one line, `--option VALUE: use A to B`. Options take their value
/// with `parsing: .unconditional`, so that `--seed -1` is read as a value (and refused)
/// rather than as an unknown flag.
enum Limits {
    /// Worker threads. The default, one per CPU, is capped to the same range.
    static let threads = 1...256
    /// How far a run can reach in simulation time, in seconds: one day. Script times,
    /// `simulate --until` and the time of a rendered frame (frame / fps) all stay in it, so a
    /// time never becomes an unbounded count of 60 Hz steps.
    static let seconds = Script.times
    /// Frame numbers of `render` (and `--frame`).
    static let frameNumbers = 0...10_000_000
    /// Frames per second of `render`.
    static let fps = 1...1000
    /// `play --frames`: one day at 60 frames per second.
    static let playFrames = 1...5_184_000
    /// The largest text file a command reads (a stimulus script): room for
    /// `Script.maxEvents` events as `play --record` writes them.
    static let textFileBytes = 128 << 20
    /// The seed: any unsigned 64-bit integer.
    static let seeds = UInt64.min...UInt64.max
    /// Anti-aliasing samples per pixel (`--samples`).
    static let samples = SamplePattern.supported

    /// One per CPU, within `threads`.
    static var defaultThreads: Int { min(threads.upperBound, max(threads.lowerBound, WorkerPool.systemWidth().threads)) }
}

/// Option parsers that check the documented range (`Limits`, docs/cli.md).
enum Parse {
    /// A registered scene's name (`SceneRegistry`).
    @Sendable static func scene(_ text: String) throws -> SceneName {
        guard let scene = SceneRegistry.scene(named: text) else { throw ValueError("not a scene; use \(SceneRegistry.nameList)") }
        return scene.name
    }

    /// The one syntax of numbers on the command line (docs/cli.md, "Numbers"): whole numbers
    /// are decimal digits with an optional leading minus (`42`, `-3`); other numbers may add
    /// a fraction and an exponent (`0.5`, `2.5e-3`). Hex, `+`, `inf`, `nan`, spaces and
    /// underscores are refused everywhere.
    static func whole<S: StringProtocol>(_ text: S) -> Int? {
        let body = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard !body.isEmpty, body.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int(text)
    }

    /// A decimal number (see `whole`), finite.
    static func decimal<S: StringProtocol>(_ text: S) -> Double? {
        var rest = Substring(text)
        if rest.hasPrefix("-") { rest = rest.dropFirst() }
        func digits() -> Int {
            let n = rest.utf8.prefix(while: { (48...57).contains($0) }).count
            rest = rest.dropFirst(n)
            return n
        }
        guard digits() > 0 else { return nil }
        if rest.hasPrefix(".") {
            rest = rest.dropFirst()
            guard digits() > 0 else { return nil }
        }
        if rest.hasPrefix("e") || rest.hasPrefix("E") {
            rest = rest.dropFirst()
            if rest.hasPrefix("-") || rest.hasPrefix("+") { rest = rest.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard rest.isEmpty, let v = Double(String(text)), v.isFinite else { return nil }
        return v
    }

    /// A whole number in `range`.
    /// `--samples`: one of `Limits.samples`.
    @Sendable static func samples(_ text: String) throws -> Int {
        guard let v = Parse.whole(text), Limits.samples.contains(v) else { throw ValueError("use 1, 2, 4 or 8") }
        return v
    }

    static func int(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let v = Parse.whole(text), range.contains(v) else {
                throw ValueError("use a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return v
        }
    }

    /// Rendition heights, `1080,720,480`: each a whole number from 2 to 8192, none twice.
    @Sendable static func heights(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.filter { $0 != " " } }
        var heights: [Int] = []
        for part in parts {
            let digits = part.hasSuffix("p") ? String(part.dropLast()) : part
            guard let h = Parse.whole(digits), (2...8192).contains(h) else {
                throw ValueError("use heights in pixels from 2 to 8192, separated by commas, like 1080,720,480")
            }
            guard !heights.contains(h) else { throw ValueError("\(h) is given twice; give each height once") }
            heights.append(h)
        }
        return heights
    }

    /// A finite number in `range`, of `unit` (e.g. "seconds").
    static func number(_ range: ClosedRange<Double>, _ unit: String) -> @Sendable (String) throws -> Double {
        { text in
            // Double("nan") is NaN and Double("1e400") infinite: neither is in a closed range.
            guard let v = Parse.decimal(text), range.contains(v) else {
                throw ValueError("use a number of \(unit) from \(NumberText.short(range.lowerBound)) to \(NumberText.short(range.upperBound))")
            }
            return v
        }
    }

    /// A seed: a whole number from 0 to 2^64 - 1.
    @Sendable static func seed(_ text: String) throws -> UInt64 {
        guard text.utf8.allSatisfy({ (48...57).contains($0) }), let v = UInt64(text) else {
            throw ValueError("use a whole number from 0 to \(UInt64.max) (2^64 - 1), e.g. --seed 7")
        }
        return v
    }

    /// `WIDTHxHEIGHT`, each side 1 to `RenderTarget.maxDimension` pixels; checked before
    /// anything is allocated.
    @Sendable static func size(_ text: String) throws -> Size {
        guard let pair = IntPair(argument: text), (try? RenderTarget.validate(width: pair.a, height: pair.b)) != nil else {
            throw ValueError("give WIDTHxHEIGHT, each side 1 to \(RenderTarget.maxDimension) pixels, e.g. 1280x720")
        }
        return Size(width: pair.a, height: pair.b)
    }

    /// `AxB` with A in `a` and B in `b`, e.g. a grid `8x4`.
    static func pair(_ a: ClosedRange<Int>, _ b: ClosedRange<Int>, example: String) -> @Sendable (String) throws -> IntPair {
        { text in
            guard let pair = IntPair(argument: text), a.contains(pair.a), b.contains(pair.b) else {
                throw ValueError("give AxB with A from \(a.lowerBound) to \(a.upperBound) and B from \(b.lowerBound) to \(b.upperBound), e.g. \(example)")
            }
            return pair
        }
    }

    /// `A..B`, a range of frame numbers within `Limits.frameNumbers`, both ends included.
    @Sendable static func frames(_ text: String) throws -> FrameRange {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let a = Parse.whole(parts[0]), let b = Parse.whole(parts[1]) else {
            throw ValueError("give the first and the last frame as A..B, e.g. --frames 0..599")
        }
        guard a <= b else { throw ValueError("the end is before the start; give A..B with A ≤ B, e.g. --frames \(b)..\(a)") }
        let limits = Limits.frameNumbers
        guard limits.contains(a), limits.contains(b) else {
            throw ValueError("use frame numbers from \(limits.lowerBound) to \(limits.upperBound)")
        }
        return FrameRange(range: a...b)
    }

    /// `MIN..MAX` with 0 < MIN ≤ MAX ≤ `upper`.
    static func positiveRange(upper: Float, example: String) -> @Sendable (String) throws -> FloatRange {
        { text in
            let parts = text.components(separatedBy: "..")
            // Comparisons with NaN are false, so NaN fails every check below.
            guard parts.count == 2, let a = Float(parts[0]), let b = Float(parts[1]) else {
                throw ValueError("give MIN..MAX, e.g. \(example)")
            }
            guard a <= b || a.isNaN || b.isNaN else { throw ValueError("MAX is below MIN; give MIN..MAX, e.g. \(parts[1])..\(parts[0])") }
            guard a > 0, a <= b, b <= upper else {
                throw ValueError("use MIN..MAX with 0 < MIN ≤ MAX ≤ \(NumberText.short(Double(upper))), e.g. \(example)")
            }
            return FloatRange(a, b)
        }
    }

    /// One of `choices`.
    static func choice(_ choices: [String]) -> @Sendable (String) throws -> String {
        { text in
            guard choices.contains(text) else { throw ValueError("use one of \(choices.joined(separator: ", "))") }
            return text
        }
    }
}

/// `WIDTHxHEIGHT`, e.g. `1920x1080` (`Parse.size` reads and checks it).
struct Size: Sendable, CustomStringConvertible {
    var width: Int
    var height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    var description: String { "\(width)x\(height)" }
}

/// Two integers written `AxB`, e.g. a grid `8x4`. Negative numbers parse, so that range
/// checks can say what is wrong with them.
struct IntPair: Sendable {
    var a: Int
    var b: Int

    init(_ a: Int, _ b: Int) {
        self.a = a
        self.b = b
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Parse.whole(parts[0]), let b = Parse.whole(parts[1]) else { return nil }
        self.a = a
        self.b = b
    }
}

/// A closed range of numbers written `A..B`, e.g. `8..48` (`Parse.positiveRange`).
struct FloatRange: Sendable {
    var lower: Float
    var upper: Float

    init(_ lower: Float, _ upper: Float) {
        self.lower = lower
        self.upper = upper
    }
}

/// Frame numbers `A..B`, both ends included, e.g. `0..599` (`Parse.frames`).
struct FrameRange: Sendable {
    var range: ClosedRange<Int>
}

extension String {
    /// Splits on a multi-character separator (Foundation-free).
    func components(separatedBy separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: separator) {
            result.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}

extension Percentiles {
    /// `p50 8.696 ms · p95 … · p99 … · max …`
    var summary: String {
        func ms(_ v: Double) -> String { NumberText.short(roundedMs(v)) + " ms" }
        return "p50 \(ms(p50)) · p95 \(ms(p95)) · p99 \(ms(p99)) · max \(ms(max))"
    }
}
