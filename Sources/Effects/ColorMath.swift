import Raster
import RasterKernels

// Per-pixel maths of the chain, sixteen pixels at a time: one 512-bit instruction each on
// AVX-512 builds, two 256-bit ones on AVX2 builds. Everything here is inlined into the row
// loops: SIMD values passed to an out-of-line function travel as pairs of SSE halves.

/// Loads eight floats (no alignment needed): the near-sampling of chromatic aberration works
/// in halves of eight.
@inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// Loads sixteen floats (no alignment needed).
@inline(__always) func load16(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

/// Loads sixteen half floats (the render target's colour) as floats.
@inline(__always) func load16(_ p: UnsafeMutablePointer<UInt16>) -> SIMD16<Float> {
    pp_loadHalf16(p)
}

/// Stores sixteen floats (no alignment needed).
@inline(__always) func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// The largest light value the chain carries (the half-float maximum). Infinities are clamped
/// to it, so one bad pixel stays one bright pixel instead of turning the bloom into NaN.
let maxLight: Float = 65504

/// Exposure, then NaN → 0, negatives → 0 and +inf → `maxLight`.
@inline(__always) func sanitize(_ v: SIMD16<Float>, _ exposure: Float) -> SIMD16<Float> {
    pp_clamp16(v * exposure, 0, maxLight)
}

/// Krzysztof Narkowicz's fit of the ACES filmic curve (linear HDR in, display-linear 0…1
/// out), then the sRGB encoding, as unrounded 0…255, with the two clamps merged into one.
@inline(__always) func toneMap255(_ x: SIMD16<Float>) -> SIMD16<Float> {
    srgb255(clamped: toneMap(x))
}

/// The ACES fit alone (`ToneCurve.map`): display-linear values in [0, 1), ready for
/// `srgb255(clamped:)`.
@inline(__always) func toneMap(_ x: SIMD16<Float>) -> SIMD16<Float> { ToneCurve.map(x) }

/// The sRGB transfer function scaled to 0…255 (not rounded), for display-linear values
/// already in [0, 1).
///
/// Above the linear toe, c^(1/2.4) is split as 2^(e/2.4) · m^(1/2.4) with c = m·2^e,
/// m in [1, 2): the first factor comes from a 9-entry table in a register, the second from a
/// degree-4 polynomial. The error is under 0.003 of an 8-bit step, so dithering is not
/// disturbed, and there is no `powf`, table gather or square root per pixel.
@inline(__always) func srgb255(clamped cc: SIMD16<Float>) -> SIMD16<Float> {
    let bits = unsafeBitCast(cc, to: SIMD16<Int32>.self)
    let exponent = (bits &>> 23) &- 127
    let m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD16<Float>.self)
    var p = SIMD16<Float>(repeating: -0.010829147)
    p = SIMD16(repeating: 0.089034401).addingProduct(p, m)
    p = SIMD16(repeating: -0.31827796).addingProduct(p, m)
    p = SIMD16(repeating: 0.8288492).addingProduct(p, m)
    p = SIMD16(repeating: 0.41123396).addingProduct(p, m)
    // 255 · 1.055 · 2^(e/2.4) for e = −9 … −2 (lanes), and e = −1 separately.
    let octaves = SIMD8<Float>(19.995403, 26.69066, 35.627758, 47.55735, 63.481445, 84.73756, 113.11108, 150.98518)
    let index = pp_toInt16(pp_clamp16(pp_toFloat16(exponent) + 9, 0, 8))
    let scale = pp_select16(pp_lt16(pp_toFloat16(index), SIMD16(repeating: 7.5)),
                            pp_permute16(octaves, index), SIMD16(repeating: 201.54103))
    let curve = (scale * p) - 14.025
    let toe = cc * 3294.6
    return pp_select16(pp_lt16(cc, SIMD16(repeating: 0.0031308)), toe, curve)
}

// MARK: Counter-based noise

/// Chris Wellons' "lowbias32" integer finalizer: every output bit depends on every input bit.
/// Noise is a pure function of (seed, frame, position), never of thread count or row order.
@inline(__always) func mix32(_ v: UInt32) -> UInt32 {
    var h = v
    h ^= h >> 16; h &*= 0x7FEB_352D
    h ^= h >> 15; h &*= 0x846C_A68B
    h ^= h >> 16
    return h
}

/// `mix32` on sixteen lanes.
@inline(__always) func mix32(_ v: SIMD16<UInt32>) -> SIMD16<UInt32> {
    var h = v
    h ^= h &>> 16; h &*= 0x7FEB_352D
    h ^= h &>> 15; h &*= 0x846C_A68B
    h ^= h &>> 16
    return h
}

/// A uniform value in [0, 1) from the top 24 bits of a hash.
@inline(__always) func unit(_ h: UInt32) -> Float { Float(h >> 8) * 0x1p-24 }

/// Triangular-PDF noise in (−1, 1) from one 32-bit hash: the sum of two 16-bit uniforms.
/// TPDF dither of ±1 step removes banding and keeps the noise level independent of the signal.
@inline(__always) func triangular(_ h: SIMD16<UInt32>) -> SIMD16<Float> {
    let a = unsafeBitCast(h & 0xFFFF, to: SIMD16<Int32>.self)
    let b = unsafeBitCast(h &>> 16, to: SIMD16<Int32>.self)
    return (pp_toFloat16(a) + pp_toFloat16(b)) * (1.0 / 65536) - 0.99998474
}

/// A per-frame key from the seed and frame number.
@inline(__always) func frameKey(seed: UInt64, frame: Int) -> UInt32 {
    let f = UInt64(bitPattern: Int64(frame))
    return mix32(UInt32(truncatingIfNeeded: seed) ^ mix32(UInt32(truncatingIfNeeded: seed >> 32) ^ mix32(UInt32(truncatingIfNeeded: f) &+ 0x9E37_79B9)))
}
