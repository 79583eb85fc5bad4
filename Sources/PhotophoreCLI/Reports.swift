import Benchmarking
import Foundation
import JSONWriter
import Mind
import Stimuli
import Store

// The JSON the commands print and write (docs/cli.md, "What the commands print and write"),
// as Codable values for `JSONOutput`, the one JSON writer. Only encoding is needed; an
// optional that the contract shows as null is encoded as null, not left out.

/// Prints a report as one line of JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    do { print(try JSONOutput.text(value)) } catch { throw Failure.runtime("cannot write the report as JSON: \(error)") }
}

/// A report whose members are built as `JSONValue`s (a scene's own fields come from its
/// wording, `SceneReport`, or its timeline), encoded by the one JSON writer like
/// every other report: sorted keys, whole numbers without a fraction.
struct JSONTree: Encodable {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case let .bool(b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case let .number(x):
            var c = encoder.singleValueContainer()
            if x == x.rounded(), abs(x) < 9e15 { try c.encode(Int64(x)) } else { try c.encode(x) }
        case let .string(text):
            var c = encoder.singleValueContainer()
            try c.encode(text)
        case let .array(items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(JSONTree(item)) }
        case let .object(members):
            var c = encoder.container(keyedBy: JSONKey.self)
            for (key, item) in members { try c.encode(JSONTree(item), forKey: JSONKey(key)) }
        }
    }
}

/// Milliseconds as the reports give them: to the microsecond.
func roundedMs(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

// MARK: simulate --json

/// `{"max": …, "p50": …, "p95": …, "p99": …}` in milliseconds, to the microsecond.
struct FrameMilliseconds: Encodable {
    var p50: Double, p95: Double, p99: Double, max: Double

    init(_ t: Percentiles) {
        p50 = roundedMs(t.p50)
        p95 = roundedMs(t.p95)
        p99 = roundedMs(t.p99)
        max = roundedMs(t.max)
    }
}

/// `bench workload --json`.
struct WorkloadReport: Encodable {
    var workload: String
    var rasterizer: String
    var width: Int
    var height: Int
    var threads: Int
    /// Anti-aliasing samples per pixel.
    var samples: Int
    var frames: Int
    var frameMs: FrameMilliseconds
    var work: Work

    /// The last frame's counters; the reference rasterizer counts only the triangles.
    struct Work: Encodable {
        var triangles: Int
        var setupTriangles: Int?
        var fragments: Int?

        enum CodingKeys: String, CodingKey {
            case triangles, fragments
            case setupTriangles = "setup_triangles"
        }
    }

    enum CodingKeys: String, CodingKey {
        case workload, rasterizer, width, height, threads, samples, frames, work
        case frameMs = "frame_ms"
    }
}
