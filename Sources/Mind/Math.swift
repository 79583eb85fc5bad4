// The C math library, not Foundation: Mind's update path stays free of Foundation.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func expm(_ x: Double) -> Double { exp(x) }
@inline(__always) func sine(_ x: Double) -> Double { sin(x) }
@inline(__always) func root(_ x: Double) -> Double { sqrt(x) }

/// The fraction of the way toward a target that a cross-fade with time constant `tau` covers
/// in `dt`: `1 - exp(-dt / tau)`. Independent of the frame rate: two steps of dt/2 cover the
/// same as one of dt.
@inline(__always) public func crossFadeWeight(dt: Double, tau: Double) -> Double {
    guard dt > 0 else { return 0 }
    guard tau > 0 else { return 1 }
    return 1 - exp(-dt / tau)
}
