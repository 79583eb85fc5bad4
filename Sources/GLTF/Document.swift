// The glTF 2.0 JSON as Codable records: only the members the loader reads. Unknown members
// (extras, extensions it does not know) are ignored, as the spec asks. Required members
// are non-optional, so a model without one fails with the member's JSON path.

struct Document: Decodable {
    var asset: Asset
    var extensionsUsed: [String]?
    var extensionsRequired: [String]?
    var scene: Int?
    var scenes: [SceneRecord]?
    var nodes: [NodeRecord]?
    var meshes: [MeshRecord]?
    var accessors: [AccessorRecord]?
    var bufferViews: [BufferViewRecord]?
    var buffers: [BufferRecord]?
    var materials: [MaterialRecord]?
    var textures: [TextureRecord]?
    var samplers: [SamplerRecord]?
    var images: [ImageRecord]?
    var skins: [SkinRecord]?
    var animations: [AnimationRecord]?
}

struct Asset: Decodable {
    var version: String
    var minVersion: String?
}

struct SceneRecord: Decodable {
    var name: String?
    var nodes: [Int]?
}

struct NodeRecord: Decodable {
    var name: String?
    var children: [Int]?
    var mesh: Int?
    var skin: Int?
    var matrix: [Double]?
    var translation: [Double]?
    var rotation: [Double]?
    var scale: [Double]?
    var weights: [Double]?
}

/// Extras whose shape is not fixed by the spec: read when they are an object with
/// `targetNames` (the morph target names exporters write), ignored otherwise.
struct MeshExtras: Decodable {
    var targetNames: [String]?
    init(from decoder: Decoder) throws {
        let c = try? decoder.container(keyedBy: Key.self)
        targetNames = (try? c?.decodeIfPresent([String].self, forKey: .targetNames)) ?? nil
    }
    enum Key: String, CodingKey { case targetNames }
}

struct MeshRecord: Decodable {
    var name: String?
    var primitives: [PrimitiveRecord]
    var weights: [Double]?
    var extras: MeshExtras?
}

struct PrimitiveRecord: Decodable {
    var attributes: [String: Int]
    var indices: Int?
    var material: Int?
    var mode: Int?
    var targets: [[String: Int]]?
}

struct AccessorRecord: Decodable {
    var bufferView: Int?
    var byteOffset: Int?
    var componentType: Int
    var normalized: Bool?
    var count: Int
    var type: String
    var sparse: SparseRecord?
}

struct SparseRecord: Decodable {
    struct Indices: Decodable {
        var bufferView: Int
        var byteOffset: Int?
        var componentType: Int
    }
    struct Values: Decodable {
        var bufferView: Int
        var byteOffset: Int?
    }
    var count: Int
    var indices: Indices
    var values: Values
}

struct BufferViewRecord: Decodable {
    var buffer: Int
    var byteOffset: Int?
    var byteLength: Int
    var byteStride: Int?
}

struct BufferRecord: Decodable {
    var uri: String?
    var byteLength: Int
}

struct TextureInfoRecord: Decodable {
    var index: Int
    var texCoord: Int?
}

struct MaterialRecord: Decodable {
    struct PBR: Decodable {
        var baseColorFactor: [Double]?
        var baseColorTexture: TextureInfoRecord?
        var metallicFactor: Double?
        var roughnessFactor: Double?
    }
    var name: String?
    var pbrMetallicRoughness: PBR?
    var emissiveFactor: [Double]?
    var emissiveTexture: TextureInfoRecord?
    var alphaMode: String?
    var alphaCutoff: Double?
    var doubleSided: Bool?
}

struct TextureRecord: Decodable {
    var sampler: Int?
    var source: Int?
}

struct SamplerRecord: Decodable {
    var magFilter: Int?
    var minFilter: Int?
    var wrapS: Int?
    var wrapT: Int?
}

struct ImageRecord: Decodable {
    var name: String?
    var uri: String?
    var mimeType: String?
    var bufferView: Int?
}

struct SkinRecord: Decodable {
    var name: String?
    var inverseBindMatrices: Int?
    var skeleton: Int?
    var joints: [Int]
}

struct AnimationRecord: Decodable {
    struct Channel: Decodable {
        struct Target: Decodable {
            var node: Int?
            var path: String
        }
        var sampler: Int
        var target: Target
    }
    struct Sampler: Decodable {
        var input: Int
        var interpolation: String?
        var output: Int
    }
    var name: String?
    var channels: [Channel]
    var samplers: [Sampler]
}
