import Basics
import ArgumentParser
import Benchmarking
import Raster
import Sinks
import Stimuli
import Workloads
#if canImport(Glibc)
import Glibc
#endif

/// `photophore bench workload spheres|glow`: the rasterizer alone on a synthetic workload
/// (docs/workloads.md), timed per frame from the clear until the image is complete ("Rules
/// for both").
struct BenchWorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Time the rasterizer on a synthetic workload (spheres or glow).",
        discussion: """
            Percentiles are over the frames after the first 3 (over all frames when there are \
            3 or fewer). --output writes the last frame as linear colour, clamped to 8 bits, \
            with no tone mapping: what an OpenGL framebuffer without sRGB would hold.
            """)

    @Argument(help: "spheres or glow")
    var workload: String

    @Option(parsing: .unconditional, help: "Render size, WIDTHxHEIGHT, each side 1 to 8192 (default: 1280x720).", transform: Parse.size)
    var size = Size(width: 1280, height: 720)

    @Option(parsing: .unconditional, help: "Frames to render, 1 to 100000 (default: 60).", transform: Parse.int(1...100_000))
    var frames = 60

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU; 1 with --reference).",
            transform: Parse.int(Limits.threads))
    var threads: Int?

    @Option(parsing: .unconditional, help: "spheres: grid of spheres, GXxGY, 1x1 to 64x64 (default: 8x4).",
            transform: Parse.pair(1...64, 1...64, example: "8x4"))
    var grid = IntPair(8, 4)

    @Option(parsing: .unconditional,
            help: "spheres: segments per sphere, SXxSY, 3x2 to 1024x1024, at most 8 million quads in all (default: 64x32).",
            transform: Parse.pair(3...1024, 2...1024, example: "64x32"))
    var segments = IntPair(64, 32)

    @Option(parsing: .unconditional, help: "glow: number of particles, 0 to 2000000 (default: 10000).", transform: Parse.int(0...2_000_000))
    var count = 10_000

    @Option(name: .customLong("particle-size"), parsing: .unconditional,
            help: "glow: particle size range in pixels, MIN..MAX with 0 < MIN <= MAX <= 4096 (default: 8..48).",
            transform: Parse.positiveRange(upper: 4096, example: "8..48"))
    var particleSize = FloatRange(8, 48)

    @Option(name: .customLong("samples"), parsing: .unconditional, help: "Anti-aliasing samples per pixel: 1, 2, 4 or 8 (default: 1).",
            transform: Parse.samples)
    var sampleCount = 1

    @Option(help: "Write the last frame to this PNG file.")
    var output: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Draw with the scalar ReferenceRasterizer (one thread) instead of the SIMD fast path.")
    var reference = false

    func run() throws {
        guard let kind = Workload(rawValue: workload) else {
            throw Failure.usage("unknown workload '\(workload)': use spheres or glow")
        }
        if reference, let threads, threads != 1 { throw Failure.usage("--threads \(threads): --reference draws on one thread") }
        let threadCount = reference ? 1 : threads ?? Limits.defaultThreads
        // Each side is in range (Parse.pair); the product is what costs.
        if kind == .spheres, grid.a * grid.b * segments.a * segments.b > 8_000_000 {
            throw Failure.usage("--segments \(segments.a)x\(segments.b): with --grid \(grid.a)x\(grid.b) that is over 8 million quads; use fewer segments or a smaller grid")
        }
        if let output {
            try claimPaths { try $0.output(output, as: "--output \(output)") }
            try checkWritable(output)
            guard output.lowercased().hasSuffix(".png") else {
                throw Failure.usage("--output \(output): the frame is written as PNG; give a file name ending in .png")
            }
        }

        let target: RenderTarget
        do { target = try RenderTarget(width: size.width, height: size.height, keepsAlpha: false) } catch {
            throw Failure.usage("\(error)")
        }
        let renderer = Renderer(threads: threadCount, samples: sampleCount)
        let aspect = Float(size.width) / Float(size.height)
        let spheres = kind == .spheres ? SpheresWorkload(grid: (grid.a, grid.b), segments: (segments.a, segments.b)) : nil
        let glow = kind == .glow
            ? GlowWorkload(count: count, sizeRange: particleSize.lower...particleSize.upper, width: size.width, height: size.height)
            : nil

        var samples: [Double] = []
        var stats = FrameStats()
        for f in 0..<frames {
            let draw = spheres?.draw(frame: f, aspect: aspect) ?? glow!.draw()
            let start = Monotonic.nanoseconds()
            if reference {
                ReferenceRasterizer.render([draw], into: target, clearColor: workloadClearColor, samples: sampleCount)
                stats = FrameStats()
                stats.triangles = draw.triangleCount
            } else {
                stats = renderer.render([draw], into: target, clearColor: workloadClearColor)
            }
            samples.append(Double(Monotonic.nanoseconds() - start) / 1e6)
        }
        let measured = frames > 3 ? Array(samples.dropFirst(3)) : samples
        let t = Percentiles(measured)

        if let output {
            let image = target.resolved(encoding: .linear, pool: renderer.pool)
            do { try PNG.write(image, to: output) } catch { throw Failure.runtime(error.description) }
        }
        if json {
            // The reference rasterizer keeps no counters beyond the triangles submitted.
            let work = reference ? WorkloadReport.Work(triangles: stats.triangles)
                : WorkloadReport.Work(triangles: stats.triangles, setupTriangles: stats.setupTriangles, fragments: stats.fragments)
            try printJSON(WorkloadReport(workload: kind.rawValue, rasterizer: reference ? "reference" : "fast",
                                         width: size.width, height: size.height, threads: threadCount, samples: sampleCount, frames: frames,
                                         frameMs: FrameMilliseconds(t), work: work))
        } else {
            print("\(kind.rawValue) \(size) \(reference ? "reference rasterizer" : "threads=\(threadCount)") samples=\(sampleCount) frames=\(frames): \(t.summary) · "
                + (reference ? "\(stats.triangles) triangles per frame" : "\(stats.triangles) triangles, \(stats.fragments) fragments per frame"))
            if let output { print("wrote \(output)") }
        }
    }
}

/// Fails with exit code 1 when `path` cannot be created: its directory is missing or not
/// writable. Checked before rendering so that nobody waits for a frame that cannot be saved.
func checkWritable(_ path: String) throws {
    guard !path.isEmpty else { throw Failure.usage("an output path is empty; give a file name") }
    let dir: String
    if let slash = path.lastIndex(of: "/") {
        dir = slash == path.startIndex ? "/" : String(path[..<slash])
    } else {
        dir = "."
    }
    var st = stat()
    if stat(dir, &st) != 0 {
        throw Failure.runtime("cannot write \(path): folder \(dir) does not exist; create it or choose another path")
    }
    if (st.st_mode & S_IFMT) != S_IFDIR {
        throw Failure.runtime("cannot write \(path): \(dir) is a file, not a folder; choose another path")
    }
    if stat(path, &st) == 0 {
        if (st.st_mode & S_IFMT) == S_IFDIR { throw Failure.runtime("cannot write \(path): it is a folder; give a file name") }
        if (st.st_mode & S_IFMT) != S_IFREG { throw Failure.runtime("cannot write \(path): it is not a regular file (a device, pipe or socket); give a file name") }
    }
    // The one sure test: create (and remove) a file beside it, as the atomic writer will.
    let probe = path + ".partial-\(getpid())-0"
    let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
        let e = errno
        let hint = e == ENOSPC ? "free some space and try again" : "choose another path"
        throw Failure.runtime("cannot write \(path): \(String(cString: strerror(e))) in folder \(dir); \(hint)")
    }
    close(fd)
    unlink(probe)
}
