import Basics
import Raster
import RealModule

/// A chart drawn with the engine's own rasterizer: panels stacked top to bottom, each with
/// axes, ticks, stacked bars, lines and horizontal reference lines (a budget, a threshold).
///
/// Shapes are triangles rendered at twice the size and box-filtered down (4× supersampling),
/// then labels are drawn with `BitmapFont`.
public struct Chart: Sendable {
    public var title: String
    public var panels: [ChartPanel]
    /// Background and text colours, 0…1 sRGB.
    public var background = SIMD3<Float>(0.06, 0.07, 0.09)
    public var ink = SIMD3<Float>(0.85, 0.87, 0.9)

    public init(title: String, panels: [ChartPanel]) {
        self.title = title
        self.panels = panels
    }

    /// Renders the chart. Throws for a size the rasterizer does not support.
    public func render(width: Int = 1280, height: Int = 720, threads: Int = 2) throws(RasterError) -> Image8 {
        let ss = 2
        let target = try RenderTarget(width: width * ss, height: height * ss, keepsAlpha: false)
        var shapes = ShapeBuilder(scale: Float(ss))
        let layout = Layout(width: width, height: height, panels: panels.count)
        for (i, panel) in panels.enumerated() {
            panel.draw(in: layout.frame(i), shapes: &shapes, ink: ink, background: background)
        }
        let draw = DrawCall(mesh: shapes.mesh, transform: .orthographic(left: 0, right: Float(width * ss), bottom: Float(height * ss), top: 0, near: -1, far: 1),
                            shading: .color, state: RenderState(depthTest: .always, depthWrite: false, blend: .premultipliedAlpha))
        let renderer = Renderer(threads: threads)
        renderer.render([draw], into: target, clearColor: SIMD4(background, 1))
        let big = target.resolved(encoding: .linear, pool: renderer.pool)
        var image = Image8(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                for k in 0..<3 {
                    var sum = 0
                    for dy in 0..<ss { for dx in 0..<ss { sum += Int(big.pixels[((y * ss + dy) * big.width + x * ss + dx) * 4 + k]) } }
                    image.pixels[(y * width + x) * 4 + k] = UInt8((sum + ss * ss / 2) / (ss * ss))
                }
                image.pixels[(y * width + x) * 4 + 3] = 255
            }
        }
        let inkColor = SIMD4<UInt8>(SIMD3<UInt8>(ink * 255), 255)
        BitmapFont.draw(title, x: Layout.left, y: 12, scale: 3, color: inkColor, into: &image)
        for (i, panel) in panels.enumerated() {
            panel.label(in: layout.frame(i), ink: inkColor, into: &image)
        }
        return image
    }
}

/// One panel of a chart.
public struct ChartPanel: Sendable {
    /// A stacked bar at `x`, `width` wide in x units; segments stack up from 0.
    public struct Bar: Sendable {
        public var x: Double
        public var width: Double
        public var segments: [(value: Double, color: SIMD3<Float>)]
        public init(x: Double, width: Double, segments: [(value: Double, color: SIMD3<Float>)]) {
            self.x = x
            self.width = width
            self.segments = segments
        }
    }

    /// A polyline through `points`, with a marker at each point when `markers`.
    public struct Line: Sendable {
        public var color: SIMD3<Float>
        public var points: [SIMD2<Double>]
        public var thickness: Float
        public var markers: Bool
        public init(color: SIMD3<Float>, points: [SIMD2<Double>], thickness: Float = 2, markers: Bool = false) {
            self.color = color
            self.points = points
            self.thickness = thickness
            self.markers = markers
        }
    }

    /// A horizontal reference line across the panel, labelled at its right end.
    public struct Rule: Sendable {
        public var y: Double
        public var color: SIMD3<Float>
        public var label: String
        public init(y: Double, color: SIMD3<Float>, label: String) {
            self.y = y
            self.color = color
            self.label = label
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    /// Tick labels on the x axis; when empty, evenly spaced numeric ticks.
    public var xTicks: [(x: Double, label: String)] = []
    public var bars: [Bar] = []
    public var lines: [Line] = []
    public var rules: [Rule] = []
    /// Legend entries, drawn above the plot area at the right.
    public var legend: [(label: String, color: SIMD3<Float>)] = []

    public init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        // An empty range would divide by zero.
        self.xRange = xRange.lowerBound < xRange.upperBound ? xRange : xRange.lowerBound...(xRange.lowerBound + 1)
        self.yRange = yRange.lowerBound < yRange.upperBound ? yRange : yRange.lowerBound...(yRange.lowerBound + 1)
    }

    func project(_ p: SIMD2<Double>, _ f: Layout.Frame) -> SIMD2<Float> {
        let u = (p.x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        let v = (p.y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return SIMD2(Float(f.x0) + Float(u) * Float(f.x1 - f.x0), Float(f.y1) - Float(v) * Float(f.y1 - f.y0))
    }

    func yTicks() -> [Double] { niceTicks(yRange, count: 5) }

    func draw(in f: Layout.Frame, shapes: inout ShapeBuilder, ink: SIMD3<Float>, background: SIMD3<Float>) {
        let grid = background + (ink - background) * 0.15
        shapes.rect(Float(f.x0), Float(f.y0), Float(f.x1), Float(f.y1), background + (ink - background) * 0.04)
        for t in yTicks() {
            let y = project(SIMD2(xRange.lowerBound, t), f).y
            shapes.rect(Float(f.x0), y - 0.5, Float(f.x1), y + 0.5, grid)
        }
        for bar in bars {
            var base = 0.0
            for s in bar.segments where s.value > 0 {
                let a = project(SIMD2(bar.x - bar.width / 2, base), f), b = project(SIMD2(bar.x + bar.width / 2, base + s.value), f)
                shapes.rect(a.x, b.y, b.x, a.y, s.color)
                base += s.value
            }
        }
        for rule in rules {
            let y = project(SIMD2(xRange.lowerBound, rule.y), f).y
            shapes.rect(Float(f.x0), y - 1, Float(f.x1), y + 1, rule.color)
        }
        for line in lines {
            let pts = line.points.map { project($0, f) }
            for i in 1..<max(1, pts.count) { shapes.segment(pts[i - 1], pts[i], line.thickness, line.color) }
            if line.markers || pts.count == 1 {
                for p in pts { shapes.rect(p.x - 3, p.y - 3, p.x + 3, p.y + 3, line.color) }
            }
        }
        // Axes.
        shapes.rect(Float(f.x0) - 1, Float(f.y0), Float(f.x0) + 1, Float(f.y1) + 1, ink * 0.8)
        shapes.rect(Float(f.x0) - 1, Float(f.y1) - 1, Float(f.x1), Float(f.y1) + 1, ink * 0.8)
    }

    func label(in f: Layout.Frame, ink: SIMD4<UInt8>, into image: inout Image8) {
        let dim = SIMD4<UInt8>(ink.x, ink.y, ink.z, 170)
        BitmapFont.draw(title, x: f.x0, y: f.y0 - 24, scale: 2, color: ink, into: &image)
        for t in yTicks() {
            let y = Int(project(SIMD2(xRange.lowerBound, t), f).y)
            let text = NumberText.short(t, maxDecimals: 2)
            BitmapFont.draw(text, x: f.x0 - 8 - BitmapFont.width(of: text, scale: 2), y: y - 7, scale: 2, color: dim, into: &image)
        }
        let ticks = xTicks.isEmpty ? niceTicks(xRange, count: 8).map { ($0, NumberText.short($0, maxDecimals: 2)) } : xTicks.map { ($0.x, $0.label) }
        for (x, text) in ticks {
            let px = Int(project(SIMD2(x, yRange.lowerBound), f).x)
            BitmapFont.draw(text, x: px - BitmapFont.width(of: text, scale: 2) / 2, y: f.y1 + 8, scale: 2, color: dim, into: &image)
        }
        BitmapFont.draw(xLabel, x: (f.x0 + f.x1 - BitmapFont.width(of: xLabel, scale: 2)) / 2, y: f.y1 + 30, scale: 2, color: dim, into: &image)
        BitmapFont.draw(yLabel, x: f.x0 + 8, y: f.y0 + 6, scale: 2, color: dim, into: &image)
        for rule in rules where !rule.label.isEmpty {
            let y = Int(project(SIMD2(xRange.lowerBound, rule.y), f).y)
            let c = SIMD4<UInt8>(SIMD3<UInt8>(rule.color * 255), 255)
            BitmapFont.draw(rule.label, x: f.x1 - BitmapFont.width(of: rule.label, scale: 2) - 6, y: y - 18, scale: 2, color: c, into: &image)
        }
        var lx = f.x1
        for entry in legend.reversed() {
            let w = BitmapFont.width(of: entry.label, scale: 2)
            lx -= w + 34
            let c = SIMD4<UInt8>(SIMD3<UInt8>(entry.color * 255), 255)
            BitmapFont.draw("■", x: lx, y: f.y0 - 24, scale: 2, color: c, into: &image)
            BitmapFont.draw(entry.label, x: lx + 16, y: f.y0 - 24, scale: 2, color: ink, into: &image)
        }
    }
}

/// Where panels go on the canvas (in output pixels).
struct Layout {
    struct Frame { var x0: Int, y0: Int, x1: Int, y1: Int }
    static let left = 110
    static let right = 40
    static let top = 60
    let width: Int, height: Int, panels: Int

    func frame(_ i: Int) -> Frame {
        let n = max(1, panels)
        let slot = (height - Self.top) / n
        let y0 = Self.top + i * slot + 34
        let y1 = Self.top + (i + 1) * slot - 56
        return Frame(x0: Self.left, y0: y0, x1: width - Self.right, y1: max(y0 + 10, y1))
    }
}

/// Coloured triangles in output pixels (scaled for supersampling), as one mesh.
struct ShapeBuilder {
    let scale: Float
    var positions: [SIMD3<Float>] = []
    var colors: [SIMD4<Float>] = []
    var indices: [UInt32] = []

    init(scale: Float) { self.scale = scale }

    var mesh: Mesh { Mesh(positions: positions, attributes: colors, indices: indices) }

    mutating func quad(_ a: SIMD2<Float>, _ b: SIMD2<Float>, _ c: SIMD2<Float>, _ d: SIMD2<Float>, _ color: SIMD3<Float>) {
        let base = UInt32(positions.count)
        for p in [a, b, c, d] { positions.append(SIMD3(p * scale, 0)); colors.append(SIMD4(color, 1)) }
        indices += [base, base + 1, base + 2, base, base + 2, base + 3]
    }

    mutating func rect(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float, _ color: SIMD3<Float>) {
        quad(SIMD2(x0, y0), SIMD2(x1, y0), SIMD2(x1, y1), SIMD2(x0, y1), color)
    }

    mutating func segment(_ p: SIMD2<Float>, _ q: SIMD2<Float>, _ thickness: Float, _ color: SIMD3<Float>) {
        let d = q - p
        let len = (d * d).sum().squareRoot()
        guard len > 0 else { return }
        let n = SIMD2(-d.y, d.x) / len * (thickness / 2)
        // Extend each end by half the thickness so consecutive segments join without gaps.
        let e = d / len * (thickness / 2)
        quad(p - e + n, q + e + n, q + e - n, p - e - n, color)
    }
}

/// About `count` round tick values covering `range`.
func niceTicks(_ range: ClosedRange<Double>, count: Int) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return [range.lowerBound] }
    let raw = span / Double(max(1, count))
    let magnitude = Double.pow(10, (Double.log10(raw)).rounded(.down))
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var t = (range.lowerBound / step).rounded(.up) * step
    var out: [Double] = []
    while t <= range.upperBound + step * 1e-9 && out.count < 50 {
        out.append(abs(t) < step * 1e-9 ? 0 : t)
        t += step
    }
    return out
}

