import Foundation
import GLTF

/// Builds small glTF models for the tests: a binary buffer of views and accessors, and the
/// JSON around the members a test writes itself.
struct ModelBuilder {
    var bin: [UInt8] = []
    var views: [String] = []
    var accessors: [String] = []

    /// A buffer view over `bytes` (placed at a 4-byte boundary); its index.
    @discardableResult
    mutating func view(_ bytes: [UInt8], stride: Int? = nil) -> Int {
        while bin.count % 4 != 0 { bin.append(0) }
        views.append("{\"buffer\":0,\"byteOffset\":\(bin.count),\"byteLength\":\(bytes.count)\(stride.map { ",\"byteStride\":\($0)" } ?? "")}")
        bin += bytes
        return views.count - 1
    }

    /// An accessor, with any further members in `extra`; its index.
    @discardableResult
    mutating func accessor(view: Int?, componentType: Int, count: Int, type: String, normalized: Bool = false,
                           byteOffset: Int = 0, extra: String = "") -> Int {
        var members = ["\"componentType\":\(componentType)", "\"count\":\(count)", "\"type\":\"\(type)\""]
        if let view { members.append("\"bufferView\":\(view)") }
        if byteOffset != 0 { members.append("\"byteOffset\":\(byteOffset)") }
        if normalized { members.append("\"normalized\":true") }
        if !extra.isEmpty { members.append(extra) }
        accessors.append("{" + members.joined(separator: ",") + "}")
        return accessors.count - 1
    }

    /// Floats in a view of their own, as an accessor of `type`.
    @discardableResult
    mutating func floats(_ values: [Float], type: String, extra: String = "") -> Int {
        let width = ["SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16][type]!
        return accessor(view: view(bytes(values)), componentType: 5126, count: values.count / width, type: type, extra: extra)
    }

    /// Integers of `componentType` (5120...5125) in a view of their own.
    @discardableResult
    mutating func integers(_ values: [Int], componentType: Int, type: String, normalized: Bool = false) -> Int {
        let width = ["SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4][type]!
        return accessor(view: view(Self.bytes(values, componentType)), componentType: componentType, count: values.count / width,
                        type: type, normalized: normalized)
    }

    func bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    static func bytes(_ values: [Int], _ componentType: Int) -> [UInt8] {
        switch componentType {
        case 5120, 5121: return values.map { UInt8(truncatingIfNeeded: $0) }
        case 5122, 5123: return values.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        default: return values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        }
    }

    /// The JSON: the asset, the buffer (`bufferURI`, or the BIN chunk when nil), views,
    /// accessors and the caller's members.
    func json(_ members: String, bufferURI: String? = nil) -> String {
        var parts = ["\"asset\":{\"version\":\"2.0\"}"]
        if !bin.isEmpty {
            parts.append("\"buffers\":[{\"byteLength\":\(bin.count)\(bufferURI.map { ",\"uri\":\"\($0)\"" } ?? "")}]")
            parts.append("\"bufferViews\":[" + views.joined(separator: ",") + "]")
        }
        if !accessors.isEmpty { parts.append("\"accessors\":[" + accessors.joined(separator: ",") + "]") }
        if !members.isEmpty { parts.append(members) }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// A .glb of the JSON and the buffer.
    func glb(_ members: String) -> [UInt8] {
        GLB.pack(json: json(members), binary: bin.isEmpty ? nil : bin)
    }

    /// A .gltf whose buffer is a base64 data URI.
    func gltf(_ members: String) -> [UInt8] {
        Array(json(members, bufferURI: "data:application/octet-stream;base64," + Data(bin).base64EncodedString()).utf8)
    }

    /// Loads the .glb.
    func load(_ members: String) throws -> GLTFModel {
        try GLTFModel(bytes: glb(members), name: "test.glb", directory: nil)
    }

    /// The error the .glb's loading throws (fails the test when it loads).
    func failure(_ members: String) -> String {
        failure(glb(members))
    }

    func failure(_ bytes: [UInt8], directory: String? = nil) -> String {
        do {
            _ = try GLTFModel(bytes: bytes, name: "test.glb", directory: directory)
            return "(it loaded)"
        } catch {
            return error.description
        }
    }
}

/// A fresh folder for a test's files.
func temporaryDirectory(_ name: String) -> String {
    var template = Array("/tmp/photophore-gltf-\(name)-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

/// One triangle's positions.
let triangle: [Float] = [0, 0, 0, 1, 0, 0, 0, 1, 0]

/// A scene of one node with mesh 0.
let oneNodeScene = "\"scenes\":[{\"nodes\":[0]}],\"scene\":0,\"nodes\":[{\"mesh\":0}]"

func near(_ a: Float, _ b: Float, _ tolerance: Float = 1e-5) -> Bool { abs(a - b) <= tolerance }
func near(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ tolerance: Float = 1e-5) -> Bool { let d = a - b; return max(-d.min(), d.max()) <= tolerance }
func near(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ tolerance: Float = 1e-5) -> Bool { let d = a - b; return max(-d.min(), d.max()) <= tolerance }
