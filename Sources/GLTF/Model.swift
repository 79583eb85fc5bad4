import Raster

/// A loaded glTF 2.0 model: everything the loader read, checked and decoded into flat
/// arrays. Indices into `nodes`, `meshes`, `materials`, `images`, `skins` and `animations`
/// are the file's own, and every one of them has been checked to be in range.
public struct GLTFModel: Sendable {
    /// The file's name, as given to the loader (for messages).
    public var name: String
    public var scenes: [GLTFScene]
    /// The scene to show: the file's `scene`, else its first scene, else nil (no scenes).
    public var defaultScene: Int?
    public var nodes: [GLTFNode]
    public var meshes: [GLTFMesh]
    public var materials: [GLTFMaterial]
    /// The decoded images, 8-bit RGBA, in the file's order.
    public var images: [Image8]
    public var skins: [GLTFSkin]
    /// The animation clips; `animation(named:)` finds one by name.
    public var animations: [GLTFAnimation]
    /// Every node, parents before their children: the order world matrices are computed in.
    public var nodeOrder: [Int]
    /// What the loader left out, one line each (primitives of modes other than triangles).
    public var notes: [String]

    /// The first clip called `name`, or nil.
    public func animation(named name: String) -> GLTFAnimation? {
        animations.first { $0.name == name }
    }

    /// The nodes of the default scene and all their descendants, parents first (every node
    /// when the file has no scene).
    public var defaultSceneNodes: [Int] {
        guard let s = defaultScene else { return nodeOrder }
        var out: [Int] = []
        var stack = scenes[s].nodes.reversed() as [Int]
        while let n = stack.popLast() {
            out.append(n)
            stack.append(contentsOf: nodes[n].children.reversed())
        }
        return out
    }

    /// The number of triangles of all meshes (each mesh counted once).
    public var triangleCount: Int {
        meshes.reduce(0) { $0 + $1.primitives.reduce(0) { $0 + $1.indices.count / 3 } }
    }
}

/// A scene: its root nodes.
public struct GLTFScene: Sendable {
    public var name: String
    public var nodes: [Int]
}

/// A node of the hierarchy: its rest transform, its place in the tree and what it carries.
public struct GLTFNode: Sendable {
    public var name: String
    /// The parent node, or nil for a root. A node has at most one parent (checked).
    public var parent: Int?
    public var children: [Int]
    public var mesh: Int?
    /// The skin that deforms `mesh`; then the node's own transform is ignored (spec 3.7.3).
    public var skin: Int?
    /// The rest transform: the file's TRS (identity where absent).
    public var rest: GLTFTransform
    /// The file's `matrix`, when it gave one instead of TRS: then it is the node's local
    /// transform and no animation may target the node (checked).
    public var matrix: Matrix4?
    /// Morph weights that override the mesh's default weights, if the file gave them.
    public var weights: [Float]?
}

/// A local transform: translation, rotation as a unit quaternion (x, y, z, w), scale.
public struct GLTFTransform: Sendable, Equatable {
    public var translation: SIMD3<Float>
    public var rotation: SIMD4<Float>
    public var scale: SIMD3<Float>

    /// A transform; the defaults are the identity's parts.
    public init(translation: SIMD3<Float> = .zero, rotation: SIMD4<Float> = SIMD4(0, 0, 0, 1), scale: SIMD3<Float> = .one) {
        self.translation = translation
        self.rotation = rotation
        self.scale = scale
    }

    /// The identity transform.
    public static let identity = GLTFTransform()

    /// T * R * S as a column-major matrix.
    public var matrix: Matrix4 {
        let q = rotation
        let x = q.x, y = q.y, z = q.z, w = q.w
        let c0 = SIMD4<Float>(1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w), 0) * scale.x
        let c1 = SIMD4<Float>(2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w), 0) * scale.y
        let c2 = SIMD4<Float>(2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y), 0) * scale.z
        return Matrix4(c0, c1, c2, SIMD4(translation, 1))
    }
}

/// A mesh: its triangle primitives and morph target defaults.
public struct GLTFMesh: Sendable {
    public var name: String
    public var primitives: [GLTFPrimitive]
    /// The default morph weights, one per target (zeros when the file gave none).
    public var weights: [Float]
    /// The morph targets' names from the mesh's `extras.targetNames`, else empty.
    public var targetNames: [String]
}

/// One primitive as a triangle list: per-vertex arrays of one length (`vertexCount`),
/// indices three per triangle, every index below `vertexCount` (checked). Strips and fans
/// are turned into lists; the attributes are decoded to Float, normalised integers mapped
/// as the spec says.
public struct GLTFPrimitive: Sendable {
    public var positions: [SIMD3<Float>]
    /// Unit normals, or empty when the file has none.
    public var normals: [SIMD3<Float>]
    /// TEXCOORD_0, or empty.
    public var texcoords: [SIMD2<Float>]
    /// COLOR_0 as RGBA (alpha 1 for a VEC3 accessor), or empty.
    public var colors: [SIMD4<Float>]
    /// JOINTS_0: indices into the skin's joints, or empty.
    public var joints: [SIMD4<UInt16>]
    /// WEIGHTS_0, scaled to sum to 1 (a vertex whose weights sum to 0 gets (1, 0, 0, 0)), or empty.
    public var weights: [SIMD4<Float>]
    public var indices: [UInt32]
    public var material: Int?
    /// Morph targets: deltas per vertex (each array empty or `vertexCount` long).
    public var targets: [GLTFMorphTarget]
    /// The largest joint index in `joints` (-1 without joints): a skin needs more joints.
    public var maxJoint: Int

    /// The number of vertices (every per-vertex array that is not empty has this length).
    public var vertexCount: Int { positions.count }
}

/// A morph target's displacements.
public struct GLTFMorphTarget: Sendable {
    public var positions: [SIMD3<Float>]
    public var normals: [SIMD3<Float>]
}

/// How a material's alpha is used (spec 3.9.4).
public enum GLTFAlphaMode: String, Sendable {
    case opaque = "OPAQUE"
    case mask = "MASK"
    case blend = "BLEND"
}

/// A texture wrap mode.
public enum GLTFWrap: Int, Sendable {
    case clampToEdge = 33071
    case mirroredRepeat = 33648
    case `repeat` = 10497
}

/// A material's use of an image: which one, through which TEXCOORD set, how it wraps and
/// whether it is magnified with nearest or linear filtering.
public struct GLTFTextureReference: Sendable {
    public var image: Int
    /// The TEXCOORD_n set; the loader decodes TEXCOORD_0 only.
    public var texCoord: Int
    public var wrapS: GLTFWrap
    public var wrapT: GLTFWrap
    public var nearest: Bool
}

/// The parts of a metallic-roughness material a software renderer uses.
public struct GLTFMaterial: Sendable {
    public var name: String
    /// Linear RGBA; multiplies the base colour texture and COLOR_0.
    public var baseColorFactor: SIMD4<Float>
    public var baseColorTexture: GLTFTextureReference?
    public var metallicFactor: Float
    public var roughnessFactor: Float
    /// Linear RGB.
    public var emissiveFactor: SIMD3<Float>
    public var emissiveTexture: GLTFTextureReference?
    public var alphaMode: GLTFAlphaMode
    public var alphaCutoff: Float
    public var doubleSided: Bool

    /// The spec's default material, for primitives without one.
    public static let `default` = GLTFMaterial(
        name: "", baseColorFactor: .one, baseColorTexture: nil, metallicFactor: 1, roughnessFactor: 1,
        emissiveFactor: .zero, emissiveTexture: nil, alphaMode: .opaque, alphaCutoff: 0.5, doubleSided: false)
}

/// A skin: its joints (nodes) and their inverse bind matrices.
public struct GLTFSkin: Sendable {
    public var name: String
    public var joints: [Int]
    /// One per joint (identity where the file gave none).
    public var inverseBindMatrices: [Matrix4]
    /// The file's skeleton root, if any (informative only).
    public var skeleton: Int?
}

/// Which property of a node a channel animates.
public enum GLTFChannelPath: String, Sendable {
    case translation, rotation, scale, weights
}

/// How a sampler interpolates between keyframes.
public enum GLTFInterpolation: String, Sendable {
    case linear = "LINEAR"
    case step = "STEP"
    case cubicSpline = "CUBICSPLINE"
}

/// One animated property: keyframe times (seconds, increasing) and values, flat.
public struct GLTFChannel: Sendable {
    public var node: Int
    public var path: GLTFChannelPath
    public var interpolation: GLTFInterpolation
    public var times: [Float]
    /// `width` floats per keyframe, three groups of them per keyframe for CUBICSPLINE
    /// (in-tangent, value, out-tangent).
    public var values: [Float]
    /// 3 (translation, scale), 4 (rotation, x y z w) or the mesh's target count (weights).
    public var width: Int
}

/// An animation clip.
public struct GLTFAnimation: Sendable {
    public var name: String
    public var channels: [GLTFChannel]
    /// The last keyframe time of all channels (0 for an empty clip).
    public var duration: Float
}
