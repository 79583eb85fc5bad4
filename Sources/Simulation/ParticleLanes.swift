import Mind
import RasterKernels

// `EmergenceWorld.particles`, eight particles at a time: the same arithmetic as the scalar
// loop, lane for lane, with both sides of each branch computed and selected by mask.

/// What every particle of a frame shares.
struct ParticleFrame {
    let u: Float, orbR: Float, scale: Float, lightLevel: Float, fraction: Float, tf: Float, g: Float
    let bucket: UInt64
    let sweepY: Float, cs: Float, sn: Float
    let orb: SIMD3<Float>, pivot: SIMD3<Float>
    let flash: Float
    let figure: Int
    let view: SIMD3<Float>
    let seed: UInt64
}

typealias F8 = SIMD8<Float>

/// `fastSin` on eight lanes.
@inline(__always) func fastSin(_ x: F8) -> F8 {
    let twoPi: Float = 6.283_185_307
    var r = x - pp_roundEven8(x * (1 / twoPi)) * twoPi
    let halfPi: Float = 1.570_796_327
    let magnitude = halfPi - abs8(halfPi - abs8(r))
    // Float(signOf: r, magnitudeOf: magnitude).
    let rBits = unsafeBitCast(r, to: SIMD8<UInt32>.self), mBits = unsafeBitCast(magnitude, to: SIMD8<UInt32>.self)
    r = unsafeBitCast((mBits & 0x7FFF_FFFF) | (rBits & 0x8000_0000), to: F8.self)
    let r2 = r * r
    return r * (1 + r2 * (-0.166_666_67 + r2 * (0.008_333_17 + r2 * -0.000_198_409)))
}

@inline(__always) func abs8(_ x: F8) -> F8 {
    unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: F8.self)
}

@inline(__always) func select(_ mask: SIMD8<Int32>, _ a: F8, _ b: F8) -> F8 { pp_select8(mask, a, b) }

extension EmergenceWorld {
    /// Particles `i ..< i + 8` (see `particles(at:eye:range:positions:brightness:glitched:)`).
    @inline(__always)
    func particles8(_ i: Int, _ f: ParticleFrame, target tg: UnsafePointer<SIMD3<Float>>, normal nm: UnsafePointer<SIMD3<Float>>,
                    direction dr: UnsafePointer<SIMD3<Float>>, params pr: UnsafePointer<SIMD4<Float>>,
                    positions: UnsafeMutablePointer<SIMD3<Float>>, brightness: UnsafeMutablePointer<Float>,
                    glitched: UnsafeMutablePointer<UInt8>) {
        var delay = F8(), rank = F8(), phase = F8(), radius = F8()
        var tx = F8(), ty = F8(), tz = F8(), nx = F8(), ny = F8(), nz = F8()
        for l in 0..<8 {
            let p = pr[i + l], t = tg[i + l], n = nm[i + l]
            delay[l] = p.x; rank[l] = p.y; phase[l] = p.z; radius[l] = p.w
            tx[l] = t.x; ty[l] = t.y; tz[l] = t.z
            nx[l] = n.x; ny[l] = n.y; nz[l] = n.z
        }
        let one = F8(repeating: 1), zero = F8(repeating: 0)
        let tf = f.tf
        // Where it rests: on the figure, or circling it in a data ring.
        let onFigure = pp_min8(one, pp_max8(zero, (f.fraction - rank) / 0.05 + 0.5))
        var fx = (tx - f.pivot.x) * f.scale + f.pivot.x
        var fy = (ty - f.pivot.y) * f.scale + f.pivot.y
        var fz = (tz - f.pivot.z) * f.scale + f.pivot.z
        let wobble = 0.006 * fastSin(tf * 3 + phase)
        fx += nx * wobble; fy += ny * wobble; fz += nz * wobble
        var rx = fx, ry = fy, rz = fz
        let inRing = pp_lt8(onFigure, one)
        if pp_signbits8(inRing) != 0 {
            // Data rings: three tilted bands circling the figure in alternate directions.
            let spread = (radius - 0.55) * 4.3
            let band = pp_min8(F8(repeating: 2), pp_toFloat8(pp_toInt8(spread)))
            let jitter = spread - band
            let isOne = pp_lt8(abs8(band - 1), F8(repeating: 0.5))
            let isZero = pp_lt8(band, F8(repeating: 0.5))
            let turn = select(isOne, F8(repeating: -1), one)
            let theta = phase + turn * tf * (0.45 + 0.1 * band)
            let table = { (v: [Float]) -> F8 in select(isZero, F8(repeating: v[0]), select(isOne, F8(repeating: v[1]), F8(repeating: v[2]))) }
            let ringR = table(Self.ringRadius) + 0.09 * (jitter - 0.5)
            let height = table(Self.ringHeight) + 0.14 * fastSin(theta + band * 2.1) + 0.035 * (jitter - 0.5)
                + 0.02 * fastSin(tf * 1.7 + phase * 5)
            let sx = fastSin(theta + 1.570_796_327) * ringR, sz = fastSin(theta) * ringR
            rx = select(inRing, sx + (fx - sx) * onFigure, fx)
            ry = select(inRing, height + (fy - height) * onFigure, fy)
            rz = select(inRing, sz + (fz - sz) * onFigure, fz)
        }
        // The reveal: from the spinning orb to the resting point, along an arc.
        let leave = 0.2 + 0.5 * delay
        var m = pp_min8(one, pp_max8(zero, (f.u - leave) / 0.12))
        var px = rx, py = ry, pz = rz
        let travelling = pp_lt8(m, one)
        if pp_signbits8(travelling) != 0 {
            var dx = F8(), dy = F8(), dz = F8()
            for l in 0..<8 { let d = dr[i + l]; dx[l] = d.x; dy[l] = d.y; dz[l] = d.z }
            let spunX = f.cs * dx + f.sn * dz, spunZ = -f.sn * dx + f.cs * dz
            let reach = 0.85 + 0.15 * rank
            let startX = f.orb.x + spunX * f.orbR * reach, startY = f.orb.y + dy * f.orbR * reach
            let startZ = f.orb.z + spunZ * f.orbR * reach
            let back = 2 - 2 * m
            let eased = select(pp_lt8(m, F8(repeating: 0.5)), 4 * m * m * m, 1 - back * back * back / 2)
            let arc = fastSin(Float.pi * eased) * 0.35
            px = select(travelling, startX + (rx - startX) * eased + spunZ * arc, rx)
            py = select(travelling, startY + (ry - startY) * eased + 0.3 * arc, ry)
            pz = select(travelling, startZ + (rz - startZ) * eased + (-spunX) * arc, rz)
            m = select(travelling, eased, m)
        }
        // Brightness: scanlines, a sweeping band, a fresnel-like rim and the light level.
        var b = 0.62 + 0.38 * fastSin(py * 140 - tf * 5)
        let dySweep = py - f.sweepY
        b += 1.6 / (1 + dySweep * dySweep * 900)
        let index = pp_toFloat8(SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(truncatingIfNeeded: i))
        let settled = pp_lt8(index, F8(repeating: Float(f.figure))) & ~pp_lt8(m, one)
        let facing = abs8(nx * f.view.x + ny * f.view.y + nz * f.view.z)
        b = select(settled, b * (0.45 + 1.3 * (1 - facing) * (1 - facing)) * f.lightLevel, b * (0.55 + 0.45 * (1 - m)))
        b *= 1 + 1.5 * f.flash
        // Glitch: horizontal bands jump sideways, in steps of a twelfth of a second.
        for l in 0..<8 {
            var x = px[l]
            var hit: UInt8 = 0
            if f.g > 0.01 {
                let band = UInt64(bitPattern: Int64((py[l] * 22).rounded(.down)))
                let h = SplitMix64.mix(f.seed &+ band &* 0x9E37_79B9 &+ f.bucket &* 0x85EB_CA6B)
                let r0 = Float(h & 0xFFFF) / 65536, r1 = Float((h >> 16) & 0xFFFF) / 65536
                if r0 < f.g * 0.4 {
                    x += (r1 - 0.5) * 0.35 * f.g
                    hit = 1
                }
            }
            positions[i + l] = SIMD3(x, py[l], pz[l])
            brightness[i + l] = b[l]
            glitched[i + l] = hit
        }
    }
}
