import Foundation
import Raster

/// The extensions the loader implements; a model that requires any other is refused.
let supportedRequiredExtensions: Set<String> = ["KHR_mesh_quantization"]

extension GLTFModel {
    /// Loads a .glb or .gltf file; external buffers and images are read relative to its folder.
    public static func load(contentsOf path: String) throws(GLTFError) -> GLTFModel {
        let bytes: [UInt8]
        switch readWholeFile(path) {
        case let .success(b): bytes = b
        case let .failure(why): throw GLTFError(file: path, at: "", why.text)
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        return try GLTFModel(bytes: bytes, name: path, directory: directory.isEmpty ? "/" : directory)
    }

    /// Loads a model from the bytes of a .glb (by its magic) or a .gltf (JSON text).
    /// `name` is what messages call the file; external files are read from `directory`,
    /// and refused when it is nil.
    public init(bytes: [UInt8], name: String, directory: String?) throws(GLTFError) {
        var loader = Loader(site: Site(file: name), directory: directory)
        self = try loader.load(bytes)
    }
}

/// One load: the document, its buffers, the decoder, and the checks between them.
struct Loader {
    let site: Site
    let directory: String?
    var doc: Document!
    var quantization = false

    init(site: Site, directory: String?) {
        self.site = site
        self.directory = directory
    }

    func error(_ at: String, _ why: String) -> GLTFError { site.error(at, why) }

    mutating func load(_ bytes: [UInt8]) throws(GLTFError) -> GLTFModel {
        guard bytes.count <= GLTFLimits.maxFileBytes else { throw error("", "\(bytes.count) bytes, more than the \(GLTFLimits.maxFileBytes) this loader reads") }
        let container: Container
        if Container.isGLB(bytes) {
            container = try Container.glb(bytes, site: site)
        } else {
            guard !bytes.isEmpty else { throw error("byte 0", "the file is empty") }
            let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            container = Container(json: Array(bytes[bom...]), binary: nil, jsonOffset: bom)
        }
        guard container.json.count <= GLTFLimits.maxJSONBytes else {
            throw error("byte \(container.jsonOffset)", "\(container.json.count) bytes of JSON, more than the \(GLTFLimits.maxJSONBytes) this loader reads")
        }
        if let deep = jsonDepthFault(container.json) {
            throw error("byte \(container.jsonOffset + deep)", "the JSON nests deeper than \(GLTFLimits.maxJSONDepth) levels")
        }
        doc = try decodeDocument(container)
        try checkAssetAndExtensions()
        let buffers = try loadBuffers(container)
        let total = bytes.count + buffers.reduce(0) { $0 + $1.count }
        var decoder = AccessorDecoder(doc: doc, buffers: buffers, site: site, budget: 4 * total + GLTFLimits.decodeAllowance)

        let images = try loadImages(&decoder)
        let textures = try loadTextures(imageCount: images.count)
        let materials = try loadMaterials(textures)
        let meshes = try loadMeshes(&decoder, materialCount: materials.count)
        var nodes = try loadNodes(meshes)
        let order = try linkNodes(&nodes)
        let (scenes, defaultScene) = try loadScenes(nodes)
        let skins = try loadSkins(&decoder, nodes: nodes, meshes: meshes)
        let animations = try loadAnimations(&decoder, nodes: nodes, meshes: meshes)
        var notes: [String] = []
        for (m, mesh) in (doc.meshes ?? []).enumerated() {
            for (p, prim) in mesh.primitives.enumerated() where (prim.mode ?? 4) < 4 {
                notes.append("meshes[\(m)].primitives[\(p)]: mode \(prim.mode!) (points or lines) skipped; only triangles are drawn")
            }
        }
        let model = GLTFModel(name: site.file, scenes: scenes, defaultScene: defaultScene, nodes: nodes, meshes: meshes,
                              materials: materials, images: images, skins: skins, animations: animations, nodeOrder: order, notes: notes)
        var instanced = 0
        for (n, node) in nodes.enumerated() {
            if let m = node.mesh { instanced += meshes[m].primitives.reduce(0) { $0 + $1.vertexCount + $1.indices.count } }
            if instanced > GLTFLimits.maxInstancedElements {
                throw error("nodes[\(n)].mesh", "the mesh instances hold more than \(GLTFLimits.maxInstancedElements) vertices and indices in all")
            }
        }
        return model
    }

    // MARK: JSON

    static func jsonPath(_ path: [CodingKey]) -> String {
        var s = ""
        for k in path {
            if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
        }
        return s
    }

    func decodeDocument(_ c: Container) throws(GLTFError) -> Document {
        do {
            return try JSONDecoder().decode(Document.self, from: Data(c.json))
        } catch let e as DecodingError {
            switch e {
            case let .typeMismatch(type, ctx):
                throw error(Self.jsonPath(ctx.codingPath), "the wrong type; it must be \(Self.typeName(type))")
            case let .valueNotFound(type, ctx):
                throw error(Self.jsonPath(ctx.codingPath), "null; it must be \(Self.typeName(type))")
            case let .keyNotFound(key, ctx):
                let at = Self.jsonPath(ctx.codingPath + [key])
                throw error(at, "missing; the spec requires it")
            case let .dataCorrupted(ctx):
                if ctx.codingPath.isEmpty {
                    if let why = Self.syntaxReason(c.json) { throw error("the JSON at byte \(c.jsonOffset)", "not valid JSON: \(why)") }
                    // Valid JSON that JSONDecoder still calls invalid: a number that does
                    // not fit its integer member. Find it, to name its path.
                    if let (path, value) = Self.nonInteger(c.json) { throw error(path, "\(value) where the spec has an integer") }
                    throw error("the JSON at byte \(c.jsonOffset)", "not valid JSON: \(ctx.debugDescription)")
                }
                throw error(Self.jsonPath(ctx.codingPath), "a number out of range or a bad value: \(ctx.debugDescription)")
            @unknown default:
                throw error("the JSON at byte \(c.jsonOffset)", "cannot be decoded")
            }
        } catch {
            throw self.error("the JSON at byte \(c.jsonOffset)", "not valid JSON")
        }
    }

    /// Where the JSON's syntax fails ("Invalid value around character 7."): JSONDecoder
    /// says only that it is not JSON, JSONSerialization says where. Asked only after a failure.
    static func syntaxReason(_ json: [UInt8]) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
    }

    /// The members whose values (or elements) are integers in the glTF schema.
    static let integerMembers: Set<String> = [
        "scene", "nodes", "children", "mesh", "skin", "joints", "skeleton", "inverseBindMatrices", "buffer", "byteOffset",
        "byteLength", "byteStride", "bufferView", "componentType", "count", "indices", "material", "mode", "index", "texCoord",
        "sampler", "source", "magFilter", "minFilter", "wrapS", "wrapT", "input", "output", "node", "attributes", "targets",
    ]

    /// The path and text of the first number at an integer member that is not an integer
    /// Swift's Int holds (a fraction, or past ±2^63), or nil. Extras and extensions are
    /// free-form and skipped.
    static func nonInteger(_ json: [UInt8]) -> (String, String)? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed]) else { return nil }
        var stack: [(value: Any, path: String, integral: Bool)] = [(root, "", false)]
        while let (value, path, integral) = stack.popLast() {
            if let object = value as? [String: Any] {
                for key in object.keys.sorted().reversed() where key != "extras" && key != "extensions" {
                    stack.append((object[key]!, path.isEmpty ? key : path + "." + key, integral || integerMembers.contains(key)))
                }
            } else if let array = value as? [Any] {
                for (i, element) in array.enumerated().reversed() { stack.append((element, path + "[\(i)]", integral)) }
            } else if integral, let number = value as? NSNumber, !(value is Bool) {
                let d = number.doubleValue
                if d.rounded() != d || abs(d) >= 9.2e18 { return (path, number.stringValue) }
            }
        }
        return nil
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: String(describing: t).hasPrefix("Array") ? "an array" : "an object"
        }
    }

    mutating func checkAssetAndExtensions() throws(GLTFError) {
        let v = doc.asset.version
        guard v.hasPrefix("2.") else { throw error("asset.version", "\(quoted(v)); only glTF 2.x is read") }
        if let m = doc.asset.minVersion, m != "2.0" { throw error("asset.minVersion", "\(quoted(m)); this loader reads glTF 2.0") }
        for (i, e) in (doc.extensionsRequired ?? []).enumerated() where !supportedRequiredExtensions.contains(e) {
            throw error("extensionsRequired[\(i)]", "the model requires the extension \(quoted(e)), which this loader does not support")
        }
        quantization = (doc.extensionsUsed ?? []).contains("KHR_mesh_quantization") || (doc.extensionsRequired ?? []).contains("KHR_mesh_quantization")
    }

    // MARK: Buffers and images

    /// The bytes a `uri` names, or a message.
    func resolve(_ uri: String, at path: String) throws(GLTFError) -> [UInt8] {
        switch classify(uri) {
        case let .failure(why): throw error(path, why.text)
        case let .success(.data(_, base64)):
            switch decodeBase64(base64) {
            case let .success(bytes): return bytes
            case let .failure(bad):
                let offset = bad.offset
                let dataStart = uri.utf8.count - base64.count
                throw error(path, offset < 0 ? "bad base64: its length is not that of whole bytes"
                    : "bad base64 at character \(dataStart + offset) of the URI")
            }
        case let .success(.file(relative)):
            guard let directory else { throw error(path, "names the external file \(quoted(relative)), but the model was given without its folder") }
            switch readInsideFolder(directory, relative) {
            case let .success(bytes): return bytes
            case let .failure(why): throw error(path, "cannot read \(quoted(relative)): \(why.text)")
            }
        }
    }

    func loadBuffers(_ c: Container) throws(GLTFError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for (i, b) in (doc.buffers ?? []).enumerated() {
            let at = "buffers[\(i)]"
            guard b.byteLength >= 1 else { throw error(at + ".byteLength", "\(b.byteLength); a buffer holds at least 1 byte") }
            var bytes: [UInt8]
            if let uri = b.uri {
                bytes = try resolve(uri, at: at + ".uri")
            } else {
                guard i == 0, let bin = c.binary else {
                    throw error(at, i == 0 ? "no uri, and the file has no BIN chunk" : "no uri; only buffer 0 of a .glb is the BIN chunk")
                }
                bytes = bin
            }
            guard b.byteLength <= bytes.count else {
                throw error(at + ".byteLength", "\(b.byteLength) bytes, but the data holds \(bytes.count); it is truncated")
            }
            if bytes.count > b.byteLength { bytes.removeSubrange(b.byteLength...) }
            out.append(bytes)
        }
        return out
    }

    func loadImages(_ decoder: inout AccessorDecoder) throws(GLTFError) -> [Image8] {
        var out: [Image8] = []
        for (i, record) in (doc.images ?? []).enumerated() {
            let at = "images[\(i)]"
            let bytes: [UInt8]
            if let uri = record.uri {
                guard record.bufferView == nil else { throw error(at, "both uri and bufferView") }
                bytes = try resolve(uri, at: at + ".uri")
            } else if let v = record.bufferView {
                bytes = Array(try decoder.view(v, usedAt: at + ".bufferView").bytes)
            } else {
                throw error(at, "neither uri nor bufferView")
            }
            switch decodeImage(bytes) {
            case let .success(image): out.append(image)
            case let .failure(why): throw error(at, why.text)
            }
        }
        return out
    }

    func loadTextures(imageCount: Int) throws(GLTFError) -> [(image: Int?, wrapS: GLTFWrap, wrapT: GLTFWrap, nearest: Bool)] {
        let samplers = doc.samplers ?? []
        var out: [(image: Int?, wrapS: GLTFWrap, wrapT: GLTFWrap, nearest: Bool)] = []
        for (i, t) in (doc.textures ?? []).enumerated() {
            let at = "textures[\(i)]"
            if let s = t.source, s < 0 || s >= imageCount { throw error(at + ".source", "image \(s) does not exist (the file has \(imageCount))") }
            var wrapS = GLTFWrap.repeat, wrapT = GLTFWrap.repeat, nearest = false
            if let si = t.sampler {
                guard si >= 0, si < samplers.count else { throw error(at + ".sampler", "sampler \(si) does not exist (the file has \(samplers.count))") }
                let s = samplers[si]
                if let w = s.wrapS { guard let m = GLTFWrap(rawValue: w) else { throw error("samplers[\(si)].wrapS", "\(w) is not a wrap mode") }; wrapS = m }
                if let w = s.wrapT { guard let m = GLTFWrap(rawValue: w) else { throw error("samplers[\(si)].wrapT", "\(w) is not a wrap mode") }; wrapT = m }
                nearest = s.magFilter == 9728
            }
            out.append((t.source, wrapS, wrapT, nearest))
        }
        return out
    }

    // MARK: Materials

    func factor(_ values: [Double]?, count: Int, default d: [Float], at: String) throws(GLTFError) -> [Float] {
        guard let values else { return d }
        guard values.count == count else { throw error(at, "\(values.count) numbers; it must have \(count)") }
        return try values.enumerated().map { (k, v) throws(GLTFError) in
            guard v.isFinite else { throw error("\(at)[\(k)]", "not a finite number") }
            return Float(min(max(v, 0), 1))
        }
    }

    func textureReference(_ info: TextureInfoRecord?, _ textures: [(image: Int?, wrapS: GLTFWrap, wrapT: GLTFWrap, nearest: Bool)], at: String)
        throws(GLTFError) -> GLTFTextureReference?
    {
        guard let info else { return nil }
        guard info.index >= 0, info.index < textures.count else { throw error(at + ".index", "texture \(info.index) does not exist (the file has \(textures.count))") }
        let tc = info.texCoord ?? 0
        guard tc >= 0 else { throw error(at + ".texCoord", "\(tc) is negative") }
        let t = textures[info.index]
        guard let image = t.image else { return nil } // an image only an extension provides
        return GLTFTextureReference(image: image, texCoord: tc, wrapS: t.wrapS, wrapT: t.wrapT, nearest: t.nearest)
    }

    func loadMaterials(_ textures: [(image: Int?, wrapS: GLTFWrap, wrapT: GLTFWrap, nearest: Bool)]) throws(GLTFError) -> [GLTFMaterial] {
        var out: [GLTFMaterial] = []
        for (i, m) in (doc.materials ?? []).enumerated() {
            let at = "materials[\(i)]"
            var material = GLTFMaterial.default
            material.name = m.name ?? ""
            if let pbr = m.pbrMetallicRoughness {
                let c = try factor(pbr.baseColorFactor, count: 4, default: [1, 1, 1, 1], at: at + ".pbrMetallicRoughness.baseColorFactor")
                material.baseColorFactor = SIMD4(c[0], c[1], c[2], c[3])
                material.baseColorTexture = try textureReference(pbr.baseColorTexture, textures, at: at + ".pbrMetallicRoughness.baseColorTexture")
                material.metallicFactor = try factor(pbr.metallicFactor.map { [$0] }, count: 1, default: [1], at: at + ".pbrMetallicRoughness.metallicFactor")[0]
                material.roughnessFactor = try factor(pbr.roughnessFactor.map { [$0] }, count: 1, default: [1], at: at + ".pbrMetallicRoughness.roughnessFactor")[0]
            }
            let e = try factor(m.emissiveFactor, count: 3, default: [0, 0, 0], at: at + ".emissiveFactor")
            material.emissiveFactor = SIMD3(e[0], e[1], e[2])
            material.emissiveTexture = try textureReference(m.emissiveTexture, textures, at: at + ".emissiveTexture")
            if let mode = m.alphaMode {
                guard let a = GLTFAlphaMode(rawValue: mode) else { throw error(at + ".alphaMode", "\(quoted(mode)); it is OPAQUE, MASK or BLEND") }
                material.alphaMode = a
            }
            if let cut = m.alphaCutoff {
                guard cut.isFinite, cut >= 0, cut <= 1e7 else { throw error(at + ".alphaCutoff", "\(cut); it must be a finite number of at least 0") }
                material.alphaCutoff = Float(cut)
            }
            material.doubleSided = m.doubleSided ?? false
            out.append(material)
        }
        return out
    }

    // MARK: Meshes

    var positionTypes: Allowed {
        quantization
            ? Allowed(types: ["VEC3"], components: [(.float, false), (.byte, false), (.byte, true), (.ubyte, false), (.ubyte, true),
                                                    (.short, false), (.short, true), (.ushort, false), (.ushort, true)],
                      text: "VEC3 of float, or of (normalized) byte or short, signed or not (KHR_mesh_quantization)")
            : Allowed(types: ["VEC3"], components: [(.float, false)], text: "VEC3 of float (integers need KHR_mesh_quantization)")
    }
    var normalTypes: Allowed {
        quantization
            ? Allowed(types: ["VEC3"], components: [(.float, false), (.byte, true), (.short, true)],
                      text: "VEC3 of float, or of normalized byte or short (KHR_mesh_quantization)")
            : Allowed(types: ["VEC3"], components: [(.float, false)], text: "VEC3 of float (integers need KHR_mesh_quantization)")
    }
    var texcoordTypes: Allowed {
        quantization
            ? Allowed(types: ["VEC2"], components: [(.float, false), (.byte, false), (.byte, true), (.ubyte, false), (.ubyte, true),
                                                    (.short, false), (.short, true), (.ushort, false), (.ushort, true)],
                      text: "VEC2 of float, or of (normalized) byte or short, signed or not (KHR_mesh_quantization)")
            : Allowed(types: ["VEC2"], components: [(.float, false), (.ubyte, true), (.ushort, true)],
                      text: "VEC2 of float, normalized unsigned byte or normalized unsigned short")
    }
    var targetPositionTypes: Allowed {
        quantization
            ? Allowed(types: ["VEC3"], components: [(.float, false), (.byte, false), (.byte, true), (.short, false), (.short, true)],
                      text: "VEC3 of float, or of (normalized) byte or short (KHR_mesh_quantization)")
            : Allowed(types: ["VEC3"], components: [(.float, false)], text: "VEC3 of float (integers need KHR_mesh_quantization)")
    }
    static let colorTypes = Allowed(types: ["VEC3", "VEC4"], components: [(.float, false), (.ubyte, true), (.ushort, true)],
                                    text: "VEC3 or VEC4 of float, normalized unsigned byte or normalized unsigned short")
    static let jointTypes = Allowed(types: ["VEC4"], components: [(.ubyte, false), (.ushort, false)], text: "VEC4 of unsigned byte or unsigned short")
    static let weightTypes = Allowed(types: ["VEC4"], components: [(.float, false), (.ubyte, true), (.ushort, true)],
                                     text: "VEC4 of float, normalized unsigned byte or normalized unsigned short")
    static let indexTypes = Allowed(types: ["SCALAR"], components: [(.ubyte, false), (.ushort, false), (.uint, false)],
                                    text: "SCALAR of unsigned byte, short or int")

    /// VEC3 floats as vectors, each finite and (with `limit`) within ±limit.
    func vectors3(_ flat: [Float], count: Int, limit: Float?, at: String, what: String) throws(GLTFError) -> [SIMD3<Float>] {
        guard flat.count == count * 3 else { throw error(at, "\(flat.count / 3) \(what), but POSITION has \(count) vertices") }
        var out = [SIMD3<Float>](repeating: .zero, count: count)
        let bound = limit ?? .greatestFiniteMagnitude
        for i in 0..<count {
            let v = SIMD3(flat[3 * i], flat[3 * i + 1], flat[3 * i + 2])
            guard v.x.isFinite, v.y.isFinite, v.z.isFinite else { throw error(at, "element \(i) is not finite (NaN or infinite)") }
            if limit != nil, abs(v.x) > bound || abs(v.y) > bound || abs(v.z) > bound {
                throw error(at, "element \(i) is (\(v.x), \(v.y), \(v.z)), beyond the ±\(Int(bound)) this loader takes")
            }
            out[i] = v
        }
        return out
    }

    func loadMeshes(_ decoder: inout AccessorDecoder, materialCount: Int) throws(GLTFError) -> [GLTFMesh] {
        var out: [GLTFMesh] = []
        for (m, record) in (doc.meshes ?? []).enumerated() {
            let mat = "meshes[\(m)]"
            guard !record.primitives.isEmpty else { throw error(mat + ".primitives", "empty; a mesh has at least one primitive") }
            var primitives: [GLTFPrimitive] = []
            let targetCount = record.primitives[0].targets?.count ?? 0
            for (p, prim) in record.primitives.enumerated() {
                let at = "\(mat).primitives[\(p)]"
                let mode = prim.mode ?? 4
                guard (0...6).contains(mode) else { throw error(at + ".mode", "\(mode) is not a primitive mode (0 to 6)") }
                guard (prim.targets?.count ?? 0) == targetCount else {
                    throw error(at + ".targets", "\(prim.targets?.count ?? 0) morph targets but primitives[0] has \(targetCount); a mesh's primitives have as many")
                }
                if let mi = prim.material, mi < 0 || mi >= materialCount { throw error(at + ".material", "material \(mi) does not exist (the file has \(materialCount))") }
                if mode < 4 { continue } // points and lines: skipped, with a note
                primitives.append(try loadPrimitive(prim, mode: mode, at: at, &decoder))
            }
            var weights = [Float](repeating: 0, count: targetCount)
            if let w = record.weights {
                guard w.count == targetCount else { throw error(mat + ".weights", "\(w.count) weights for \(targetCount) morph targets") }
                for (k, v) in w.enumerated() {
                    guard v.isFinite, abs(v) <= Double(GLTFLimits.maxCoordinate) else { throw error("\(mat).weights[\(k)]", "not a finite number of at most ±\(Int(GLTFLimits.maxCoordinate))") }
                    weights[k] = Float(v)
                }
            }
            out.append(GLTFMesh(name: record.name ?? "", primitives: primitives, weights: weights,
                                targetNames: record.extras?.targetNames ?? []))
        }
        return out
    }

    func loadPrimitive(_ prim: PrimitiveRecord, mode: Int, at: String, _ decoder: inout AccessorDecoder) throws(GLTFError) -> GLTFPrimitive {
        let attrs = prim.attributes
        guard let pi = attrs["POSITION"] else { throw error(at + ".attributes.POSITION", "missing; this loader needs positions") }
        let pat = at + ".attributes.POSITION"
        let (pflat, _) = try decoder.floats(pi, usedAt: pat, positionTypes)
        let n = pflat.count / 3
        let positions = try vectors3(pflat, count: n, limit: GLTFLimits.maxCoordinate, at: pat, what: "positions")
        var normals: [SIMD3<Float>] = []
        if let ni = attrs["NORMAL"] {
            let nat = at + ".attributes.NORMAL"
            normals = try vectors3(try decoder.floats(ni, usedAt: nat, normalTypes).values, count: n, limit: nil, at: nat, what: "normals")
            for i in 0..<n {
                let l = (normals[i] * normals[i]).sum().squareRoot()
                if l > 1e-12 { normals[i] /= l }
            }
        }
        var texcoords: [SIMD2<Float>] = []
        if let ti = attrs["TEXCOORD_0"] {
            let tat = at + ".attributes.TEXCOORD_0"
            let flat = try decoder.floats(ti, usedAt: tat, texcoordTypes).values
            guard flat.count == 2 * n else { throw error(tat, "\(flat.count / 2) texture coordinates, but POSITION has \(n) vertices") }
            texcoords = (0..<n).map { SIMD2(flat[2 * $0], flat[2 * $0 + 1]) }
            if let bad = texcoords.firstIndex(where: { !$0.x.isFinite || !$0.y.isFinite }) { throw error(tat, "element \(bad) is not finite (NaN or infinite)") }
        }
        var colors: [SIMD4<Float>] = []
        if let ci = attrs["COLOR_0"] {
            let cat = at + ".attributes.COLOR_0"
            let (flat, k) = try decoder.floats(ci, usedAt: cat, Self.colorTypes)
            guard flat.count == k * n else { throw error(cat, "\(flat.count / k) colours, but POSITION has \(n) vertices") }
            colors = (0..<n).map { SIMD4(flat[k * $0], flat[k * $0 + 1], flat[k * $0 + 2], k == 4 ? flat[k * $0 + 3] : 1) }
            if let bad = colors.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite && $0.w.isFinite) }) {
                throw error(cat, "element \(bad) is not finite (NaN or infinite)")
            }
        }
        var joints: [SIMD4<UInt16>] = []
        var weights: [SIMD4<Float>] = []
        var maxJoint = -1
        switch (attrs["JOINTS_0"], attrs["WEIGHTS_0"]) {
        case (nil, nil): break
        case let (ji?, wi?):
            let jat = at + ".attributes.JOINTS_0", wat = at + ".attributes.WEIGHTS_0"
            let jflat = try decoder.integers(ji, usedAt: jat, Self.jointTypes).values
            guard jflat.count == 4 * n else { throw error(jat, "\(jflat.count / 4) elements, but POSITION has \(n) vertices") }
            let wflat = try decoder.floats(wi, usedAt: wat, Self.weightTypes).values
            guard wflat.count == 4 * n else { throw error(wat, "\(wflat.count / 4) elements, but POSITION has \(n) vertices") }
            joints = [SIMD4<UInt16>](repeating: .zero, count: n)
            weights = [SIMD4<Float>](repeating: .zero, count: n)
            for i in 0..<n {
                let j = SIMD4(UInt16(jflat[4 * i]), UInt16(jflat[4 * i + 1]), UInt16(jflat[4 * i + 2]), UInt16(jflat[4 * i + 3]))
                var w = SIMD4(wflat[4 * i], wflat[4 * i + 1], wflat[4 * i + 2], wflat[4 * i + 3])
                guard w.x.isFinite, w.y.isFinite, w.z.isFinite, w.w.isFinite, w.min() >= 0 else {
                    throw error(wat, "element \(i) is negative or not finite")
                }
                let sum = w.sum()
                w = sum > 1e-6 ? w / sum : SIMD4(1, 0, 0, 0)
                // A joint with weight 0 does not count (exporters leave any index there).
                for k in 0..<4 where w[k] > 0 { maxJoint = max(maxJoint, Int(j[k])) }
                joints[i] = SIMD4(w.x > 0 ? j.x : 0, w.y > 0 ? j.y : 0, w.z > 0 ? j.z : 0, w.w > 0 ? j.w : 0)
                weights[i] = w
            }
        case (nil, _?): throw error(at + ".attributes", "WEIGHTS_0 without JOINTS_0")
        case (_?, nil): throw error(at + ".attributes", "JOINTS_0 without WEIGHTS_0")
        }
        var indices: [UInt32]
        if let ii = prim.indices {
            let iat = at + ".indices"
            indices = try decoder.integers(ii, usedAt: iat, Self.indexTypes).values
            if let k = indices.firstIndex(where: { Int($0) >= n }) {
                throw error(iat, "index \(indices[k]) at element \(k) is past the \(n) vertices")
            }
        } else {
            indices = (0..<UInt32(n)).map { $0 }
        }
        switch mode {
        case 4:
            guard indices.count % 3 == 0 else { throw error(prim.indices != nil ? at + ".indices" : pat, "\(indices.count) vertices do not make whole triangles") }
        case 5: // strip: every other triangle flipped to keep the winding
            var list: [UInt32] = []
            if indices.count >= 3 {
                try decoder.spend(3 * (indices.count - 2), at + ".mode")
                list.reserveCapacity(3 * (indices.count - 2))
                for k in 0..<(indices.count - 2) {
                    if k % 2 == 0 { list += [indices[k], indices[k + 1], indices[k + 2]] } else { list += [indices[k + 1], indices[k], indices[k + 2]] }
                }
            }
            indices = list
        default: // fan
            var list: [UInt32] = []
            if indices.count >= 3 {
                try decoder.spend(3 * (indices.count - 2), at + ".mode")
                list.reserveCapacity(3 * (indices.count - 2))
                for k in 1..<(indices.count - 1) { list += [indices[0], indices[k], indices[k + 1]] }
            }
            indices = list
        }
        var targets: [GLTFMorphTarget] = []
        for (t, target) in (prim.targets ?? []).enumerated() {
            let tat = "\(at).targets[\(t)]"
            var tp: [SIMD3<Float>] = [], tn: [SIMD3<Float>] = []
            if let i = target["POSITION"] {
                tp = try vectors3(try decoder.floats(i, usedAt: tat + ".POSITION", targetPositionTypes).values, count: n,
                                  limit: GLTFLimits.maxCoordinate, at: tat + ".POSITION", what: "displacements")
            }
            if let i = target["NORMAL"] {
                tn = try vectors3(try decoder.floats(i, usedAt: tat + ".NORMAL", targetPositionTypes).values, count: n,
                                  limit: nil, at: tat + ".NORMAL", what: "displacements")
            }
            targets.append(GLTFMorphTarget(positions: tp, normals: tn))
        }
        return GLTFPrimitive(positions: positions, normals: normals, texcoords: texcoords, colors: colors, joints: joints, weights: weights,
                             indices: indices, material: prim.material, targets: targets, maxJoint: maxJoint)
    }

    // MARK: Nodes and scenes

    func numbers(_ values: [Double]?, count: Int, at: String) throws(GLTFError) -> [Float]? {
        guard let values else { return nil }
        guard values.count == count else { throw error(at, "\(values.count) numbers; it must have \(count)") }
        return try values.enumerated().map { (k, v) throws(GLTFError) in
            guard v.isFinite, abs(v) <= Double(GLTFLimits.maxCoordinate) else {
                throw error("\(at)[\(k)]", v.isFinite ? "\(v) is beyond the ±\(Int(GLTFLimits.maxCoordinate)) this loader takes" : "not a finite number")
            }
            return Float(v)
        }
    }

    func loadNodes(_ meshes: [GLTFMesh]) throws(GLTFError) -> [GLTFNode] {
        let skinCount = doc.skins?.count ?? 0
        var out: [GLTFNode] = []
        for (i, n) in (doc.nodes ?? []).enumerated() {
            let at = "nodes[\(i)]"
            var rest = GLTFTransform.identity
            if let t = try numbers(n.translation, count: 3, at: at + ".translation") { rest.translation = SIMD3(t[0], t[1], t[2]) }
            if let r = try numbers(n.rotation, count: 4, at: at + ".rotation") {
                let q = SIMD4(r[0], r[1], r[2], r[3])
                let l = (q * q).sum().squareRoot()
                guard l > 1e-6 else { throw error(at + ".rotation", "a zero quaternion; a rotation is a unit quaternion") }
                rest.rotation = q / l
            }
            if let s = try numbers(n.scale, count: 3, at: at + ".scale") { rest.scale = SIMD3(s[0], s[1], s[2]) }
            var matrix: Matrix4?
            if let m = try numbers(n.matrix, count: 16, at: at + ".matrix") {
                guard n.translation == nil, n.rotation == nil, n.scale == nil else { throw error(at + ".matrix", "given with translation, rotation or scale; a node has one or the other") }
                matrix = Matrix4(SIMD4(m[0], m[1], m[2], m[3]), SIMD4(m[4], m[5], m[6], m[7]), SIMD4(m[8], m[9], m[10], m[11]), SIMD4(m[12], m[13], m[14], m[15]))
            }
            if let m = n.mesh, m < 0 || m >= meshes.count { throw error(at + ".mesh", "mesh \(m) does not exist (the file has \(meshes.count))") }
            if let s = n.skin {
                guard s >= 0, s < skinCount else { throw error(at + ".skin", "skin \(s) does not exist (the file has \(skinCount))") }
                guard n.mesh != nil else { throw error(at + ".skin", "a skin on a node without a mesh") }
            }
            var weights: [Float]?
            if let w = n.weights {
                let targets = n.mesh.map { meshes[$0].weights.count } ?? 0
                guard w.count == targets else { throw error(at + ".weights", "\(w.count) weights, but the node's mesh has \(targets) morph targets") }
                weights = try w.enumerated().map { (k, v) throws(GLTFError) in
                    guard v.isFinite, abs(v) <= Double(GLTFLimits.maxCoordinate) else { throw error("\(at).weights[\(k)]", "not a finite number of at most ±\(Int(GLTFLimits.maxCoordinate))") }
                    return Float(v)
                }
            }
            out.append(GLTFNode(name: n.name ?? "", parent: nil, children: n.children ?? [], mesh: n.mesh, skin: n.skin,
                                rest: rest, matrix: matrix, weights: weights))
        }
        return out
    }

    /// Sets parents, refusing a child out of range, a node with two parents and cycles;
    /// returns every node with parents before children.
    func linkNodes(_ nodes: inout [GLTFNode]) throws(GLTFError) -> [Int] {
        for i in nodes.indices {
            for (k, c) in nodes[i].children.enumerated() {
                let at = "nodes[\(i)].children[\(k)]"
                guard c >= 0, c < nodes.count else { throw error(at, "node \(c) does not exist (the file has \(nodes.count))") }
                guard c != i else { throw error(at, "node \(i) is its own child; the node graph has a cycle") }
                if let p = nodes[c].parent {
                    throw error(at, "node \(c) is already a child of node \(p); a node has at most one parent")
                }
                nodes[c].parent = i
            }
        }
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        for i in nodes.indices where nodes[i].parent == nil { order.append(i) }
        var k = 0
        while k < order.count {
            order.append(contentsOf: nodes[order[k]].children)
            k += 1
        }
        if order.count < nodes.count {
            var seen = [Bool](repeating: false, count: nodes.count)
            for i in order { seen[i] = true }
            let first = seen.firstIndex(of: false)!
            throw error("nodes[\(first)]", "it is in a cycle of the node graph (every node above it has a parent)")
        }
        return order
    }

    func loadScenes(_ nodes: [GLTFNode]) throws(GLTFError) -> ([GLTFScene], Int?) {
        var scenes: [GLTFScene] = []
        for (s, record) in (doc.scenes ?? []).enumerated() {
            var seen = Set<Int>()
            for (k, n) in (record.nodes ?? []).enumerated() {
                let at = "scenes[\(s)].nodes[\(k)]"
                guard n >= 0, n < nodes.count else { throw error(at, "node \(n) does not exist (the file has \(nodes.count))") }
                if let p = nodes[n].parent { throw error(at, "node \(n) is a child of node \(p); a scene lists root nodes") }
                guard seen.insert(n).inserted else { throw error(at, "node \(n) is listed twice") }
            }
            scenes.append(GLTFScene(name: record.name ?? "", nodes: record.nodes ?? []))
        }
        if let d = doc.scene {
            guard d >= 0, d < scenes.count else { throw error("scene", "scene \(d) does not exist (the file has \(scenes.count))") }
            return (scenes, d)
        }
        return (scenes, scenes.isEmpty ? nil : 0)
    }

    // MARK: Skins

    static let matrixTypes = Allowed(types: ["MAT4"], components: [(.float, false)], text: "MAT4 of float")

    func loadSkins(_ decoder: inout AccessorDecoder, nodes: [GLTFNode], meshes: [GLTFMesh]) throws(GLTFError) -> [GLTFSkin] {
        var out: [GLTFSkin] = []
        for (s, record) in (doc.skins ?? []).enumerated() {
            let at = "skins[\(s)]"
            guard !record.joints.isEmpty else { throw error(at + ".joints", "empty; a skin has at least one joint") }
            for (k, j) in record.joints.enumerated() where j < 0 || j >= nodes.count {
                throw error("\(at).joints[\(k)]", "node \(j) does not exist (the file has \(nodes.count))")
            }
            if let sk = record.skeleton, sk < 0 || sk >= nodes.count { throw error(at + ".skeleton", "node \(sk) does not exist (the file has \(nodes.count))") }
            var ibms = [Matrix4](repeating: .identity, count: record.joints.count)
            if let mi = record.inverseBindMatrices {
                let mat = at + ".inverseBindMatrices"
                let flat = try decoder.floats(mi, usedAt: mat, Self.matrixTypes).values
                guard flat.count >= 16 * record.joints.count else {
                    throw error(mat, "\(flat.count / 16) matrices for \(record.joints.count) joints")
                }
                for k in 0..<record.joints.count {
                    let m = Array(flat[(16 * k)..<(16 * k + 16)])
                    guard m.allSatisfy({ $0.isFinite }) else { throw error(mat, "matrix \(k) is not finite") }
                    ibms[k] = Matrix4(SIMD4(m[0], m[1], m[2], m[3]), SIMD4(m[4], m[5], m[6], m[7]), SIMD4(m[8], m[9], m[10], m[11]), SIMD4(m[12], m[13], m[14], m[15]))
                }
            }
            out.append(GLTFSkin(name: record.name ?? "", joints: record.joints, inverseBindMatrices: ibms, skeleton: record.skeleton))
        }
        for (i, n) in nodes.enumerated() {
            guard let s = n.skin, let m = n.mesh else { continue }
            let need = meshes[m].primitives.map(\.maxJoint).max() ?? -1
            if need >= out[s].joints.count {
                throw error("nodes[\(i)].skin", "mesh \(m) uses joint \(need) but skin \(s) has \(out[s].joints.count) joints")
            }
        }
        return out
    }

    // MARK: Animations

    static let timeTypes = Allowed(types: ["SCALAR"], components: [(.float, false)], text: "SCALAR of float")
    static let vec3Output = Allowed(types: ["VEC3"], components: [(.float, false)], text: "VEC3 of float")
    static let rotationOutput = Allowed(types: ["VEC4"], components: [(.float, false), (.byte, true), (.ubyte, true), (.short, true), (.ushort, true)],
                                        text: "VEC4 of float or of a normalized integer type")
    static let weightOutput = Allowed(types: ["SCALAR"], components: [(.float, false), (.byte, true), (.ubyte, true), (.short, true), (.ushort, true)],
                                      text: "SCALAR of float or of a normalized integer type")

    func loadAnimations(_ decoder: inout AccessorDecoder, nodes: [GLTFNode], meshes: [GLTFMesh]) throws(GLTFError) -> [GLTFAnimation] {
        var out: [GLTFAnimation] = []
        for (a, record) in (doc.animations ?? []).enumerated() {
            let at = "animations[\(a)]"
            var channels: [GLTFChannel] = []
            var duration: Float = 0
            for (c, channel) in record.channels.enumerated() {
                let cat = "\(at).channels[\(c)]"
                guard let node = channel.target.node else { continue } // targets something an extension names
                guard node >= 0, node < nodes.count else { throw error(cat + ".target.node", "node \(node) does not exist (the file has \(nodes.count))") }
                guard let path = GLTFChannelPath(rawValue: channel.target.path) else {
                    if channel.target.path == "pointer" { continue }
                    throw error(cat + ".target.path", "\(quoted(channel.target.path)); it is translation, rotation, scale or weights")
                }
                guard nodes[node].matrix == nil else { throw error(cat + ".target.node", "node \(node) has a matrix; an animated node has TRS") }
                guard channel.sampler >= 0, channel.sampler < record.samplers.count else {
                    throw error(cat + ".sampler", "sampler \(channel.sampler) does not exist (the animation has \(record.samplers.count))")
                }
                let sat = "\(at).samplers[\(channel.sampler)]"
                let sampler = record.samplers[channel.sampler]
                let interpolation: GLTFInterpolation
                if let name = sampler.interpolation {
                    guard let i = GLTFInterpolation(rawValue: name) else { throw error(sat + ".interpolation", "\(quoted(name)); it is LINEAR, STEP or CUBICSPLINE") }
                    interpolation = i
                } else {
                    interpolation = .linear
                }
                let times = try decoder.floats(sampler.input, usedAt: sat + ".input", Self.timeTypes).values
                for k in times.indices {
                    guard times[k].isFinite else { throw error(sat + ".input", "time \(k) is not finite") }
                    if k > 0, times[k] < times[k - 1] { throw error(sat + ".input", "time \(k) (\(times[k])) comes before time \(k - 1) (\(times[k - 1])); times increase") }
                }
                let width: Int
                let values: [Float]
                switch path {
                case .translation, .scale:
                    width = 3
                    values = try decoder.floats(sampler.output, usedAt: sat + ".output", Self.vec3Output).values
                case .rotation:
                    width = 4
                    values = try decoder.floats(sampler.output, usedAt: sat + ".output", Self.rotationOutput).values
                case .weights:
                    guard let m = nodes[node].mesh, !meshes[m].weights.isEmpty else {
                        throw error(cat + ".target.node", "node \(node) has no mesh with morph targets to weigh")
                    }
                    width = meshes[m].weights.count
                    values = try decoder.floats(sampler.output, usedAt: sat + ".output", Self.weightOutput).values
                }
                let per = width * (interpolation == .cubicSpline ? 3 : 1)
                guard values.count == per * times.count else {
                    throw error(sat + ".output", "\(values.count) numbers for \(times.count) keyframes; \(channel.target.path) with \(interpolation.rawValue) needs \(per) each")
                }
                if let bad = values.firstIndex(where: { !$0.isFinite || abs($0) > GLTFLimits.maxCoordinate }) {
                    throw error(sat + ".output", "number \(bad) is not finite or beyond ±\(Int(GLTFLimits.maxCoordinate))")
                }
                duration = max(duration, times.last!)
                channels.append(GLTFChannel(node: node, path: path, interpolation: interpolation, times: times, values: values, width: width))
            }
            out.append(GLTFAnimation(name: record.name ?? "", channels: channels, duration: duration))
        }
        return out
    }
}
