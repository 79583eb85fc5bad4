import Basics
#if canImport(Glibc)
import Glibc
#endif

/// The limits of the loader (docs/gltf.md), so that no file, however damaged, makes it
/// allocate or compute without bound.
public enum GLTFLimits {
    /// The largest file read: a .glb, a .gltf, an external .bin or image (1 GiB).
    public static let maxFileBytes = 1 << 30
    /// The largest JSON text (64 MiB).
    public static let maxJSONBytes = 64 << 20
    /// The deepest nesting of JSON arrays and objects (glTF needs about 6).
    public static let maxJSONDepth = 64
    /// The most elements one accessor may hold (2^24).
    public static let maxAccessorCount = 1 << 24
    /// The largest magnitude of a position coordinate or a morph displacement; NaN and
    /// infinities are refused everywhere.
    public static let maxCoordinate: Float = 1e7
    /// The decoded floats of all accessors together may be at most 4 per byte of input
    /// plus this many (4 Mi), strips and fans turned into lists included: accessors that
    /// overlap or have no bufferView cannot make a small file cost gigabytes.
    public static let decodeAllowance = 4 << 20
    /// Vertices and indices over all mesh instances (every node with a mesh counts its
    /// mesh again), 2^26: skinning, drawing or bounds of one pose never cost more.
    public static let maxInstancedElements = 1 << 26
    /// The largest image side, as for PNG (RenderTarget.maxDimension).
    public static let maxImageDimension = 8192
}

/// The bytes of a glTF file split into its JSON and its binary chunk.
struct Container {
    var json: [UInt8]
    var binary: [UInt8]?
    /// Where the JSON starts in the file (20 in a .glb), for syntax error offsets.
    var jsonOffset: Int

    static let magic: UInt32 = 0x4654_6C67 // "glTF"
    static let jsonChunk: UInt32 = 0x4E4F_534A
    static let binChunk: UInt32 = 0x004E_4942

    static func isGLB(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && readU32(bytes, 0) == magic
    }

    static func readU32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    /// Splits a .glb (spec 4.4): the 12-byte header, the JSON chunk, an optional BIN
    /// chunk; chunks of other types are skipped.
    static func glb(_ bytes: [UInt8], site: Site) throws(GLTFError) -> Container {
        guard bytes.count >= 12 else {
            throw site.error("byte 0", "a .glb needs a 12-byte header but the file has \(bytes.count) bytes; it is truncated")
        }
        let version = readU32(bytes, 4), length = Int(readU32(bytes, 8))
        guard version == 2 else { throw site.error("byte 4", "container version \(version); only glTF 2 is read") }
        guard length == bytes.count else {
            throw site.error("byte 8", "the header says the file has \(length) bytes but it has \(bytes.count); it is \(length > bytes.count ? "truncated" : "damaged")")
        }
        var at = 12
        var json: [UInt8]?
        var binary: [UInt8]?
        var jsonAt = 0
        while at < bytes.count {
            guard at + 8 <= bytes.count else { throw site.error("byte \(at)", "a chunk header needs 8 bytes but \(bytes.count - at) are left; the file is truncated") }
            let size = Int(readU32(bytes, at)), type = readU32(bytes, at + 4)
            guard size <= bytes.count - at - 8 else {
                throw site.error("byte \(at)", "the chunk says it holds \(size) bytes but only \(bytes.count - at - 8) follow; the file is truncated or damaged")
            }
            let body = Array(bytes[(at + 8)..<(at + 8 + size)])
            if json == nil {
                guard type == jsonChunk else { throw site.error("byte \(at + 4)", "the first chunk must be JSON (type 0x4E4F534A), not 0x\(String(type, radix: 16, uppercase: true))") }
                json = body
                jsonAt = at + 8
            } else if type == binChunk {
                guard binary == nil else { throw site.error("byte \(at + 4)", "a second BIN chunk; a .glb has at most one") }
                binary = body
            } else if type == jsonChunk {
                throw site.error("byte \(at + 4)", "a second JSON chunk; a .glb has exactly one")
            }
            at += 8 + size
        }
        guard let json else { throw site.error("byte 12", "no JSON chunk") }
        return Container(json: json, binary: binary, jsonOffset: jsonAt)
    }
}

/// Why something failed, for a message.
struct Reason: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

/// Where base64 text went wrong: a character's offset, or -1 for a bad length.
struct BadBase64: Error {
    var offset: Int
}

/// Reads a whole regular file, refusing other kinds (a FIFO would block) and files over
/// `GLTFLimits.maxFileBytes`. The error is the reason alone.
func readWholeFile(_ path: String) -> Result<[UInt8], Reason> {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { return .failure(Reason(String(cString: strerror(errno)))) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return .failure(Reason(String(cString: strerror(errno)))) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(Reason("not a regular file")) }
    guard info.st_size <= GLTFLimits.maxFileBytes else { return .failure(Reason("\(info.st_size) bytes, more than the \(GLTFLimits.maxFileBytes) this loader reads")) }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { continue }
            return .failure(Reason(String(cString: strerror(errno))))
        }
        if n == 0 { bytes.removeSubrange(done...); break } // the file shrank while being read
        done += n
    }
    return .success(bytes)
}

/// Decodes standard base64 (RFC 4648, with or without padding; no whitespace). The error is
/// the offset of the first bad character in `text`, or -1 for a bad length.
func decodeBase64<S: Collection>(_ text: S) -> Result<[UInt8], BadBase64> where S.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(text.count / 4 * 3 + 3)
    var acc: UInt32 = 0, bits = 0, padding = 0, index = 0
    for c in text {
        let v: UInt32
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): v = 62
        case UInt8(ascii: "/"): v = 63
        case UInt8(ascii: "="):
            padding += 1
            index += 1
            if padding > 2 { return .failure(BadBase64(offset: index - 1)) }
            continue
        default: return .failure(BadBase64(offset: index))
        }
        if padding > 0 { return .failure(BadBase64(offset: index)) } // data after padding
        acc = acc << 6 | v
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
        }
        index += 1
    }
    // 6 leftover bits cannot come from whole bytes: a bad length.
    if bits == 6 { return .failure(BadBase64(offset: -1)) }
    if padding > 0 && (index % 4) != 0 { return .failure(BadBase64(offset: -1)) }
    return .success(out)
}

/// Where a `uri` leads: the bytes of a `data:` URI, or a relative path's file.
enum URIKind {
    case data(mime: String, base64: ArraySlice<UInt8>)
    case file(String)
}

func classify(_ uri: String) -> Result<URIKind, Reason> {
    let bytes = Array(uri.utf8)
    if uri.hasPrefix("data:") {
        guard let comma = bytes.firstIndex(of: UInt8(ascii: ",")) else { return .failure(Reason("a data: URI without a comma")) }
        let header = String(decoding: bytes[5..<comma], as: UTF8.self)
        guard header.hasSuffix(";base64") else { return .failure(Reason("a data: URI that is not base64 (\(quoted(header))); only base64 data URIs are read")) }
        return .success(.data(mime: String(header.dropLast(7)), base64: bytes[(comma + 1)...]))
    }
    if uri.hasPrefix("/") { return .failure(Reason("an absolute path; a model's files are named relative to it")) }
    if let colon = uri.firstIndex(of: ":"), !uri[..<colon].contains("/") {
        return .failure(Reason("a URI with the scheme \(quoted(String(uri[..<colon]))); only relative paths and data: URIs are read"))
    }
    // Percent-decoding (spec 3.5: URIs are RFC 3986).
    var path: [UInt8] = []
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
           let h = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
            path.append(h)
            i += 3
        } else {
            path.append(bytes[i])
            i += 1
        }
    }
    guard !path.contains(0) else { return .failure(Reason("a path with a NUL byte")) }
    // A model names only files inside its own folder: the decoded path is resolved here, and
    // one that starts at the root or climbs above the folder with `..` is refused. Symlinks
    // that leave the folder are refused when the file is opened (`readInsideFolder`).
    if path.first == UInt8(ascii: "/") { return .failure(Reason("an absolute path once percent-decoded; a model's files are named relative to it")) }
    var kept: [String] = []
    for part in String(decoding: path, as: UTF8.self).split(separator: "/", omittingEmptySubsequences: true) {
        switch part {
        case ".": continue
        case "..":
            guard !kept.isEmpty else { return .failure(Reason("a path that leaves the model's folder; a model names only files inside its own folder")) }
            kept.removeLast()
        default: kept.append(String(part))
        }
    }
    guard !kept.isEmpty else { return .failure(Reason("a path that names the model's folder itself, not a file in it")) }
    return .success(.file(kept.joined(separator: "/")))
}

/// Reads `relative` (already normalized by `classify`) from `folder`, refusing a file whose
/// real path, symlinks followed, is not inside the folder's real path. The file that is read
/// is the resolved one, so a link cannot be swapped in between the check and the read.
func readInsideFolder(_ folder: String, _ relative: String) -> Result<[UInt8], Reason> {
    guard let root = realPath(folder) else { return .failure(Reason("the model's folder cannot be resolved: \(String(cString: strerror(errno)))")) }
    guard let file = realPath(folder + "/" + relative) else { return .failure(Reason(String(cString: strerror(errno)))) }
    let prefix = root == "/" ? "/" : root + "/"
    guard file.hasPrefix(prefix), file.count > prefix.count else {
        return .failure(Reason("it resolves, through a symbolic link, to a file outside the model's folder; a model names only files inside its own folder"))
    }
    return readWholeFile(file)
}


/// Builds a .glb from a JSON text and a binary chunk (each padded to 4 bytes as the spec
/// asks): for tests, fuzz seeds and tools that write models.
public enum GLB {
    /// The .glb's bytes. The JSON is padded with spaces, the binary chunk with zeros; no
    /// BIN chunk is written when `binary` is nil.
    public static func pack(json: String, binary: [UInt8]?) -> [UInt8] {
        var j = Array(json.utf8)
        while j.count % 4 != 0 { j.append(0x20) }
        var b = binary ?? []
        while b.count % 4 != 0 { b.append(0) }
        var out: [UInt8] = []
        func u32(_ v: Int) { out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        let total = 12 + 8 + j.count + (binary == nil ? 0 : 8 + b.count)
        u32(Int(Container.magic)); u32(2); u32(total)
        u32(j.count); u32(Int(Container.jsonChunk)); out += j
        if binary != nil { u32(b.count); u32(Int(Container.binChunk)); out += b }
        return out
    }
}

/// Refuses JSON nested deeper than `GLTFLimits.maxJSONDepth` (outside strings), with the
/// byte offset of the first bracket too deep, before the decoder sees it.
func jsonDepthFault(_ json: [UInt8]) -> Int? {
    var depth = 0, inString = false, escaped = false
    for (i, c) in json.enumerated() {
        if inString {
            if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
            continue
        }
        switch c {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            depth += 1
            if depth > GLTFLimits.maxJSONDepth { return i }
        case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
        default: break
        }
    }
    return nil
}
