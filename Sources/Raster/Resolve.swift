import RasterKernels
import RealModule

/// How linear HDR colour becomes 8-bit.
public enum ColorEncoding: Sendable {
    /// Clamp to [0, 1] and round: what an OpenGL framebuffer without sRGB holds.
    case linear
    /// Clamp to [0, 1] and encode with the sRGB transfer function.
    case sRGB
}

/// An 8-bit RGBA image in row-major order, top row first.
public struct Image8: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width * height * 4` bytes: R, G, B, A.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 4)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 4))
    }

    public subscript(x: Int, y: Int) -> SIMD4<UInt8> {
        let o = (y * width + x) * 4
        return SIMD4(pixels[o], pixels[o + 1], pixels[o + 2], pixels[o + 3])
    }
}

/// The sRGB encoding as a table of 16384 entries over linear [0, 1]. The index step is
/// 1/16383 of linear light, under a fifth of an 8-bit step even at the steep dark end.
let sRGBTable: [UInt8] = (0..<16384).map { i in
    let c = Double(i) / 16383
    let s = c <= 0.0031308 ? 12.92 * c : 1.055 * Double.pow(c, 1 / 2.4) - 0.055
    return UInt8((s * 255).rounded())
}

extension RenderTarget {
    /// Converts the HDR colour buffer to 8-bit RGBA. Alpha is written as stored (clamped);
    /// pass `opaqueAlpha` to write 255.
    public func resolve(
        encoding: ColorEncoding, opaqueAlpha: Bool = true, into image: inout Image8, pool: WorkerPool
    ) {
        precondition(image.width == width && image.height == height, "image size must match")
        image.pixels.withUnsafeMutableBytes { raw in
            let out = UnsafeSendable(raw.baseAddress!.assumingMemoryBound(to: UInt32.self))
            pool.forEach(tileCount) { tile in
                self.resolveTile(tile, encoding: encoding, opaqueAlpha: opaqueAlpha, out: out.value)
            }
        }
    }

    /// Convenience: a new image.
    public func resolved(encoding: ColorEncoding, opaqueAlpha: Bool = true, pool: WorkerPool = WorkerPool(threads: 1)) -> Image8 {
        var image = Image8(width: width, height: height)
        resolve(encoding: encoding, opaqueAlpha: opaqueAlpha, into: &image, pool: pool)
        return image
    }

    private func resolveTile(_ tile: Int, encoding: ColorEncoding, opaqueAlpha: Bool, out: UnsafeMutablePointer<UInt32>) {
        let tx = tile % tilesX, ty = tile / tilesX
        let x0 = tx * Self.tileSize, y0 = ty * Self.tileSize
        let w = min(Self.tileSize, width - x0), h = min(Self.tileSize, height - y0)
        let base = tileBase(tile)
        let n = Self.planeStride
        var scratch = (UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0))
        sRGBTable.withUnsafeBufferPointer { table in
            for ry in 0..<h {
                let row = base + ry * Self.tileSize
                let dst = out + (y0 + ry) * width + x0
                var rx = 0
                while rx < w {
                    let p = row + rx
                    let r = pp_loadHalf8(p), g = pp_loadHalf8(p + n), b = pp_loadHalf8(p + 2 * n)
                    let a = keepsAlpha ? pp_loadHalf8(p + 3 * n) : SIMD8(repeating: 1)
                    var packed: SIMD8<UInt32>
                    let alpha: SIMD8<UInt32> = opaqueAlpha || !keepsAlpha
                        ? SIMD8(repeating: 255 << 24) : quantize(a, scale: 255) &<< 24
                    switch encoding {
                    case .linear:
                        packed = quantize(r, scale: 255) | (quantize(g, scale: 255) &<< 8)
                            | (quantize(b, scale: 255) &<< 16) | alpha
                    case .sRGB:
                        let ri = quantize(r, scale: 16383), gi = quantize(g, scale: 16383), bi = quantize(b, scale: 16383)
                        packed = alpha
                        for l in 0..<8 {
                            packed[l] |= UInt32(table[Int(ri[l])]) | UInt32(table[Int(gi[l])]) << 8
                                | UInt32(table[Int(bi[l])]) << 16
                        }
                    }
                    let count = min(8, w - rx)
                    if count == 8 {
                        UnsafeMutableRawPointer(dst + rx).storeBytes(of: packed, as: SIMD8<UInt32>.self)
                    } else {
                        withUnsafeMutableBytes(of: &scratch) { $0.storeBytes(of: packed, as: SIMD8<UInt32>.self) }
                        withUnsafeBytes(of: scratch) { s in
                            for l in 0..<count { dst[rx + l] = s.load(fromByteOffset: l * 4, as: UInt32.self) }
                        }
                    }
                    rx += 8
                }
            }
        }
    }
}

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// round(clamp(v, 0, 1) · scale) as unsigned integers; NaN becomes 0.
@inline(__always) func quantize(_ v: SIMD8<Float>, scale: Float) -> SIMD8<UInt32> {
    let c = pp_clamp8(v, 0, 1)
    let i = pp_toInt8(c * scale + 0.5)
    return SIMD8<UInt32>(truncatingIfNeeded: i)
}
