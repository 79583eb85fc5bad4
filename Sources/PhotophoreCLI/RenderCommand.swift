import Basics
import ArgumentParser
import Benchmarking
import Engine
import Mind
import Raster
import Sinks
import Stimuli
import Store

extension Richness: ExpressibleByArgument {}

/// `photophore render <scene> -o PATH`: frames of a scene to a PNG, a PNG sequence, or video.
///
/// Headless renders start from a fixed, fresh memory and write nothing, unless `--memory`
/// (read the person's memory) or `--remember` (read and write it) is given.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render frames of a scene to PNG, a PNG sequence, MP4 (H.264 or AV1) or WebM (VP9 or AV1).",
        discussion: """
            PATH: out.png (one frame), dir/ or frames/%05d.png (PNG sequence), out.mp4 or out.webm. \
            Frame N is at time N / fps. The simulation runs at a fixed 60 Hz from frame 0 with \
            the stimuli of --script, so the same seed and script give the same bytes whatever \
            --threads is, and frames A..B of a render equal the same frames of a longer one: a \
            render can be split across machines by frame range (tools/shard.sh). A recording \
            made with `play --record` is a valid --script. A manifest with sizes and SHA-256 \
            is written beside the output.
            """)

    @Argument(help: ArgumentHelp("The scene: \(SceneRegistry.nameList)."), completion: .list(SceneRegistry.names.map(\.rawValue)),
              transform: Parse.scene)
    var scene: SceneName

    @Option(name: .shortAndLong, help: ArgumentHelp("The output (see above).", valueName: "PATH"))
    var output: String

    @Option(parsing: .unconditional, help: "One frame to render, 0 to 10000000 (time = frame / fps, at most 86400 s).",
            transform: Parse.int(Limits.frameNumbers))
    var frame: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("A frame range, both ends included, within 0 to 10000000 (at most 86400 s).", valueName: "A..B"),
            transform: Parse.frames)
    var frames: FrameRange?

    @Option(parsing: .unconditional, help: "Frames per second, 1 to 1000 (default: 60).", transform: Parse.int(Limits.fps))
    var fps = 60

    @Option(parsing: .unconditional, help: "Image size, WIDTHxHEIGHT, each side 1 to 8192 (default: 1920x1080).", transform: Parse.size)
    var size = Size(width: 1920, height: 1080)

    @Option(parsing: .unconditional, help: "Random seed, 0 to 2^64 - 1 (default: 1).", transform: Parse.seed)
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("A stimulus script or a play --record recording (format in docs/stimuli.md).", valueName: "FILE.json"))
    var script: String?

    @Option(help: "Visual effects richness: minimal, standard or rich.")
    var richness: Richness = .standard

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU).", transform: Parse.int(Limits.threads))
    var threads: Int?

    @Option(parsing: .unconditional, help: "Video quality, lower is better: CRF 0 to 51 for H.264 (default 20), 0 to 63 for VP9 (default 32) and AV1 (default 35).",
            transform: Parse.int(0...63))
    var crf: Int?

    @Option(help: "H.264 preset: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo (default: veryfast).",
            transform: Parse.choice(RenderCommand.presets))
    var preset = "veryfast"

    @Option(help: "Video codec: h264 (.mp4), vp9 (.webm) or av1 (.mp4 or .webm) (default: h264 for .mp4, vp9 for .webm).",
            transform: Parse.choice(VideoCodec.allCases.map(\.rawValue)))
    var codec: String?

    @Option(name: .customLong("av1-preset"), parsing: .unconditional, help: "SVT-AV1 preset, 0 (slowest) to 13 (fastest) (default: 10).",
            transform: Parse.int(0...13))
    var av1Preset = 10

    @Option(name: .customLong("film-grain"), parsing: .unconditional,
            help: "AV1 film-grain synthesis, 0 (off: grain is coded as pixels) to 50 (default: 8).", transform: Parse.int(0...50))
    var filmGrain = 8

    @Option(name: .customLong("png-compression"),
            help: "PNG output: fast (the default: about 0.04 s to encode a 1080p frame) or small (libpng's defaults: files about 15% smaller, 15 times slower to encode).",
            transform: Parse.choice(PNGCompression.allCases.map(\.rawValue)))
    var pngCompression = PNGCompression.fast.rawValue

    @OptionGroup var memoryOptions: MemoryOptions

    @OptionGroup var clockOptions: ClockOptions

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Start from the memory store and save what this session changes (default store unless --memory).")
    var remember = false

    @Option(name: .customLong("frame-hashes"), help: ArgumentHelp("Also write a hash of every rendered frame (to compare with play).", valueName: "FILE"))
    var frameHashes: String?

    /// libx264's presets, fastest first.
    static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]

    func run() throws {
        if frame != nil && frames != nil { throw Failure.usage("give --frame N or --frames A..B, not both") }
        let range: ClosedRange<Int> = frames?.range ?? (frame ?? 0)...(frame ?? 0)
        // Frame k is at k / fps seconds, which the simulation reaches in 60 Hz steps.
        let lastFrame = Int(Limits.seconds.upperBound) * fps
        guard range.upperBound <= lastFrame else {
            let option = frames == nil ? "--frame \(range.upperBound)" : "--frames \(range.lowerBound)..\(range.upperBound)"
            throw Failure.usage("\(option): frame \(range.upperBound) at --fps \(fps) is past the simulation's limit of 86400 s (one day); use frames up to \(lastFrame)")
        }
        let size = self.size
        let threadCount = threads ?? Limits.defaultThreads
        let kind: OutputKind
        do { kind = try OutputKind.of(output) } catch { throw error.failure }
        let videoCodec = codec.flatMap(VideoCodec.init(rawValue:))
        if case let .video(format) = kind {
            let chosen = videoCodec ?? .default(for: format)
            if let refusal = chosen.refusal(in: format) { throw Failure.usage("--codec \(chosen.rawValue): \(refusal)") }
            if let crf, !chosen.crfRange.contains(crf) {
                throw Failure.usage("--crf \(crf): \(chosen.name) takes \(chosen.crfRange.lowerBound) to \(chosen.crfRange.upperBound)")
            }
        } else if codec != nil {
            throw Failure.usage("--codec \(codec!): a codec is for video; write to out.mp4 or out.webm")
        }
        if case .png = kind, range.count > 1 {
            throw Failure.usage("cannot write \(output): one PNG holds one frame; use a directory out/ or frames/%05d.png for \(range.count) frames")
        }
        switch kind {
        case .video where frames == nil, .pngSequence where frames == nil:
            throw Failure.usage("cannot write \(output): video and PNG sequences need a frame range, --frames A..B")
        default: break
        }
        let shown = try modelOptions.resolve(for: SceneRegistry.scene(named: scene)!)  // Parse.scene took only registered names
        var parsed: Script?
        if let script {
            let text = try readTextFile(script, what: "script")
            do { parsed = try Script(json: text, expecting: scene) } catch { throw Failure.usage("script \(script): \(error.description)") }
        }
        if let pinned = try clockOptions.resolve() {
            if parsed == nil { parsed = Script(scene: scene) }
            parsed?.clock = pinned
        }
        if case .png = kind { try checkWritable(output) }

        // Memory: fresh unless asked; read-only unless --remember.
        let session = try MemorySession(options: memoryOptions, remember: remember)
        try session.begin(scene: scene, clock: parsed?.clock, profile: Profile(richness: richness))
        let settings = RenderSettings(
            scene: scene, width: size.width, height: size.height, seed: seed, script: parsed,
            richness: richness, threads: threadCount, memory: session.state,
            profile: Profile(richness: richness), fps: fps, model: shown)
        let renderer: SceneRenderer
        do { renderer = try SceneRenderer(settings) } catch { throw Failure.usage("--size \(size): \(error)") }

        let sink: any FrameSink
        do {
            sink = try Output.open(output, width: size.width, height: size.height, frames: range,
                                   video: VideoOptions(fps: fps, crf: crf, preset: preset, codec: videoCodec, av1Preset: av1Preset,
                                                       filmGrain: filmGrain),
                                   pngWorkers: max(1, threadCount),
                                   pngCompression: PNGCompression(rawValue: pngCompression) ?? .fast)
        } catch { throw error.failure }
        if let frameHashes { try checkWritable(frameHashes) }
        let progress = ProgressReporter(total: range.count, label: "render \(scene.rawValue)")
        // Frames rotate through more images than the sink holds, so rendering never writes
        // into pixels an encoder still reads (which would copy them first).
        var images = (0..<min(range.count, sink.framesHeld + 1)).map { _ in Image8(width: size.width, height: size.height) }
        var hashes: [String] = []
        do {
            for (n, k) in range.enumerated() {
                let slot = n % images.count
                renderer.render(frame: k, into: &images[slot])
                let image = images[slot]
                if frameHashes != nil { hashes.append("\(k) \(frameHash(image))") }
                try sink.append(image)
                try session.save(renderer.takeMemoryEvents())
                progress.advance()
            }
            let manifest = try sink.finish()
            try session.save(renderer.finish())
            if let frameHashes { try writeTextFile(hashes.joined(separator: "\n") + "\n", to: frameHashes) }
            let bytes = manifest.files.reduce(0) { $0 + $1.bytes }
            _ = progress.finish(bytes: bytes, output: output)
        } catch let error as SinkError {
            sink.cancel()
            throw error.failure
        } catch {
            sink.cancel()
            throw error
        }
    }
}

extension SinkError {
    /// The CLI failure with the exit code docs/cli.md gives this kind of error.
    var failure: Failure { Failure(kind == .usage ? .usage : .runtime, description) }
}

/// `photophore bench scenes-quick`: a quick frame-time loop over the scenes (render and
/// effects, no encoding). The full `bench` with baselines and gates is separate.
struct BenchScenesQuickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes-quick",
        abstract: "Time render + effects per frame for each scene (no encoding).")

    @Argument(help: ArgumentHelp("Scenes to time (default: every registered scene)."), completion: .list(SceneRegistry.names.map(\.rawValue)),
              transform: Parse.scene)
    var scenes: [SceneName] = SceneRegistry.names

    @Option(parsing: .unconditional, help: "Image size, WIDTHxHEIGHT, each side 1 to 8192 (default: 1920x1080).", transform: Parse.size)
    var size = Size(width: 1920, height: 1080)

    @Option(parsing: .unconditional, help: "Frames per scene, 1 to 100000 (default: 300).", transform: Parse.int(1...100_000))
    var frames = 300

    @Option(help: "Visual effects richness.")
    var richness: Richness = .rich

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU).", transform: Parse.int(Limits.threads))
    var threads: Int?

    @Option(help: ArgumentHelp("A stimulus script to drive the scenes.", valueName: "FILE.json"))
    var script: String?

    func run() throws {
        let threadCount = threads ?? Limits.defaultThreads
        for scene in scenes {
            var parsed: Script?
            if let script {
                let text = try readTextFile(script, what: "script")
                do { parsed = try Script(json: text, expecting: scene) } catch { throw Failure.usage("script \(script): \(error.description)") }
            }
            let renderer = try SceneRenderer(RenderSettings(
                scene: scene, width: size.width, height: size.height, seed: 1, script: parsed,
                richness: richness, threads: threadCount, fps: 60))
            // Consecutive frames from 0, each stepping the world once inside its timer, as in play.
            let costs = SceneBench.run(renderer, frames: frames, fps: 60, frameAt: { $0 }, catchUp: false)
            let samples = costs.map(\.ms), withoutEffects = costs.map { $0.scene + $0.raster }
            let triangles = costs.reduce(0) { $0 + $1.triangles }, fragments = costs.reduce(0) { $0 + $1.fragments }
            let parts = (scene: costs.reduce(0) { $0 + $1.scene }, raster: costs.reduce(0) { $0 + $1.raster },
                         effects: costs.reduce(0) { $0 + $1.effects })
            let t = Percentiles(samples)
            let over = samples.filter { $0 > 16.67 }.count
            let w = Percentiles(withoutEffects)
            print("\(scene.rawValue) \(size) \(richness.rawValue) threads=\(threadCount) frames=\(frames): "
                  + "p50 \(fixed(t.p50, 2)) ms, p95 \(fixed(t.p95, 2)) ms, p99 \(fixed(t.p99, 2)) ms, max \(fixed(t.max, 2)) ms, "
                  + "over 16.67 ms: \(over), triangles/frame \(triangles / frames), fragments/frame \(fragments / frames); "
                  + "mean ms: scene \(fixed(parts.scene / Double(frames), 2)), raster \(fixed(parts.raster / Double(frames), 2)), effects \(fixed(parts.effects / Double(frames), 2)); "
                  + "scene + raster only: p50 \(fixed(w.p50, 2)) ms, p95 \(fixed(w.p95, 2)) ms, p99 \(fixed(w.p99, 2)) ms")
        }
    }
}
