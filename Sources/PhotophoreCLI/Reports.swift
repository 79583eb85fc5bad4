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
        case workload, rasterizer, width, height, threads, frames, work
        case frameMs = "frame_ms"
    }
}
