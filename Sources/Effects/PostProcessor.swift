import Raster

/// What the post-processing chain does to one frame. Scenes fill this in per frame; the
/// richness profile decides which effects are on at all.
public struct EffectSettings: Sendable, Equatable {
    /// Linear multiplier applied before tone mapping.
    public var exposure: Float = 1
    /// Bloom: how much of the blurred bright light is added back (0 turns bloom off).
    public var bloomStrength: Float = 0
    /// Bloom: luminance above which light blooms.
    public var bloomThreshold: Float = 1
    /// Chromatic aberration: red/blue channel offset in pixels at the image corners (0 = off).
    public var chromaticAberration: Float = 0
    /// Glitch: 0 (none) … 1 (heavy): displaced bands and channel splits.
    public var glitch: Float = 0
    /// Film grain amplitude in linear light (0 = off).
    public var grain: Float = 0
    /// Vignette: darkening toward the corners, 0 (none) … 1.
    public var vignette: Float = 0
    /// Dither the 8-bit resolve so that dark gradients do not band.
    public var dither: Bool = true
    /// Seed and frame number for grain and glitch: the same pair gives the same pixels.
    public var seed: UInt64 = 0
    public var frame: Int = 0

    public init() {}
}

/// The HDR post-processing chain: bloom, ACES filmic tone mapping, chromatic aberration,
/// glitch, grain, vignette and a dithered sRGB resolve. Deterministic and independent of the
/// thread count. Keeps its buffers between frames.
public final class PostProcessor: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let pool: WorkerPool

    public init(width: Int, height: Int, pool: WorkerPool) {
        self.width = width
        self.height = height
        self.pool = pool
    }

    /// Runs the chain on `target` (which it may modify) and writes the 8-bit sRGB result.
    public func process(_ target: RenderTarget, settings: EffectSettings, into image: inout Image8) {
        precondition(target.width == width && target.height == height && image.width == width && image.height == height)
        let w = width
        image.pixels.withUnsafeMutableBufferPointer { out in
            let outPtr = UnsafeSendablePointer(out.baseAddress!)
            pool.forEach(height) { y in
                var r = [Float](repeating: 0, count: w), g = r, b = r
                r.withUnsafeMutableBufferPointer { target.readRow(y, plane: 0, into: $0.baseAddress!) }
                g.withUnsafeMutableBufferPointer { target.readRow(y, plane: 1, into: $0.baseAddress!) }
                b.withUnsafeMutableBufferPointer { target.readRow(y, plane: 2, into: $0.baseAddress!) }
                let row = outPtr.pointer + y * w * 4
                for x in 0..<w {
                    let c = SIMD3(r[x], g[x], b[x]) * settings.exposure
                    let mapped = acesFilmic(c)
                    let d: Float = settings.dither ? ditherOffset(x: x, y: y, frame: settings.frame) : 0
                    row[x * 4] = encodeSRGB8(mapped.x, dither: d)
                    row[x * 4 + 1] = encodeSRGB8(mapped.y, dither: d)
                    row[x * 4 + 2] = encodeSRGB8(mapped.z, dither: d)
                    row[x * 4 + 3] = 255
                }
            }
        }
    }
}

/// A raw pointer that crosses into worker threads; each worker writes disjoint rows.
struct UnsafeSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { pointer = p }
}

/// Krzysztof Narkowicz's fit of the ACES filmic curve (input linear, output 0…1).
@inline(__always)
func acesFilmic(_ x: SIMD3<Float>) -> SIMD3<Float> {
    let a: Float = 2.51, b: Float = 0.03, c: Float = 2.43, d: Float = 0.59, e: Float = 0.14
    let y = (x * (a * x + b)) / (x * (c * x + d) + e)
    return y.clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 1))
}

/// An ordered-dither offset in [−0.5, 0.5) of one 8-bit step, from a 4×4 Bayer matrix
/// shifted per frame.
@inline(__always)
func ditherOffset(x: Int, y: Int, frame: Int) -> Float {
    let bayer: [Float] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]
    return (bayer[((y + frame) & 3) * 4 + ((x + frame * 3) & 3)] + 0.5) / 16 - 0.5
}

/// sRGB-encodes a value in 0…1 to 8 bits, adding `dither` steps before rounding.
@inline(__always)
func encodeSRGB8(_ v: Float, dither: Float) -> UInt8 {
    let c = min(max(v, 0), 1)
    let s: Float = c <= 0.0031308 ? 12.92 * c : 1.055 * powf(c, 1 / 2.4) - 0.055
    return UInt8(min(max((s * 255 + 0.5 + dither).rounded(.down), 0), 255))
}

#if canImport(Glibc)
import Glibc
#endif
