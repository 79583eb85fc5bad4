import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 digests as 64 lowercase hex digits, for the manifests. The hashing itself is
/// swift-crypto's `SHA256`; this only reads files in blocks and spells the digest.
public enum SHA256Hasher {
    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var h = SHA256()
        if bytes.withContiguousStorageIfAvailable({ h.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { h.update(bufferPointer: $0) }
        }
        return hexString(h.finalize())
    }

    /// The digest of a file's contents as 64 lowercase hex digits, and its size.
    public static func file(_ path: String) throws(SinkError) -> (sha256: String, bytes: Int) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .runtime("cannot read \(path) to hash it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var h = SHA256()
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .runtime("cannot read \(path) to hash it: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        return (hexString(h.finalize()), total)
    }

    /// A digest's bytes as lowercase hex digits.
    static func hexString<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
