import Raster
import RasterKernels

// The final full-resolution pass, one row at a time, eight pixels at a time:
//   sample (with chromatic aberration and glitch displacement) → + bloom → vignette → grain
//   → ACES → sRGB → triangular dither → 8 bits.
// Without aberration or a displaced band, a row reads the target's tiles directly. Otherwise
// the channels that move are first resampled vertically into scratch rows, then read along x
// (with unaligned loads when the offset is small, else with gathers).

/// Which resolve the composite pass ends its rows with, as a type, so that each is a copy of
/// the pass of its own (`PostProcessor.composite`).
protocol ResolveMode { static var transparent: Bool { get } }
enum OpaqueResolve: ResolveMode { static var transparent: Bool { false } }
enum TransparentResolve: ResolveMode { static var transparent: Bool { true } }

/// The lane offsets 0 … 7 and 0 … 15.
let laneIndex = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
let laneIndex16 = SIMD16<Float>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

extension PostProcessor {
    func composite(_ target: RenderTarget, settings: EffectSettings, exposure: Float, bloom: Bool,
                   out: UnsafeMutablePointer<UInt32>, pitch: Int) {
        // Two copies of the pass, specialised at compile time: the opaque one has no trace of
        // the transparent resolve (a run-time test in its row loop cost 2 to 4% of the
        // effects' instructions).
        if settings.transparent {
            composite(TransparentResolve.self, target, settings: settings, exposure: exposure, bloom: bloom, out: out, pitch: pitch)
        } else {
            composite(OpaqueResolve.self, target, settings: settings, exposure: exposure, bloom: bloom, out: out, pitch: pitch)
        }
    }

    @inline(__always)
    func composite<Resolve: ResolveMode>(_ mode: Resolve.Type, _ target: RenderTarget, settings: EffectSettings, exposure: Float,
                                         bloom: Bool, out: UnsafeMutablePointer<UInt32>, pitch: Int) {
        let w = width, h = height
        let storage = target.unsafeStorage, tilesX = target.tilesX
        let tileStride = RenderTarget.tileStride, planeStride = RenderTarget.planeStride
        let shift = RenderTarget.tileShift, size = RenderTarget.tileSize
        let scratch = self.scratch
        let bloomLevel = mips[0], bloomScale = self.bloomScale

        func clean(_ v: Float, _ lo: Float, _ hi: Float) -> Float { v.isFinite ? min(max(v, lo), hi) : 0 }
        let aberration = clean(settings.chromaticAberration, 0, 1000)
        let glitch = clean(settings.glitch, 0, 1)
        let grain = clean(settings.grain, 0, 1)
        let vignette = clean(settings.vignette, 0, 1)
        let dither = settings.dither

        // Chromatic aberration as a scale about the centre: red is read from c + (p − c)(1 − k),
        // blue from c + (p − c)(1 + k), so the offset is `aberration` pixels at the corners.
        let cx = Float(w) / 2, cy = Float(h) / 2
        let radius2 = cx * cx + cy * cy
        let k = aberration / radius2.squareRoot()
        let scales = (1 - k, Float(1), 1 + k)
        let invRadius2 = 1 / radius2
        // The near path reads at most `aberration` + 3 pixels past either end of a padded row.
        let nearAberration = aberration <= Float(Scratch.pad - 4) && 8 * k < 1

        let key = frameKey(seed: settings.seed, frame: settings.frame)
        let glitchKey = mix32(key ^ 0x6C8E_9CF5)
        let bandHeight = 2 + Int(mix32(glitchKey) % 30)
        let corruptFrame = glitch > 0 && unit(mix32(glitchKey ^ 0x2F1B_C4D9)) < 0.3 + 0.7 * glitch
        // Where the near path reads red and blue along x depends on the column alone, never on
        // the row: worked out once per frame here, not once per pixel of every row.
        let redTaps = nearTaps.red, blueTaps = nearTaps.blue
        if nearAberration && (aberration > 0 || glitch > 0) {
            redTaps.fill(scale: scales.0, centre: cx)
            blueTaps.fill(scale: scales.2, centre: cx)
        }

        forRows(h) { slot, rows in
            let bloomR = scratch.row(slot, 3), bloomG = scratch.row(slot, 4), bloomB = scratch.row(slot, 5)
            let srcR = scratch.row(slot, 6), srcG = scratch.row(slot, 7), srcB = scratch.row(slot, 8)
            // The row's light before tone mapping (rows 9…11 are free once the bloom row is made).
            let lightR = scratch.row(slot, 9), lightG = scratch.row(slot, 10), lightB = scratch.row(slot, 11)
            // Each pixel's hash, kept by the first loop when it makes grain, for the second
            // loop's dither (the same hash: computing it once saves a hash per pixel).
            let hashes = UnsafeMutableRawPointer(scratch.row(slot, Scratch.hashRow))
            let reuseHash = grain > 0 && dither
            var held = SIMD4<Int>(repeating: -1)
            for y in rows {
                if bloom {
                    upsample4Row(bloomLevel, row: y, fullWidth: w, fullHeight: h, scratch: scratch, slot: slot, held: &held,
                                 dst: (bloomR, bloomG, bloomB), scale: bloomScale)
                }

                // Glitch: bands of `bandHeight` rows; some are displaced sideways, with red and
                // blue split apart.
                var bandShift: Float = 0, split: Float = 0
                if glitch > 0 {
                    let band = UInt32(truncatingIfNeeded: y / bandHeight)
                    let bandHash = mix32(glitchKey ^ (band &* 0x9E37_79B1))
                    if unit(bandHash) < glitch * 0.35 {
                        let u = unit(mix32(bandHash ^ 0xA511_E9B3))
                        bandShift = ((u * 2 - 1) * glitch * 0.08 * Float(w)).rounded()
                        split = (1 + unit(mix32(bandHash ^ 0x63D8_3595)) * 6 * glitch).rounded()
                    }
                }
                // How this row reads its source: straight from the tiles; with red and blue
                // from resampled rows read near their own position (aberration), and in a
                // displaced band with all three resampled and moved by their whole-pixel
                // offsets; or, for an aberration too large for the near path, all three
                // gathered from resampled rows.
                let displaced = bandShift != 0 || split != 0
                let gather = (aberration > 0 || displaced) && !nearAberration
                let near = !gather && (aberration > 0 || displaced)
                let offsets = (bandShift + split, bandShift, bandShift - split)
                let nearEnd = ((w + 7) & ~7) + 32
                if gather || near {
                    for c in 0..<3 where gather || displaced || c != 1 {
                        let s = c == 0 ? scales.0 : (c == 1 ? scales.1 : scales.2)
                        let sy = cy + (Float(y) + 0.5 - cy) * s - 0.5
                        let fy = sy.rounded(.down)
                        let t = sy - fy
                        let ya = min(max(Int(fy), 0), h - 1), yb = min(max(Int(fy) + 1, 0), h - 1)
                        let pa = storage + (ya >> shift) * tilesX * tileStride + (ya & (size - 1)) * size + c * planeStride
                        let pb = storage + (yb >> shift) * tilesX * tileStride + (yb & (size - 1)) * size + c * planeStride
                        let src = c == 0 ? srcR : (c == 1 ? srcG : srcB)
                        // A displaced band resamples into a free scratch row first, then moves it.
                        let dst = near && displaced ? scratch.row(slot, c) : src
                        for tx in 0..<tilesX {
                            let o = tx * tileStride, x0 = tx * size
                            let n = min(size, w - x0)
                            var i = 0
                            if yb + 1 < h {
                                prefetchTileRow(pb + o + (((yb + 1) >> shift) - (yb >> shift)) * tilesX * tileStride
                                    + (((yb + 1) & (size - 1)) - (yb & (size - 1))) * size, planeStride: 0)
                            }
                            while i < n {
                                let a = sanitize(load16(pa + o + i), exposure), b = sanitize(load16(pb + o + i), exposure)
                                store16(a.addingProduct(b - a, t), dst + x0 + i)
                                i += 16
                            }
                        }
                        if near && displaced {
                            let offset = Int(c == 0 ? offsets.0 : (c == 1 ? offsets.1 : offsets.2))
                            shiftRow(dst, by: offset, width: w, into: src, end: nearEnd)
                        } else if near {
                            padEdges(dst, width: w, end: nearEnd)
                        }
                    }
                }

                let rowBase = storage + (y >> shift) * tilesX * tileStride + (y & (size - 1)) * size
                let nextRowOffset = y + 1 < h
                    ? ((y + 1) >> shift) * tilesX * tileStride + ((y + 1) & (size - 1)) * size
                        - ((y >> shift) * tilesX * tileStride + (y & (size - 1)) * size) : 0
                let dy = Float(y) + 0.5 - cy
                let dy2 = dy * dy
                let rowKey = mix32(key ^ (UInt32(truncatingIfNeeded: y) &* 0x85EB_CA6B))
                let dst = out + y * pitch
                let maxX = SIMD8<Float>(repeating: Float(w - 1))
                // First loop, sixteen pixels at a time (the resampling paths work in halves of
                // eight): the light of each pixel before tone mapping.
                var x = 0
                while x < w {
                    let xf16 = laneIndex16 + Float(x)
                    var r: SIMD16<Float>, g: SIMD16<Float>, b: SIMD16<Float>
                    if gather {
                        @inline(__always) func sample(_ row: UnsafeMutablePointer<Float>, _ s: Float, _ offset: Float, _ x0: Int) -> SIMD8<Float> {
                            let xf = laneIndex + Float(x0)
                            let sx = SIMD8(repeating: cx * (1 - s) + 0.5 * s - 0.5 + offset).addingProduct(xf, s)
                            let fx = pp_floor8(sx)
                            let t = sx - fx
                            let i0 = pp_toInt8(pp_clamp8(fx, 0, Float(w - 1)))
                            let i1 = pp_toInt8(pp_min8(pp_clamp8(fx + 1, 0, Float(w - 1)), maxX))
                            let a = pp_gather8(row, i0), b = pp_gather8(row, i1)
                            return a.addingProduct(b - a, t)
                        }
                        @inline(__always) func sample16(_ row: UnsafeMutablePointer<Float>, _ s: Float, _ offset: Float) -> SIMD16<Float> {
                            SIMD16(lowHalf: sample(row, s, offset, x), highHalf: sample(row, s, offset, x + 8))
                        }
                        r = sample16(srcR, scales.0, offsets.0)
                        g = sample16(srcG, scales.1, offsets.1)
                        b = sample16(srcB, scales.2, offsets.2)
                    } else {
                        let p = rowBase + (x >> shift) * tileStride + (x & (size - 1))
                        if x & (size - 1) == 0 && y + 1 < h {
                            // Rows of one tile are 256 bytes apart and the row visits a tile
                            // per 64 pixels: too many streams for the hardware prefetcher.
                            prefetchTileRow(p + nextRowOffset, planeStride: planeStride)
                        }
                        g = near && displaced ? load16(srcG + x) : sanitize(load16(p + planeStride), exposure)
                        if near {
                            // Four unaligned loads and two selects per eight pixels replace the
                            // gathers (see `NearTaps`).
                            @inline(__always) func sampleNear(_ row: UnsafeMutablePointer<Float>, _ taps: NearTaps, _ j: Int) -> SIMD8<Float> {
                                let q = row + Int(taps.starts[j])
                                let l0 = load8(q - 1), l1 = load8(q), l2 = load8(q + 1), l3 = load8(q + 2)
                                let low = taps.low[j], high = taps.high[j]
                                let a = pp_select8(low, l0, pp_select8(high, l2, l1))
                                let b = pp_select8(low, l1, pp_select8(high, l3, l2))
                                return a.addingProduct(b - a, taps.weights[j])
                            }
                            let j = x >> 3
                            r = SIMD16(lowHalf: sampleNear(srcR, redTaps, j), highHalf: sampleNear(srcR, redTaps, j + 1))
                            b = SIMD16(lowHalf: sampleNear(srcB, blueTaps, j), highHalf: sampleNear(srcB, blueTaps, j + 1))
                        } else {
                            r = sanitize(load16(p), exposure)
                            b = sanitize(load16(p + 2 * planeStride), exposure)
                        }
                    }
                    if corruptFrame {
                        // Blocky corruption: in some frames, a few 32×16 blocks lose their
                        // colour depth and have their channels rotated (sixteen pixels never
                        // straddle two blocks).
                        let bx = UInt32(truncatingIfNeeded: x >> 5), by = UInt32(truncatingIfNeeded: y >> 4)
                        let blockHash = mix32(glitchKey ^ (bx &* 0x27D4_EB2F) ^ (by &* 0x1656_67B1))
                        if unit(blockHash) < glitch * glitch * 0.025 {
                            let lift = 0.1 * Float(blockHash & 3)
                            (r, g, b) = (pp_floor16(b * 4) * 0.3 + lift, pp_floor16(r * 4) * 0.3, pp_floor16(g * 4) * 0.3 + 0.1)
                        }
                    }
                    if bloom {
                        r += load16(bloomR + x); g += load16(bloomG + x); b += load16(bloomB + x)
                    }
                    // Vignette and grain are both a per-pixel gain: one product, three multiplies.
                    if vignette > 0 || grain > 0 {
                        var f = SIMD16<Float>(repeating: 1)
                        if vignette > 0 {
                            let dx = xf16 + (0.5 - cx)
                            let r2 = (dx * dx + dy2) * invRadius2
                            f = f.addingProduct(r2 * r2, -vignette)
                        }
                        if grain > 0 {
                            // The pixel's hash, scrambled once more: the grain must not repeat
                            // the dither's pattern.
                            let hash = mix32(SIMD16<UInt32>(truncatingIfNeeded: pp_toInt16(xf16)) ^ rowKey)
                            if reuseHash { hashes.storeBytes(of: hash, toByteOffset: 4 * x, as: SIMD16<UInt32>.self) }
                            let h2 = (hash ^ (hash &>> 15)) &* 0x2C1B_3C6D
                            f = f.addingProduct(f * triangular(h2 ^ (h2 &>> 13)), grain)
                        }
                        r *= f; g *= f; b *= f
                    }
                    store16(r, lightR + x); store16(g, lightG + x); store16(b, lightB + x)
                    x += 16
                }

                // Second loop: tone mapping, encoding and dither, sixteen pixels at a time. Split
                // from the first so each loop is short enough for several iterations to overlap:
                // the chain from the loads to the packed bytes is long, and one loop over both
                // was bound by it.
                if Resolve.transparent {
                    resolveTransparentRow(light: (lightR, lightG, lightB), alpha: rowBase + 3 * planeStride, width: w,
                                          rowKey: rowKey, dither: dither, into: dst)
                    continue
                }
                // The tone curve first, in place, in a loop of its own: the chain from the
                // division through the sRGB polynomial to the packed bytes is too long for the
                // out-of-order window to overlap its iterations. (An 8-lane C version of the
                // whole resolve, with a third fewer instructions, ran no faster on Zen 3; nor
                // did splitting off the sRGB step or the vignette and grain gain as well.)
                x = 0
                while x < w {
                    store16(toneMap(load16(lightR + x)), lightR + x)
                    store16(toneMap(load16(lightG + x)), lightG + x)
                    store16(toneMap(load16(lightB + x)), lightB + x)
                    x += 16
                }
                x = 0
                while x < w {
                    var er = srgb255(clamped: load16(lightR + x)), eg = srgb255(clamped: load16(lightG + x))
                    var eb = srgb255(clamped: load16(lightB + x))
                    if dither {
                        // Exact black stays black: no noise where the value is 0.
                        let hash: SIMD16<UInt32>
                        if reuseHash {
                            hash = hashes.loadUnaligned(fromByteOffset: 4 * x, as: SIMD16<UInt32>.self)
                        } else {
                            hash = mix32(SIMD16<UInt32>(truncatingIfNeeded: pp_toInt16(laneIndex16 + Float(x))) ^ rowKey)
                        }
                        let d = triangular(hash)
                        let zero = SIMD16<Float>(repeating: 0)
                        er += pp_select16(pp_lt16(zero, er), d, zero)
                        eg += pp_select16(pp_lt16(zero, eg), d, zero)
                        eb += pp_select16(pp_lt16(zero, eb), d, zero)
                    }
                    let qr = SIMD16<UInt32>(truncatingIfNeeded: pp_toInt16(pp_clamp16(er + 0.5, 0, 255)))
                    let qg = SIMD16<UInt32>(truncatingIfNeeded: pp_toInt16(pp_clamp16(eg + 0.5, 0, 255)))
                    let qb = SIMD16<UInt32>(truncatingIfNeeded: pp_toInt16(pp_clamp16(eb + 0.5, 0, 255)))
                    let packed = qr | (qg &<< 8) | (qb &<< 16) | 0xFF00_0000
                    if x + 16 <= w {
                        UnsafeMutableRawPointer(dst + x).storeBytes(of: packed, as: SIMD16<UInt32>.self)
                    } else {
                        for l in 0..<(w - x) { dst[x + l] = packed[l] }
                    }
                    x += 16
                }
            }
        }
    }
}

/// The second loop of a transparent frame (`EffectSettings.transparent`), a path of its own
/// so that the opaque one keeps its loop as it is. The light is the premultiplied colour
/// (coverage × colour, plus glow and bloom, which add light and no coverage), tone mapped and
/// encoded as the opaque path does: the picture over black, e (0 to 255 per channel). The
/// alpha is the larger of the coverage (the target's alpha plane, read straight from the tile:
/// sixteen pixels never straddle two tiles) and the brightest of e, so that the straight
/// colour e · 255 / alpha is at most 255. Straight colour and alpha are then dithered and
/// rounded each on its own (alpha only below 255, so covered pixels stay opaque). Composited
/// in the usual way, `straight · a + page · (1 − a)`, the frame over a black page is the opaque
/// frame without its backdrop (to rounding and dither), a covered pixel hides the page, and
/// glow adds its light to the page (as a screen blend does). Under alpha 0 the colour is the
/// straight colour of the faintest light there (black where there is none): a smooth field,
/// which costs a video encoder far less than speckles would.
// Not inlined: the opaque row loop stays the code it was, with one test per row.
@inline(never)
func resolveTransparentRow(light: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
                           alpha: UnsafeMutablePointer<UInt16>, width w: Int, rowKey: UInt32, dither: Bool,
                           into dst: UnsafeMutablePointer<UInt32>) {
    let shift = RenderTarget.tileShift, size = RenderTarget.tileSize, tileStride = RenderTarget.tileStride
    let zero = SIMD16<Float>(repeating: 0), full = SIMD16<Float>(repeating: 255)
    @inline(__always) func quantize(_ v: SIMD16<Float>) -> SIMD16<UInt32> {
        SIMD16<UInt32>(truncatingIfNeeded: pp_toInt16(pp_clamp16(v + 0.5, 0, 255)))
    }
    var x = 0
    while x < w {
        let er = toneMap255(load16(light.0 + x)), eg = toneMap255(load16(light.1 + x)), eb = toneMap255(load16(light.2 + x))
        let coverage = pp_clamp16(load16(alpha + (x >> shift) * tileStride + (x & (size - 1))), 0, 1) * 255
        var a = pp_max16(coverage, pp_max16(er, pp_max16(eg, eb)))
        let k = 255 / pp_max16(a, SIMD16(repeating: 1e-6))
        var sr = er * k, sg = eg * k, sb = eb * k
        if dither {
            let xi = SIMD16<UInt32>(truncatingIfNeeded: pp_toInt16(laneIndex16 + Float(x)))
            let d = triangular(mix32(xi ^ rowKey))
            sr += pp_select16(pp_lt16(zero, sr), d, zero)
            sg += pp_select16(pp_lt16(zero, sg), d, zero)
            sb += pp_select16(pp_lt16(zero, sb), d, zero)
            let da = triangular(mix32(xi ^ rowKey ^ 0x5BD1_E995))
            a += pp_select16(pp_lt16(zero, a), pp_select16(pp_lt16(a, full), da, zero), zero)
        }
        let packed = quantize(sr) | (quantize(sg) &<< 8) | (quantize(sb) &<< 16) | (quantize(a) &<< 24)
        if x + 16 <= w {
            UnsafeMutableRawPointer(dst + x).storeBytes(of: packed, as: SIMD16<UInt32>.self)
        } else {
            for l in 0..<(w - x) { dst[x + l] = packed[l] }
        }
        x += 16
    }
}

/// `dst[j] = src[clamp(j + offset, 0, width − 1)]` for j from −`Scratch.pad` up to `end`: a
/// row moved sideways by whole pixels, with its edge values repeated (as the gathers clamp).
@inline(__always) func shiftRow(_ src: UnsafeMutablePointer<Float>, by offset: Int, width w: Int,
                                into dst: UnsafeMutablePointer<Float>, end: Int) {
    let start = -Scratch.pad
    let a = min(max(-offset, start), end), b = min(max(w - offset, start), end)
    let first = src[0], last = src[w - 1]
    var j = start
    while j < a { dst[j] = first; j += 1 }
    if b > a { (dst + a).update(from: src + a + offset, count: b - a) }
    j = max(a, b)
    while j < end { dst[j] = last; j += 1 }
}

/// Asks for the 64 half floats (two cache lines) of a tile row in the red, green and blue planes
/// (or just the one at `p` when `planeStride` is 0).
@inline(__always) func prefetchTileRow(_ p: UnsafeMutablePointer<UInt16>, planeStride: Int) {
    for plane in 0..<(planeStride == 0 ? 1 : 3) {
        let q = p + plane * planeStride
        pp_prefetch(q); pp_prefetch(q + 32)
    }
}

/// The near path's horizontal taps for one channel of chromatic aberration, for every eight
/// columns of a row: a scale `s` about the centre reads column x from
/// sx = c + (x + ½ − c)·s − ½, linearly between columns ⌊sx⌋ and ⌊sx⌋ + 1. Across eight
/// columns sx differs from x + lane by less than one pixel (8k < 1), so the eight pairs are
/// four unaligned loads from `starts[j]` − 1 … `starts[j]` + 2 and two selects (`low` takes
/// one column to the left, `high` one to the right). None of this depends on the row, so
/// `fill` works it out once per frame. Entry j covers columns 8j … 8j + 7.
struct NearTaps: @unchecked Sendable {
    let count: Int
    let starts: UnsafeMutablePointer<Int32>
    let weights: UnsafeMutablePointer<SIMD8<Float>>
    let low: UnsafeMutablePointer<SIMD8<Int32>>
    let high: UnsafeMutablePointer<SIMD8<Int32>>

    /// Room for a row of `width` pixels, read sixteen at a time.
    init(width: Int) {
        let n = 2 * ((width + 15) / 16)
        func zeroed<T>(_ zero: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<T>.stride, alignment: 64)
                .bindMemory(to: T.self, capacity: n)
            p.initialize(repeating: zero, count: n)
            return p
        }
        count = n
        starts = zeroed(Int32(0))
        weights = zeroed(SIMD8<Float>.zero)
        low = zeroed(SIMD8<Int32>.zero)
        high = zeroed(SIMD8<Int32>.zero)
    }

    func deallocate() {
        starts.deallocate(); weights.deallocate(); low.deallocate(); high.deallocate()
    }

    /// The taps of scale `s` about the centre column `centre`.
    func fill(scale s: Float, centre cx: Float) {
        let start = cx * (1 - s) + 0.5 * s - 0.5
        for j in 0..<count {
            let x0 = 8 * j
            let xf = laneIndex + Float(x0)
            let sx = SIMD8(repeating: start).addingProduct(xf, s)
            let fx = pp_floor8(sx)
            let i0 = Int((start + Float(x0) * s).rounded(.down))
            let delta = fx - (laneIndex + Float(i0))
            starts[j] = Int32(i0)
            weights[j] = sx - fx
            low[j] = pp_lt8(delta, SIMD8(repeating: -0.5))
            high[j] = pp_lt8(SIMD8(repeating: 0.5), delta)
        }
    }
}
