import Raster
import RasterKernels

// Bloom: a bright pass and a mip chain, in the style of the Call of Duty / UE4 bloom.
//
// Down: each level is the previous one filtered with the separable [1 3 3 1]/8 kernel and
// decimated by 2 (the 2×2 box of bilinear taps). The chain starts at quarter resolution: the
// HDR target goes through a transient half-resolution step, where the soft-threshold bright
// pass runs.
// Up: from the smallest level back to the largest, each level adds the next smaller one
// upsampled with a 3×3 tent. The tent at a half-texel offset, sampled bilinearly, is the
// separable polyphase kernel [1 5 9 1]/16 (even outputs) and [1 9 5 1]/16 (odd outputs):
// smooth and round, with no blockiness. The composite upsamples level 0 (quarter
// resolution) 4× bilinearly, which on a signal this smooth shows no structure.
//
// Every pass runs row by row: a vertical filter into a scratch row (SIMD across x), then a
// horizontal filter from the padded scratch row (SIMD with lane shuffles). No pass needs a
// full-size temporary.

extension PostProcessor {
    func runBloom(_ target: RenderTarget, exposure: Float, settings: EffectSettings, levels: Int) {
        let threshold = settings.bloomThreshold.isFinite ? max(settings.bloomThreshold, 0) : 1
        let knee = threshold * min(max(settings.bloomKnee.isFinite ? settings.bloomKnee : 0, 0), 1)
        downsampleTarget(target, exposure: exposure, threshold: threshold, knee: knee)
        for k in 0..<(levels - 1) { downsample(from: mips[k], to: mips[k + 1]) }
        for k in stride(from: levels - 2, through: 0, by: -1) { upsampleAdd(from: mips[k + 1], into: mips[k]) }
    }

    /// Full resolution (the target's tiles) → half resolution (rows in a per-slot ring, with
    /// exposure, sanitising and the bright pass) → `mips[0]` at quarter resolution. The half
    /// resolution level is never stored whole: it would cost more memory traffic than the
    /// rest of the chain, for detail the blur removes anyway.
    func downsampleTarget(_ target: RenderTarget, exposure: Float, threshold: Float, knee: Float) {
        let dst = mips[0]
        let w = width, h = height
        let halfWidth = (w + 1) / 2, halfHeight = (h + 1) / 2
        let storage = target.unsafeStorage, tilesX = target.tilesX
        let tileStride = RenderTarget.tileStride, planeStride = RenderTarget.planeStride
        let shift = RenderTarget.tileShift, size = RenderTarget.tileSize
        let scratch = self.scratch
        forRows(dst.height, ranges: Self.targetRanges(pool.threads)) { slot, rows in
            @inline(__always) func rowBase(_ y: Int) -> UnsafeMutablePointer<UInt16> {
                storage + (y >> shift) * tilesX * tileStride + (y & (size - 1)) * size
            }
            /// Computes half-resolution row `hy` into ring rows `ringRow(hy & 3, c)`.
            @inline(__always) func ringRow(_ r: Int, _ c: Int) -> UnsafeMutablePointer<Float> {
                scratch.row(slot, Scratch.ringRows + 3 * r + c)
            }
            func halfRow(_ hy: Int) {
                let r0 = rowBase(min(max(2 * hy - 1, 0), h - 1)), r1 = rowBase(min(2 * hy, h - 1))
                let r2 = rowBase(min(2 * hy + 1, h - 1)), r3 = rowBase(min(2 * hy + 2, h - 1))
                let next = 2 * hy + 4 < h ? (rowBase(2 * hy + 3), rowBase(2 * hy + 4)) : nil
                for c in 0..<3 {
                    let v = scratch.row(slot, c)
                    let po = c * planeStride
                    for tx in 0..<tilesX {
                        let x0 = tx * size
                        let o = tx * tileStride + po
                        if let next {
                            // The next half row reads two more source rows; ask for them now
                            // (see `prefetchTileRow`).
                            prefetchTileRow(next.0 + o, planeStride: 0)
                            prefetchTileRow(next.1 + o, planeStride: 0)
                        }
                        let n = min(size, w - x0)
                        var k = 0
                        while k < n {
                            let a = sanitize(load16(r0 + o + k), exposure), b = sanitize(load16(r1 + o + k), exposure)
                            let cc = sanitize(load16(r2 + o + k), exposure), d = sanitize(load16(r3 + o + k), exposure)
                            store16(((a + d) * 0.125).addingProduct(b + cc, 0.375), v + x0 + k)
                            k += 16
                        }
                    }
                    padEdges(v, width: w, end: decimationEnd(w))
                }
                let r = hy & 3
                decimateRow(scratch.row(slot, 0), scratch.row(slot, 1), scratch.row(slot, 2), width: halfWidth,
                            into: (ringRow(r, 0), ringRow(r, 1), ringRow(r, 2)),
                            brightPass: true, threshold: threshold, knee: knee)
            }
            // Which half row each ring entry holds; rows of a slot are consecutive, so each
            // half row is computed once (twice at the slot's edges).
            var held = SIMD4<Int>(repeating: -1)
            for j in rows {
                var ys = SIMD4<Int>.zero
                for t in 0..<4 {
                    let hy = min(max(2 * j - 1 + t, 0), halfHeight - 1)
                    ys[t] = hy
                    if held[hy & 3] != hy {
                        halfRow(hy)
                        held[hy & 3] = hy
                    }
                }
                for c in 0..<3 {
                    filterRows(ringRow(ys[0] & 3, c), ringRow(ys[1] & 3, c), ringRow(ys[2] & 3, c), ringRow(ys[3] & 3, c),
                               width: halfWidth, into: scratch.row(slot, c))
                }
                decimateRow(scratch.row(slot, 0), scratch.row(slot, 1), scratch.row(slot, 2), width: dst.width,
                            into: (dst.row(0, j), dst.row(1, j), dst.row(2, j)),
                            brightPass: false, threshold: 0, knee: 0)
            }
        }
    }

    /// How many row ranges `downsampleTarget` splits its rows into. Each range computes two
    /// half-resolution rows at its start that the range before it also computed, so it takes
    /// fewer, longer ranges than the other passes.
    static func targetRanges(_ threads: Int) -> Int { 4 * threads }

    /// A pass over a mip level this small runs on the calling thread: waking the others costs
    /// more than they would save.
    static func smallRanges(_ level: MipLevel) -> Int? { level.width * level.height < 65_536 ? 1 : nil }

    /// `src` → `dst` (half its size).
    func downsample(from src: MipLevel, to dst: MipLevel) {
        let scratch = self.scratch
        let h = src.height, w = src.width
        forRows(dst.height, ranges: Self.smallRanges(dst)) { slot, rows in
            for j in rows {
                let y0 = min(max(2 * j - 1, 0), h - 1), y1 = min(2 * j, h - 1)
                let y2 = min(2 * j + 1, h - 1), y3 = min(2 * j + 2, h - 1)
                for c in 0..<3 {
                    filterRows(src.row(c, y0), src.row(c, y1), src.row(c, y2), src.row(c, y3), width: w, into: scratch.row(slot, c))
                }
                decimateRow(scratch.row(slot, 0), scratch.row(slot, 1), scratch.row(slot, 2), width: dst.width,
                            into: (dst.row(0, j), dst.row(1, j), dst.row(2, j)),
                            brightPass: false, threshold: 0, knee: 0)
            }
        }
    }

    /// `dst` += `src` (half its size) upsampled with the tent.
    func upsampleAdd(from src: MipLevel, into dst: MipLevel) {
        let scratch = self.scratch
        forRows(dst.height, ranges: Self.smallRanges(dst)) { slot, rows in
            for j in rows {
                upsampleRow(src, row: j, scratch: scratch, slot: slot,
                            dst: (dst.row(0, j), dst.row(1, j), dst.row(2, j)), scale: 1, accumulate: true)
            }
        }
    }
}

/// The vertical [1 3 3 1]/8 filter of four rows of `width` floats into a scratch row, padded
/// for `decimateRow`.
@inline(__always)
func filterRows(_ r0: UnsafeMutablePointer<Float>, _ r1: UnsafeMutablePointer<Float>, _ r2: UnsafeMutablePointer<Float>,
                _ r3: UnsafeMutablePointer<Float>, width w: Int, into v: UnsafeMutablePointer<Float>) {
    var x = 0
    while x < w {
        let a = load16(r0 + x), b = load16(r1 + x), cc = load16(r2 + x), d = load16(r3 + x)
        store16(((a + d) * 0.125).addingProduct(b + cc, 0.375), v + x)
        x += 16
    }
    padEdges(v, width: w, end: decimationEnd(w))
}

/// Where the padding of a row of `w` floats must reach for `decimateRow`, which reads sixteen
/// output lanes (33 source floats) at a time.
@inline(__always) func decimationEnd(_ w: Int) -> Int { 2 * ((w / 2 + 16) & ~15) + 18 }

/// Horizontal [1 3 3 1]/8 filter and 2× decimation of three padded scratch rows (padded to
/// `decimationEnd`) into three rows of `width` (rounded up to 16) floats, optionally with the
/// soft-knee bright pass.
@inline(__always)
func decimateRow(
    _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
    width: Int, into dst: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
    brightPass: Bool, threshold: Float, knee: Float
) {
    let (dr, dg, db) = dst
    let quarterKneeInv = 1 / max(4 * knee, 1e-5)
    @inline(__always) func filter(_ s: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        let m1 = pp_odd16(load16(s - 2), load16(s + 14))   // s[2i − 1]
        let e0 = pp_even16(load16(s), load16(s + 16))      // s[2i]
        let o0 = pp_odd16(load16(s), load16(s + 16))       // s[2i + 1]
        let p2 = pp_even16(load16(s + 2), load16(s + 18))  // s[2i + 2]
        return ((m1 + p2) * 0.125).addingProduct(e0 + o0, 0.375)
    }
    var i = 0
    while i < width {
        var vr = filter(r + 2 * i), vg = filter(g + 2 * i), vb = filter(b + 2 * i)
        if brightPass {
            // Soft knee: a quadratic ramp from threshold − knee to threshold + knee, then linear.
            let brightness = pp_max16(vr, pp_max16(vg, vb))
            let ramp = pp_clamp16(brightness - (threshold - knee), 0, 2 * knee)
            let soft = ramp * ramp * quarterKneeInv
            let hard = brightness - threshold
            let contribution = pp_max16(soft, hard) / pp_max16(brightness, SIMD16(repeating: 1e-5))
            vr *= contribution; vg *= contribution; vb *= contribution
        }
        store16(vr, dr + i); store16(vg, dg + i); store16(vb, db + i)
        i += 16
    }
}

/// Row `j` of `src` upsampled 2× with the tent into three rows (`dst`, `2 · src.width` rounded
/// up to 16 floats each): `dst = scale · up` or `dst += scale · up`. Uses scratch rows 0…2.
@inline(__always)
func upsampleRow(
    _ src: MipLevel, row j: Int, scratch: Scratch, slot: Int,
    dst: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
    scale: Float, accumulate: Bool
) {
    let i = j >> 1, h = src.height, w = src.width
    // Even rows: rows i−2, i−1, i, i+1 with weights 1, 5, 9, 1; odd rows: i−1, i, i+1, i+2
    // with 1, 9, 5, 1 (all /16).
    let odd = j & 1 == 1
    let y0 = min(max(odd ? i - 1 : i - 2, 0), h - 1)
    let y1 = min(max(odd ? i : i - 1, 0), h - 1)
    let y2 = min(max(odd ? i + 1 : i, 0), h - 1)
    let y3 = min(odd ? i + 2 : i + 1, h - 1)
    let w1: Float = odd ? 9.0 / 16 : 5.0 / 16, w2: Float = odd ? 5.0 / 16 : 9.0 / 16
    for c in 0..<3 {
        let v = scratch.row(slot, c)
        let r0 = src.row(c, y0), r1 = src.row(c, y1), r2 = src.row(c, y2), r3 = src.row(c, y3)
        var x = 0
        while x < w {
            let outer = (load16(r0 + x) + load16(r3 + x)) * (1.0 / 16)
            store16(outer.addingProduct(load16(r1 + x), w1).addingProduct(load16(r2 + x), w2), v + x)
            x += 16
        }
        padEdges(v, width: w, end: tentEnd(w))
        tentUpsampleRow(v, width: w, into: c == 0 ? dst.0 : (c == 1 ? dst.1 : dst.2), scale: scale, accumulate: accumulate)
    }
}

/// Where the padding of a row of `w` floats must reach for `tentUpsampleRow`.
@inline(__always) func tentEnd(_ w: Int) -> Int { ((w + 15) & ~15) + 16 }

/// The horizontal polyphase tent: a row of `width` floats padded to `tentEnd` → `2 · width`
/// (rounded up to 32) floats at `out`, `out = scale · up` or `out += scale · up`.
@inline(__always)
func tentUpsampleRow(_ v: UnsafeMutablePointer<Float>, width w: Int, into out: UnsafeMutablePointer<Float>,
                     scale: Float, accumulate: Bool) {
    var x = 0
    while x < w {
        let a = load16(v + x - 2), b = load16(v + x - 1), m = load16(v + x), d = load16(v + x + 1), e = load16(v + x + 2)
        let even = ((a + d) * (scale / 16)).addingProduct(b, 5 * scale / 16).addingProduct(m, 9 * scale / 16)
        let odd = ((b + e) * (scale / 16)).addingProduct(m, 9 * scale / 16).addingProduct(d, 5 * scale / 16)
        var lo = pp_zipLo16(even, odd), hi = pp_zipHi16(even, odd)
        let o = out + 2 * x
        if accumulate {
            lo += load16(o)
            hi += load16(o + 16)
        }
        store16(lo, o)
        store16(hi, o + 16)
        x += 16
    }
}

/// The polyphase tent's taps for output index `i` of a 2× upsample onto a grid of `n` source
/// samples: weights 1, 5, 9, 1 (even i) or 1, 9, 5, 1 (odd i), over 16, at clamped indices.
@inline(__always) func tentTaps(_ i: Int, _ n: Int) -> (SIMD4<Int>, SIMD4<Float>) {
    let odd = i & 1 == 1
    let first = (i >> 1) - (odd ? 1 : 2)
    var index = SIMD4<Int>.zero
    for t in 0..<4 { index[t] = min(max(first + t, 0), n - 1) }
    return (index, odd ? SIMD4(1, 9, 5, 1) / 16 : SIMD4(1, 5, 9, 1) / 16)
}

/// Row `y` of the full-resolution bloom, from `src` (quarter resolution) upsampled twice with
/// the tent (to half resolution, then to full), into three rows of at least `4 · src.width`
/// rounded up to 32 floats, times `scale`. Two tent stages rather than one 4× bilinear step:
/// bilinear magnification of a bright halo shows its 4-pixel grid.
///
/// The half-resolution rows live in a ring of four per slot (scratch rows 12…23); `held` says
/// which half row each entry holds, so that consecutive output rows compute each half row
/// once. Also uses scratch rows 0…2 and 9…11.
@inline(__always)
func upsample4Row(
    _ src: MipLevel, row y: Int, fullWidth: Int, fullHeight: Int, scratch: Scratch, slot: Int,
    held: inout SIMD4<Int>,
    dst: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), scale: Float
) {
    let halfWidth = (fullWidth + 1) / 2, halfHeight = (fullHeight + 1) / 2
    let w4 = src.width
    @inline(__always) func ring(_ hy: Int, _ c: Int) -> UnsafeMutablePointer<Float> {
        scratch.row(slot, Scratch.upsampleRing + 3 * (hy & 3) + c)
    }
    let (halfRows, halfWeights) = tentTaps(y, halfHeight)
    for t in 0..<4 {
        let hy = halfRows[t]
        if held[hy & 3] == hy { continue }
        held[hy & 3] = hy
        let (rows, w) = tentTaps(hy, src.height)
        for c in 0..<3 {
            let v = scratch.row(slot, c)
            let r0 = src.row(c, rows[0]), r1 = src.row(c, rows[1]), r2 = src.row(c, rows[2]), r3 = src.row(c, rows[3])
            var x = 0
            while x < w4 {
                let sum = (load16(r0 + x) * w[0]).addingProduct(load16(r1 + x), w[1])
                    .addingProduct(load16(r2 + x), w[2]).addingProduct(load16(r3 + x), w[3])
                store16(sum, v + x)
                x += 16
            }
            padEdges(v, width: w4, end: tentEnd(w4))
            tentUpsampleRow(v, width: w4, into: ring(hy, c), scale: 1, accumulate: false)
        }
    }
    let hw = halfWeights * scale
    for c in 0..<3 {
        let v = scratch.row(slot, 9 + c)
        let h0 = ring(halfRows[0], c), h1 = ring(halfRows[1], c), h2 = ring(halfRows[2], c), h3 = ring(halfRows[3], c)
        var x = 0
        while x < halfWidth {
            let sum = (load16(h0 + x) * hw[0]).addingProduct(load16(h1 + x), hw[1])
                .addingProduct(load16(h2 + x), hw[2]).addingProduct(load16(h3 + x), hw[3])
            store16(sum, v + x)
            x += 16
        }
        padEdges(v, width: halfWidth, end: tentEnd(halfWidth))
        tentUpsampleRow(v, width: halfWidth, into: c == 0 ? dst.0 : (c == 1 ? dst.1 : dst.2), scale: 1, accumulate: false)
    }
}
