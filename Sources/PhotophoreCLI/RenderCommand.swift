import Basics
import ArgumentParser
import Foundation
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
        abstract: "Render frames of a scene to PNG, a PNG sequence, MP4 (H.264 or AV1), WebM (VP9 or AV1) or animated WebP.",
        discussion: """
            PATH: out.png (one frame), dir/ or frames/%05d.png (PNG sequence), out.mp4, out.webm or out.webp \
            (animated); -o may be given several times to encode the same frames several ways. A video \
            gets a poster (its first frame, clip.poster.webp) and a <video> element in its manifest. \
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

    @Option(name: .shortAndLong, help: ArgumentHelp("The output (see above); repeat for several outputs of the same frames.", valueName: "PATH"))
    var output: [String] = []

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

    @Option(parsing: .unconditional, help: "Anti-aliasing samples per pixel: 1, 2, 4 or 8 (default: 4).", transform: Parse.samples)
    var samples = SamplePattern.standard

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU).", transform: Parse.int(Limits.threads))
    var threads: Int?

    @Option(parsing: .unconditional, help: "Video quality, lower is better: CRF 0 to 51 for H.264 (default 26), 0 to 63 for VP9 (default 32) and AV1 (default 35).",
            transform: Parse.int(0...63))
    var crf: Int?

    @Option(help: "H.264 preset: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo (default: veryfast).",
            transform: Parse.choice(RenderCommand.presets))
    var preset: String?

    @Option(help: "Video codec: h264 (.mp4), vp9 (.webm), av1 (.mp4 or .webm) or webp (.webp) (default: h264 for .mp4, vp9 for .webm); with several video outputs, one for all or one per video output, in order.",
            transform: Parse.choice(VideoCodec.allCases.map(\.rawValue)))
    var codec: [String] = []

    @Option(help: "What is behind the scene: scene (its own backdrop, the default) or transparent (no backdrop, with alpha: .webm VP9, .webp or PNG).",
            transform: Parse.choice(Background.allCases.map(\.rawValue)))
    var background = Background.scene.rawValue

    @Option(parsing: .unconditional, help: ArgumentHelp("Renditions of the one render: heights in pixels, like 1080,720,480, each at most the render's (--size) height. Every -o is written at each height (clip.mp4 as clip-720p.mp4, a sequence frames/ as frames/720p/), with one manifest for all of them where the -o's own would be.", valueName: "HEIGHTS"),
            transform: Parse.heights)
    var renditions: [Int]?

    @Option(parsing: .unconditional, help: ArgumentHelp("A seamless loop of SECONDS, 0.1 to 3600: round(SECONDS x fps) frames whose last leads into the first (default frames: the whole loop).", valueName: "SECONDS"),
            transform: Parse.number(0.1...3600, "seconds"))
    var loop: Double?

    @Option(name: .customLong("av1-preset"), parsing: .unconditional, help: "SVT-AV1 preset, 0 (slowest) to 13 (fastest) (default: 10).",
            transform: Parse.int(0...13))
    var av1Preset: Int?

    @Option(name: .customLong("film-grain"), parsing: .unconditional,
            help: "AV1 film-grain synthesis, 0 (off: grain is coded as pixels) to 50 (default: 8).", transform: Parse.int(0...50))
    var filmGrain: Int?

    @Option(name: .customLong("png-compression"),
            help: "PNG output: fast (the default: about 0.04 s to encode a 1080p frame) or small (libpng's defaults: files about 15% smaller, 15 times slower to encode).",
            transform: Parse.choice(PNGCompression.allCases.map(\.rawValue)))
    var pngCompression: String?

    @OptionGroup var memoryOptions: MemoryOptions

    @OptionGroup var clockOptions: ClockOptions

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Start from the memory store and save what this session changes (default store unless --memory).")
    var remember = false

    @Option(name: .customLong("frame-hashes"), help: ArgumentHelp("Also write a hash of every rendered frame (to compare with play).", valueName: "FILE"))
    var frameHashes: String?

    @Flag(help: "Let FFmpeg and the video encoders print their own warnings and errors (silent by default).")
    var verbose = false

    /// Refuses an option that would do nothing for these outputs (a quality setting of a
    /// codec no output uses), with one line: a user who gives it expects it to act.
    func refuseIdleOptions(kinds: [OutputKind], codecs: [VideoCodec]) throws {
        let outputs = output.joined(separator: ", ")
        if crf != nil, !codecs.contains(where: { $0 != .webp }) {
            throw Failure.usage("--crf: no output here is MP4 or WebM video (\(outputs)); leave --crf out, or add such an output")
        }
        if let preset, !codecs.contains(.h264) {
            throw Failure.usage("--preset \(preset): it is H.264's, and no output here is H.264 (\(outputs)); leave it out, or write out.mp4")
        }
        for (value, option) in [(av1Preset, "--av1-preset"), (filmGrain, "--film-grain")] where value != nil && !codecs.contains(.av1) {
            throw Failure.usage("\(option) \(value!): it is AV1's, and no output here is AV1 (\(outputs)); leave it out, or add --codec av1")
        }
        if let pngCompression, !kinds.contains(where: { if case .video = $0 { false } else { true } }) {
            throw Failure.usage("--png-compression \(pngCompression): no output here is PNG (\(outputs)); leave it out, or write out.png or a folder")
        }
    }

    /// libx264's presets, fastest first.
    static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]

    func run() throws {
        guard !output.isEmpty else {
            throw Failure.usage("missing an output: give --output PATH (-o out.png, out/, out.mp4, out.webm or out.webp); see photophore render --help")
        }
        if frame != nil && frames != nil { throw Failure.usage("give --frame N or --frames A..B, not both") }
        let transparent = background == Background.transparent.rawValue
        // A loop of N frames: its frames are 0 ..< N, and the fade draws frames up to N + fade − 1.
        var loopFrames: Int?
        if let loop {
            let n = Int((loop * Double(fps)).rounded())
            guard n >= 2 else { throw Failure.usage("--loop \(NumberText.short(loop)): at --fps \(fps) that is \(n) frame(s); a loop needs at least 2, give a longer loop") }
            loopFrames = n
        }
        let range: ClosedRange<Int> = frames?.range ?? (frame ?? 0)...(frame ?? (loopFrames.map { $0 - 1 } ?? 0))
        if let n = loopFrames, range.upperBound >= n {
            let option = frames == nil ? "--frame \(range.upperBound)" : "--frames \(range.lowerBound)..\(range.upperBound)"
            throw Failure.usage("\(option): a --loop of \(n) frames has frames 0 to \(n - 1); give a range within them, or leave it out for the whole loop")
        }
        // Frame k is at k / fps seconds, which the simulation reaches in 60 Hz steps.
        let lastFrame = Int(Limits.seconds.upperBound) * fps
        let drawnLast = loopFrames.map { $0 - 1 + SceneRenderer.loopFade(frames: $0, fps: fps) } ?? range.upperBound
        guard drawnLast <= lastFrame else {
            if loopFrames != nil {
                throw Failure.usage("--loop: its last frame, \(drawnLast) with the fade, at --fps \(fps) is past the simulation's limit of 86400 s (one day); use a shorter loop")
            }
            let option = frames == nil ? "--frame \(range.upperBound)" : "--frames \(range.lowerBound)..\(range.upperBound)"
            throw Failure.usage("\(option): frame \(range.upperBound) at --fps \(fps) is past the simulation's limit of 86400 s (one day); use frames up to \(lastFrame)")
        }
        let size = self.size
        let threadCount = threads ?? Limits.defaultThreads
        var kinds: [OutputKind] = []
        for path in output {
            do { kinds.append(try OutputKind.of(path)) } catch { throw error.failure }
        }
        let plan = try RenditionPlan(outputs: output, kinds: kinds, heights: renditions, render: size)
        // No output may be an input or another output, and every one is checked before the render.
        try claimPaths { claims in
            for target in plan.targets {
                let name = "-o \(output[target.output])" + (plan.heights == nil ? "" : " at \(target.height)p (\(target.path))")
                try Output.claim(target.path, frames: range, manifest: plan.heights == nil, as: name, in: &claims)
            }
            if plan.heights != nil {
                for o in output {
                    let m = try Output.manifestPath(for: o)
                    try claims.output(m, as: "the manifest of -o \(o) (\(m))")
                }
            }
            if let frameHashes { try claims.output(frameHashes, as: "--frame-hashes \(frameHashes)") }
            if let script { try claims.input(script, as: "--script \(script)") }
            if let model = modelOptions.model { try claims.input(model, as: "--model \(model)") }
            try claims.memory(memoryOptions, remember: remember)
        }
        let videoCount = kinds.filter { if case .video = $0 { true } else { false } }.count
        let codecs = codec.compactMap(VideoCodec.init(rawValue:))
        if !codecs.isEmpty && videoCount == 0 {
            throw Failure.usage("--codec \(codec[0]): a codec is for video; write to out.mp4, out.webm or out.webp")
        }
        if codecs.count > 1 && codecs.count != videoCount {
            throw Failure.usage("--codec: \(codecs.count) codecs for \(videoCount) video output(s); give one for all, or one per video output in order")
        }
        var chosenCodecs: [VideoCodec?] = []
        var usedCodecs: [VideoCodec] = []
        var videoIndex = 0
        for (path, kind) in zip(output, kinds) {
            guard case let .video(format) = kind else {
                if case .png = kind, range.count > 1 {
                    throw Failure.usage("cannot write \(path): one PNG holds one frame; use a directory out/ or frames/%05d.png for \(range.count) frames")
                }
                chosenCodecs.append(nil)
                continue
            }
            let given = codecs.isEmpty ? nil : codecs[codecs.count == 1 ? 0 : videoIndex]
            videoIndex += 1
            let chosen = given ?? .default(for: format)
            if let refusal = chosen.refusal(in: format) { throw Failure.usage("--codec \(chosen.rawValue): \(refusal)") }
            if let crf, chosen != .webp, !chosen.crfRange.contains(crf) {
                throw Failure.usage("--crf \(crf): \(chosen.name) takes \(chosen.crfRange.lowerBound) to \(chosen.crfRange.upperBound)")
            }
            if transparent && !chosen.hasAlpha {
                throw Failure.usage("cannot write \(path) with --background transparent: \(VideoWriter.alphaRefusal(chosen))")
            }
            chosenCodecs.append(given)
            usedCodecs.append(chosen)
        }
        try refuseIdleOptions(kinds: kinds, codecs: usedCodecs)
        let needsRange = kinds.contains { kind in
            switch kind {
            case .video, .pngSequence: true
            case .png: false
            }
        }
        if needsRange && frames == nil && loopFrames == nil {
            throw Failure.usage("cannot write \(output.joined(separator: ", ")): video and PNG sequences need a frame range, --frames A..B (or --loop SECONDS)")
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
        for target in plan.targets { if case .png = kinds[target.output] { try checkWritable(target.path) } }
        if let frameHashes { try checkWritable(frameHashes) }

        // Memory: fresh unless asked; read-only unless --remember.
        let session = try MemorySession(options: memoryOptions, remember: remember)
        try session.begin(scene: scene, clock: parsed?.clock, profile: Profile(richness: richness))
        var settings = RenderSettings(
            scene: scene, width: size.width, height: size.height, seed: seed, script: parsed,
            richness: richness, threads: threadCount, memory: session.state,
            profile: Profile(richness: richness), fps: fps, model: shown, samples: samples)
        settings.background = transparent ? .transparent : .scene
        settings.loopFrames = loopFrames
        let renderer: SceneRenderer
        do { renderer = try SceneRenderer(settings) } catch { throw Failure.usage("--size \(size): \(error)") }

        var sinks: [any FrameSink] = []
        do {
            for target in plan.targets {
                let scaled = target.width != size.width || target.height != size.height
                sinks.append(try Output.open(
                    target.path, width: target.width, height: target.height, frames: range,
                    video: VideoOptions(fps: fps, crf: crf, preset: preset ?? "veryfast", codec: chosenCodecs[target.output],
                                        av1Preset: av1Preset ?? 10, filmGrain: filmGrain ?? 8, alpha: transparent, poster: true,
                                        verbose: verbose),
                    pngWorkers: max(1, threadCount),
                    pngCompression: pngCompression.flatMap(PNGCompression.init(rawValue:)) ?? .fast,
                    rescaler: scaled ? Rescaler(sourceWidth: size.width, sourceHeight: size.height, width: target.width, height: target.height) : nil,
                    manifest: plan.heights == nil))
            }
        } catch {
            for sink in sinks { sink.cancel() }
            throw error.failure
        }
        let progress = ProgressReporter(total: range.count, label: "render \(scene.rawValue)")
        // Frames rotate through more images than the sinks hold, so rendering never writes
        // into pixels an encoder still reads (which would copy them first).
        let held = sinks.map(\.framesHeld).max() ?? 0
        var images = (0..<min(range.count, held + 1)).map { _ in Image8(width: size.width, height: size.height) }
        var hashes: [String] = []
        do {
            for (n, k) in range.enumerated() {
                let slot = n % images.count
                renderer.render(frame: k, into: &images[slot])
                let image = images[slot]
                if frameHashes != nil { hashes.append("\(k) \(frameHash(image))") }
                for sink in sinks { try sink.append(image) }
                try session.save(renderer.takeMemoryEvents())
                progress.advance()
            }
            var manifests: [Manifest] = []
            for sink in sinks { manifests.append(try sink.finish()) }
            try addSnippets(to: &manifests, plan: plan, loopFrames: loopFrames)
            try plan.writeIndexes(manifests)
            try session.save(renderer.finish())
            if let frameHashes { try writeTextFile(hashes.joined(separator: "\n") + "\n", to: frameHashes) }
            let bytes = manifests.reduce(0) { $0 + $1.files.reduce(0) { $0 + $1.bytes } + ($1.poster?.bytes ?? 0) }
            _ = progress.finish(bytes: bytes, output: plan.targets.map(\.path).joined(separator: ", "))
        } catch let error as SinkError {
            for sink in sinks { sink.cancel() }
            throw error.failure
        } catch {
            for sink in sinks { sink.cancel() }
            throw error
        }
    }

    /// Each video's manifest gets the `<video>` element of every video this render wrote at
    /// its size (AV1, VP9, H.264, paths relative to that manifest), the first one's poster, and
    /// the loop's length. A manifest of its own (no renditions) is rewritten when it changed.
    func addSnippets(to manifests: inout [Manifest], plan: RenditionPlan, loopFrames: Int?) throws(SinkError) {
        let targets = plan.targets
        for i in manifests.indices {
            var m = manifests[i]
            m.loopFrames = loopFrames
            let path = targets[i].path
            let videos = manifests.indices.filter {
                manifests[$0].html != nil && targets[$0].height == targets[i].height && targets[$0].width == targets[i].width
            }
            if m.html != nil, videos.count > 1 {
                let here = directoryOf(path)
                let sources = videos.compactMap { j -> VideoSnippet.Source? in
                    let o = manifests[j]
                    guard let codec = o.codec.flatMap(VideoCodec.init(rawValue:)), let format = try? VideoFormat.of(targets[j].path) else { return nil }
                    return .init(path: relativePath(targets[j].path, from: here), format: format, codec: codec, parameter: o.codecs ?? "")
                }
                let posterOwner = videos[0]
                let poster = manifests[posterOwner].poster.map { _ in relativePath(Poster.path(for: targets[posterOwner].path), from: here) }
                m.html = VideoSnippet.html(sources: sources, poster: poster ?? m.poster?.path, width: m.width, height: m.height)
            }
            if m != manifests[i] {
                manifests[i] = m
                if plan.heights == nil { try m.write(to: try Output.manifestPath(for: path)) }
            }
        }
    }
}

/// What `render` writes: each `-o` as given, or with `--renditions`, each `-o` at each height.
struct RenditionPlan {
    /// One file (or sequence) to write: which `-o` it comes from, and its size.
    struct Target {
        var path: String
        var output: Int
        var width: Int
        var height: Int
    }

    let outputs: [String]
    let heights: [Int]?
    /// In order: every height of the first -o, then of the next.
    let targets: [Target]

    /// Checks the heights against the render's size and the outputs, and names the files.
    init(outputs: [String], kinds: [OutputKind], heights: [Int]?, render: Size) throws {
        self.outputs = outputs
        guard let heights else {
            self.heights = nil
            targets = outputs.indices.map { Target(path: outputs[$0], output: $0, width: render.width, height: render.height) }
            return
        }
        let sorted = heights.sorted(by: >)
        self.heights = sorted
        if let tooTall = sorted.first(where: { $0 > render.height }) {
            throw Failure.usage("--renditions \(tooTall): a rendition is drawn from the render, which is \(render.height) pixels high (--size \(render)); render larger, e.g. --size \(renditionSize(height: tooTall, ofWidth: render.width, height: render.height).width)x\(tooTall), or leave \(tooTall) out")
        }
        var targets: [Target] = []
        for (i, (path, kind)) in zip(outputs, kinds).enumerated() {
            for h in sorted {
                let (w, _) = h == render.height ? (render.width, h) : renditionSize(height: h, ofWidth: render.width, height: render.height)
                if case .video = kind, h % 2 != 0 {
                    throw Failure.usage("--renditions \(h): video needs an even height (4:2:0 chroma); use \(h - 1) or \(h + 1)")
                }
                targets.append(Target(path: Self.path(of: path, kind: kind, height: h), output: i, width: w, height: h))
            }
        }
        let paths = targets.map(\.path)
        if let clash = paths.first(where: { p in paths.filter { $0 == p }.count > 1 }) {
            throw Failure.usage("--renditions: two outputs would both be written to \(clash); give the -o outputs different names")
        }
        self.targets = targets
    }

    /// Where `path` goes at `height`: `clip.mp4` → `clip-720p.mp4`, `out.png` → `out-720p.png`,
    /// a sequence `frames/` or `frames/%05d.png` → `frames/720p/` (the pattern kept).
    static func path(of path: String, kind: OutputKind, height: Int) -> String {
        switch kind {
        case let .pngSequence(directory, pattern):
            return (directory == "." && !path.hasPrefix("./") ? "" : directory + "/") + "\(height)p/" + pattern
        case .video, .png:
            let (dir, name) = splitName(path)
            let dot = name.lastIndex(of: ".") ?? name.endIndex
            return dir + name[..<dot] + "-\(height)p" + name[dot...]
        }
    }

    /// ("dir/", "name") of a path, the directory with its slash ("" for a bare name).
    private static func splitName(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    /// With renditions: one manifest per -o, where its own would be, holding every height's
    /// manifest (largest first), with paths relative to it.
    func writeIndexes(_ manifests: [Manifest]) throws(SinkError) {
        guard heights != nil else { return }
        for (i, path) in outputs.enumerated() {
            let indexPath = try Output.manifestPath(for: path)
            let indexDirectory = directoryOf(indexPath)
            var parts: [Manifest] = []
            for (target, manifest) in zip(targets, manifests) where target.output == i {
                var m = manifest
                // The sink's paths are relative to its own manifest's place; make them relative to the index.
                let own = directoryOf((try? Output.manifestPath(for: target.path)) ?? target.path)
                func rebased(_ file: Manifest.File) -> Manifest.File {
                    var f = file
                    f.path = relativePath(own + "/" + file.path, from: indexDirectory)
                    return f
                }
                m.files = m.files.map(rebased)
                m.poster = m.poster.map(rebased)
                parts.append(m)
            }
            guard var index = parts.first else { continue }
            index.files = parts.flatMap(\.files)
            index.renditions = parts
            try index.write(to: indexPath)
        }
    }
}

/// The absolute directory of `path`'s file.
func directoryOf(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (URL(fileURLWithPath: absolute).standardizedFileURL.path as NSString).deletingLastPathComponent
}

/// `path` relative to the directory `base` (both made absolute first).
func relativePath(_ path: String, from base: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    let target = URL(fileURLWithPath: absolute).standardizedFileURL.pathComponents
    let from = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
    var common = 0
    while common < min(target.count - 1, from.count), target[common] == from[common] { common += 1 }
    let up = Array(repeating: "..", count: from.count - common)
    return (up + target[common...]).joined(separator: "/")
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

    @Option(parsing: .unconditional, help: "Anti-aliasing samples per pixel: 1, 2, 4 or 8 (default: 4).", transform: Parse.samples)
    var samples = SamplePattern.standard

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
                richness: richness, threads: threadCount, fps: 60, samples: samples))
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
