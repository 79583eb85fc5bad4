import CSDL2
import Dispatch
import Raster
#if canImport(Glibc)
import Glibc
#endif

/// The window could not be opened. `noDisplay` means there is no display to open it on (the
/// CLI exits with code 4); the message says so and names the headless command instead.
public struct WindowError: Error, CustomStringConvertible, Sendable {
    public var noDisplay: Bool
    public var message: String
    public var description: String { message }

    static let headless = "render headless instead: photophore render <scene> -o out.mp4"
}

/// An input event from the window, already mapped from the pointer and the window's own
/// keys (F, Space, H, Esc). The caller turns these into stimuli or controls; what any
/// other key means is the scene's (its key map), so the window passes it on by name.
public enum InputEvent: Equatable, Sendable {
    /// The pointer moved; x and y are view coordinates, 0…1 from the top-left of the picture.
    case pointerMove(x: Double, y: Double)
    /// The pointer left the picture (or the window).
    case pointerLeave
    /// A click (left button) at view coordinates.
    case click(x: Double, y: Double)
    /// Space: pause or resume.
    case togglePause
    /// H: the HUD was shown or hidden (the window already did it).
    case toggleHUD(visible: Bool)
    /// F: fullscreen was entered or left (the window already did it).
    case toggleFullscreen(fullscreen: Bool)
    /// Any other key, by SDL's key name ("A", "Y", "Keypad 1", "Return"…).
    case key(String)
    /// The render size changed (the window was resized and no fixed size was given).
    case resized(width: Int, height: Int)
    /// Esc, or the window was closed.
    case quit
}

/// An input event with the time it happened: seconds on the window's clock
/// (`SDLWindow.now`), from SDL's own event timestamp.
public struct TimedInputEvent: Equatable, Sendable {
    public var event: InputEvent
    public var time: Double

    public init(_ event: InputEvent, at time: Double) {
        self.event = event
        self.time = time
    }
}

/// How the window is opened.
public struct WindowOptions: Sendable {
    public var title: String = "Photophore"
    /// A fixed render size (`--size`): the picture is scaled to fit the window, letterboxed.
    /// nil: the render size follows the window's drawable size.
    public var renderSize: (width: Int, height: Int)? = nil
    /// The window's initial size in screen points (the fixed render size when there is one).
    public var windowSize: (width: Int, height: Int) = (1280, 720)
    public var fullscreen = false
    public var vsync = true
    /// Try an accelerated (OpenGL) renderer first. Off by default: frames are drawn on the
    /// CPU, so the GPU would only scale and present them, and loading the GL driver costs
    /// far more memory than the whole window (about 100 MB of peak RSS with Mesa's llvmpipe,
    /// against the 50 MB budget of `play`). Without it, frames go straight into the window's
    /// surface, which SDL presents through X shared memory (`WindowSurface.swift`).
    public var accelerated = false
    /// Show the HUD from the start.
    public var hud = false

    public init(title: String = "Photophore", renderSize: (width: Int, height: Int)? = nil,
                windowSize: (width: Int, height: Int)? = nil, fullscreen: Bool = false, vsync: Bool = true,
                accelerated: Bool = false, hud: Bool = false) {
        self.title = title
        self.renderSize = renderSize
        self.windowSize = windowSize ?? renderSize ?? (1280, 720)
        self.fullscreen = fullscreen
        self.vsync = vsync
        self.accelerated = accelerated
        self.hud = hud
    }
}

/// An SDL2 window that shows 8-bit RGBA frames, with vsync.
///
/// Frames go straight into the window's own surface by default, which SDL shows through X
/// shared memory (see `WindowSurface.swift`): the window then holds no frame buffer of its
/// own. With `accelerated`, an SDL renderer shows them through a streaming texture.
///
/// SDL is not thread-safe: create the window, call `present`, `pollEvents` and `close` on the
/// main thread only. One window at a time per process.
///
///     let window = try SDLWindow(WindowOptions(renderSize: nil))
///     loop: for event in window.pollEvents() { … }
///           let (w, h) = window.renderSize
///           window.update(width: w, height: h) { pixels, rowBytes in render into them }
///           window.present()
public final class SDLWindow {
    public let options: WindowOptions
    /// The overlay drawn over each presented frame; set `hud.lines` for mood, trust, stage.
    public var hud: HUD
    /// How frames are shown: "software" (the window's surface), or the SDL renderer chosen
    /// when `accelerated` ("opengl"…, or SDL's own "software" renderer as the fallback).
    public private(set) var rendererName = ""
    public private(set) var isFullscreen = false
    /// The window's size before it went fullscreen, to give back when it leaves.
    private var windowedSize: (Int32, Int32)?
    /// True once the window system has shown the window (SDL's shown or exposed event):
    /// from then on it takes pointer input. Tests wait on it instead of sleeping.
    public private(set) var isShown = false

    var window: OpaquePointer?
    /// The accelerated path's renderer; nil on the surface path.
    private var renderer: OpaquePointer?
    /// The frame, as `update` filled it (the accelerated path).
    private var texture: OpaquePointer?
    /// The size of the frame `update` last filled, on either path.
    var textureSize = (width: 0, height: 0)
    /// The surface path's state (`WindowSurface.swift`).
    var surface = SurfaceState()
    /// The HUD panel, blended over the frame when visible.
    private var hudTexture: OpaquePointer?
    private var hudTextureSize = (width: 0, height: 0)
    var viewRect = SDL_Rect()
    private var lastSize = (width: 0, height: 0)
    private var lastPresent: UInt64 = 0
    private var pointerInside = false
    private var closed = false
    var lastImageSize = (width: 0, height: 0)
    /// When the renderer cannot wait for vsync (the software one), `present` paces itself to
    /// the display's refresh period instead (seconds; 0: no pacing).
    private var pacing = 0.0
    private var nextDeadline = 0.0
    /// Events taken from SDL while a frame rendered or `present` waited, for the next poll.
    private var pending: [TimedInputEvent] = []
    /// Runs `update(…, collectingEvents: true)` fills, so the main thread keeps taking events.
    private let fillQueue = DispatchQueue(label: "photophore.window.fill")

    /// Opens the window. Throws `WindowError` with `noDisplay` when there is no display.
    public init(_ options: WindowOptions = WindowOptions()) throws(WindowError) {
        self.options = options
        self.hud = HUD(visible: options.hud)
        let env = { (name: String) -> Bool in (getenv(name).map { String(cString: $0) } ?? "").isEmpty == false }
        guard env("DISPLAY") || env("WAYLAND_DISPLAY") else {
            throw WindowError(noDisplay: true, message: "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); \(WindowError.headless)")
        }
        if let size = options.renderSize, size.width <= 0 || size.height <= 0 {
            throw WindowError(noDisplay: false, message: "cannot open a \(size.width)x\(size.height) window; give a --size like 1280x720")
        }
        // Without a Wayland display (or the runtime folder its socket lives in), SDL's
        // Wayland driver is not tried: libwayland would print a line of its own on stderr
        // before SDL moves on to X11. SDL_VIDEODRIVER, when the user set it, decides.
        var onlyX11 = false
        if !env("SDL_VIDEODRIVER") {
            var st = stat()
            let runtime = getenv("XDG_RUNTIME_DIR").map { String(cString: $0) } ?? ""
            let waylandReachable = env("WAYLAND_DISPLAY") && !runtime.isEmpty && stat(runtime, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            if !waylandReachable {
                guard env("DISPLAY") else {
                    throw WindowError(noDisplay: true, message: "cannot open a window: WAYLAND_DISPLAY is set but XDG_RUNTIME_DIR is not a folder, and DISPLAY is unset; \(WindowError.headless)")
                }
                SDL_SetHintWithPriority(SDL_HINT_VIDEODRIVER, "x11", SDL_HINT_OVERRIDE)
                onlyX11 = true
            }
        }
        SDL_SetMainReady()
        // Keep the compositor running; quit on Esc/close through our own events.
        SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0")
        if !options.accelerated {
            // Otherwise SDL backs the software renderer's window surface with an OpenGL
            // texture, which loads the GL driver (Mesa: about 80 MB) after all.
            SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0")
        } else {
            SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "1")
        }
        guard SDL_Init(SDL_INIT_VIDEO) == 0 else {
            let reason = Self.sdlError()
            if onlyX11 {
                let display = getenv("DISPLAY").map { String(cString: $0) } ?? ""
                throw WindowError(noDisplay: true, message: "cannot open a window: the display \(display) cannot be reached (\(reason)); \(WindowError.headless)")
            }
            throw WindowError(noDisplay: true, message: "cannot open a window: \(reason); \(WindowError.headless)")
        }
        // SDL falls back to drivers that show nothing (offscreen, dummy) when the display in
        // DISPLAY cannot be reached; that is no display, unless SDL_VIDEODRIVER asked for it.
        let driver = SDL_GetCurrentVideoDriver().map { String(cString: $0) } ?? ""
        if ["offscreen", "dummy", "evdev"].contains(driver) && !env("SDL_VIDEODRIVER") {
            SDL_Quit()
            let display = getenv("DISPLAY").map { String(cString: $0) } ?? ""
            throw WindowError(noDisplay: true, message: "cannot open a window: the display \(display.isEmpty ? "in WAYLAND_DISPLAY" : display) cannot be reached; \(WindowError.headless)")
        }
        var flags = SDL_WINDOW_RESIZABLE.rawValue | SDL_WINDOW_ALLOW_HIGHDPI.rawValue
        if options.fullscreen { flags |= SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue }
        let centered = Int32(bitPattern: 0x2FFF0000)  // SDL_WINDOWPOS_CENTERED
        guard let window = SDL_CreateWindow(options.title, centered, centered,
                                            Int32(options.windowSize.width), Int32(options.windowSize.height), flags)
        else {
            let reason = Self.sdlError()
            SDL_Quit()
            throw WindowError(noDisplay: true, message: "cannot create a window: \(reason); \(WindowError.headless)")
        }
        self.window = window
        isFullscreen = options.fullscreen
        let vsync = options.vsync ? SDL_RENDERER_PRESENTVSYNC.rawValue : 0
        if !options.accelerated {
            // The surface path: no renderer, and no vsync from SDL either.
            guard SDL_GetWindowSurface(window) != nil else {
                let reason = Self.sdlError()
                SDL_DestroyWindow(window)
                SDL_Quit()
                throw WindowError(noDisplay: false, message: "cannot get the window's surface: \(reason)")
            }
            rendererName = "software"
            if options.vsync { pacing = 1 / displayRefresh(window) }
            lastSize = renderSize
            return
        }
        var renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_ACCELERATED.rawValue | vsync)
        if renderer == nil {
            renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue | vsync)
        }
        guard let renderer else {
            let reason = Self.sdlError()
            SDL_DestroyWindow(window)
            SDL_Quit()
            throw WindowError(noDisplay: false, message: "cannot create a renderer for the window: \(reason)")
        }
        self.renderer = renderer
        var info = SDL_RendererInfo()
        if SDL_GetRendererInfo(renderer, &info) == 0, let name = info.name { rendererName = String(cString: name) }
        // SDL's software renderer reports vsync but does not wait for it on X11.
        if options.vsync && (rendererName == "software" || info.flags & SDL_RENDERER_PRESENTVSYNC.rawValue == 0) {
            pacing = 1 / displayRefresh(window)
        }
        lastSize = renderSize
    }

    deinit { close() }

    /// The display's refresh rate in Hz (60 when SDL does not know it).
    private func displayRefresh(_ window: OpaquePointer) -> Double {
        var mode = SDL_DisplayMode()
        return SDL_GetWindowDisplayMode(window, &mode) == 0 && mode.refresh_rate > 0 ? Double(mode.refresh_rate) : 60
    }

    static func sdlError() -> String {
        guard let e = SDL_GetError() else { return "unknown SDL error" }
        let s = String(cString: e)
        return s.isEmpty ? "unknown SDL error" : s
    }

    /// The size frames should be rendered at: the fixed size, else the drawable size.
    public var renderSize: (width: Int, height: Int) {
        if let fixed = options.renderSize { return fixed }
        return drawableSize
    }

    /// The window's drawable size in pixels.
    public var drawableSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        if let renderer {
            if SDL_GetRendererOutputSize(renderer, &w, &h) != 0 { return (0, 0) }
        } else if let window {
            SDL_GetWindowSizeInPixels(window, &w, &h)
        } else {
            return (0, 0)
        }
        return (Int(max(1, w)), Int(max(1, h)))
    }

    /// Fills the frame: `fill` is handed the memory the window shows it from, `width` ×
    /// `height` RGBA pixels with rows `rowBytes` apart: the window's own surface when the frame
    /// fills it one to one, else a frame surface (or, accelerated, the texture) that is scaled
    /// into it. Rendering straight into it spares a frame-sized copy. Returns false (and does
    /// not call `fill`) if SDL failed.
    ///
    /// With `collectingEvents`, `fill` runs on another thread while this (the main) thread
    /// keeps taking SDL's events, so each input is stamped close to when it happened rather
    /// than when the frame was done; the next `pollTimedEvents` returns them. `fill` must then
    /// not call SDL.
    @discardableResult
    public func update(width: Int, height: Int, collectingEvents: Bool = false,
                       _ fill: (_ pixels: UnsafeMutableRawPointer, _ rowBytes: Int) -> Void) -> Bool {
        guard !closed, width > 0, height > 0 else { return false }
        if renderer == nil { return updateSurface(width: width, height: height, collectingEvents: collectingEvents, fill) }
        let filled = fillStreaming(&texture, size: &textureSize, width: width, height: height) { pixels, rowBytes in
            if collectingEvents {
                collectEvents(while: { pixels, rowBytes in fill(pixels, rowBytes) }, pixels, rowBytes)
            } else {
                fill(pixels, rowBytes)
            }
        }
        guard filled else { return false }
        lastImageSize = (width, height)
        return true
    }

    /// Runs `body(pixels, rowBytes)` on the fill queue and takes SDL's events here until it
    /// returns.
    func collectEvents(while body: (UnsafeMutableRawPointer, Int) -> Void, _ pixels: UnsafeMutableRawPointer, _ rowBytes: Int) {
        withoutActuallyEscaping(body) { body in
            // The body is done, and let go of, before this returns, so handing it to the
            // queue is safe: the job drops its reference before it signals.
            let job = FillJob(body: body, pixels: pixels, rowBytes: rowBytes)
            let done = DispatchSemaphore(value: 0)
            fillQueue.async {
                job.run()
                done.signal()
            }
            var e = SDL_Event()
            while done.wait(timeout: .now()) == .timedOut {
                if SDL_WaitEventTimeout(&e, 2) != 0 { take(e) }
            }
        }
    }

    /// Seconds on the window's clock (SDL's ticks, from SDL's start), which event times use.
    public var now: Double { Double(SDL_GetTicks64()) / 1000 }

    /// SDL's 32-bit millisecond event stamp as seconds on the window's clock (the stamp wraps
    /// every 49 days; it is never later than now).
    private func seconds(ofTimestamp stamp: UInt32) -> Double {
        let nowTicks = SDL_GetTicks64()
        let age = UInt32(truncatingIfNeeded: nowTicks) &- stamp
        return Double(nowTicks - min(nowTicks, UInt64(age))) / 1000
    }

    /// (Re)creates the RGBA streaming texture in `texture` when it is missing or not
    /// `width` × `height`, then lets `fill` write its rows while it is locked. Returns false
    /// (without calling `fill`) if SDL failed. New textures get `blend` when given (else SDL's
    /// default).
    private func fillStreaming(_ texture: inout OpaquePointer?, size: inout (width: Int, height: Int), width: Int, height: Int,
                               blend: SDL_BlendMode? = nil,
                               _ fill: (_ pixels: UnsafeMutableRawPointer, _ rowBytes: Int) -> Void) -> Bool {
        guard let renderer else { return false }
        if texture == nil || size != (width, height) {
            if let texture { SDL_DestroyTexture(texture) }
            texture = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_ABGR8888.rawValue, Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
                                        Int32(width), Int32(height))
            guard let texture else { size = (0, 0); return false }
            if let blend { SDL_SetTextureBlendMode(texture, blend) }
            size = (width, height)
        }
        var pixels: UnsafeMutableRawPointer?
        var pitch: Int32 = 0
        guard SDL_LockTexture(texture, nil, &pixels, &pitch) == 0, let pixels else { return false }
        fill(pixels, Int(pitch))
        SDL_UnlockTexture(texture)
        return true
    }

    /// Shows the frame scaled to fit the window and centred, with the HUD over it when
    /// visible, then waits for the refresh. Returns false if SDL failed or the frame is gone
    /// (the window's surface was remade, as a resize does): the frame is skipped, never a
    /// crash; update it again.
    @discardableResult
    public func present() -> Bool {
        guard !closed, renderer != nil ? texture != nil : surface.hasFrame else { return false }
        let now = SDL_GetPerformanceCounter()
        if lastPresent != 0 {
            hud.record(frameTime: Double(now - lastPresent) / Double(SDL_GetPerformanceFrequency()))
        }
        lastPresent = now
        guard draw() else { return false }
        if let renderer {
            SDL_RenderPresent(renderer)
        } else {
            guard let window, SDL_UpdateWindowSurface(window) == 0 else { return false }
        }
        if pacing > 0 { pace() }
        return true
    }

    /// Copies `image` into the frame texture and presents it.
    @discardableResult
    public func present(_ image: Image8) -> Bool {
        let copied = update(width: image.width, height: image.height) { dst, rowBytes in
            let bytes = image.width * 4
            image.pixels.withUnsafeBytes { src in
                for y in 0..<image.height {
                    (dst + y * rowBytes).copyMemory(from: src.baseAddress! + y * bytes, byteCount: bytes)
                }
            }
        }
        return copied && present()
    }

    /// Waits until the next refresh period (no vsync from the renderer), taking events
    /// meanwhile. A frame that came late restarts the schedule instead of letting the next
    /// ones rush to catch up.
    private func pace() {
        let frequency = Double(SDL_GetPerformanceFrequency())
        let clock = { Double(SDL_GetPerformanceCounter()) / frequency }
        let now = clock()
        if nextDeadline == 0 || now > nextDeadline + pacing { nextDeadline = now }
        nextDeadline += pacing
        var e = SDL_Event()
        while true {
            let wait = nextDeadline - clock()
            guard wait > 0.0005 else { break }
            if SDL_WaitEventTimeout(&e, Int32(min(wait * 1000, 2).rounded(.up))) != 0 { take(e) }
        }
    }

    /// True when there is no frame to present: none was filled yet, or the window lost it (on
    /// the surface path a resize remakes the window's surface). Fill one with `update`.
    public var needsFrame: Bool { renderer == nil ? !surface.hasFrame : texture == nil }

    /// Whether `present` waits for the refresh itself (the renderer has no vsync).
    public var pacesItself: Bool { pacing > 0 }

    /// Clears and copies the texture, fitted and centred, into the back buffer, then the HUD.
    private func draw() -> Bool {
        if renderer == nil { return drawSurface() }
        guard let renderer, let texture else { return false }
        let out = drawableSize
        let scale = min(Double(out.width) / Double(textureSize.width), Double(out.height) / Double(textureSize.height))
        let w = Int32((Double(textureSize.width) * scale).rounded()), h = Int32((Double(textureSize.height) * scale).rounded())
        viewRect = SDL_Rect(x: (Int32(out.width) - w) / 2, y: (Int32(out.height) - h) / 2, w: max(1, w), h: max(1, h))
        SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255)
        guard SDL_RenderClear(renderer) == 0 else { return false }
        guard SDL_RenderCopy(renderer, texture, nil, &viewRect) == 0 else { return false }
        return drawHUD(scale: scale)
    }

    /// Draws the HUD into its own small texture (transparent around the panel) and blends it
    /// over the picture's top-left corner at the picture's scale, so the frame texture stays
    /// clean: a paused frame is shown again without being redrawn.
    private func drawHUD(scale: Double) -> Bool {
        guard let renderer, hud.visible else { return true }
        let layout = hud.layout(frameHeight: textureSize.height)
        let size = (width: layout.panelWidth, height: layout.panelHeight)
        guard size.width > 0, size.height > 0 else { return true }
        let drawn = fillStreaming(&hudTexture, size: &hudTextureSize, width: size.width, height: size.height,
                                  blend: SDL_BLENDMODE_BLEND) { pixels, rowBytes in
            for y in 0..<size.height { (pixels + y * rowBytes).initializeMemory(as: UInt8.self, repeating: 0, count: size.width * 4) }
            hud.draw(into: Canvas(base: pixels.assumingMemoryBound(to: UInt8.self), width: size.width, height: size.height,
                                  pitch: rowBytes), layout: layout)
        }
        guard drawn else { return false }
        var rect = SDL_Rect(x: viewRect.x, y: viewRect.y, w: Int32((Double(size.width) * scale).rounded()),
                            h: Int32((Double(size.height) * scale).rounded()))
        return SDL_RenderCopy(renderer, hudTexture, nil, &rect) == 0
    }

    /// Reads back what the window shows (the last presented frame, fitted into the drawable
    /// area), as RGBA. For tests and screenshots.
    public func screenshot() -> Image8? {
        if renderer == nil { return surfaceScreenshot() }
        guard let renderer, draw() else { return nil }
        let out = drawableSize
        var pixels = [UInt8](repeating: 0, count: out.width * out.height * 4)
        let ok = pixels.withUnsafeMutableBytes { raw in
            SDL_RenderReadPixels(renderer, nil, SDL_PIXELFORMAT_ABGR8888.rawValue, raw.baseAddress, Int32(out.width * 4))
        }
        guard ok == 0 else { return nil }
        return Image8(width: out.width, height: out.height, pixels: pixels)
    }

    /// Enters or leaves fullscreen (desktop resolution). Leaving it gives the window back the
    /// size it had: without a window manager, X would leave it at the screen's size.
    public func setFullscreen(_ on: Bool) {
        guard let window else { return }
        if on && !isFullscreen {
            var w: Int32 = 0, h: Int32 = 0
            SDL_GetWindowSize(window, &w, &h)
            windowedSize = (w, h)
        }
        guard SDL_SetWindowFullscreen(window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP.rawValue : 0) == 0 else { return }
        isFullscreen = on
        if !on, let (w, h) = windowedSize { SDL_SetWindowSize(window, w, h) }
    }

    /// Drains SDL's event queue and returns the typed events, in order. F and H are handled
    /// here (fullscreen, HUD) and reported too. Does not block.
    public func pollEvents() -> [InputEvent] { pollTimedEvents().map(\.event) }

    /// Like `pollEvents`, with the time each event happened (SDL's stamp, on the window's
    /// clock `now`), including those taken while a frame rendered or `present` waited.
    public func pollTimedEvents() -> [TimedInputEvent] {
        guard !closed else { return [TimedInputEvent(.quit, at: now)] }
        var e = SDL_Event()
        while SDL_PollEvent(&e) != 0 { take(e) }
        var events = pending
        pending.removeAll(keepingCapacity: true)
        if options.renderSize == nil {
            let size = renderSize
            if size != lastSize, size.width > 0 {
                lastSize = size
                events.append(TimedInputEvent(.resized(width: size.width, height: size.height), at: now))
            }
        }
        return events
    }

    /// Maps one SDL event to typed events, stamped, into `pending`.
    private func take(_ e: SDL_Event) {
        let time = seconds(ofTimestamp: e.common.timestamp)
        func add(_ event: InputEvent) { pending.append(TimedInputEvent(event, at: time)) }
        switch SDL_EventType(rawValue: e.type) {
        case SDL_QUIT:
            add(.quit)
        case SDL_WINDOWEVENT:
            switch SDL_WindowEventID(rawValue: UInt32(e.window.event)) {
            case SDL_WINDOWEVENT_LEAVE:
                if pointerInside { add(.pointerLeave) }
                pointerInside = false
            case SDL_WINDOWEVENT_CLOSE:
                add(.quit)
            case SDL_WINDOWEVENT_SHOWN, SDL_WINDOWEVENT_EXPOSED:
                isShown = true
            default: break
            }
        case SDL_MOUSEMOTION:
            if let (x, y) = viewCoordinates(e.motion.x, e.motion.y) {
                pointerInside = true
                add(.pointerMove(x: x, y: y))
            } else if pointerInside {
                pointerInside = false
                add(.pointerLeave)
            }
        case SDL_MOUSEBUTTONDOWN:
            if e.button.button == UInt8(SDL_BUTTON_LEFT), let (x, y) = viewCoordinates(e.button.x, e.button.y) {
                add(.click(x: x, y: y))
            }
        case SDL_KEYDOWN:
            if e.key.repeat != 0 { break }
            if let event = keyEvent(e.key.keysym.sym) { add(event) }
        default:
            break
        }
    }

    private func keyEvent(_ sym: SDL_Keycode) -> InputEvent? {
        switch sym {
        case Int32(SDLK_ESCAPE.rawValue): return .quit
        case Int32(SDLK_f.rawValue):
            setFullscreen(!isFullscreen)
            return .toggleFullscreen(fullscreen: isFullscreen)
        case Int32(SDLK_SPACE.rawValue): return .togglePause
        case Int32(SDLK_h.rawValue):
            hud.visible.toggle()
            return .toggleHUD(visible: hud.visible)
        default:
            guard let name = SDL_GetKeyName(sym) else { return nil }
            let s = String(cString: name)
            return s.isEmpty ? nil : .key(s)
        }
    }

    /// Window points → view coordinates (0…1 over the picture), nil outside the picture.
    private func viewCoordinates(_ px: Int32, _ py: Int32) -> (Double, Double)? {
        guard let window else { return nil }
        var ww: Int32 = 0, wh: Int32 = 0
        SDL_GetWindowSize(window, &ww, &wh)
        let out = drawableSize
        // Points to pixels (HiDPI), then into the picture's rectangle.
        let sx = ww > 0 ? Double(out.width) / Double(ww) : 1, sy = wh > 0 ? Double(out.height) / Double(wh) : 1
        var rect = viewRect
        if rect.w <= 0 || rect.h <= 0 {
            let size = lastImageSize.width > 0 ? lastImageSize : renderSize
            let scale = min(Double(out.width) / Double(max(1, size.width)), Double(out.height) / Double(max(1, size.height)))
            let w = Int32(Double(size.width) * scale), h = Int32(Double(size.height) * scale)
            rect = SDL_Rect(x: (Int32(out.width) - w) / 2, y: (Int32(out.height) - h) / 2, w: max(1, w), h: max(1, h))
        }
        let x = ((Double(px) + 0.5) * sx - Double(rect.x)) / Double(rect.w)
        let y = ((Double(py) + 0.5) * sy - Double(rect.y)) / Double(rect.h)
        guard x >= 0, x <= 1, y >= 0, y <= 1 else { return nil }
        return (x, y)
    }

    /// The SDL window id (for tests that inject events).
    public var windowID: UInt32 { window.map { SDL_GetWindowID($0) } ?? 0 }

    /// Destroys the texture, renderer and window and shuts SDL down. Safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        if let texture { SDL_DestroyTexture(texture) }
        if let hudTexture { SDL_DestroyTexture(hudTexture) }
        surface.release()
        if let renderer { SDL_DestroyRenderer(renderer) }
        if let window { SDL_DestroyWindow(window) }
        texture = nil; hudTexture = nil; renderer = nil; window = nil
        SDL_Quit()
    }
}

private func != (a: (width: Int, height: Int), b: (Int, Int)) -> Bool { a.width != b.0 || a.height != b.1 }

/// One fill handed to the fill queue. The caller waits until it has run, so nothing touches
/// it concurrently; `run` drops the closure as soon as it returns.
private final class FillJob: @unchecked Sendable {
    private var body: ((UnsafeMutableRawPointer, Int) -> Void)?
    private let pixels: UnsafeMutableRawPointer
    private let rowBytes: Int

    init(body: @escaping (UnsafeMutableRawPointer, Int) -> Void, pixels: UnsafeMutableRawPointer, rowBytes: Int) {
        self.body = body
        self.pixels = pixels
        self.rowBytes = rowBytes
    }

    func run() {
        body?(pixels, rowBytes)
        body = nil
    }
}
