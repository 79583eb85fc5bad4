import Basics
import Plot
/// An 8-bit pixel buffer to draw into: `pitch` bytes per row, R, G, B, A per pixel (B, G, R, A
/// with `bgra`). Used for an `Image8`'s pixels, a locked streaming texture or the window's
/// surface. Valid only while the memory it points to is.
public struct Canvas {
    public let base: UnsafeMutablePointer<UInt8>
    public let width: Int
    public let height: Int
    public let pitch: Int
    /// Blue first in memory (X11's usual visual), red first otherwise.
    public let bgra: Bool

    public init(base: UnsafeMutablePointer<UInt8>, width: Int, height: Int, pitch: Int, bgra: Bool = false) {
        self.base = base
        self.width = width
        self.height = height
        self.pitch = pitch
        self.bgra = bgra
    }

    /// Blends `color` over the rectangle (clipped) with opacity `alpha` (0…255): "over" with
    /// straight alpha, so it works on an opaque picture and on a transparent overlay alike.
    public func fill(x: Int, y: Int, width w: Int, height h: Int, color: (UInt8, UInt8, UInt8), alpha: Int = 255) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        let color = bgra ? (color.2, color.1, color.0) : color
        let a = max(0, min(255, alpha)), na = 255 - a
        let r = Int(color.0) * a, g = Int(color.1) * a, b = Int(color.2) * a
        for row in y0..<y1 {
            var p = base + row * pitch + x0 * 4
            for _ in x0..<x1 {
                let da = Int(p[3])
                if a == 255 {
                    p[0] = color.0; p[1] = color.1; p[2] = color.2
                    p[3] = 255
                } else if da == 255 {
                    p[0] = UInt8((Int(p[0]) * na + r + 127) / 255)
                    p[1] = UInt8((Int(p[1]) * na + g + 127) / 255)
                    p[2] = UInt8((Int(p[2]) * na + b + 127) / 255)
                } else {
                    // Under a translucent pixel: weight each colour by its share of the result.
                    let under = da * na  // the pixel's weight, in 255² units
                    let total = a * 255 + under
                    if total > 0 {
                        p[0] = UInt8((r * 255 + Int(p[0]) * under + total / 2) / total)
                        p[1] = UInt8((g * 255 + Int(p[1]) * under + total / 2) / total)
                        p[2] = UInt8((b * 255 + Int(p[2]) * under + total / 2) / total)
                        p[3] = UInt8((total + 127) / 255)
                    }
                }
                p += 4
            }
        }
    }

    /// Draws `text` with the built-in 5×7 font, each font pixel `scale`×`scale` pixels, top-left
    /// at (x, y). Returns the x after the last glyph.
    @discardableResult
    public func text(_ text: String, x: Int, y: Int, scale: Int = 1, color: (UInt8, UInt8, UInt8) = (255, 255, 255)) -> Int {
        var cx = x
        for c in text {
            let rows = BitmapFont.glyph(c)
            for (r, bits) in rows.enumerated() where bits != 0 {
                for col in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(col)) != 0 {
                    fill(x: cx + col * scale, y: y + r * scale, width: scale, height: scale, color: color)
                }
            }
            cx += BitmapFont.advance * scale
        }
        return cx
    }
}

/// The heads-up display drawn over a frame before it is shown: frames per second, a graph of
/// the recent frame times against the 16.7 ms budget, and the caller's text lines (mood,
/// trust, stage…). Records frame times itself when the window presents.
public struct HUD {
    /// Whether `draw` draws anything (H toggles it in the window).
    public var visible: Bool
    /// Lines shown under the FPS line, such as "mood  curious".
    public var lines: [String] = []
    /// The frame-time budget drawn as a line across the graph, in seconds.
    public var budget: Double = 1.0 / 60
    /// Frame times (seconds), oldest first, at most `capacity`.
    public private(set) var frameTimes: [Double] = []
    public let capacity = 120

    public init(visible: Bool = false, lines: [String] = []) {
        self.visible = visible
        self.lines = lines
    }

    /// Adds one frame time in seconds.
    public mutating func record(frameTime: Double) {
        guard frameTime.isFinite, frameTime >= 0 else { return }
        if frameTimes.count == capacity { frameTimes.removeFirst() }
        frameTimes.append(frameTime)
    }

    /// Frames per second over the recorded frame times (0 with none).
    public var fps: Double {
        let total = frameTimes.reduce(0, +)
        return total > 0 ? Double(frameTimes.count) / total : 0
    }

    /// Draws the HUD into an image (nothing when hidden).
    public func draw(into image: inout [UInt8], width: Int, height: Int) {
        precondition(image.count == width * height * 4, "image size must match")
        image.withUnsafeMutableBufferPointer { p in
            draw(into: Canvas(base: p.baseAddress!, width: width, height: height, pitch: width * 4))
        }
    }

    /// Where the HUD's parts go over a frame `frameHeight` pixels high. The text scale grows
    /// with the height: 1 up to 539 rows, 2 at 720p and 1080p, 3 at 1620 rows and more.
    struct Layout {
        var scale: Int
        var lineHeight: Int
        var pad: Int
        var graphWidth: Int
        var graphHeight: Int
        var texts: [String]
        var panelWidth: Int
        var panelHeight: Int
    }

    func layout(frameHeight: Int) -> Layout {
        let scale = max(1, frameHeight / 540)
        let lineHeight = (BitmapFont.glyphHeight + 3) * scale
        let pad = 4 * scale
        let graphWidth = capacity * scale
        let graphHeight = 30 * scale
        let fpsLine = "FPS " + NumberText.fixed(fps, 1) + "  " + NumberText.fixed((frameTimes.last ?? 0) * 1000, 1) + " ms"
        let texts = [fpsLine] + lines
        let textWidth = texts.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0
        return Layout(scale: scale, lineHeight: lineHeight, pad: pad, graphWidth: graphWidth, graphHeight: graphHeight,
                      texts: texts, panelWidth: max(textWidth, graphWidth) + 2 * pad,
                      panelHeight: texts.count * lineHeight + graphHeight + 3 * pad)
    }

    /// Draws the HUD onto `canvas` (nothing when hidden), laid out for a frame `frameHeight`
    /// pixels high (the canvas's own height by default).
    public func draw(into canvas: Canvas, frameHeight: Int? = nil) {
        guard visible, canvas.width > 0, canvas.height > 0 else { return }
        draw(into: canvas, layout: layout(frameHeight: frameHeight ?? canvas.height))
    }

    /// Draws the HUD laid out as `l` (a separate overlay sizes its canvas from the same layout).
    func draw(into canvas: Canvas, layout l: Layout) {
        let scale = l.scale, pad = l.pad, graphWidth = l.graphWidth, graphHeight = l.graphHeight
        canvas.fill(x: 0, y: 0, width: l.panelWidth, height: l.panelHeight, color: (0, 0, 0), alpha: 160)
        for (i, line) in l.texts.enumerated() {
            canvas.text(line, x: pad, y: pad + i * l.lineHeight, scale: scale, color: i == 0 ? (255, 235, 120) : (235, 235, 235))
        }
        // The graph: one bar per frame, 0 to twice the budget; over budget in red.
        let gx = pad, gy = pad * 2 + l.texts.count * l.lineHeight
        canvas.fill(x: gx, y: gy, width: graphWidth, height: graphHeight, color: (30, 30, 40), alpha: 200)
        let top = budget * 2
        for (i, t) in frameTimes.enumerated() {
            let h = max(1, min(graphHeight, Int((t / top * Double(graphHeight)).rounded())))
            let over = t > budget
            canvas.fill(x: gx + i * scale, y: gy + graphHeight - h, width: scale, height: h,
                        color: over ? (235, 80, 70) : (110, 210, 120))
        }
        canvas.fill(x: gx, y: gy + graphHeight / 2, width: graphWidth, height: max(1, scale / 2), color: (250, 250, 250), alpha: 180)
    }

}
