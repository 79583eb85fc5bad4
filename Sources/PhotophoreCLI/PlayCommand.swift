import ArgumentParser
import Engine
import Mind
import Raster
import Sinks
import Stimuli
import Window
#if canImport(Glibc)
import Glibc
#endif

/// `photophore play <scene>`: the scene in a window, with the pointer and keys as stimuli.
///
/// SDL runs on the main thread; frames render on the worker threads. Simulation time moves
/// 1/60 s per presented frame (not by the wall clock), and every live input is stamped with
/// the simulation step it applies at, so `--record` writes a script that `render` replays to
/// the very same frames. Memory is remembered by default.
struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Show a scene in a window; the pointer and keys are stimuli.",
        discussion: """
            Keys: F fullscreen · Space pause · H HUD (FPS, frame time, mood, trust, stage) · \\
            Esc quit. Candlefish: move the pointer, click to feed. Emergence: Y or 1 correct \\
            answer, N or 2 wrong answer, P starts or restarts a 30 s pressure countdown. \\
            Without a display, use the headless command: photophore render <scene> -o out.mp4.
            """)

    @Argument(help: "candlefish or emergence")
    var scene: SceneName

    @Option(parsing: .unconditional, help: "A fixed render size, WIDTHxHEIGHT, each side 1 to 8192 (default: follow the window).",
            transform: Parse.size)
    var size: Size?

    @Flag(help: "Start in fullscreen.")
    var fullscreen = false

    @OptionGroup var memoryOptions: MemoryOptions

    @Flag(name: .customLong("no-remember"), help: "Start from the memory but do not save this session.")
    var noRemember = false

    @OptionGroup var profileOptions: ProfileOptions

    @Option(help: ArgumentHelp("Write the session's stimuli as a script (STIMULI.md).", valueName: "FILE.json"))
    var record: String?

    @Option(parsing: .unconditional, help: "Quit after this many frames, 1 to 5184000 (for tests).", transform: Parse.int(Limits.playFrames))
    var frames: Int?

    @Option(parsing: .unconditional, help: "Random seed, 0 to 2^64 - 1 (default: 1).", transform: Parse.seed)
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU).", transform: Parse.int(Limits.threads))
    var threads: Int?

    @Flag(help: "Show the HUD from the start.")
    var hud = false

    @Option(help: ArgumentHelp("On quit, save what the window shows.", valueName: "FILE.png"))
    var screenshot: String?

    @Option(name: .customLong("frame-hashes"), help: ArgumentHelp("Write a hash of every rendered frame (before the HUD).", valueName: "FILE"))
    var frameHashes: String?

    static let fps = 60
    static let pressureSeconds = 30.0

    func run() throws {
        let threadCount = threads ?? Limits.defaultThreads
        for path in [record, screenshot, frameHashes].compactMap({ $0 }) { try checkWritable(path) }

        // The window first: without a display, nothing else is touched.
        let window: SDLWindow
        do {
            window = try SDLWindow(WindowOptions(title: "Photophore — \(scene.rawValue)",
                                                 renderSize: size.map { ($0.width, $0.height) },
                                                 fullscreen: fullscreen, hud: hud))
        } catch {
            if error.noDisplay { throw Failure(.noDisplay, error.message) }
            throw Failure.runtime("cannot open the window: \(error.message)")
        }
        defer { window.close() }

        let memory = try MemorySession(options: memoryOptions, remember: !noRemember)
        let profile = try profileOptions.resolve(userID: memory.userID)
        let clock = WallClock.now()
        try memory.begin(scene: scene, clock: clock, profile: profile)

        var (width, height) = window.renderSize
        var renderer: SceneRenderer
        do {
            renderer = try SceneRenderer(RenderSettings(
                scene: scene, width: width, height: height, seed: seed, script: Script(scene: scene, clock: clock),
                richness: profile.richness, threads: threadCount, memory: memory.state, profile: profile, fps: Self.fps))
        } catch { throw Failure.runtime("cannot render at \(width)x\(height): \(error)") }
        var hashes: [String] = []
        var frame = 0, rendered = -1
        var paused = false
        var pressureStart: Double?
        var nextPressure = 0.0
        var quit = false

        func post(_ s: Stimulus) { renderer.post(s) }

        while !quit {
            for event in window.pollEvents() {
                switch event {
                case .quit: quit = true
                case .togglePause: paused.toggle()
                case .toggleHUD, .toggleFullscreen: break
                case let .resized(w, h) where size == nil && (w, h) != (width, height):
                    // Rebuild at the new size and replay the session so far; memory events
                    // already saved are not saved again.
                    (width, height) = (w, h)
                    do { renderer = try renderer.resized(width: w, height: h) } catch {
                        throw Failure.runtime("cannot render at \(w)x\(h): \(error)")
                    }
                    renderer.simulate(toFrame: max(0, frame - 1))
                    _ = renderer.takeMemoryEvents()
                    rendered = -1
                case .resized: break
                case let .pointerMove(x, y): post(.pointer(x: x, y: y))
                case .pointerLeave: post(.leave)
                case let .click(x, y): post(.click(x: x, y: y))
                case let .answer(correct) where scene == .emergence: post(.answer(correct: correct))
                case .answer: break
                case .pressure where scene == .emergence:
                    pressureStart = renderer.simulationTime
                    nextPressure = 0
                case .pressure: break
                case let .key(name): post(.key(name))
                }
            }
            if quit { break }
            // The pressure countdown: a pressure stimulus every half second until it runs out.
            if let start = pressureStart, !paused {
                let elapsed = renderer.simulationTime - start
                if elapsed >= nextPressure {
                    post(.pressure(remaining: max(0, 1 - elapsed / Self.pressureSeconds)))
                    nextPressure += 0.5
                    if elapsed >= Self.pressureSeconds { pressureStart = nil }
                }
            }
            if !paused || rendered < 0 {
                if frame != rendered {
                    // Straight into the window's texture: no frame-sized buffer of our own.
                    let drawn = window.update(width: width, height: height) { pixels, rowBytes in
                        renderer.render(frame: frame, into: pixels, rowBytes: rowBytes)
                        if frameHashes != nil {
                            hashes.append("\(frame) \(frameHash(pixels, width: width, height: height, rowBytes: rowBytes))")
                        }
                    }
                    // Without a texture (SDL failed), the world still moves on.
                    if !drawn { renderer.simulate(toFrame: frame) }
                    rendered = frame
                    try memory.save(renderer.takeMemoryEvents())
                }
            }
            let facts = renderer.hud
            var lines = ["\(scene.rawValue)  t \(fixed(facts.time, 1)) s  trust \(fixed(facts.trust, 1))"]
            if let mood = facts.mood { lines.append("mood \(mood.rawValue)") }
            if let stage = facts.stage { lines.append("stage \(stage)") }
            if paused { lines.append("paused (space)") }
            window.hud.lines = lines
            window.present()
            if !paused { frame += 1 }
            if let frames, frame >= frames { quit = true }
        }

        try memory.save(renderer.finish())
        if let screenshot, let shot = window.screenshot() {
            do { try PNG.write(shot, to: screenshot) } catch { throw Failure.runtime(error.description) }
        }
        if let record {
            try writeText(Script(scene: scene, clock: clock, events: renderer.stimuli).json() + "\n", to: record)
        }
        if let frameHashes { try writeText(hashes.joined(separator: "\n") + "\n", to: frameHashes) }
    }
}

/// A short, stable hash of a frame's pixels (FNV-1a over 64-bit words, row by row), to
/// compare frames cheaply.
func frameHash(_ image: Image8) -> String {
    image.pixels.withUnsafeBytes { frameHash($0.baseAddress!, width: image.width, height: image.height, rowBytes: image.width * 4) }
}

/// The hash of `width` × `height` RGBA pixels with rows `rowBytes` apart: the same as the
/// image's with those pixels, whatever the row spacing.
func frameHash(_ pixels: UnsafeRawPointer, width: Int, height: Int, rowBytes: Int) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    let bytes = width * 4, words = bytes / 8
    for y in 0..<height {
        // Eight bytes at a time: this runs once per frame, so it must be quick.
        let row = pixels + y * rowBytes
        for i in 0..<words {
            h = (h ^ row.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01B3
        }
        for i in (words * 8)..<bytes { h = (h ^ UInt64(row.load(fromByteOffset: i, as: UInt8.self))) &* 0x100_0000_01B3 }
    }
    let s = String(h, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}

extension WallClock {
    /// Now, in this machine's time zone.
    static func now() -> WallClock {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec), tmValue = tm()
        localtime_r(&t, &tmValue)
        return WallClock(unixSeconds: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9, utcOffsetSeconds: Int(tmValue.tm_gmtoff))
    }
}
