/// The fuzzer's own SplitMix64, kept apart from Mind's so that a change there never changes
/// which input an index names: input `i` of a target is a pure function of (seed, target, i).
struct FuzzRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The generator of input `index` of `target` under `seed`.
    init(seed: UInt64, target: String, index: Int) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 // FNV-1a of the target name
        for b in target.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        state = FuzzRandom.mix(seed) ^ FuzzRandom.mix(h &+ 1) ^ FuzzRandom.mix(UInt64(bitPattern: Int64(index)) &+ 0x1234_5678)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return FuzzRandom.mix(state)
    }

    /// 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }

    /// True with probability 1/n.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A length skewed towards small values, at most `max`: most mutations touch a few
    /// bytes, some touch many.
    mutating func length(max: Int) -> Int {
        guard max > 1 else { return max }
        let bits = below(Int.bitWidth - max.leadingZeroBitCount + 1)
        return 1 + below(Swift.min(max, 1 << bits))
    }
}
