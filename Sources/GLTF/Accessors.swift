/// The component types of accessors (spec 3.6.2.2).
enum ComponentType: Int {
    case byte = 5120, ubyte = 5121, short = 5122, ushort = 5123, uint = 5125, float = 5126

    var size: Int {
        switch self {
        case .byte, .ubyte: 1
        case .short, .ushort: 2
        case .uint, .float: 4
        }
    }

    var name: String {
        switch self {
        case .byte: "byte"
        case .ubyte: "unsigned byte"
        case .short: "short"
        case .ushort: "unsigned short"
        case .uint: "unsigned int"
        case .float: "float"
        }
    }
}

/// An accessor's element shape: components, and for matrices the rows of a column (whose
/// columns start on 4-byte boundaries).
struct ElementShape {
    var components: Int
    var rows: Int
    var columns: Int

    init?(_ type: String) {
        switch type {
        case "SCALAR": (components, rows, columns) = (1, 1, 1)
        case "VEC2": (components, rows, columns) = (2, 2, 1)
        case "VEC3": (components, rows, columns) = (3, 3, 1)
        case "VEC4": (components, rows, columns) = (4, 4, 1)
        case "MAT2": (components, rows, columns) = (4, 2, 2)
        case "MAT3": (components, rows, columns) = (9, 3, 3)
        case "MAT4": (components, rows, columns) = (16, 4, 4)
        default: return nil
        }
    }

    func columnBytes(_ c: ComponentType) -> Int {
        let raw = rows * c.size
        return columns == 1 ? raw : (raw + 3) / 4 * 4
    }

    func elementBytes(_ c: ComponentType) -> Int { columns * columnBytes(c) }

    /// Byte offsets of each component within an element.
    func offsets(_ c: ComponentType) -> [Int] {
        var out: [Int] = []
        for col in 0..<columns { for row in 0..<rows { out.append(col * columnBytes(c) + row * c.size) } }
        return out
    }
}

/// What an accessor may be where it is used: its types and (component type, normalized) pairs.
struct Allowed {
    var types: Set<String>
    var components: [(ComponentType, Bool)]
    /// For the message: "VEC3 of float".
    var text: String

    func permits(_ c: ComponentType, normalized: Bool) -> Bool {
        components.contains { $0.0 == c && $0.1 == normalized }
    }
}

/// Decodes accessors (once each) into flat arrays, checking every offset and count against
/// the buffer views and buffers, and keeping the total within `GLTFLimits.decodeAllowance`.
struct AccessorDecoder {
    let doc: Document
    let buffers: [[UInt8]]
    let site: Site
    /// Floats that may still be decoded.
    var budget: Int
    var floatCache: [Int: [Float]] = [:]
    var intCache: [Int: [UInt32]] = [:]

    /// Checks that `index` names an accessor that `allowed` permits; returns it.
    func accessor(_ index: Int, usedAt path: String, _ allowed: Allowed) throws(GLTFError) -> (AccessorRecord, ComponentType, ElementShape) {
        let accessors = doc.accessors ?? []
        guard index >= 0, index < accessors.count else { throw site.error(path, "accessor \(index) does not exist (the file has \(accessors.count))") }
        let a = accessors[index]
        let at = "accessors[\(index)]"
        guard let c = ComponentType(rawValue: a.componentType) else { throw site.error(at + ".componentType", "\(a.componentType) is not a glTF component type") }
        guard let shape = ElementShape(a.type) else { throw site.error(at + ".type", "\(quoted(a.type)) is not an accessor type") }
        let normalized = a.normalized ?? false
        if normalized && (c == .float || c == .uint) { throw site.error(at + ".normalized", "a \(c.name) accessor cannot be normalized") }
        guard allowed.types.contains(a.type), allowed.permits(c, normalized: normalized) else {
            throw site.error(path, "\(at) is \(a.type) of \(normalized ? "normalized " : "")\(c.name); here it must be \(allowed.text)")
        }
        guard a.count >= 1, a.count <= GLTFLimits.maxAccessorCount else {
            throw site.error(at + ".count", "\(a.count); an accessor holds 1 to \(GLTFLimits.maxAccessorCount) elements")
        }
        return (a, c, shape)
    }

    /// The bytes a buffer view covers, checked against its buffer.
    func view(_ index: Int, usedAt path: String) throws(GLTFError) -> (bytes: ArraySlice<UInt8>, stride: Int?) {
        let views = doc.bufferViews ?? []
        guard index >= 0, index < views.count else { throw site.error(path, "buffer view \(index) does not exist (the file has \(views.count))") }
        let v = views[index]
        let at = "bufferViews[\(index)]"
        guard v.buffer >= 0, v.buffer < buffers.count else { throw site.error(at + ".buffer", "buffer \(v.buffer) does not exist (the file has \(buffers.count))") }
        let offset = v.byteOffset ?? 0
        guard offset >= 0 else { throw site.error(at + ".byteOffset", "\(offset) is negative") }
        guard v.byteLength >= 1 else { throw site.error(at + ".byteLength", "\(v.byteLength); a buffer view holds at least 1 byte") }
        let size = buffers[v.buffer].count
        guard offset <= size, v.byteLength <= size - offset else {
            throw site.error(at + ".byteLength", "bytes \(offset) to \(offset &+ v.byteLength) are past the end of buffers[\(v.buffer)] (\(size) bytes)")
        }
        if let s = v.byteStride, s < 4 || s > 252 || s % 4 != 0 {
            throw site.error(at + ".byteStride", "\(s); a stride is 4 to 252 and a multiple of 4")
        }
        return (buffers[v.buffer][(offset)..<(offset + v.byteLength)], v.byteStride)
    }

    mutating func spend(_ floats: Int, _ at: String) throws(GLTFError) {
        budget -= floats
        if budget < 0 {
            throw site.error(at, "decoding it would pass the loader's limit on decoded data for a file of this size (docs/gltf.md): the accessors overlap or are absurdly large")
        }
    }

    /// Where an accessor's stored elements are: its view's bytes, the first element's
    /// index in them and the stride, after checking that every element fits; nil for an
    /// accessor without a buffer view (all zeros, before any sparse values).
    func layout(_ index: Int, _ a: AccessorRecord, _ c: ComponentType, _ shape: ElementShape)
        throws(GLTFError) -> (bytes: ArraySlice<UInt8>, start: Int, stride: Int)?
    {
        guard let vi = a.bufferView else { return nil }
        let at = "accessors[\(index)]"
        let (bytes, stride) = try view(vi, usedAt: at + ".bufferView")
        let offset = a.byteOffset ?? 0
        guard offset >= 0 else { throw site.error(at + ".byteOffset", "\(offset) is negative") }
        let element = shape.elementBytes(c)
        let step = stride ?? element
        if step < element { throw site.error(at + ".bufferView", "bufferViews[\(vi)].byteStride is \(step) but one element takes \(element) bytes") }
        let (extent, overflow) = step.multipliedReportingOverflow(by: a.count - 1)
        guard !overflow, offset <= bytes.count, extent <= bytes.count - offset, element <= bytes.count - offset - extent else {
            throw site.error(at + ".count", "\(a.count) elements of \(element) bytes every \(step) bytes from byte \(offset) do not fit in bufferViews[\(vi)] (\(bytes.count) bytes)")
        }
        return (bytes, bytes.startIndex + offset, step)
    }

    /// The sparse substitutions: (element index, byte position of its value) pairs.
    func sparse(_ index: Int, _ a: AccessorRecord, _ c: ComponentType, _ shape: ElementShape)
        throws(GLTFError) -> (indices: [Int], values: ArraySlice<UInt8>)?
    {
        guard let s = a.sparse else { return nil }
        let at = "accessors[\(index)].sparse"
        guard s.count >= 1, s.count <= a.count else { throw site.error(at + ".count", "\(s.count); it must be 1 to the accessor's count (\(a.count))") }
        guard let ic = ComponentType(rawValue: s.indices.componentType), [.ubyte, .ushort, .uint].contains(ic) else {
            throw site.error(at + ".indices.componentType", "\(s.indices.componentType); sparse indices are unsigned byte, short or int")
        }
        let (ib, _) = try view(s.indices.bufferView, usedAt: at + ".indices.bufferView")
        let io = s.indices.byteOffset ?? 0
        guard io >= 0, io <= ib.count, s.count * ic.size <= ib.count - io else {
            throw site.error(at + ".indices", "\(s.count) indices of \(ic.size) bytes from byte \(io) do not fit in bufferViews[\(s.indices.bufferView)] (\(ib.count) bytes)")
        }
        var indices: [Int] = []
        indices.reserveCapacity(s.count)
        let base = ib.startIndex + io
        for k in 0..<s.count {
            let p = base + k * ic.size
            let v: Int
            switch ic {
            case .ubyte: v = Int(ib[p])
            case .ushort: v = Int(ib[p]) | Int(ib[p + 1]) << 8
            default: v = Int(ib[p]) | Int(ib[p + 1]) << 8 | Int(ib[p + 2]) << 16 | Int(ib[p + 3]) << 24
            }
            guard v < a.count else { throw site.error(at + ".indices", "index \(v) at element \(k) is past the accessor's \(a.count) elements") }
            if let last = indices.last, v <= last { throw site.error(at + ".indices", "index \(v) at element \(k) does not increase") }
            indices.append(v)
        }
        let (vb, _) = try view(s.values.bufferView, usedAt: at + ".values.bufferView")
        let vo = s.values.byteOffset ?? 0
        let need = s.count * shape.elementBytes(c)
        guard vo >= 0, vo <= vb.count, need <= vb.count - vo else {
            throw site.error(at + ".values", "\(s.count) values of \(shape.elementBytes(c)) bytes from byte \(vo) do not fit in bufferViews[\(s.values.bufferView)] (\(vb.count) bytes)")
        }
        return (indices, vb[(vb.startIndex + vo)..<(vb.startIndex + vo + need)])
    }

    /// The accessor as floats, `components` per element, normalised integers mapped to
    /// [0, 1] or [-1, 1] (spec 3.11), other integers converted as they are.
    mutating func floats(_ index: Int, usedAt path: String, _ allowed: Allowed) throws(GLTFError) -> (values: [Float], components: Int) {
        let (a, c, shape) = try accessor(index, usedAt: path, allowed)
        if let cached = floatCache[index] { return (cached, shape.components) }
        try spend(a.count * shape.components, "accessors[\(index)].count")
        let normalized = a.normalized ?? false
        let offsets = shape.offsets(c)
        var out = [Float](repeating: 0, count: a.count * shape.components)
        func decode(_ b: ArraySlice<UInt8>, _ p: Int) -> Float {
            switch c {
            case .float:
                let bits = UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24
                return Float(bitPattern: bits)
            case .byte:
                let v = Float(Int8(bitPattern: b[p]))
                return normalized ? max(v / 127, -1) : v
            case .ubyte:
                let v = Float(b[p])
                return normalized ? v / 255 : v
            case .short:
                let v = Float(Int16(bitPattern: UInt16(b[p]) | UInt16(b[p + 1]) << 8))
                return normalized ? max(v / 32767, -1) : v
            case .ushort:
                let v = Float(UInt16(b[p]) | UInt16(b[p + 1]) << 8)
                return normalized ? v / 65535 : v
            case .uint:
                return Float(UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24)
            }
        }
        let n = shape.components
        if let (bytes, start, stride) = try layout(index, a, c, shape) {
            for e in 0..<a.count {
                let p = start + e * stride
                for k in 0..<n { out[e * n + k] = decode(bytes, p + offsets[k]) }
            }
        }
        if let (indices, values) = try sparse(index, a, c, shape) {
            let element = shape.elementBytes(c)
            for (k, e) in indices.enumerated() {
                let p = values.startIndex + k * element
                for j in 0..<n { out[e * n + j] = decode(values, p + offsets[j]) }
            }
        }
        floatCache[index] = out
        return (out, n)
    }

    /// A scalar or vector accessor of unsigned integers (indices, joints), as they are.
    mutating func integers(_ index: Int, usedAt path: String, _ allowed: Allowed) throws(GLTFError) -> (values: [UInt32], components: Int) {
        let (a, c, shape) = try accessor(index, usedAt: path, allowed)
        if let cached = intCache[index] { return (cached, shape.components) }
        try spend(a.count * shape.components, "accessors[\(index)].count")
        let n = shape.components
        var out = [UInt32](repeating: 0, count: a.count * n)
        func decode(_ b: ArraySlice<UInt8>, _ p: Int) -> UInt32 {
            switch c {
            case .ubyte: UInt32(b[p])
            case .ushort: UInt32(b[p]) | UInt32(b[p + 1]) << 8
            default: UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24
            }
        }
        if let (bytes, start, stride) = try layout(index, a, c, shape) {
            for e in 0..<a.count {
                let p = start + e * stride
                for k in 0..<n { out[e * n + k] = decode(bytes, p + k * c.size) }
            }
        }
        if let (indices, values) = try sparse(index, a, c, shape) {
            let element = shape.elementBytes(c)
            for (k, e) in indices.enumerated() {
                for j in 0..<n { out[e * n + j] = decode(values, values.startIndex + k * element + j * c.size) }
            }
        }
        intCache[index] = out
        return (out, n)
    }
}
