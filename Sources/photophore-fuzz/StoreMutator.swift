/// Damage that knows SQLite's file format: header fields, b-tree page headers and cell
/// pointers, whole pages, truncation, numbers inside records, and write-ahead logs whose
/// frames are changed and then re-checksummed so that SQLite applies them.
enum StoreMutator {
    static let pageSize = 4096

    /// The offsets of the database header's fields, with values that sit on their edges.
    static let headerFields: [(offset: Int, width: Int, values: [UInt32])] = [
        (16, 2, [0, 1, 512, 1024, 2048, 4096, 8192, 32768, 65535, 3, 4097]), // page size
        (18, 1, [0, 1, 2, 3, 255]), (19, 1, [0, 1, 2, 3, 255]), // write and read versions (2 = WAL)
        (20, 1, [0, 1, 32, 255]), (21, 1, [64, 0, 255]), (22, 1, [32, 0, 255]), (23, 1, [32, 0, 255]),
        (24, 4, [0, 1, 0xFFFF_FFFF]), // change counter
        (28, 4, [0, 1, 2, 3, 1000, 0x7FFF_FFFF, 0xFFFF_FFFF]), // size in pages
        (32, 4, [0, 1, 2, 3, 0xFFFF_FFFF]), (36, 4, [0, 1, 2, 1000, 0xFFFF_FFFF]), // freelist
        (40, 4, [0, 1, 2, 0xFFFF_FFFF]), (44, 4, [0, 1, 4, 5, 0xFFFF_FFFF]), // schema cookie, format
        (48, 4, [0, 1, 0x8000_0000, 0xFFFF_FFFF]), (52, 4, [0, 1, 2, 0xFFFF_FFFF]), // cache size, vacuum root
        (56, 4, [0, 1, 2, 3, 4]), // text encoding: UTF-8, UTF-16le, UTF-16be
        (60, 4, [0, 1, 0xFFFF_FFFF]), (64, 4, [0, 1]), (68, 4, [0, 0x5048_4F54, 0x5048_4F55]), // user version, vacuum, app id
        (92, 4, [0, 1, 0xFFFF_FFFF]), (96, 4, [0, 3_045_000, 0xFFFF_FFFF]),
    ]

    static func mutate(_ input: inout FuzzInput, rng: inout FuzzRandom, seeds: [FuzzInput], maxLength: Int) {
        let steps = 1 + rng.below(rng.oneIn(3) ? 4 : 1)
        for _ in 0..<steps {
            if let wal = input.wal, !wal.isEmpty, rng.oneIn(3) {
                var w = wal
                mutateWAL(&w, rng: &rng, seeds: seeds)
                input.wal = w
            } else if rng.oneIn(12) {
                // Another store's log beside this file, or none.
                input.wal = rng.oneIn(2) ? nil : seeds.compactMap(\.wal).first
            } else {
                mutateDatabase(&input.bytes, rng: &rng, seeds: seeds.map(\.bytes), maxLength: maxLength)
            }
        }
        // A damaged store is also handed to `memory repair` now and then (slower: it writes).
        input.alsoRepair = rng.oneIn(40)
    }

    static func mutateDatabase(_ db: inout [UInt8], rng: inout FuzzRandom, seeds: [[UInt8]], maxLength: Int) {
        let pages = db.count / pageSize
        guard pages > 0, !rng.oneIn(8) else {
            ByteMutator.mutateOnce(&db, rng: &rng, seeds: seeds, maxLength: maxLength)
            return
        }
        let page = rng.below(pages)
        let base = page * pageSize
        let btree = base + (page == 0 ? 100 : 0) // page 1's b-tree header follows the file header
        switch rng.below(12) {
        case 0, 1: // a header field
            let f = rng.pick(headerFields)
            let v = rng.oneIn(4) ? UInt32(truncatingIfNeeded: rng.next()) : rng.pick(f.values)
            ByteMutator.overwriteInteger(v, width: f.width, bigEndian: true, in: &db, at: f.offset)
        case 2: // the b-tree page type
            db[btree] = rng.pick([0, 2, 5, 10, 13, 1, 255])
        case 3: // first freeblock, cell count, content start, fragmented bytes, right child
            let field = rng.pick([(1, 2), (3, 2), (5, 2), (7, 1), (8, 4)])
            let value = rng.pick([0, 1, 2, 0xFF, 0x100, 0xFFFF, 0x0FFF, 0x1000, 0xFFFF_FFFF, UInt32(pages), UInt32(pages + 1)])
            ByteMutator.overwriteInteger(value, width: field.1, bigEndian: true, in: &db, at: btree + field.0)
        case 4: // a cell pointer
            let header = db[btree] == 2 || db[btree] == 5 ? 12 : 8
            let cells = Int(db[btree + 3]) << 8 | Int(db[btree + 4])
            guard cells > 0 else { return }
            let at = btree + header + 2 * rng.below(min(cells, (pageSize - header) / 2 - 1))
            guard at + 2 <= base + pageSize else { return }
            let value = rng.pick([0, 1, 8, 100, 4095, 4096, 0xFFFF, UInt32(rng.below(pageSize))])
            ByteMutator.overwriteInteger(value, width: 2, bigEndian: true, in: &db, at: at)
        case 5: // a number inside a record: payloads stay well-formed, their values do not
            ByteMutator.rewriteDigitRun(&db, rng: &rng)
        case 6: // bytes of a page's used part
            let len = rng.length(max: 16)
            let at = base + rng.below(pageSize - len)
            for i in at..<at + len { db[i] = rng.oneIn(2) ? rng.byte() : db[i] ^ (1 << UInt8(rng.below(8))) }
        case 7: // a whole page zeroed, or copied over another
            let other = rng.below(pages) * pageSize
            if rng.oneIn(2) { for i in base..<base + pageSize { db[i] = 0 } } else {
                db.replaceSubrange(base..<base + pageSize, with: Array(db[other..<other + pageSize]))
            }
        case 8: // truncated at a page boundary or inside a page
            db.removeSubrange((rng.oneIn(2) ? base : base + rng.below(pageSize))...)
        case 9: // pages appended: copies, zeros or garbage
            guard db.count + pageSize <= maxLength else { return }
            let kind = rng.below(3)
            db += (0..<pageSize).map { i in kind == 0 ? db[base + i] : kind == 1 ? 0 : rng.byte() }
        case 10: // a varint in a record turned into a huge one (0xFF runs)
            let at = base + rng.below(pageSize - 9)
            for i in at..<at + 1 + rng.below(9) { db[i] = 0xFF }
        default:
            ByteMutator.mutateOnce(&db, rng: &rng, seeds: seeds, maxLength: maxLength)
        }
    }

    // MARK: The write-ahead log

    static let walHeader = 32
    static let frameHeader = 24

    /// SQLite's WAL checksum over 8-byte steps, continuing from (s0, s1).
    static func checksum(_ b: [UInt8], _ range: Range<Int>, bigEndian: Bool, _ s: (UInt32, UInt32)) -> (UInt32, UInt32) {
        var (s0, s1) = s
        b.withUnsafeBytes { raw in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                var x0 = raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)
                var x1 = raw.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self)
                if bigEndian { x0 = x0.byteSwapped; x1 = x1.byteSwapped }
                s0 = s0 &+ x0 &+ s1
                s1 = s1 &+ x1 &+ s0
                i += 8
            }
        }
        return (s0, s1)
    }

    /// Rewrites every checksum of a log (and its salts, when given) so SQLite trusts it.
    static func reseal(_ wal: inout [UInt8], salts: (UInt32, UInt32)? = nil) {
        guard wal.count >= walHeader else { return }
        let bigEndian = wal[3] & 1 == 1 // magic 0x377f0683
        let page = Int(ByteMutator.readBE32(wal, 8))
        if let salts {
            ByteMutator.overwriteInteger(salts.0, width: 4, bigEndian: true, in: &wal, at: 16)
            ByteMutator.overwriteInteger(salts.1, width: 4, bigEndian: true, in: &wal, at: 20)
        }
        var s = checksum(wal, 0..<24, bigEndian: bigEndian, (0, 0))
        ByteMutator.overwriteInteger(s.0, width: 4, bigEndian: true, in: &wal, at: 24)
        ByteMutator.overwriteInteger(s.1, width: 4, bigEndian: true, in: &wal, at: 28)
        guard page >= 512, page <= 65536 else { return }
        var at = walHeader
        while at + frameHeader + page <= wal.count {
            wal.replaceSubrange(at + 8..<at + 16, with: wal[16..<24]) // the frame carries the log's salts
            s = checksum(wal, at..<at + 8, bigEndian: bigEndian, s)
            s = checksum(wal, at + frameHeader..<at + frameHeader + page, bigEndian: bigEndian, s)
            ByteMutator.overwriteInteger(s.0, width: 4, bigEndian: true, in: &wal, at: at + 16)
            ByteMutator.overwriteInteger(s.1, width: 4, bigEndian: true, in: &wal, at: at + 20)
            at += frameHeader + page
        }
    }

    static func mutateWAL(_ wal: inout [UInt8], rng: inout FuzzRandom, seeds: [FuzzInput]) {
        let frameSize = frameHeader + pageSize
        let frames = max(0, (wal.count - walHeader) / frameSize)
        switch rng.below(6) {
        case 0: // raw damage: the checksums no longer match from there on
            ByteMutator.mutateOnce(&wal, rng: &rng, seeds: seeds.compactMap(\.wal), maxLength: 1 << 22)
        case 1: // truncated, at a frame boundary or inside a frame
            let at = walHeader + rng.below(frames + 1) * frameSize + (rng.oneIn(2) ? 0 : rng.below(frameSize))
            if at < wal.count { wal.removeSubrange(at...) }
        default: // a page image or a frame header changed, then re-checksummed
            guard frames > 0 else { return }
            let frame = walHeader + rng.below(frames) * frameSize
            switch rng.below(4) {
            case 0: // the page number
                ByteMutator.overwriteInteger(rng.pick([0, 1, 2, 3, 100, 0xFFFF_FFFF, UInt32(rng.below(16))]), width: 4, bigEndian: true, in: &wal, at: frame)
            case 1: // the commit size
                ByteMutator.overwriteInteger(rng.pick([0, 1, 2, 1000, 0xFFFF_FFFF]), width: 4, bigEndian: true, in: &wal, at: frame + 4)
            case 2: // the log header: version, page size, checkpoint sequence
                let field = rng.pick([4, 8, 12])
                ByteMutator.overwriteInteger(rng.pick([0, 1, 512, 4096, 65536, 3_007_000, 0xFFFF_FFFF]), width: 4, bigEndian: true, in: &wal, at: field)
            default: // the page image
                var page = Array(wal[frame + frameHeader..<frame + frameSize])
                if rng.oneIn(2) { ByteMutator.rewriteDigitRun(&page, rng: &rng) } else {
                    ByteMutator.mutateOnce(&page, rng: &rng, seeds: [], maxLength: pageSize)
                }
                page = Array(page.prefix(pageSize)) + [UInt8](repeating: 0, count: max(0, pageSize - page.count))
                wal.replaceSubrange(frame + frameHeader..<frame + frameSize, with: page)
            }
            reseal(&wal)
        }
    }
}
