#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sRGB transfer curves of IEC 61966-2-1, exact (the piecewise curves, not a gamma of
/// 2.2): 8-bit sRGB levels to linear light and back. Every level survives the round trip,
/// `level8(ofLinear: linear(of: v)) == v` for all 256 values.
public enum SRGB {
    /// Linear light (0…1) of an sRGB-encoded value (0…1).
    public static func toLinear(_ s: Double) -> Double {
        s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
    }

    /// The sRGB-encoded value (0…1) of linear light, clamped to 0…1 first.
    public static func fromLinear(_ l: Double) -> Double {
        // 1.055 - 0.055 is not quite 1 in binary: white is taken as it is.
        guard l < 1 else { return 1 }
        let c = max(l, 0)
        return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
    }

    /// Linear light of each 8-bit level: `linearOfLevel[v]` is `toLinear(v / 255)`.
    public static let linearOfLevel: [Float] = (0..<256).map { Float(toLinear(Double($0) / 255)) }

    /// Linear light (0…1) of an 8-bit level.
    @inlinable public static func linear(of level: UInt8) -> Float { linearOfLevel[Int(level)] }

    /// The sRGB level of linear light on the 8-bit scale, 0…255, not rounded.
    public static func level(ofLinear l: Double) -> Double { 255 * fromLinear(l) }

    /// The 8-bit sRGB level of linear light, rounded to the nearest.
    public static func level8(ofLinear l: Double) -> UInt8 { UInt8(level(ofLinear: l).rounded()) }
}
