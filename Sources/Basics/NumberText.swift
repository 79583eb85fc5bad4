#if canImport(Glibc)
import Glibc
#endif

/// The one way numbers become text for people and files: the same digits whatever the
/// locale, and without Foundation.
public enum NumberText {
    /// `x` with exactly `decimals` digits after the point, rounded to the nearest (as C's
    /// `%.*f`, from the exact binary value): `fixed(48.25, 1)` is "48.2", `fixed(3, 2)` "3.00",
    /// `fixed(-0.04, 1)` "-0.0". Infinities and NaN are "inf", "-inf" and "nan".
    public static func fixed(_ x: Double, _ decimals: Int = 1) -> String {
        let digits = Int32(max(0, min(decimals, 30)))
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let n = withVaList([digits, x]) { vsnprintf(buffer.baseAddress, buffer.count, "%.*f", $0) }
            let length = max(0, min(Int(n), buffer.count - 1))
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: length), as: UTF8.self)
        }
    }

    /// `x` in the shortest form that reads back as its value: a whole number below 10^15
    /// without a point ("3", "-12"), any other number in Swift's shortest round-trip spelling
    /// ("0.25", "1e+20"), after rounding it to `maxDecimals` digits after the point when given
    /// (so `short(0.30000000000000004, maxDecimals: 2)` is "0.3", and 2.999 with 2 is "3.0").
    /// Infinities and NaN are "inf", "-inf" and "nan".
    public static func short(_ x: Double, maxDecimals: Int? = nil) -> String {
        if x.isFinite && x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        guard let maxDecimals, x.isFinite else { return "\(x)" }
        var p = 1.0
        for _ in 0..<max(0, maxDecimals) { p *= 10 }
        return "\((x * p).rounded() / p)"
    }
}
