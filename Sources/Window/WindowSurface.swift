import CSDL2
import Raster

// The surface path of `SDLWindow` (the default, without `accelerated`): no SDL renderer.
// When the frame fills the window one to one, `update` hands out the window's own surface,
// which SDL shows through X shared memory, so the window keeps no frame buffer of its own
// (a streaming texture is 3.7 MB at 1280x720) and presenting copies nothing. Otherwise (a
// fixed render size in a window of another size, or a surface format that is not 8-bit RGB)
// the frame goes into a frame surface of its own, which `present` scales into the window's.
//
// The HUD is drawn into the frame where it is shown, after the pixels under its panel are
// kept aside; they are put back before it is drawn again, so a frame shown again (paused) never
// has the HUD piled up on it, and hiding the HUD shows the clean frame.

/// What the surface path keeps between calls.
struct SurfaceState {
    /// A frame was filled and can be presented.
    var hasFrame = false
    /// The frame is in the window's surface (`window`), not in `own`.
    var inWindow = false
    /// The window surface the frame was written into; a resize makes SDL replace it, and the
    /// frame is then gone.
    var window: UnsafeMutablePointer<SDL_Surface>?
    /// The frame surface of its own (RGBA), when the frame does not fill the window 1:1.
    var own: UnsafeMutablePointer<SDL_Surface>?
    /// The frame's pixels under the HUD panel before it was drawn, and where they are.
    var underHUD: [UInt8] = []
    var underHUDRect: (x: Int, y: Int, width: Int, height: Int)?

    mutating func release() {
        if let own { SDL_FreeSurface(own) }
        own = nil
        window = nil
        hasFrame = false
    }
}

/// Where a 32-bit surface keeps its colour bytes.
enum ByteOrder {
    /// R, G, B, A in memory (SDL's ABGR8888 and XBGR8888).
    case rgba
    /// B, G, R, A in memory (SDL's ARGB8888 and XRGB8888, X11's usual visual).
    case bgra

    init?(_ format: UInt32) {
        switch format {
        case SDL_PIXELFORMAT_ABGR8888.rawValue, SDL_PIXELFORMAT_XBGR8888.rawValue: self = .rgba
        case SDL_PIXELFORMAT_ARGB8888.rawValue, SDL_PIXELFORMAT_XRGB8888.rawValue: self = .bgra
        default: return nil
        }
    }
}

extension SDLWindow {
    func updateSurface(width: Int, height: Int, collectingEvents: Bool,
                       _ fill: (_ pixels: UnsafeMutableRawPointer, _ rowBytes: Int) -> Void) -> Bool {
        guard let window, let ws = SDL_GetWindowSurface(window) else { return false }
        let order = ByteOrder(ws.pointee.format.pointee.format)
        let direct = order != nil && Int(ws.pointee.w) == width && Int(ws.pointee.h) == height
        let target: UnsafeMutablePointer<SDL_Surface>
        if direct {
            target = ws
            if let own = surface.own { SDL_FreeSurface(own); surface.own = nil }
        } else {
            if let own = surface.own, Int(own.pointee.w) != width || Int(own.pointee.h) != height {
                SDL_FreeSurface(own)
                surface.own = nil
            }
            if surface.own == nil {
                guard let own = SDL_CreateRGBSurfaceWithFormat(0, Int32(width), Int32(height), 32, SDL_PIXELFORMAT_ABGR8888.rawValue)
                else { return false }
                // Copied as it is: the frame's alpha is not a blend factor for the window.
                SDL_SetSurfaceBlendMode(own, SDL_BLENDMODE_NONE)
                surface.own = own
            }
            target = surface.own!
        }
        guard SDL_LockSurface(target) == 0, let pixels = target.pointee.pixels else { return false }
        let pitch = Int(target.pointee.pitch)
        if collectingEvents {
            collectEvents(while: { pixels, rowBytes in fill(pixels, rowBytes) }, pixels, pitch)
        } else {
            fill(pixels, pitch)
        }
        if direct && order == .bgra { swapRedAndBlue(pixels, width: width, height: height, rowBytes: pitch) }
        SDL_UnlockSurface(target)
        surface.hasFrame = true
        surface.inWindow = direct
        surface.window = ws
        surface.underHUDRect = nil  // a new frame: nothing of the HUD's to put back
        textureSize = (width, height)
        lastImageSize = (width, height)
        return true
    }

    /// Puts the frame into the window surface (scaled and centred when it is a frame surface
    /// of its own), with the HUD over it. False when the frame is gone or SDL failed.
    func drawSurface() -> Bool {
        guard let window, surface.hasFrame, let ws = SDL_GetWindowSurface(window) else { return false }
        let out = (width: Int(ws.pointee.w), height: Int(ws.pointee.h))
        if surface.inWindow {
            guard ws == surface.window, out.width == textureSize.width, out.height == textureSize.height else {
                // The window's surface was remade (a resize): the frame went with it.
                surface.hasFrame = false
                return false
            }
            viewRect = SDL_Rect(x: 0, y: 0, w: Int32(out.width), h: Int32(out.height))
            return blendHUD(into: ws, order: ByteOrder(ws.pointee.format.pointee.format) ?? .rgba)
        }
        guard let own = surface.own, blendHUD(into: own, order: .rgba) else { return false }
        let scale = min(Double(out.width) / Double(textureSize.width), Double(out.height) / Double(textureSize.height))
        let w = Int32((Double(textureSize.width) * scale).rounded()), h = Int32((Double(textureSize.height) * scale).rounded())
        viewRect = SDL_Rect(x: (Int32(out.width) - w) / 2, y: (Int32(out.height) - h) / 2, w: max(1, w), h: max(1, h))
        guard SDL_FillRect(ws, nil, SDL_MapRGB(ws.pointee.format, 0, 0, 0)) == 0 else { return false }
        return SDL_UpperBlitScaled(own, nil, ws, &viewRect) == 0
    }

    /// Puts back the pixels the last HUD covered, then, when the HUD is visible, keeps aside
    /// those under its panel and draws it over them (its canvas blends "over", as SDL's blend
    /// mode does with the panel on the accelerated path).
    private func blendHUD(into frame: UnsafeMutablePointer<SDL_Surface>, order: ByteOrder) -> Bool {
        guard SDL_LockSurface(frame) == 0, let base = frame.pointee.pixels?.assumingMemoryBound(to: UInt8.self) else { return false }
        defer { SDL_UnlockSurface(frame) }
        let pitch = Int(frame.pointee.pitch)
        if let r = surface.underHUDRect {
            surface.underHUD.withUnsafeBytes { saved in
                for y in 0..<r.height {
                    (base + (r.y + y) * pitch + r.x * 4).update(from: saved.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * r.width * 4,
                                                                count: r.width * 4)
                }
            }
            surface.underHUDRect = nil
        }
        guard hud.visible else { return true }
        let layout = hud.layout(frameHeight: textureSize.height)
        let w = min(layout.panelWidth, textureSize.width), h = min(layout.panelHeight, textureSize.height)
        guard w > 0, h > 0 else { return true }
        if surface.underHUD.count < w * h * 4 { surface.underHUD = [UInt8](repeating: 0, count: w * h * 4) }
        surface.underHUD.withUnsafeMutableBytes { saved in
            let keep = saved.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for y in 0..<h { keep.advanced(by: y * w * 4).update(from: base + y * pitch, count: w * 4) }
        }
        surface.underHUDRect = (0, 0, w, h)
        hud.draw(into: Canvas(base: base, width: textureSize.width, height: textureSize.height, pitch: pitch, bgra: order == .bgra),
                 layout: layout)
        return true
    }

    /// What the window shows, as RGBA.
    func surfaceScreenshot() -> Image8? {
        guard let window, drawSurface(), let ws = SDL_GetWindowSurface(window) else { return nil }
        let w = Int(ws.pointee.w), h = Int(ws.pointee.h)
        var pixels = [UInt8](repeating: 0, count: w * h * 4)
        guard SDL_LockSurface(ws) == 0 else { return nil }
        defer { SDL_UnlockSurface(ws) }
        let ok = pixels.withUnsafeMutableBytes { raw in
            SDL_ConvertPixels(Int32(w), Int32(h), ws.pointee.format.pointee.format, ws.pointee.pixels, ws.pointee.pitch,
                              SDL_PIXELFORMAT_ABGR8888.rawValue, raw.baseAddress, Int32(w * 4))
        }
        guard ok == 0 else { return nil }
        // Surfaces without alpha (X11's) read back as opaque.
        if ws.pointee.format.pointee.Amask == 0 { for i in stride(from: 3, to: pixels.count, by: 4) { pixels[i] = 255 } }
        return Image8(width: w, height: h, pixels: pixels)
    }
}

/// R, G, B, A → B, G, R, A in place, sixteen pixels at a time.
func swapRedAndBlue(_ pixels: UnsafeMutableRawPointer, width: Int, height: Int, rowBytes: Int) {
    for y in 0..<height {
        let row = pixels + y * rowBytes
        var x = 0
        while x + 16 <= width {
            let p = row + x * 4
            let v = p.loadUnaligned(as: SIMD16<UInt32>.self)
            let swapped = (v & 0xFF00_FF00) | ((v &>> 16) & 0xFF) | ((v & 0xFF) &<< 16)
            p.storeBytes(of: swapped, as: SIMD16<UInt32>.self)
            x += 16
        }
        while x < width {
            let p = (row + x * 4).assumingMemoryBound(to: UInt8.self)
            let r = p[0]
            p[0] = p[2]
            p[2] = r
            x += 1
        }
    }
}
