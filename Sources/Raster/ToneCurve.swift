import RasterKernels

/// The display's tone curve: Krzysztof Narkowicz's fit of the ACES filmic curve, linear HDR
/// light in, display-linear 0…1 out. Effects tone-maps every frame with `map`; the rasterizer
/// uses `map` and `inverse` to average a pixel's samples as the display shows them
/// (`SampleResolve.toneMapped`). Sixteen values at a time, inlined into the callers' loops.
public enum ToneCurve {
    /// Inputs at or above this come out at the curve's top (just under 1).
    public static let saturation: Float = 7.2

    /// y = x (2.51 x + 0.03) / (x (2.43 x + 0.59) + 0.14), clamped to [0, 1).
    @inlinable @inline(__always)
    public static func map(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let num = x * SIMD16(repeating: 0.03).addingProduct(x, 2.51)
        let den = SIMD16(repeating: 0.14).addingProduct(x, SIMD16(repeating: 0.59).addingProduct(x, 2.43))
        return pp_clamp16(num / den, 0, 0.99999994)
    }

    /// The x ≥ 0 that `map` takes to y, for y in [0, 1): the positive root of
    /// (2.51 − 2.43 y) x² + (0.03 − 0.59 y) x − 0.14 y = 0, in whichever of its two forms does
    /// not cancel.
    @inlinable @inline(__always)
    public static func inverse(_ y: SIMD16<Float>) -> SIMD16<Float> {
        let a = SIMD16(repeating: 2.51).addingProduct(y, -2.43)
        let b = SIMD16(repeating: 0.03).addingProduct(y, -0.59)
        let c = y * 0.14
        let d = pp_sqrt16((b * b).addingProduct(a * c, 4))
        let large = (d - b) / (a + a), small = (c + c) / pp_max16(b + d, SIMD16(repeating: .leastNormalMagnitude))
        return pp_select16(pp_lt16(b, .zero), large, small)
    }
}

/// How a pixel's samples become its one colour when its tile is stored.
public enum SampleResolve: Sendable, Equatable {
    /// Their mean, in linear light: right for a frame that is composited further (a
    /// transparent background), since coverage then stays linear in alpha.
    case linear
    /// The mean of what the display will show: each sample's colour, times `exposure`, through
    /// `ToneCurve.map`, averaged, then back through `ToneCurve.inverse` and divided by the
    /// exposure. Still a resolve in linear light before the effects, but weighted so that an
    /// edge between a bright and a dark surface steps evenly on screen, as a box filter of the
    /// final picture does; with a plain mean the bright side swallows the edge (a pixel with
    /// one sample of light 8 and three of 0 averages to 2, which the curve shows as near
    /// white). Pixels whose samples agree keep their colour bit for bit, and so do pixels
    /// whose samples all lie at the curve's top, which take the plain mean (bloom keeps their
    /// energy).
    case toneMapped(exposure: Float)
}
