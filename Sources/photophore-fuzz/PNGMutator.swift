/// PNG files taken apart into chunks and put back with correct CRCs, so that mutations of a
/// chunk's fields and data reach libpng's decoder instead of stopping at its CRC check. Also
/// builds small seeds of every colour type, bit depth and interlacing that `PNG.write` never
/// makes (zlib's stored blocks: no compressor needed).
enum PNGMutator {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    struct Chunk {
        var type: [UInt8]
        var data: [UInt8]
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32<S: Sequence>(_ bytes: S, start: UInt32 = 0xFFFF_FFFF) -> UInt32 where S.Element == UInt8 {
        var c = start
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c
    }

    static func chunkCRC(_ chunk: Chunk) -> UInt32 { crc32(chunk.data, start: crc32(chunk.type)) ^ 0xFFFF_FFFF }

    /// The chunks after the signature, or nil when the file does not parse as chunks.
    static func parse(_ file: [UInt8]) -> [Chunk]? {
        guard file.count >= 8, Array(file[0..<8]) == signature else { return nil }
        var chunks: [Chunk] = []
        var i = 8
        while i + 12 <= file.count {
            let length = Int(ByteMutator.readBE32(file, i))
            guard length <= file.count - i - 12 else { return nil }
            chunks.append(Chunk(type: Array(file[i + 4..<i + 8]), data: Array(file[i + 8..<i + 8 + length])))
            i += 12 + length
        }
        return i == file.count ? chunks : nil
    }

    /// The file of `chunks` with correct lengths and CRCs, and where each chunk starts.
    static func serialize(_ chunks: [Chunk]) -> (file: [UInt8], offsets: [Int]) {
        var out = signature
        var offsets: [Int] = []
        for c in chunks {
            offsets.append(out.count)
            ByteMutator.appendBE32(UInt32(c.data.count), to: &out)
            out += c.type
            out += c.data
            ByteMutator.appendBE32(chunkCRC(c), to: &out)
        }
        return (out, offsets)
    }

    static func serialize(_ chunks: [Chunk]) -> [UInt8] { serialize(chunks).file }

    /// A zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65_535, raw.count - i)
            let final: UInt8 = i + n == raw.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += raw[i..<i + n]
            i += n
        } while i < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        ByteMutator.appendBE32(b << 16 | a, to: &out)
        return out
    }

    static func ihdr(width: UInt32, height: UInt32, depth: UInt8, colour: UInt8, interlace: UInt8) -> Chunk {
        var d: [UInt8] = []
        ByteMutator.appendBE32(width, to: &d)
        ByteMutator.appendBE32(height, to: &d)
        d += [depth, colour, 0, 0, interlace]
        return Chunk(type: Array("IHDR".utf8), data: d)
    }

    /// Samples per pixel of a colour type.
    static func channels(_ colour: UInt8) -> Int {
        switch colour { case 2: return 3; case 4: return 2; case 6: return 4; default: return 1 }
    }

    /// A small valid PNG of any colour type and depth, interlaced or not, with ancillary chunks.
    static func synthetic(width: Int, height: Int, depth: UInt8, colour: UInt8, interlace: Bool, rng: inout FuzzRandom) -> [UInt8] {
        var chunks = [ihdr(width: UInt32(width), height: UInt32(height), depth: depth, colour: colour, interlace: interlace ? 1 : 0)]
        chunks.append(Chunk(type: Array("gAMA".utf8), data: [0, 0, 0xB1, 0x8F]))
        if rng.oneIn(2) { chunks.append(Chunk(type: Array("tEXt".utf8), data: Array("Comment\0photophore fuzz seed".utf8))) }
        if rng.oneIn(3) { chunks.append(Chunk(type: Array("zTXt".utf8), data: Array("Title\0\0".utf8) + zlibStored(Array("seed".utf8)))) }
        if rng.oneIn(3) { chunks.append(Chunk(type: Array("pHYs".utf8), data: [0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1])) }
        if colour == 3 {
            let entries = 1 << Int(min(depth, 8))
            chunks.append(Chunk(type: Array("PLTE".utf8), data: (0..<entries * 3).map { _ in rng.byte() }))
            chunks.append(Chunk(type: Array("tRNS".utf8), data: (0..<entries / 2).map { _ in rng.byte() }))
        } else if colour == 0 || colour == 2, rng.oneIn(2) {
            chunks.append(Chunk(type: Array("tRNS".utf8), data: [UInt8](repeating: 0, count: colour == 0 ? 2 : 6)))
        }
        if rng.oneIn(3) { chunks.append(Chunk(type: Array("bKGD".utf8), data: colour == 3 ? [0] : [UInt8](repeating: 0, count: colour & 2 != 0 ? 6 : 2))) }
        // Scanlines with a filter byte each; interlaced images have one set of rows per Adam7 pass.
        let bitsPerPixel = channels(colour) * Int(depth)
        var passes: [(w: Int, h: Int)] = [(width, height)]
        if interlace {
            let starts = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            passes = starts.map { (x0, y0, dx, dy) in ((width - x0 + dx - 1) / dx, (height - y0 + dy - 1) / dy) }
        }
        var raw: [UInt8] = []
        for p in passes where p.w > 0 && p.h > 0 {
            let rowBytes = (p.w * bitsPerPixel + 7) / 8
            for _ in 0..<p.h {
                raw.append(UInt8(rng.below(5)))
                for _ in 0..<rowBytes { raw.append(rng.byte()) }
            }
        }
        let z = zlibStored(raw)
        // Split the image data over one to three IDAT chunks.
        let cut1 = rng.below(z.count + 1), cut2 = cut1 + rng.below(z.count - cut1 + 1)
        for r in [0..<cut1, cut1..<cut2, cut2..<z.count] where !r.isEmpty || r.lowerBound == 0 {
            chunks.append(Chunk(type: Array("IDAT".utf8), data: Array(z[r])))
        }
        chunks.append(Chunk(type: Array("IEND".utf8), data: []))
        return serialize(chunks)
    }

    static let chunkTypes = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "tEXt", "zTXt", "iTXt",
                             "bKGD", "pHYs", "sBIT", "sPLT", "hIST", "tIME", "eXIf", "acTL", "fcTL", "fdAT", "oFFs", "vpAg", "idat", "IDAt"]

    /// One to four chunk-level mutations; the CRCs are fixed afterwards most of the time.
    static func mutate(_ file: inout [UInt8], rng: inout FuzzRandom, seeds: [[UInt8]], maxLength: Int) {
        guard var chunks = parse(file), !chunks.isEmpty, !rng.oneIn(6) else {
            ByteMutator.mutate(&file, rng: &rng, seeds: seeds, maxLength: maxLength)
            return
        }
        for _ in 0..<(1 + rng.below(rng.oneIn(3) ? 4 : 1)) {
            let k = rng.below(chunks.count)
            switch rng.below(11) {
            case 0, 1, 2: // IHDR fields: width, height, depth, colour type, methods, interlace
                guard let h = chunks.firstIndex(where: { $0.type == Array("IHDR".utf8) }), chunks[h].data.count >= 13 else { continue }
                switch rng.below(4) {
                case 0, 1:
                    let value = rng.oneIn(3) ? UInt32(truncatingIfNeeded: rng.next()) : rng.pick(ByteMutator.interesting32 + [4096, 8191, 20_000, 46_341, 65_536, 100_000])
                    ByteMutator.overwriteInteger(value, width: 4, bigEndian: true, in: &chunks[h].data, at: rng.oneIn(2) ? 0 : 4)
                case 2:
                    chunks[h].data[8 + rng.below(5)] = UInt8(rng.below(18))
                default:
                    chunks[h].data[8] = rng.pick([1, 2, 4, 8, 16]); chunks[h].data[9] = rng.pick([0, 2, 3, 4, 6])
                }
            case 3, 4: // mutate a chunk's data
                ByteMutator.mutateOnce(&chunks[k].data, rng: &rng, seeds: seeds, maxLength: maxLength / 2)
            case 5: // remove a chunk
                chunks.remove(at: k)
                if chunks.isEmpty { break }
            case 6: // duplicate a chunk, elsewhere or many times
                let times = rng.oneIn(8) ? 1 + rng.below(2000) : 1
                let at = rng.below(chunks.count + 1)
                chunks.insert(contentsOf: Array(repeating: chunks[k], count: times), at: at)
            case 7: // swap two chunks
                chunks.swapAt(k, rng.below(chunks.count))
            case 8: // a new chunk of a known type with random data
                let type = Array(rng.pick(chunkTypes).utf8)
                let data = (0..<rng.length(max: 300)).map { _ in rng.byte() }
                chunks.insert(Chunk(type: type, data: data), at: rng.below(chunks.count + 1))
            case 9: // change a type letter's case (critical, private, reserved, safe-to-copy bits)
                chunks[k].type[rng.below(4)] ^= 0x20
            default: // split the image data into many small IDAT chunks
                let idat = chunks.indices.filter { chunks[$0].type == Array("IDAT".utf8) }
                guard let first = idat.first else { continue }
                let all = idat.flatMap { chunks[$0].data }
                let size = 1 + rng.below(64)
                chunks.removeAll { $0.type == Array("IDAT".utf8) }
                let pieces = stride(from: 0, to: max(all.count, 1), by: size).map { Chunk(type: Array("IDAT".utf8), data: Array(all[$0..<min($0 + size, all.count)])) }
                chunks.insert(contentsOf: pieces, at: min(first, chunks.count))
            }
            if chunks.isEmpty { break }
        }
        let (out, offsets) = serialize(chunks)
        file = out
        if !offsets.isEmpty, rng.oneIn(8) { // a bad CRC
            let k = rng.below(offsets.count)
            file[offsets[k] + 8 + chunks[k].data.count + rng.below(4)] ^= 1 << UInt8(rng.below(8))
        }
        if !offsets.isEmpty, rng.oneIn(10) { // a length field that lies, often hugely
            let value = rng.oneIn(2) ? rng.pick(ByteMutator.interesting32) : UInt32(truncatingIfNeeded: chunks[rng.below(chunks.count)].data.count + rng.below(64) - 32)
            ByteMutator.overwriteInteger(value, width: 4, bigEndian: true, in: &file, at: offsets[rng.below(offsets.count)])
        }
        // Now and then a raw damage on top: a wrong length, a truncation, a stray byte.
        if rng.oneIn(6) { ByteMutator.mutateOnce(&file, rng: &rng, seeds: seeds, maxLength: maxLength) }
        if file.count > maxLength { file.removeSubrange(maxLength...) }
    }
}
