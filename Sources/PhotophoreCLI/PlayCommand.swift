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
/// The world keeps real time: a `RealTimeClock` turns the wall clock into simulation time,
/// the simulation takes its fixed 60 Hz steps up to it, and the frame due then is drawn
/// (frames the world has moved past are dropped, never slowed down). Every input is stamped
/// with SDL's own event time, mapped to simulation time, so pointer speed is measured on
/// when the moves happened; `--record` keeps those stamps, and `render --script` turns the
/// recording into the very frames the window showed. SDL runs on the main thread, which
/// keeps taking events while a frame renders on the worker threads. Memory is remembered by
/// default.
struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Show a scene in a window; the pointer and keys are stimuli.",
        discussion: """
            Keys: F fullscreen, Space pause, H HUD (FPS, frame time, dropped frames, mood, \
            trust, stage), Esc quit. \(SceneRegistry.scenes.map { "\($0.name): \($0.summary)." }.joined(separator: " ")) \
            Other keys are stimuli by name. \
            The world runs on the wall clock: a slow frame drops frames rather than \
            slowing it down, and after a stall of more than 0.25 s it moves on by 0.25 s only. \
            Without a display, use the headless command: photophore render <scene> -o out.mp4.
            """)

    @Argument(help: ArgumentHelp("The scene: \(SceneRegistry.nameList)."), completion: .list(SceneRegistry.names.map(\.rawValue)),
              transform: Parse.scene)
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

    @OptionGroup var clockOptions: ClockOptions

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("Write the session's stimuli, with their stamps, as a script (format in docs/stimuli.md).", valueName: "FILE.json"))
    var record: String?

    @Option(parsing: .unconditional, help: "Quit once the world reaches frame N, N/60 s of simulation time: 1 to 5184000.", transform: Parse.int(Limits.playFrames))
    var frames: Int?

    @Option(parsing: .unconditional, help: "Random seed, 0 to 2^64 - 1 (default: 1).", transform: Parse.seed)
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU).", transform: Parse.int(Limits.threads))
    var threads: Int?

    @Option(parsing: .unconditional, help: "Anti-aliasing samples per pixel: 1, 2, 4 or 8 (default: 4).", transform: Parse.samples)
    var samples = SamplePattern.standard

    @Flag(help: "Show the HUD from the start.")
    var hud = false

    @Option(help: ArgumentHelp("On quit, save what the window shows.", valueName: "FILE.png"))
    var screenshot: String?

    @Option(name: .customLong("frame-hashes"), help: ArgumentHelp("Write a hash of every shown frame (before the HUD), as \"FRAME HASH\" lines.", valueName: "FILE"))
    var frameHashes: String?

    static let fps = 60

    func run() throws {
        let threadCount = threads ?? Limits.defaultThreads
        let sceneType = SceneRegistry.scene(named: scene)!  // Parse.scene took only registered names
        let pinnedClock = try clockOptions.resolve()
        try claimPaths { claims in
            if let record { try claims.output(record, as: "--record \(record)") }
            if let screenshot { try claims.output(screenshot, as: "--screenshot \(screenshot)") }
            if let frameHashes { try claims.output(frameHashes, as: "--frame-hashes \(frameHashes)") }
            if let model = modelOptions.model { try claims.input(model, as: "--model \(model)") }
            try claims.memory(memoryOptions, remember: !noRemember)
        }
        for path in [record, screenshot, frameHashes].compactMap({ $0 }) { try checkWritable(path) }
        let shown = try modelOptions.resolve(for: sceneType)

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
        let clock = pinnedClock ?? WallClock.now()
        try memory.begin(scene: scene, clock: clock, profile: profile)

        var (width, height) = window.renderSize
        var renderer: SceneRenderer
        do {
            renderer = try SceneRenderer(RenderSettings(
                scene: scene, width: width, height: height, seed: seed, script: Script(scene: scene, clock: clock),
                richness: profile.richness, threads: threadCount, memory: memory.state, profile: profile, fps: Self.fps,
                model: shown, samples: samples))
        } catch { throw Failure.runtime("cannot render at \(width)x\(height): \(error)") }
        var hashes: [String] = []
        var realTime = RealTimeClock(start: window.now, fps: Self.fps)
        var rendered = -1                  // the frame in the window's texture; -1: none yet
        var countdown: PressureCountdown?  // a key's time-pressure countdown, while it runs
        var quit = false

        while !quit {
            // Inputs, each with the wall time it happened at; stimuli are stamped below.
            var inputs: [(wall: Double, stimulus: Stimulus)] = []
            for timed in window.pollTimedEvents() {
                switch timed.event {
                case .quit: quit = true
                case .togglePause: realTime.setPaused(!realTime.isPaused, at: timed.time)
                case .toggleHUD, .toggleFullscreen: break
                case let .resized(w, h) where size == nil && (w, h) != (width, height):
                    // Rebuild at the new size and replay the session so far; memory events
                    // already saved are not saved again.
                    (width, height) = (w, h)
                    do { renderer = try renderer.resized(width: w, height: h) } catch {
                        throw Failure.runtime("cannot render at \(w)x\(h): \(error)")
                    }
                    renderer.simulate(toFrame: max(0, realTime.lastShownFrame))
                    _ = renderer.takeMemoryEvents()
                    rendered = -1
                case .resized: break
                case let .pointerMove(x, y): inputs.append((timed.time, .pointer(x: x, y: y)))
                case .pointerLeave: inputs.append((timed.time, .leave))
                case let .click(x, y): inputs.append((timed.time, .click(x: x, y: y)))
                case let .key(name):
                    // The scene's key map; a key it does not list is a stimulus by name.
                    switch sceneType.keys[name] {
                    case let .stimulus(stimulus)?: inputs.append((timed.time, stimulus))
                    case let .countdown(seconds, every)?:
                        countdown = PressureCountdown(start: realTime.simulationTime(ofWall: timed.time), seconds: seconds, every: every)
                    case nil: inputs.append((timed.time, .key(name)))
                    }
                }
            }
            if quit { break }
            realTime.advance(to: window.now)
            for input in inputs { renderer.post(input.stimulus, at: realTime.simulationTime(ofWall: input.wall)) }
            // A running countdown's ticks, each at its exact simulation time.
            for tick in countdown?.due(upTo: realTime.simulationTime) ?? [] { renderer.post(tick.stimulus, at: tick.t) }
            // With --frames the session never runs past its last frame: ending there then needs
            // no replay from the start (a simulation only goes back by starting over).
            let due = frames.map { min(realTime.frame, $0) } ?? realTime.frame
            if due != rendered {
                // Straight into the window's surface (no frame-sized buffer of our own), on
                // the worker threads while this thread keeps taking events.
                let drawn = window.update(width: width, height: height, collectingEvents: true) { pixels, rowBytes in
                    renderer.render(frame: due, into: pixels, rowBytes: rowBytes)
                    if frameHashes != nil {
                        hashes.append("\(due) \(frameHash(pixels, width: width, height: height, rowBytes: rowBytes))")
                    }
                }
                // Without a texture (SDL failed), the world still moves on.
                if !drawn { renderer.simulate(toFrame: due) }
                realTime.shown(frame: due)
                rendered = due
                try memory.save(renderer.takeMemoryEvents())
            }
            window.hud.lines = renderer.hud.text(clock: realTime, number: fixed)
            window.present()
            // A resize can take the frame with the window's surface: draw it again.
            if window.needsFrame { rendered = -1 }
            if let frames, due >= frames { quit = true }
        }

        // The session ends when it was quit: the world catches up to now first.
        realTime.advance(to: window.now)
        renderer.simulate(toFrame: max(0, frames.map { min($0, realTime.frame) } ?? realTime.frame))
        try memory.save(renderer.takeMemoryEvents())
        try memory.save(renderer.finish())
        if let screenshot, let shot = window.screenshot() {
            do { try PNG.write(shot, to: screenshot) } catch { throw Failure.runtime(error.description) }
        }
        if let record {
            try writeTextFile(Script(scene: scene, clock: clock, events: renderer.stimuli).json() + "\n", to: record)
        }
        if let frameHashes { try writeTextFile(hashes.joined(separator: "\n") + "\n", to: frameHashes) }
    }

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
