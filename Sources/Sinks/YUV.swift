import SinksKernels

/// RGBA8 → YUV 4:2:0 planes, BT.709 matrix, limited ("TV") range, in fixed point: the same
/// bytes on every CPU, which an encoder library's SIMD paths do not promise. Chroma is the
/// mean of each 2×2 block (centre siting, tagged as such). Alpha is ignored.
///
/// Y  = 16  + 219/255 · (0.2126 R + 0.7152 G + 0.0722 B)
/// Cb = 128 + 224/255 · (B − Y₀) / 1.8556,   Cr = 128 + 224/255 · (R − Y₀) / 1.5748
/// with coefficients rounded to 1/32768 (their sums kept exact: 219/255 for Y, 0 for Cb, Cr).
public enum YUV420 {
    static let yR: Int32 = 5983, yG: Int32 = 20127, yB: Int32 = 2032
    static let yOffset: Int32 = 16 << 15 + 1 << 14
    static let cbR: Int32 = -3298, cbG: Int32 = -11094, cbB: Int32 = 14392
    static let crR: Int32 = 14392, crG: Int32 = -13073, crB: Int32 = -1319
    /// Chroma is computed from sums of four pixels: 2 more bits of shift.
    static let cOffset: Int32 = 128 << 17 + 1 << 16

    /// A plane to write: base address and bytes per row.
    public struct Plane {
        public var base: UnsafeMutablePointer<UInt8>
        public var stride: Int
        public init(_ base: UnsafeMutablePointer<UInt8>, stride: Int) {
            self.base = base
            self.stride = stride
        }
    }

    /// Converts a `width`×`height` RGBA image (`width * 4` bytes per row; both sizes even),
    /// with the vectorized C kernel.
    public static func convert(rgba: UnsafePointer<UInt8>, width: Int, height: Int, y: Plane, u: Plane, v: Plane) {
        precondition(width % 2 == 0 && height % 2 == 0, "4:2:0 needs even sizes")
        photophore_rgba_to_yuv420(rgba, Int32(width), 0, Int32(height), y.base, y.stride, u.base, u.stride, v.base, v.stride)
    }

    /// Converts with the scalar code only: the reference the SIMD path is tested against.
    public static func convertScalar(rgba: UnsafePointer<UInt8>, width: Int, height: Int, y: Plane, u: Plane, v: Plane) {
        for row in stride(from: 0, to: height, by: 2) {
            let r0 = rgba + row * width * 4, r1 = r0 + width * 4
            for x in stride(from: 0, to: width, by: 2) {
                scalarBlock(r0: r0, r1: r1, x: x, y0: y.base + row * y.stride, y1: y.base + (row + 1) * y.stride,
                            u: u.base + (row / 2) * u.stride, v: v.base + (row / 2) * v.stride)
            }
        }
    }

    /// One 2×2 block: four Y samples and one Cb, Cr.
    @inline(__always)
    static func scalarBlock(r0: UnsafePointer<UInt8>, r1: UnsafePointer<UInt8>, x: Int,
                            y0: UnsafeMutablePointer<UInt8>, y1: UnsafeMutablePointer<UInt8>,
                            u: UnsafeMutablePointer<UInt8>, v: UnsafeMutablePointer<UInt8>) {
        var r4: Int32 = 0, g4: Int32 = 0, b4: Int32 = 0
        for (src, dst) in [(r0, y0), (r1, y1)] {
            for dx in 0..<2 {
                let p = src + (x + dx) * 4
                let r = Int32(p[0]), g = Int32(p[1]), b = Int32(p[2])
                dst[x + dx] = UInt8(truncatingIfNeeded: (r &* yR &+ g &* yG &+ b &* yB &+ yOffset) >> 15)
                r4 += r; g4 += g; b4 += b
            }
        }
        u[x / 2] = UInt8(truncatingIfNeeded: (r4 &* cbR &+ g4 &* cbG &+ b4 &* cbB &+ cOffset) >> 17)
        v[x / 2] = UInt8(truncatingIfNeeded: (r4 &* crR &+ g4 &* crG &+ b4 &* crB &+ cOffset) >> 17)
    }
}
