/// Multisample anti-aliasing: how many coverage and depth samples a pixel has, and where.
///
/// With n > 1 samples, a triangle's coverage and depth are decided at each of n points of the
/// pixel. The fragment is shaded once per pixel per triangle, at the pixel centre, and its
/// colour is blended into each covered sample that passes the depth test. When a tile is stored,
/// each pixel's samples are averaged in linear light (premultiplied, before tone mapping and
/// effects), the box filter of MSAA resolves.
///
/// Sprites (`DrawCall(sprites:)`) keep pixel-centre coverage: their edges are soft in the
/// kernel already, so every sample of a pixel gets the centre's coverage (depth is still tested
/// per sample) and a sprite costs what it costs with one sample.
///
/// The positions are those of Direct3D's standard patterns, which Mesa's llvmpipe also uses,
/// given here in this window space (y down), in 1/16 pixel from the centre.
public enum SamplePattern {
    /// The sample counts the rasterizer draws.
    public static let supported = [1, 2, 4, 8]
    /// What `render` and `play` draw unless told otherwise (docs/cli.md, "Anti-aliasing").
    public static let standard = 4

    /// Sample offsets from the pixel centre in 1/16 pixel (x right, y down).
    static func offsets16(_ n: Int) -> [SIMD2<Int32>] {
        switch n {
        case 1: return [SIMD2(0, 0)]
        case 2: return [SIMD2(4, -4), SIMD2(-4, 4)]
        case 4: return [SIMD2(-2, 6), SIMD2(6, 2), SIMD2(-6, -2), SIMD2(2, -6)]
        case 8:
            return [SIMD2(1, 3), SIMD2(-1, -3), SIMD2(5, -1), SIMD2(-3, 5),
                    SIMD2(-5, -5), SIMD2(-7, 1), SIMD2(3, -7), SIMD2(7, 7)]
        default: preconditionFailure("\(n) samples: the rasterizer draws 1, 2, 4 or 8")
        }
    }

    /// Sample offsets in the fixed point of window positions (1/256 pixel).
    static func offsets(_ n: Int) -> [SIMD2<Int32>] { offsets16(n).map { $0 &* 16 } }

    /// The largest distance of a sample from its pixel's centre along x or y, in 1/256 pixel:
    /// how far past a pixel centre a triangle's bounds must reach to find every sample it covers.
    static func reach(_ n: Int) -> Int64 {
        Int64(offsets(n).map { max(abs($0.x), abs($0.y)) }.max()!)
    }
}
