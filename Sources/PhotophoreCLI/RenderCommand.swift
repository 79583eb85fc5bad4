import ArgumentParser
import Engine
import Mind
import Raster
import Sinks
import Stimuli

extension Richness: ExpressibleByArgument {}

/// `photophore render <scene> --frame N -o poster.png`: one frame of a scene to a PNG.
///
/// Headless renders start from a fixed, fresh memory and never write memory. Sequences and
/// video (`--frames A..B`, a folder, .mp4, .webm) are not part of this build yet.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one frame of a scene to a PNG file.",
        discussion: """
            Frame N is at time N / fps. The simulation runs at a fixed 60 Hz from frame 0 with \
            the stimuli of --script, so the same seed and script give the same image bytes \
            whatever --threads is. The memory starts fresh (trust 20 for candlefish, 0 for \
            emergence) and nothing is saved.
            """)

    @Argument(help: "candlefish or emergence")
    var scene: SceneName

    @Option(name: .shortAndLong, help: ArgumentHelp("The output file (.png).", valueName: "PATH"))
    var output: String

    @Option(help: "The frame to render (time = frame / fps).")
    var frame = 0

    @Option(help: ArgumentHelp("A frame range A..B (PNG sequences and video: not in this build).", valueName: "A..B"))
    var frames: String?

    @Option(help: "Frames per second.")
    var fps = 60

    @Option(help: "Image size, WIDTHxHEIGHT.")
    var size = Size(width: 1920, height: 1080)

    @Option(help: "Random seed (an unsigned 64-bit integer).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("A stimulus script (STIMULI.md).", valueName: "FILE.json"))
    var script: String?

    @Option(help: "Visual effects richness: minimal, standard or rich.")
    var richness: Richness = .standard

    @Option(help: "Worker threads (default: one per CPU).")
    var threads: Int?

    @Option(help: ArgumentHelp("Start from this memory store (not in this build).", valueName: "PATH"))
    var memory: String?

    @Flag(help: "Read and write the memory store (not in this build).")
    var remember = false

    static let supportedOutputs = "this build writes single PNG frames only (-o out.png with --frame N); PNG sequences and MP4/WebM video come with the video pipeline"

    func run() throws {
        if frames != nil { throw Failure.usage("--frames is not supported yet: \(Self.supportedOutputs)") }
        guard output.lowercased().hasSuffix(".png") else {
            throw Failure.usage("cannot write \(output): \(Self.supportedOutputs)")
        }
        if memory != nil || remember {
            throw Failure.usage("--memory and --remember are not supported by render yet; headless renders start from a fresh memory")
        }
        guard frame >= 0, frame <= 1_000_000 else { throw Failure.usage("--frame \(frame): use 0 to 1000000") }
        guard (1...1000).contains(fps) else { throw Failure.usage("--fps \(fps): use 1 to 1000") }
        let size = try self.size.validated()
        let threadCount = threads ?? WorkerPool.systemWidth().threads
        guard (1...256).contains(threadCount) else { throw Failure.usage("--threads \(threadCount): use 1 to 256") }
        var parsed: Script?
        if let script {
            let text = try readTextFile(script, what: "script")
            do {
                parsed = try Script(json: text, expecting: scene)
            } catch {
                throw Failure.usage("script \(script): \(error.description)")
            }
        }
        try checkWritable(output)

        let settings = RenderSettings(
            scene: scene, width: size.width, height: size.height, seed: seed, script: parsed,
            richness: richness, threads: threadCount, memory: .fresh, profile: Profile(richness: richness), fps: fps)
        let renderer: SceneRenderer
        do {
            renderer = try SceneRenderer(settings)
        } catch {
            throw Failure.usage("--size \(size): \(error)")
        }
        let image = renderer.render(frame: frame)
        do {
            try PNG.write(image, to: output)
        } catch {
            throw Failure.runtime("\(error)")
        }
    }
}

/// `photophore bench scenes-quick`: a quick frame-time loop over the scenes (render and
/// effects, no encoding). The full `bench` with baselines and gates is separate.
struct BenchScenesQuickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes-quick",
        abstract: "Time render + effects per frame for candlefish and emergence (no encoding).")

    @Argument(help: "Scenes to time (default: both).")
    var scenes: [SceneName] = [.candlefish, .emergence]

    @Option(help: "Image size, WIDTHxHEIGHT.")
    var size = Size(width: 1920, height: 1080)

    @Option(help: "Frames per scene.")
    var frames = 300

    @Option(help: "Visual effects richness.")
    var richness: Richness = .rich

    @Option(help: "Worker threads (default: one per CPU).")
    var threads: Int?

    @Option(help: ArgumentHelp("A stimulus script to drive the scenes.", valueName: "FILE.json"))
    var script: String?

    func run() throws {
        let size = try self.size.validated()
        guard (1...100_000).contains(frames) else { throw Failure.usage("--frames \(frames): use 1 to 100000") }
        let threadCount = threads ?? WorkerPool.systemWidth().threads
        for scene in scenes {
            var parsed: Script?
            if let script {
                let text = try readTextFile(script, what: "script")
                do { parsed = try Script(json: text, expecting: scene) } catch { throw Failure.usage("script \(script): \(error.description)") }
            }
            let renderer = try SceneRenderer(RenderSettings(
                scene: scene, width: size.width, height: size.height, seed: 1, script: parsed,
                richness: richness, threads: threadCount, fps: 60))
            var image = Image8(width: size.width, height: size.height)
            var samples: [Double] = [], withoutEffects: [Double] = []
            var triangles = 0, fragments = 0
            var parts = (scene: 0.0, raster: 0.0, effects: 0.0)
            for k in 0..<frames {
                let t0 = monotonicNanoseconds()
                renderer.render(frame: k, into: &image)
                let t1 = monotonicNanoseconds()
                samples.append(Double(t1 - t0) / 1e6)
                withoutEffects.append(Double(renderer.timings.scene + renderer.timings.raster) / 1e6)
                triangles += renderer.stats.triangles
                fragments += renderer.stats.fragments
                parts.scene += Double(renderer.timings.scene) / 1e6
                parts.raster += Double(renderer.timings.raster) / 1e6
                parts.effects += Double(renderer.timings.effects) / 1e6
            }
            let t = FrameTimes(samples)
            let over = samples.filter { $0 > 16.67 }.count
            let w = FrameTimes(withoutEffects)
            print("\(scene.rawValue) \(size) \(richness.rawValue) threads=\(threadCount) frames=\(frames): "
                  + "p50 \(fixed(t.p50, 2)) ms, p95 \(fixed(t.p95, 2)) ms, p99 \(fixed(t.p99, 2)) ms, max \(fixed(t.max, 2)) ms, "
                  + "over 16.67 ms: \(over), triangles/frame \(triangles / frames), fragments/frame \(fragments / frames); "
                  + "mean ms: scene \(fixed(parts.scene / Double(frames), 2)), raster \(fixed(parts.raster / Double(frames), 2)), effects \(fixed(parts.effects / Double(frames), 2)); "
                  + "scene + raster only: p50 \(fixed(w.p50, 2)) ms, p95 \(fixed(w.p95, 2)) ms, p99 \(fixed(w.p99, 2)) ms")
        }
    }
}
