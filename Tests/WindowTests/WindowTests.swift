import CSDL2
import Foundation
import Raster
import Testing
import TestSupport
import Window

/// A frame with four flat quadrants (exact after a 1:1 copy) and a gradient band.
func testFrame(_ w: Int, _ h: Int, shift: Int = 0) -> Image8 {
    var image = Image8(width: w, height: h)
    for y in 0..<h {
        for x in 0..<w {
            let o = (y * w + x) * 4
            let q = (x < w / 2 ? 0 : 1) + (y < h / 2 ? 0 : 2)
            let colors: [(UInt8, UInt8, UInt8)] = [(200, 40, 40), (40, 200, 40), (40, 40, 200), (220, 220, 60)]
            var c = colors[q]
            if y >= h * 3 / 8 && y < h * 5 / 8 { c = (UInt8((x + shift) * 255 / max(1, w - 1) & 0xff), 128, 64) }
            image.pixels[o] = c.0; image.pixels[o + 1] = c.1; image.pixels[o + 2] = c.2; image.pixels[o + 3] = 255
        }
    }
    return image
}

/// Pumps events until `until` is satisfied; `seconds` only bounds a test that would
/// otherwise hang, so it is generous (a loaded machine is slow, not broken).
@MainActor
func pump(_ window: SDLWindow, seconds: Double = 30, until: ([InputEvent]) -> Bool) -> [InputEvent] {
    var all: [InputEvent] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        all += window.pollEvents()
        if until(all) { break }
        usleep(10_000)
    }
    return all
}

/// Waits until the window system has shown the window (it then takes pointer input).
@MainActor
func waitUntilShown(_ window: SDLWindow) {
    _ = pump(window) { _ in window.isShown }
}

func pushKey(_ window: SDLWindow, _ key: SDL_KeyCode) {
    var e = SDL_Event()
    e.key.type = SDL_KEYDOWN.rawValue
    e.key.windowID = window.windowID
    e.key.state = UInt8(SDL_PRESSED)
    e.key.keysym.sym = Int32(key.rawValue)
    SDL_PushEvent(&e)
}

func peakRSSKilobytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

func currentRSSKilobytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

@Suite(.serialized) @MainActor final class WindowTests {
    let display: VirtualDisplay
    let previousDisplay: String?

    init() throws {
        display = try VirtualDisplay()
        // These windows open in this process, and SDL finds the X server only through this
        // process's DISPLAY: set it while the (serialized) suite instance lives.
        previousDisplay = getenv("DISPLAY").map { String(cString: $0) }
        setenv("DISPLAY", display.display, 1)
    }

    deinit {
        if let previousDisplay { setenv("DISPLAY", previousDisplay, 1) } else { unsetenv("DISPLAY") }
    }

    @Test func withoutADisplayTheErrorNamesTheHeadlessCommand() throws {
        let saved = getenv("DISPLAY").map { String(cString: $0) }
        let savedWayland = getenv("WAYLAND_DISPLAY").map { String(cString: $0) }
        unsetenv("DISPLAY"); unsetenv("WAYLAND_DISPLAY")
        defer {
            if let saved { setenv("DISPLAY", saved, 1) }
            if let savedWayland { setenv("WAYLAND_DISPLAY", savedWayland, 1) }
        }
        do {
            _ = try SDLWindow()
            Issue.record("a window opened without a display")
        } catch {
            #expect(error.noDisplay)
            #expect(error.message.contains("photophore render <scene> -o out.mp4"))
            #expect(!error.message.contains("\n"))
        }
        // A display that does not exist: SDL_Init fails, with the same kind of error.
        setenv("DISPLAY", ":4242", 1)
        do {
            _ = try SDLWindow()
            Issue.record("a window opened on a display that does not exist")
        } catch {
            #expect(error.noDisplay)
            #expect(error.message.contains("photophore render"))
        }
    }

    @Test(arguments: [false, true])
    func aPresentedFrameShowsUpAndTheHUDChangesIt(accelerated: Bool) throws {
        let window = try SDLWindow(WindowOptions(renderSize: (320, 180), accelerated: accelerated))
        defer { window.close() }
        #expect(window.renderSize == (320, 180))
        waitUntilShown(window)
        let frame = testFrame(320, 180)
        #expect(window.present(frame))
        let shot = try #require(window.screenshot())
        #expect(shot.width == 320 && shot.height == 180, "the window is 320x180: \(shot.width)x\(shot.height) via \(window.rendererName)")
        // Quadrant centres are exact; the HUD is hidden.
        for (x, y) in [(80, 20), (240, 20), (80, 160), (240, 160)] {
            #expect(shot[x, y] == frame[x, y], "pixel \(x),\(y) via \(window.rendererName)")
        }
        let plain = shot

        // H shows the HUD: the top-left corner changes, the far corner does not.
        pushKey(window, SDLK_h)
        let events = pump(window) { $0.contains(.toggleHUD(visible: true)) }
        #expect(events.contains(.toggleHUD(visible: true)))
        window.hud.lines = ["mood  curious", "trust 27.3", "stage 2"]
        window.present(frame)
        window.present(frame)
        let withHUD = try #require(window.screenshot())
        var changed = 0
        for y in 0..<60 { for x in 0..<120 where withHUD[x, y] != plain[x, y] { changed += 1 } }
        #expect(changed > 500, "the HUD drew \(changed) pixels")
        #expect(withHUD[310, 170] == plain[310, 170])

        pushKey(window, SDLK_h)
        _ = pump(window) { $0.contains(.toggleHUD(visible: false)) }
        window.present(frame)
        #expect(try #require(window.screenshot()) == plain)
    }

    /// `update` hands out the texture's own rows; the HUD is an overlay, so a frame filled
    /// once can be shown again and again (paused) without the HUD piling up on it.
    @Test func aFrameFilledOnceShowsAgainUnderTheHUDUnchanged() throws {
        let window = try SDLWindow(WindowOptions(renderSize: (320, 180)))
        defer { window.close() }
        waitUntilShown(window)
        let frame = testFrame(320, 180)
        var rowBytes = 0
        #expect(window.update(width: 320, height: 180) { pixels, pitch in
            rowBytes = pitch
            frame.pixels.withUnsafeBytes { src in
                for y in 0..<180 { (pixels + y * pitch).copyMemory(from: src.baseAddress! + y * 320 * 4, byteCount: 320 * 4) }
            }
        })
        #expect(rowBytes >= 320 * 4)
        #expect(window.present())
        let plain = try #require(window.screenshot())
        #expect(plain == frame, "a frame without the HUD shows as filled")

        // The FPS line (top) and the frame-time graph (from row 28) change between presents;
        // the second line and the panel under it must not darken further.
        try expectTheHUDNeverPilesUp(window, over: plain, secondLine: 12..<28)
    }

    /// Shows the HUD over a frame already presented (`plain` is its screenshot without the
    /// HUD) and presents the same frame again and again, as while paused: the HUD must draw,
    /// the rows of its second line (`secondLine`, in the window) must not change between
    /// presents, and hiding it must show `plain` again without a new update.
    func expectTheHUDNeverPilesUp(_ window: SDLWindow, over plain: Image8, secondLine: Range<Int>,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        window.hud.visible = true
        window.hud.lines = ["paused (space)"]
        window.present()
        let first = try #require(window.screenshot(), sourceLocation: sourceLocation)
        for _ in 0..<5 { window.present() }
        let later = try #require(window.screenshot(), sourceLocation: sourceLocation)
        var changed = 0, drift = 0
        for y in 0..<plain.height {
            for x in 0..<plain.width {
                if first[x, y] != plain[x, y] { changed += 1 }
                if later[x, y] != first[x, y] && secondLine.contains(y) { drift += 1 }
            }
        }
        #expect(changed > 500, "the HUD drew \(changed) pixels via \(window.rendererName)", sourceLocation: sourceLocation)
        #expect(drift == 0, "\(drift) pixels of the second line changed via \(window.rendererName): the HUD piled up",
                sourceLocation: sourceLocation)

        window.hud.visible = false
        window.present()
        #expect(try #require(window.screenshot(), sourceLocation: sourceLocation) == plain,
                "hiding the HUD shows the clean frame without a new update, via \(window.rendererName)", sourceLocation: sourceLocation)
    }

    /// A fixed render size in a window of another size: the frame is scaled to fit and
    /// centred (the surface path through a frame surface of its own), the HUD with it, and
    /// the HUD still never piles up on a frame shown again.
    @Test(arguments: [false, true])
    func aSmallerFrameIsScaledToFitTheWindow(accelerated: Bool) throws {
        let window = try SDLWindow(WindowOptions(renderSize: (160, 90), windowSize: (400, 180), accelerated: accelerated))
        defer { window.close() }
        waitUntilShown(window)
        let frame = testFrame(160, 90)
        #expect(window.present(frame))
        let shot = try #require(window.screenshot())
        #expect(shot.width == 400 && shot.height == 180, "\(shot.width)x\(shot.height) via \(window.rendererName)")
        // Twice the size, centred: 40 black columns either side.
        #expect(shot[10, 90] == SIMD4(0, 0, 0, 255), "via \(window.rendererName)")
        #expect(shot[390, 90] == SIMD4(0, 0, 0, 255), "via \(window.rendererName)")
        for (x, y) in [(40, 20), (120, 20), (40, 70), (120, 70)] {
            #expect(shot[40 + 2 * x, 2 * y] == frame[x, y], "pixel \(x),\(y) via \(window.rendererName)")
        }
        // The picture is twice the size: the HUD's second line is on rows 24 to 55.
        try expectTheHUDNeverPilesUp(window, over: shot, secondLine: 24..<56)
    }

    @Test func pointerKeysAndQuitArriveAsTypedEvents() throws {
        let window = try SDLWindow(WindowOptions(renderSize: (400, 200)))
        defer { window.close() }
        waitUntilShown(window)
        window.present(testFrame(400, 200))
        // A real X pointer motion (the server warps the pointer into the window).
        SDL_WarpMouseInWindow(nil, 100, 150)
        let moves = pump(window) { $0.contains { if case .pointerMove = $0 { return true } else { return false } } }
        let move = moves.compactMap { e -> (Double, Double)? in if case let .pointerMove(x, y) = e { return (x, y) } else { return nil } }.last
        let (x, y) = try #require(move, "no pointer event in \(moves)")
        #expect(abs(x - 100.5 / 400) < 0.01 && abs(y - 150.5 / 200) < 0.01, "\(x), \(y)")

        // An injected click.
        var e = SDL_Event()
        e.button.type = SDL_MOUSEBUTTONDOWN.rawValue
        e.button.windowID = window.windowID
        e.button.button = UInt8(SDL_BUTTON_LEFT)
        e.button.state = UInt8(SDL_PRESSED)
        e.button.x = 300; e.button.y = 50
        SDL_PushEvent(&e)
        for key in [SDLK_SPACE, SDLK_y, SDLK_2, SDLK_p, SDLK_a] { pushKey(window, key) }
        let events = pump(window) { $0.contains(.key("A")) }
        #expect(events.contains(.click(x: 300.5 / 400, y: 50.5 / 200)))
        #expect(events.contains(.togglePause))
        // Keys the window does not use itself go to the scene's key map by name.
        #expect(events.contains(.key("Y")))
        #expect(events.contains(.key("2")))
        #expect(events.contains(.key("P")))
        #expect(events.contains(.key("A")))

        pushKey(window, SDLK_ESCAPE)
        #expect(pump(window) { $0.contains(.quit) }.contains(.quit))
        var q = SDL_Event()
        q.type = SDL_QUIT.rawValue
        SDL_PushEvent(&q)
        #expect(pump(window) { $0.contains(.quit) }.contains(.quit))
        window.close()
        window.close()
        #expect(window.present(testFrame(400, 200)) == false)
    }

    @Test func withoutVsyncFromTheRendererPresentPacesItself() throws {
        let window = try SDLWindow(WindowOptions(renderSize: (64, 64)))
        defer { window.close() }
        #expect(window.pacesItself, "the software renderer has no vsync")
        let frame = testFrame(64, 64)
        let start = Date()
        for _ in 0..<30 { window.present(frame) }
        // Pacing only ever waits, so 30 presents take at least 29 refresh periods however
        // fast the machine is (a loaded one is slower, never faster).
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds >= 29.0 / 75, "30 presents took \(seconds) s: present does not wait for the refresh")
    }

    @Test func fTogglesFullscreenAndTheRenderSizeFollows() throws {
        let window = try SDLWindow(WindowOptions(windowSize: (320, 200)))
        defer { window.close() }
        waitUntilShown(window)
        window.present(testFrame(320, 200))
        pushKey(window, SDLK_f)
        let on = pump(window) { $0.contains { if case .resized = $0 { return true } else { return false } } }
        #expect(on.contains(.toggleFullscreen(fullscreen: true)))
        #expect(window.isFullscreen)
        // The screen is 1600x900: the drawable area, and so the render size, follow.
        #expect(on.contains(.resized(width: 1600, height: 900)), "\(on)")
        #expect(window.renderSize == (1600, 900))
        pushKey(window, SDLK_f)
        // Leaving it gives the window back its size, even without a window manager (as here).
        let off = pump(window) { $0.contains(.resized(width: 320, height: 200)) }
        #expect(off.contains(.toggleFullscreen(fullscreen: false)))
        #expect(!window.isFullscreen)
        #expect(off.contains(.resized(width: 320, height: 200)), "\(off)")
        #expect(window.renderSize == (320, 200))
    }

    @Test func withoutAFixedSizeTheRenderSizeFollowsTheWindow() throws {
        let window = try SDLWindow(WindowOptions(windowSize: (300, 200)))
        defer { window.close() }
        waitUntilShown(window)
        #expect(window.renderSize == (300, 200))
        window.present(testFrame(300, 200))
        #expect(try #require(window.screenshot()).width == 300)
    }

    /// Peak RSS while presenting 1280x720 frames with the HUD on, above what the process
    /// held before the window opened. Run alone for a clean figure (an earlier window in the
    /// same process has already loaded the libraries):
    /// `swift test -c release --skip-build --filter WindowTests/peakMemorySoftware`.
    @Test func peakMemorySoftware() throws {
        let run = try Self.measure(accelerated: false)
        #expect(run.renderer == "software")
        #expect(run.presented == Self.presents, "\(run.presented) of \(Self.presents) frames presented")
        Self.expectShowsTheLastFrame(run)
        #expect(run.shareMB < Self.softwareBudgetMB, "the software window took \(run.shareMB) MB")
    }

    /// The accelerated window opens with a GPU renderer (llvmpipe under Xvfb) or falls back
    /// to the software one, and either way presents every frame and shows it. Its memory
    /// depends on the GL driver, so only the fallback is held to the software bound.
    @Test func peakMemoryAccelerated() throws {
        let run = try Self.measure(accelerated: true)
        #expect(!run.renderer.isEmpty, "SDL reports the renderer it chose")
        #expect(run.presented == Self.presents, "\(run.presented) of \(Self.presents) frames presented via \(run.renderer)")
        Self.expectShowsTheLastFrame(run)
        #expect(run.shareMB >= 0)
        if run.renderer == "software" {
            #expect(run.shareMB < Self.softwareBudgetMB, "the software fallback took \(run.shareMB) MB")
        }
    }

    /// Frames each memory test presents.
    static let presents = 240
    /// What the software window may add to the peak RSS at 1280x720 with the HUD, in MB: SDL's
    /// X shared-memory surface (the frame is drawn into it) and the HUD come to about 4 MB, the
    /// X and SDL libraries to a few more; the rest is headroom for allocators, on any machine.
    static let softwareBudgetMB = 50.0

    struct MemoryRun {
        var renderer: String
        /// How many presents succeeded.
        var presented: Int
        var shareMB: Double
        /// What the window showed after the last present.
        var shot: Image8?
        var lastFrame: Image8
    }

    /// The quadrant centres the HUD (top left) and the gradient band leave alone show the
    /// last frame exactly.
    static func expectShowsTheLastFrame(_ run: MemoryRun, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let shot = run.shot else {
            Issue.record("no screenshot via \(run.renderer)", sourceLocation: sourceLocation)
            return
        }
        #expect(shot.width == 1280 && shot.height == 720, sourceLocation: sourceLocation)
        for (x, y) in [(960, 180), (320, 540), (960, 540)] {
            #expect(shot[x, y] == run.lastFrame[x, y], "pixel \(x),\(y) via \(run.renderer)", sourceLocation: sourceLocation)
        }
    }

    static func measure(accelerated: Bool) throws -> MemoryRun {
        let frames = (0..<4).map { testFrame(1280, 720, shift: $0 * 40) }
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = currentRSSKilobytes()
        let window = try SDLWindow(WindowOptions(renderSize: (1280, 720), vsync: false, accelerated: accelerated, hud: true))
        window.hud.lines = ["mood  curious", "trust 27.3"]
        let start = Date()
        var presented = 0
        for k in 0..<presents {
            _ = window.pollEvents()
            if window.present(frames[k % 4]) { presented += 1 }
        }
        let seconds = Date().timeIntervalSince(start)
        let peak = peakRSSKilobytes()
        let renderer = window.rendererName
        let shot = window.screenshot()
        window.close()
        let share = Double(peak - before) / 1024
        print("window \(renderer) 1280x720: peak RSS \(Double(peak) / 1024) MB, \(Double(before) / 1024) MB before the window: window share \(share) MB; \(Double(presents) / seconds) presents/s")
        return MemoryRun(renderer: renderer, presented: presented, shareMB: share, shot: shot, lastFrame: frames[(presents - 1) % 4])
    }
}
