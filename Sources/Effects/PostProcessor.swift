import Raster

@_exported import Appearance

/// What the post-processing chain does to one frame: the `Look` a scene asked for, and the
/// chain's own settings. The richness profile decides which effects are on at all (see
/// `limited(to:)`).
public struct EffectSettings: Sendable, Equatable {
    /// Exposure, bloom strength and threshold, chromatic aberration, glitch, grain and
    /// vignette, as the scene asked (each is also a property of its own below).
    public var look = Look()
    /// Bloom: the soft knee, as a fraction of the threshold. Light starts to bloom at
    /// `threshold · (1 − knee)` and reaches full strength at `threshold · (1 + knee)`, so
    /// highlights do not pop in and out.
    public var bloomKnee: Float = 0.5
    /// Bloom: mip levels, 1 … 8 (quarter resolution down to 1/512), for a frame 1080 pixels
    /// high. More levels, wider halo. A frame of another height uses one level more per
    /// doubling of its height and one fewer per halving (`bloomLevels(forHeight:)`), so the
    /// halo is the same share of the picture at any size: a 480×270 thumbnail blooms as its
    /// 1920×1080 poster does, box-filtered.
    public var bloomLevels: Int = 5

    /// The mip levels bloom uses in a frame `height` pixels high: `bloomLevels` plus
    /// log2(height / 1080), rounded, within 1 … 8.
    public func bloomLevels(forHeight height: Int) -> Int {
        var shift = 0, h = Double(max(height, 1)) / 1080
        while h >= 2.0.squareRoot() { h /= 2; shift += 1 }
        while h < 0.5.squareRoot() { h *= 2; shift -= 1 }
        return min(max(bloomLevels + shift, 1), PostProcessor.maxBloomLevels)
    }
    /// Dither the 8-bit resolve so that dark gradients do not band.
    public var dither: Bool = true
    /// Seed for grain, glitch and dither: the same (seed, frame) pair gives the same pixels.
    public var seed: UInt64 = 0
    /// Frame number for grain, glitch and dither; noise is keyed by (seed, frame, pixel), never
    /// by thread or row order.
    public var frame: Int = 0
    /// Write alpha: the target's alpha plane is the coverage, and the 8-bit pixels are straight
    /// (not premultiplied) colour with an alpha that is the larger of the coverage and the
    /// pixel's light (see `resolveTransparentRow`). Off, the default: alpha 255, and the opaque
    /// path's bytes.
    public var transparent: Bool = false

    public init() {}

    /// `look.exposure`.
    public var exposure: Float { get { look.exposure } set { look.exposure = newValue } }
    /// `look.bloomStrength`.
    public var bloomStrength: Float { get { look.bloomStrength } set { look.bloomStrength = newValue } }
    /// `look.bloomThreshold`.
    public var bloomThreshold: Float { get { look.bloomThreshold } set { look.bloomThreshold = newValue } }
    /// `look.chromaticAberration`.
    public var chromaticAberration: Float { get { look.chromaticAberration } set { look.chromaticAberration = newValue } }
    /// `look.glitch`.
    public var glitch: Float { get { look.glitch } set { look.glitch = newValue } }
    /// `look.grain`.
    public var grain: Float { get { look.grain } set { look.grain = newValue } }
    /// `look.vignette`.
    public var vignette: Float { get { look.vignette } set { look.vignette = newValue } }

    /// Typical settings for a richness profile; scenes then drive glitch and chromatic
    /// aberration per frame (they are 0 here).
    public static func preset(_ richness: Richness) -> EffectSettings {
        var s = EffectSettings()
        switch richness {
        case .minimal:
            break
        case .standard:
            s.bloomStrength = 0.6
            s.bloomLevels = 3
            s.vignette = 0.3
        case .rich:
            s.bloomStrength = 0.8
            s.bloomLevels = 5
            s.vignette = 0.35
            s.grain = 0.04
        }
        return s
    }

    /// These settings with the effects a richness profile does not run turned off: minimal
    /// keeps exposure and dither; standard adds bloom (at most 3 levels) and the vignette.
    public func limited(to richness: Richness) -> EffectSettings {
        var s = self
        switch richness {
        case .minimal:
            s.bloomStrength = 0
            s.vignette = 0
            fallthrough
        case .standard:
            s.bloomLevels = min(s.bloomLevels, 3)
            s.chromaticAberration = 0
            s.glitch = 0
            s.grain = 0
        case .rich:
            break
        }
        return s
    }
}

/// The HDR post-processing chain: bloom, ACES filmic tone mapping, chromatic aberration,
/// glitch, grain, vignette and a dithered sRGB resolve. Deterministic and independent of the
/// thread count. Keeps its buffers between frames: a frame allocates nothing.
///
/// Not reentrant: one `process` call at a time per instance.
public final class PostProcessor: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let pool: WorkerPool

    /// The bloom mip chain; `mips[0]` is quarter resolution.
    let mips: [MipLevel]
    /// Scratch rows for each worker thread (see `Scratch`).
    let scratch: Scratch
    /// The composite's horizontal taps for red and blue under chromatic aberration.
    let nearTaps: (red: NearTaps, blue: NearTaps)
    /// Rows are split into up to this many contiguous ranges, many per thread so that a
    /// stalled thread holds back little. The split never changes the result: every row is
    /// computed the same way whoever runs it.
    let ranges: Int
    /// What the last `process` added as bloom: `bloomScale` × the upsampled `mips[0]`.
    var bloomScale: Float = 0

    static let maxBloomLevels = 8

    public init(width: Int, height: Int, pool: WorkerPool) {
        precondition(width >= 1 && height >= 1, "size must be at least 1×1")
        self.width = width
        self.height = height
        self.pool = pool
        var levels = [MipLevel]()
        var w = (width + 1) / 2, h = (height + 1) / 2
        for _ in 0..<Self.maxBloomLevels {
            w = (w + 1) / 2
            h = (h + 1) / 2
            levels.append(MipLevel(width: w, height: h))
        }
        mips = levels
        ranges = max(1, min(height, 16 * pool.threads))
        scratch = Scratch(slots: pool.threads, width: width)
        nearTaps = (NearTaps(width: width), NearTaps(width: width))
    }

    deinit {
        for m in mips { m.deallocate() }
        scratch.deallocate()
        nearTaps.red.deallocate()
        nearTaps.blue.deallocate()
    }

    /// Runs the chain on `target` (which it does not modify) and writes the 8-bit sRGB result
    /// (alpha 255, or see `EffectSettings.transparent`).
    public func process(_ target: RenderTarget, settings: EffectSettings, into image: inout Image8) {
        precondition(image.width == width && image.height == height, "image and post-processor sizes must match")
        image.pixels.withUnsafeMutableBytes { raw in
            process(target, settings: settings, into: raw.baseAddress!, rowBytes: width * 4)
        }
    }

    /// Runs the chain on `target` and writes the 8-bit result into `width` × `height` RGBA
    /// pixels at `pixels`, rows `rowBytes` apart (a locked window texture, say). Nothing
    /// outside those rows' pixels is written.
    public func process(_ target: RenderTarget, settings: EffectSettings, into pixels: UnsafeMutableRawPointer, rowBytes: Int) {
        precondition(target.width == width && target.height == height, "target and post-processor sizes must match")
        precondition(rowBytes >= width * 4 && rowBytes % 4 == 0, "rows must hold width whole pixels")
        let bloomOn = settings.bloomStrength > 0 && settings.bloomStrength.isFinite
        let exposure = settings.exposure.isFinite ? max(settings.exposure, 0) : 1
        if bloomOn {
            let levels = settings.bloomLevels(forHeight: height)
            runBloom(target, exposure: exposure, settings: settings, levels: levels)
            bloomScale = settings.bloomStrength / Float(levels)
        } else {
            bloomScale = 0
        }
        composite(target, settings: settings, exposure: exposure, bloom: bloomOn,
                  out: pixels.assumingMemoryBound(to: UInt32.self), pitch: rowBytes / 4)
    }

    /// The light the last `process` call added as bloom at a pixel (linear, after exposure,
    /// before tone mapping), to within float rounding; zero when bloom was off. For tests and
    /// tools.
    public func bloomLight(x: Int, y: Int) -> SIMD3<Float> {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        if bloomScale == 0 { return .zero }
        let low = mips[0]
        // The same two tent stages as `upsample4Row`.
        func taps(_ i: Int, _ full: Int, _ n: Int) -> [(Int, Float)] {
            var result: [(Int, Float)] = []
            let (halves, hw) = tentTaps(i, (full + 1) / 2)
            for t in 0..<4 {
                let (quarters, qw) = tentTaps(halves[t], n)
                for u in 0..<4 { result.append((quarters[u], hw[t] * qw[u])) }
            }
            return result
        }
        var sum = SIMD3<Float>.zero
        for (yy, wy) in taps(y, height, low.height) {
            for (xx, wx) in taps(x, width, low.width) {
                let o = yy * low.stride + xx
                let value = SIMD3<Float>(low.plane(0)[o], low.plane(1)[o], low.plane(2)[o])
                sum += value * (wy * wx)
            }
        }
        return sum * bloomScale
    }

    /// Calls `body(slot, rows)` for contiguous row ranges covering `0..<rows`, in parallel;
    /// `slot` names the scratch rows of the worker running the call. `ranges` replaces the
    /// usual number of ranges for a pass that is better split otherwise (1: on this thread).
    @inline(__always)
    func forRows(_ rows: Int, ranges: Int? = nil, _ body: (Int, Range<Int>) -> Void) {
        let n = min(ranges ?? self.ranges, rows)
        pool.forEach(n) { worker, s in body(worker, (rows * s / n)..<(rows * (s + 1) / n)) }
    }
}

/// One bloom mip level: three planes (r, g, b), row-major, `stride` floats per row.
///
/// The stride is the width rounded up to 32, so that 16-wide loops may run past the width and
/// the 2× upsample may write two full vectors per input vector. Columns past the width hold
/// finite values that are never read as image content.
struct MipLevel: @unchecked Sendable {
    let width: Int
    let height: Int
    let stride: Int
    let base: UnsafeMutablePointer<Float>

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        stride = (width + 31) & ~31
        let count = 3 * stride * height
        base = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
        base.initialize(repeating: 0, count: count)
    }

    func deallocate() { base.deallocate() }

    @inline(__always) func plane(_ c: Int) -> UnsafeMutablePointer<Float> { base + c * stride * height }
    @inline(__always) func row(_ c: Int, _ y: Int) -> UnsafeMutablePointer<Float> { base + (c * height + y) * stride }
}

/// Scratch rows, `rowsPerSlot` per slot. Each row has `pad` floats before index 0 and room
/// for edge padding after the (rounded-up) width (up to `decimationEnd`, 50 floats past it),
/// so horizontal filters need no bounds checks.
struct Scratch: @unchecked Sendable {
    static let pad = 16
    static let rowsPerSlot = 25
    /// The row of the composite's per-pixel hashes (bit patterns): the grain's, which the
    /// dither of the same pixel reuses.
    static let hashRow = 24
    /// The first of the 12 rows that hold the composite's half-resolution bloom ring.
    static let upsampleRing = 12
    // Rows 0…2: vertical filter results; 3…5: the composite's bloom row; 6…8: its resampled
    // source rows; 9…11: the bloom's half-resolution step; 24: the composite's hashes. While
    // downsampling, 3…14 hold the half-resolution ring instead.
    /// The first of the 12 rows that hold the bloom's half-resolution ring (4 rows × 3 colours).
    static let ringRows = 3
    let rowLength: Int
    let base: UnsafeMutablePointer<Float>
    let count: Int

    init(slots: Int, width: Int) {
        rowLength = ((width + 31) & ~31) + 6 * Self.pad
        count = slots * Self.rowsPerSlot * rowLength
        base = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
        base.initialize(repeating: 0, count: count)
    }

    func deallocate() { base.deallocate() }

    /// Row `k` (0 ..< rowsPerSlot) of a slot, at index 0.
    @inline(__always) func row(_ slot: Int, _ k: Int) -> UnsafeMutablePointer<Float> {
        base + (slot * Self.rowsPerSlot + k) * rowLength + Self.pad
    }
}

/// Repeats the edge values of a scratch row into its padding: `pad` floats to the left, and
/// from `width` up to `end` on the right.
@inline(__always) func padEdges(_ row: UnsafeMutablePointer<Float>, width: Int, end: Int) {
    let first = row[0], last = row[width - 1]
    for i in 1...Scratch.pad { row[-i] = first }
    var i = width
    while i < end { row[i] = last; i += 1 }
}
