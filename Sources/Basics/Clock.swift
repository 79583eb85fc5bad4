/// The one clock for measuring how long something takes: frame timings, progress and ETAs,
/// encoder time, the fuzzer's watchdog. It reads `ContinuousClock`, which never goes back
/// and is not moved by changes of the wall clock; its readings count from the first reading
/// in the process, so only differences between them mean anything.
///
/// (The calendar time that trust decay and visit bonuses use is a different thing, read
/// where a `WallClock` is made.)
public enum Monotonic {
    private static let origin = ContinuousClock.now

    /// Nanoseconds since the first reading.
    public static func nanoseconds() -> UInt64 {
        let d = origin.duration(to: ContinuousClock.now).components
        return UInt64(d.seconds) &* 1_000_000_000 &+ UInt64(d.attoseconds / 1_000_000_000)
    }

    /// Seconds since the first reading.
    public static func seconds() -> Double {
        let d = origin.duration(to: ContinuousClock.now).components
        return Double(d.seconds) + Double(d.attoseconds) * 1e-18
    }
}
