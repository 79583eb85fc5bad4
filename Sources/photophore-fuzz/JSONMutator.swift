/// Mutations that know JSON's tokens, so that most inputs get past the syntax and reach the
/// script checks: hostile numbers, strings with bad escapes and surrogates, deep nesting,
/// duplicate keys, wrong types in every field, very wide and very long documents.
enum JSONMutator {
    static let numbers: [String] = [
        "0", "-0", "1", "-1", "0.5", "1e308", "-1e308", "1e309", "-1e309", "1e12", "-1e12", "1e-400", "-1e-400",
        "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308", "9007199254740993", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "86400", "86400.000001", "86401", "1e15",
        "1.0000000000000002", "0.99999999999999999", "1E400", "1e-7", "2147483647", "-2147483648", "4294967296",
        "NaN", "-NaN", "Infinity", "-Infinity", "nan", "inf", "1e", "1e+", "-", "--1", "01", "-01", "1.", ".5", "+1",
        "0x10", "1e99999999999999999999", "1.5e", "0e0", "-0.0e-0",
        String(repeating: "1234567890", count: 60), "1" + String(repeating: "0", count: 400),
    ]
    /// Values that make an input large: chosen rarely, so that most inputs stay small and fast.
    static let huge: [String] = [
        "0." + String(repeating: "0", count: 1000) + "1", String(repeating: "9", count: 20_000),
        "\"" + String(repeating: "a", count: 100_000) + "\"", "\"" + String(repeating: "\\u0041", count: 20_000) + "\"",
        "\"" + String(repeating: "\\ud83d\\ude00", count: 5000) + "\"", "[" + String(repeating: "0,", count: 50_000) + "0]",
    ]
    static let keys = ["scene", "clock", "events", "t", "type", "x", "y", "correct", "remaining", "key"]
    static let words = ["candlefish", "emergence", "pointer", "click", "leave", "answer", "pressure", "key", "Candlefish", "", " "]
    static let clocks = [
        "2026-11-21T09:30:00Z", "2026-11-21T10:30:00.250+01:00", "2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z",
        "9999-12-31T23:59:60Z", "0000-01-01T00:00:00-23:59", "2026-11-21T09:30:00.99999999999999999999999Z",
        "2026-11-21T09:30:00." + String(repeating: "9", count: 5000) + "Z", "2026-13-01T00:00:00Z", "2026-11-21T24:00:00Z",
        "2026-11-21T09:30:00+24:00", "2026-11-21T09:30:00", "2026-11-21", "-001-01-01T00:00:00Z", "2026-11-21T09:30:00.Z",
        "2026-11-21t09:30:00z", "2026-11-21 09:30:00+00:00", "20261121T093000Z",
    ]
    /// String tokens, quotes included, some of them not valid JSON.
    static let strings: [String] = {
        var s = (keys + words + clocks).map { "\"\($0)\"" }
        s += [
            "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\uFFFF\"",
            "\"\\uD800\\uDBFF\"", "\"\\uDBFF\\uDFFF\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\x41\"", "\"\\", "\"", "\"\\\"",
            "\"\u{01}\"", "\"\t\"", "\"🐟\"", "\"e\u{301}\"", "\"\\/\\b\\f\\n\\r\\t\"", "\"\\ud800",
            "\"\u{2028}\u{85}\u{1B}[31m\"", "\"" + String(repeating: "long ", count: 40) + "\"",
        ]
        // Paths, for the glTF loader's `uri`s: inside the model's folder, and every form of
        // leaving it (GLTFTarget lays out a folder where each of these leads somewhere).
        s += GLTFFolder.uris.map { "\"\($0)\"" }
        return s
    }()
    static let values: [String] = [
        "true", "false", "null", "0", "\"\"", "[]", "{}", "[1]", "{\"t\":0}", "[[[[[[[[", "]]]]", "}}}}", "tru", "nul", "falsey",
        "{\"scene\":\"candlefish\",\"events\":[]}", "[{\"t\":0,\"type\":\"leave\"}]",
    ]

    static func deepNesting(_ rng: inout FuzzRandom) -> String {
        let depth = rng.oneIn(30) ? rng.pick([5000, 100_000]) : rng.pick([2, 63, 64, 65, 200])
        switch rng.below(4) {
        case 0: return String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        case 1: return String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        case 2: return String(repeating: "[", count: depth)
        default: return String(repeating: "[{\"t\":", count: depth)
        }
    }

    /// A number of exactly `length` characters (for in-place rewrites inside binary files).
    static func sameLengthNumber(length: Int, rng: inout FuzzRandom) -> String {
        func pad(_ head: String, _ tail: String) -> String? {
            let zeros = length - head.count - tail.count
            return zeros >= 0 ? head + String(repeating: "0", count: zeros) + tail : nil
        }
        let choice: String?
        switch rng.below(9) {
        case 0: choice = String(repeating: "9", count: length)
        case 1: choice = length >= 2 ? "-" + String(repeating: "9", count: length - 1) : nil
        case 2: choice = pad("1e", "308")
        case 3: choice = pad("1e", "999")
        case 4: choice = pad("-1e", "308")
        case 5: choice = pad("1e-", "400")
        case 6: choice = length >= 2 ? "-" + String(repeating: "0", count: length - 1) : nil
        case 7: choice = length >= 3 ? "0." + String(repeating: "0", count: length - 3) + "1" : nil
        default: choice = nil
        }
        if let choice { return choice }
        var s = ""
        for k in 0..<length { s.append(Character(Unicode.Scalar(UInt8(k == 0 && length > 1 ? 49 + rng.below(9) : 48 + rng.below(10))))) }
        return s
    }

    /// A random JSON value for a field: any type, often hostile.
    static func randomValue(_ rng: inout FuzzRandom, depth: Int = 0) -> String {
        if rng.oneIn(100) { return rng.pick(huge) }
        switch rng.below(depth > 2 ? 4 : 7) {
        case 0: return rng.pick(numbers)
        case 1: return rng.pick(strings)
        case 2: return rng.pick(values)
        case 3: return String(Double(rng.below(2_000_001)) / 1_000_000 - 0.5)
        case 4: return "[" + (0..<rng.below(4)).map { _ in randomValue(&rng, depth: depth + 1) }.joined(separator: ",") + "]"
        case 5: return randomObject(&rng, depth: depth + 1)
        default: return deepNesting(&rng)
        }
    }

    /// An object with known and unknown keys, each with a random value.
    static func randomObject(_ rng: inout FuzzRandom, depth: Int = 0) -> String {
        var members: [String] = []
        if rng.below(4) != 0 { members.append("\"t\":" + (rng.oneIn(2) ? String(Double(rng.below(1000)) / 10) : rng.pick(numbers))) }
        if rng.below(4) != 0 { members.append("\"type\":" + (rng.oneIn(3) ? rng.pick(strings) : "\"\(rng.pick(words))\"")) }
        for _ in 0..<rng.below(4) {
            let key = rng.oneIn(5) ? rng.pick(strings) : "\"\(rng.pick(keys))\""
            members.append(key + ":" + randomValue(&rng, depth: depth + 1))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    struct Token {
        enum Kind { case string, number, literal, punctuation }
        var kind: Kind
        var range: Range<Int>
    }

    /// A forgiving tokenizer: anything it does not know becomes a one-byte punctuation token.
    static func tokens(_ b: [UInt8]) -> [Token] {
        var out: [Token] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1; continue }
            let start = i
            if c == UInt8(ascii: "\"") {
                i += 1
                while i < b.count, b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i = min(i + 1, b.count)
                out.append(Token(kind: .string, range: start..<i))
            } else if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
                while i < b.count, ByteMutator.isNumberByte(b[i]) { i += 1 }
                out.append(Token(kind: .number, range: start..<i))
            } else if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") {
                while i < b.count, b[i] >= UInt8(ascii: "a") && b[i] <= UInt8(ascii: "z") { i += 1 }
                out.append(Token(kind: .literal, range: start..<i))
            } else {
                i += 1
                out.append(Token(kind: .punctuation, range: start..<i))
            }
        }
        return out
    }

    /// Applies one to four token-aware mutations, or byte mutations now and then.
    static func mutate(_ data: inout [UInt8], rng: inout FuzzRandom, seeds: [[UInt8]], maxLength: Int) {
        let count = 1 + rng.below(rng.oneIn(3) ? 4 : 1)
        for _ in 0..<count {
            if rng.oneIn(5) {
                ByteMutator.mutateOnce(&data, rng: &rng, seeds: seeds, maxLength: maxLength)
            } else {
                mutateOnce(&data, rng: &rng, maxLength: maxLength)
            }
        }
        if data.count > maxLength { data.removeSubrange(maxLength...) }
    }

    static func mutateOnce(_ data: inout [UInt8], rng: inout FuzzRandom, maxLength: Int) {
        let toks = tokens(data)
        guard !toks.isEmpty else { data = Array(randomObject(&rng).utf8); return }
        func replace(_ t: Token, with text: String) { data.replaceSubrange(t.range, with: Array(text.utf8)) }
        func some(_ kinds: [Token.Kind]) -> Token? {
            let matching = toks.filter { kinds.contains($0.kind) }
            return matching.isEmpty ? nil : rng.pick(matching)
        }
        /// The token range of the object or array opening at token index `k`.
        func container(at k: Int) -> Range<Int>? {
            var depth = 0
            for j in k..<toks.count where toks[j].kind == .punctuation {
                let c = data[toks[j].range.lowerBound]
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return toks[k].range.lowerBound..<toks[j].range.upperBound }
                }
            }
            return nil
        }
        let openers = toks.indices.filter { toks[$0].kind == .punctuation && (data[toks[$0].range.lowerBound] == UInt8(ascii: "{") || data[toks[$0].range.lowerBound] == UInt8(ascii: "[")) }
        switch rng.below(12) {
        case 0, 1: // a hostile number
            if let t = some([.number]) { replace(t, with: rng.pick(numbers)) }
        case 2: // a hostile string or key
            if let t = some([.string]) { replace(t, with: rng.pick(strings)) }
        case 3, 4: // a value of another type
            if let t = some([.number, .string, .literal]) { replace(t, with: randomValue(&rng)) }
        case 5: // deep nesting in place of a value
            if let t = some([.number, .string, .literal]) { replace(t, with: deepNesting(&rng)) }
        case 6: // duplicate a "key": value member
            let keyed = toks.indices.filter { toks[$0].kind == .string && $0 + 2 < toks.count && data[toks[$0 + 1].range.lowerBound] == UInt8(ascii: ":") && toks[$0 + 2].kind != .punctuation }
            guard !keyed.isEmpty else { return }
            let k = rng.pick(keyed)
            let member = Array(data[toks[k].range.lowerBound..<toks[k + 2].range.upperBound])
            data.insert(contentsOf: Array(",".utf8) + (rng.oneIn(2) ? member : Array("\(rng.pick(strings)):\(randomValue(&rng))".utf8)), at: toks[k + 2].range.upperBound)
        case 7: // repeat an object or array many times in its list
            guard !openers.isEmpty, let r = container(at: rng.pick(openers)) else { return }
            let copy = Array(data[r])
            let times = min(rng.oneIn(50) ? rng.pick([1000, 20_000]) : rng.pick([1, 2, 10]), max(1, (maxLength - data.count) / (copy.count + 1)))
            var extra: [UInt8] = []
            extra.reserveCapacity((copy.count + 1) * times)
            for _ in 0..<times { extra.append(UInt8(ascii: ",")); extra += copy }
            data.insert(contentsOf: extra, at: r.upperBound)
        case 8: // a very wide object: many distinct keys
            guard let k = openers.first(where: { data[toks[$0].range.lowerBound] == UInt8(ascii: "{") }) else { return }
            let n = rng.oneIn(50) ? rng.pick([1000, 30_000]) : rng.pick([2, 10, 100])
            var members = ""
            for j in 0..<n { members += "\"k\(j)\":\(j)," }
            let empty = k + 1 < toks.count && data[toks[k + 1].range.lowerBound] == UInt8(ascii: "}")
            if empty { members.removeLast() } // no trailing comma in an empty object
            data.insert(contentsOf: Array(members.utf8), at: toks[k].range.upperBound)
        case 9: // delete a token
            data.removeSubrange(rng.pick(toks).range)
        case 10: // a random event object in place of an object, or inserted into an array
            guard !openers.isEmpty else { return }
            let k = rng.pick(openers)
            if data[toks[k].range.lowerBound] == UInt8(ascii: "["), rng.oneIn(2) {
                data.insert(contentsOf: Array((randomObject(&rng) + ",").utf8), at: toks[k].range.upperBound)
            } else if let r = container(at: k) {
                data.replaceSubrange(r, with: Array(randomObject(&rng).utf8))
            }
        default: // insert a random token anywhere
            let at = rng.pick(toks).range.upperBound
            data.insert(contentsOf: Array(rng.pick([",", ":", "[", "]", "{", "}", "\"", "\\", randomValue(&rng)]).utf8), at: at)
        }
    }
}
