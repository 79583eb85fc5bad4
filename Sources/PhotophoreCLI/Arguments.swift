import ArgumentParser
import Benchmarking
import Raster
import Stimuli

/// `WIDTHxHEIGHT`, e.g. `1920x1080`. Parsing checks only the shape; `validated()` checks
/// the range before anything is allocated.
struct Size: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var width: Int
    var height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    init?(argument: String) {
        guard let pair = IntPair(argument: argument) else { return nil }
        width = pair.a
        height = pair.b
    }

    var description: String { "\(width)x\(height)" }

    /// Throws a usage failure unless both sides are within what the renderer supports.
    func validated(_ option: String = "--size") throws -> Size {
        do {
            try RenderTarget.validate(width: width, height: height)
        } catch {
            throw Failure.usage("\(option) \(self): width and height must be 1 to \(RenderTarget.maxDimension) pixels, e.g. \(option) 1280x720")
        }
        return self
    }
}

/// Two integers written `AxB`, e.g. a grid `8x4`. Negative numbers parse, so that range
/// checks can say what is wrong with them.
struct IntPair: ExpressibleByArgument, Sendable {
    var a: Int
    var b: Int

    init(_ a: Int, _ b: Int) {
        self.a = a
        self.b = b
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
        self.a = a
        self.b = b
    }
}

/// A closed range of numbers written `A..B`, e.g. `8..48`.
struct FloatRange: ExpressibleByArgument, Sendable {
    var lower: Float
    var upper: Float

    init(_ lower: Float, _ upper: Float) {
        self.lower = lower
        self.upper = upper
    }

    init?(argument: String) {
        let parts = argument.components(separatedBy: "..")
        guard parts.count == 2, let a = Float(parts[0]), let b = Float(parts[1]), a.isFinite, b.isFinite else { return nil }
        lower = a
        upper = b
    }
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
    /// `{"p50": …, "p95": …, "p99": …, "max": …}` in milliseconds, to the microsecond.
    var json: JSONValue {
        func ms(_ v: Double) -> JSONValue { .number((v * 1000).rounded() / 1000) }
        return .object([("p50", ms(p50)), ("p95", ms(p95)), ("p99", ms(p99)), ("max", ms(max))])
    }

    /// `p50 8.696 ms · p95 … · p99 … · max …`
    var summary: String {
        func ms(_ v: Double) -> String { JSONValue.format((v * 1000).rounded() / 1000) + " ms" }
        return "p50 \(ms(p50)) · p95 \(ms(p95)) · p99 \(ms(p99)) · max \(ms(max))"
    }
}
