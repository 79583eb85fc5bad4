import Basics
/// A fixed amount of CPU work whose time says how fast this machine is right now.
///
/// Frame times are divided by it before they are compared with a baseline, so that a slower
/// CI machine, or a busier one, does not look like a regression. It mixes what frames do:
/// SIMD float arithmetic and streaming through a buffer larger than the caches. It uses no
/// Photophore code, so a regression in the engine cannot hide by slowing it down too.
public enum Calibration {
    /// Median milliseconds of one round over `rounds` rounds, with the loop running on
    /// `threads` threads at once (each on its own buffers), as the benchmark's frames do: a
    /// machine busy with other work slows both alike.
    public static func measure(rounds: Int = 15, threads: Int = 1) -> Double {
        if threads <= 1 { return measureOne(rounds: rounds) }
        var results = [Double](repeating: 0, count: threads)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = ResultSlots(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: threads) { i in out.pointer[i] = measureOne(rounds: rounds) }
        }
        return results.max()!
    }

    private static func measureOne(rounds: Int) -> Double {
        let count = 1 << 20  // 4 MiB of floats per buffer: beyond L2
        let a = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: count / 8)
        let b = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: count / 8)
        defer { a.deallocate(); b.deallocate() }
        for i in 0..<(count / 8) {
            a[i] = SIMD8(repeating: Float(i & 255) / 255)
            b[i] = SIMD8(repeating: 0.5)
        }
        var samples: [Double] = []
        var sink = SIMD8<Float>()
        for _ in 0..<rounds {
            let start = Monotonic.nanoseconds()
            for _ in 0..<4 {
                var acc = SIMD8<Float>()
                for i in 0..<(count / 8) {
                    var x = a[i]
                    for _ in 0..<6 { x = x.addingProduct(x, b[i]) * 0.5 }
                    b[i] = x
                    acc += x
                }
                sink += acc
            }
            samples.append(Double(Monotonic.nanoseconds() - start) / 1e6)
        }
        // Keep the result alive so the loop is not optimised away.
        if sink.sum().isNaN { samples.append(0) }
        return Percentiles(samples).p50
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Each worker writes its own slot.
private struct ResultSlots: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ p: UnsafeMutablePointer<Double>) { pointer = p }
}

/// The process's memory, from /proc/self/status.
public enum MemoryProbe {
    /// Resident set size now, in MiB.
    public static func residentMB() -> Double { field("VmRSS:") }
    /// Peak resident set size since start (or since `resetPeak`), in MiB.
    public static func peakResidentMB() -> Double { field("VmHWM:") }

    /// Resets the peak so that the next reading covers only what follows (Linux
    /// `clear_refs` 5). Returns false where the kernel does not allow it.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let f = fopen("/proc/self/clear_refs", "w") else { return false }
        defer { fclose(f) }
        return fputs("5", f) >= 0
    }

    private static func field(_ name: String) -> Double {
        guard let f = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if s.hasPrefix(name) {
                let kb = s.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Double($0) } ?? 0
                return kb / 1024
            }
        }
        return 0
    }
}
