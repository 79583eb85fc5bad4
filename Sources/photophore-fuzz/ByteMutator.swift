/// Format-blind mutations of a byte string, in the style of libFuzzer's: bit flips, byte
/// insertion, deletion and duplication, splices with another seed, truncation, and the
/// "interesting" values that sit on the edges of integer ranges.
enum ByteMutator {
    static let interesting8: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 16, 32, 64, 100, 127]
    static let interesting32: [UInt32] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 8192, 8193, 16384, 65535,
        1_000_000, 1_000_001, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF, 0x0FFF_FFFF, 0x4000_0000,
    ]

    /// Applies one to eight mutations (fewer more often), never growing past `maxLength`.
    static func mutate(_ data: inout [UInt8], rng: inout FuzzRandom, seeds: [[UInt8]], maxLength: Int) {
        let count = 1 + rng.below(rng.oneIn(3) ? 8 : 2)
        for _ in 0..<count { mutateOnce(&data, rng: &rng, seeds: seeds, maxLength: maxLength) }
    }

    static func mutateOnce(_ data: inout [UInt8], rng: inout FuzzRandom, seeds: [[UInt8]], maxLength: Int) {
        if data.isEmpty {
            data = (0..<rng.length(max: 64)).map { _ in rng.byte() }
            return
        }
        let n = data.count
        switch rng.below(14) {
        case 0, 1: // flip a bit
            data[rng.below(n)] ^= 1 << UInt8(rng.below(8))
        case 2: // a random byte
            data[rng.below(n)] = rng.byte()
        case 3: // an interesting byte
            data[rng.below(n)] = rng.pick(interesting8)
        case 4: // add or subtract a little
            let i = rng.below(n)
            data[i] = data[i] &+ UInt8(truncatingIfNeeded: rng.below(71) - 35)
        case 5: // an interesting 16- or 32-bit value, either byte order
            let value = rng.oneIn(4) ? UInt32(truncatingIfNeeded: rng.next()) : rng.pick(interesting32)
            let width = rng.oneIn(3) ? 2 : 4
            guard n >= width else { return }
            let at = rng.below(n - width + 1)
            overwriteInteger(value, width: width, bigEndian: rng.oneIn(2), in: &data, at: at)
        case 6: // insert random bytes or a run of one byte
            guard n < maxLength else { return }
            let len = min(rng.length(max: rng.oneIn(8) ? 4096 : 16), maxLength - n)
            let b = rng.byte()
            let run = rng.oneIn(2)
            data.insert(contentsOf: (0..<len).map { _ in run ? b : rng.byte() }, at: rng.below(n + 1))
        case 7: // delete a range
            let len = rng.length(max: n)
            let at = rng.below(n - len + 1)
            data.removeSubrange(at..<at + len)
        case 8: // duplicate a range in place
            guard n < maxLength else { return }
            let len = min(rng.length(max: n), maxLength - n)
            let at = rng.below(n - len + 1)
            data.insert(contentsOf: Array(data[at..<at + len]), at: rng.below(n + 1))
        case 9: // copy a range over another
            let len = rng.length(max: n)
            let from = rng.below(n - len + 1), to = rng.below(n - len + 1)
            let chunk = Array(data[from..<from + len])
            data.replaceSubrange(to..<to + len, with: chunk)
        case 10: // splice: a prefix of this one and a suffix of another seed
            guard !seeds.isEmpty else { return }
            let other = rng.pick(seeds)
            guard !other.isEmpty else { return }
            let cut = rng.below(n + 1), otherCut = rng.below(other.count + 1)
            data = Array(data[..<cut]) + Array(other[otherCut...])
            if data.count > maxLength { data.removeSubrange(maxLength...) }
        case 11: // truncate
            data.removeSubrange(rng.below(n)...)
        case 12: // swap two ranges of one length
            let len = rng.length(max: n / 2 + 1)
            guard 2 * len <= n else { return }
            let a = rng.below(n - 2 * len + 1)
            let b = a + len + rng.below(n - a - 2 * len + 1)
            let first = Array(data[a..<a + len])
            data.replaceSubrange(a..<a + len, with: data[b..<b + len])
            data.replaceSubrange(b..<b + len, with: first)
        default: // fill a range with zeros or 0xFF
            let len = rng.length(max: n)
            let at = rng.below(n - len + 1)
            let b: UInt8 = rng.oneIn(2) ? 0 : 0xFF
            for i in at..<at + len { data[i] = b }
        }
    }

    static func overwriteInteger(_ value: UInt32, width: Int, bigEndian: Bool, in data: inout [UInt8], at: Int) {
        for k in 0..<width {
            let shift = bigEndian ? 8 * (width - 1 - k) : 8 * k
            data[at + k] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
        }
    }

    static func readBE32(_ data: [UInt8], _ at: Int) -> UInt32 {
        UInt32(data[at]) << 24 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 8 | UInt32(data[at + 3])
    }

    static func appendBE32(_ value: UInt32, to data: inout [UInt8]) {
        data += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Rewrites a run of ASCII digits in place with other digits of the same length, so a
    /// number inside a length-prefixed record (an SQLite cell, a PNG text chunk) changes
    /// without breaking the structure around it. Returns false when there is no digit run.
    @discardableResult
    static func rewriteDigitRun(_ data: inout [UInt8], rng: inout FuzzRandom) -> Bool {
        let n = data.count
        guard n > 0 else { return false }
        let start = rng.below(n)
        var i = start
        var steps = 0
        while steps < n, !(data[i] >= 0x30 && data[i] <= 0x39) { i = (i + 1) % n; steps += 1 }
        guard steps < n else { return false }
        var lo = i, hi = i + 1
        while lo > 0, isNumberByte(data[lo - 1]) { lo -= 1 }
        while hi < n, isNumberByte(data[hi]) { hi += 1 }
        let len = hi - lo
        let replacement = Array(JSONMutator.sameLengthNumber(length: len, rng: &rng).utf8)
        data.replaceSubrange(lo..<hi, with: replacement)
        return true
    }

    static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }
}
