import GLTF
import Raster
import Scenes
#if canImport(Glibc)
import Glibc
#endif

/// A glTF model posed, skinned and lit on the CPU each frame, and drawn as coloured
/// triangles: what the `model` scene shows, and emergence's character (`--character`).
///
/// Lighting is the engine's own, per vertex, in linear HDR light (then the look's bloom and
/// tone mapping): key, fill and rim lights and an ambient term over the material's base
/// colour (its factor × COLOR_0), plus its emissive colour. A part with a base colour texture
/// is drawn with the rasterizer's lit texture kernel instead (`texturedDraw`). Opaque and mask materials are drawn depth-tested; blend materials after
/// them, premultiplied and without depth writes, their triangles sorted back to front. Back faces of single-sided materials are
/// culled, as glTF asks (counter-clockwise is front; a rigid node whose world matrix mirrors
/// turns its triangles round, and a skinned part keeps the winding it was authored with):
/// left to the depth test, a back face meeting its front face at a silhouette wins some of
/// the samples there. Double-sided materials are drawn with both faces.
public final class ModelRig {
    public let model: GLTFModel
    /// One mesh primitive of a node of the default scene.
    struct Part {
        let node: Int
        let primitive: GLTFPrimitive
        let skinned: Bool
        /// Linear RGBA per vertex before lighting (premultiplied later for blend parts).
        let base: [SIMD4<Float>]
        let emissive: SIMD3<Float>
        let blend: Bool
        /// The base colour texture, for a primitive with TEXCOORD_0: the part is drawn
        /// textured and lit per pixel of the texture (`.texturedLit`), its base colour
        /// factor folded into the light.
        let texture: Texture?
        let factor: SIMD4<Float>
        let doubleSided: Bool
    }
    let parts: [Part]
    /// One mesh per textured part (its vertices carry u, v, key and rim amounts).
    let texturedMeshes: [ColorMesh]

    // Scratch kept between frames: no allocation once warm.
    var worlds: [Matrix4] = []
    var joints: [Matrix4] = []
    /// The posed vertices of the last `pose` call, in world space, by part.
    public private(set) var posed: [[SIMD3<Float>]] = []
    var posedNormals: [[SIMD3<Float>]] = []
    /// Single-sided (culled) and double-sided meshes of the untextured parts.
    let opaque = ColorMesh(), blended = ColorMesh(), opaqueTwoSided = ColorMesh(), blendedTwoSided = ColorMesh()

    public init(model: GLTFModel) {
        self.model = model
        var parts: [Part] = []
        for n in model.defaultSceneNodes {
            guard let m = model.nodes[n].mesh else { continue }
            for p in model.meshes[m].primitives where !p.indices.isEmpty {
                let material = p.material.map { model.materials[$0] } ?? .default
                var texture: Texture?
                if let t = material.baseColorTexture, t.image < model.images.count, p.texcoords.count == p.vertexCount {
                    texture = Self.linearTexture(model.images[t.image], wrap: t.wrapS == .clampToEdge ? .clamp : .repeat)
                }
                parts.append(Part(node: n, primitive: p, skinned: model.nodes[n].skin != nil && !p.joints.isEmpty,
                                  base: Self.baseColours(p, material), emissive: material.emissiveFactor,
                                  blend: material.alphaMode == .blend, texture: texture, factor: material.baseColorFactor,
                                  doubleSided: material.doubleSided))
            }
        }
        self.parts = parts
        texturedMeshes = parts.map { _ in ColorMesh() }
        posed = parts.map { _ in [] }
        posedNormals = parts.map { _ in [] }
    }

    /// Triangles drawn per frame.
    public var triangleCount: Int { parts.reduce(0) { $0 + $1.primitive.indices.count / 3 } }

    /// Poses the model (`pose`, from `GLTFModel.restPose` or a sampled clip), placed in the
    /// world by `placement`: fills `posed` and the normals lighting reads.
    public func pose(_ pose: GLTFPose, placement: Matrix4) {
        // The placement goes into every node's world matrix, so skinning (through the joint
        // matrices) and rigid parts alike come out placed: one pass over the vertices.
        model.worldMatrices(pose, into: &worlds)
        for i in worlds.indices { worlds[i] = placement * worlds[i] }
        var skinOf = -1
        for (k, part) in parts.enumerated() {
            let node = part.node
            if part.skinned {
                let skin = model.nodes[node].skin!
                if skin != skinOf { model.jointMatrices(skin: skin, worlds: worlds, into: &joints); skinOf = skin }
                GLTFSkinning.skin(part.primitive, joints: joints, morphWeights: pose.weights[node], positions: &posed[k], normals: &posedNormals[k])
            } else {
                GLTFSkinning.transform(part.primitive, by: worlds[node], morphWeights: pose.weights[node], positions: &posed[k],
                                       normals: &posedNormals[k])
            }
            if posedNormals[k].count != posed[k].count { Self.smoothNormals(posed[k], part.primitive.indices, into: &posedNormals[k]) }
        }
    }

    /// The draws of the last pose, seen from `eye` through `viewProjection`, lit by `light`.
    public func draws(viewProjection: Matrix4, eye: SIMD3<Float>, light: RigLight) -> [DrawCall] {
        for m in [opaque, blended, opaqueTwoSided, blendedTwoSided] { m.reset() }
        var textured: [DrawCall] = []
        for (k, part) in parts.enumerated() {
            if let texture = part.texture {
                textured.append(texturedDraw(k, texture, viewProjection: viewProjection, eye: eye, light: light))
                continue
            }
            let mesh = part.blend ? (part.doubleSided ? blendedTwoSided : blended) : (part.doubleSided ? opaqueTwoSided : opaque)
            let flip = mirrors(part)
            let first = UInt32(mesh.positions.count)
            let ps = posed[k], ns = posedNormals[k]
            for i in ps.indices {
                let n = ns[i], base = part.base[i]
                let toEye = normalize(eye - ps[i])
                let facing = max(dot(n, toEye), 0)
                let rimAmount = (1 - facing) * (1 - facing) * (1 - facing)
                var rgb = SIMD3(base.x, base.y, base.z) * (light.ambient + light.key * max(dot(n, light.keyDirection), 0)
                    + light.fill * max(dot(n, light.fillDirection), 0))
                rgb += light.rim * rimAmount + part.emissive
                let alpha = part.blend ? base.w : 1
                mesh.vertex(ps[i], SIMD4(rgb * alpha, alpha))
            }
            let idx = part.primitive.indices
            var t = 0
            while t + 2 < idx.count {
                if flip {
                    mesh.triangle(first + idx[t], first + idx[t + 2], first + idx[t + 1])
                } else {
                    mesh.triangle(first + idx[t], first + idx[t + 1], first + idx[t + 2])
                }
                t += 3
            }
        }
        blended.sortBackToFront(eye: eye)
        blendedTwoSided.sortBackToFront(eye: eye)
        var out: [DrawCall] = []
        for (mesh, cull) in [(opaque, CullMode.back), (opaqueTwoSided, .none)] {
            if let d = mesh.draw(transform: viewProjection, state: RenderState(depthTest: .less, depthWrite: true, blend: .opaque, cull: cull)) {
                out.append(d)
            }
        }
        out += textured.filter { if case .opaque = $0.state.blend { true } else { false } }
        out += textured.filter { if case .opaque = $0.state.blend { false } else { true } }
        for (mesh, cull) in [(blended, CullMode.back), (blendedTwoSided, .none)] {
            if let d = mesh.draw(transform: viewProjection, state: RenderState(depthTest: .less, depthWrite: false, blend: .premultipliedAlpha,
                                                                              cull: cull)) {
                out.append(d)
            }
        }
        return out
    }

    /// Whether a part's triangles turn round in the world: a rigid part under a mirroring
    /// world matrix (negative determinant). A skinned part keeps its authored winding.
    func mirrors(_ part: Part) -> Bool {
        guard !part.skinned else { return false }
        let m = worlds[part.node].columns
        let a = SIMD3(m.0.x, m.0.y, m.0.z), b = SIMD3(m.1.x, m.1.y, m.1.z), c = SIMD3(m.2.x, m.2.y, m.2.z)
        return dot(a, cross(b, c)) < 0
    }

    /// A textured part's draw: per vertex its uv and how much key and rim light it gets.
    func texturedDraw(_ k: Int, _ texture: Texture, viewProjection: Matrix4, eye: SIMD3<Float>, light: RigLight) -> DrawCall {
        let part = parts[k], mesh = texturedMeshes[k]
        mesh.reset()
        let ps = posed[k], ns = posedNormals[k], uv = part.primitive.texcoords
        for i in ps.indices {
            let n = ns[i]
            let facing = max(dot(n, normalize(eye - ps[i])), 0)
            let rim = (1 - facing) * (1 - facing) * (1 - facing)
            // The fill light, which has no attribute of its own, goes by the key's amount.
            let key = max(dot(n, light.keyDirection), 0) + max(dot(n, light.fillDirection), 0) * 0.25
            mesh.vertex(ps[i], SIMD4(uv[i].x, uv[i].y, key, rim))
        }
        let idx = part.primitive.indices
        let flip = mirrors(part)
        var t = 0
        while t + 2 < idx.count {
            if flip { mesh.triangle(idx[t], idx[t + 2], idx[t + 1]) } else { mesh.triangle(idx[t], idx[t + 1], idx[t + 2]) }
            t += 3
        }
        if part.blend { mesh.sortBackToFront(eye: eye) }
        let f = SIMD3(part.factor.x, part.factor.y, part.factor.z)
        let lit = TexturedLight(ambient: (light.ambient + part.emissive) * f, key: light.key * f, rim: light.rim)
        let cull: CullMode = part.doubleSided ? .none : .back
        let state = part.blend ? RenderState(depthTest: .less, depthWrite: false, blend: .premultipliedAlpha, cull: cull)
            : RenderState(depthTest: .less, depthWrite: true, blend: .opaque, cull: cull)
        return DrawCall(mesh: Mesh(positions: mesh.positions, attributes: mesh.colors, indices: mesh.indices),
                        transform: viewProjection, shading: .texturedLit(texture, lit), state: state)
    }

    /// An sRGB image as a texture of linear, premultiplied colour.
    static func linearTexture(_ image: Image8, wrap: Texture.Wrap) -> Texture {
        var texels: [SIMD4<Float>] = []
        texels.reserveCapacity(image.width * image.height)
        let px = image.pixels
        for i in 0..<(image.width * image.height) {
            let a = Float(px[i * 4 + 3]) / 255
            texels.append(SIMD4(srgbToLinear(px[i * 4]) * a, srgbToLinear(px[i * 4 + 1]) * a, srgbToLinear(px[i * 4 + 2]) * a, a))
        }
        return Texture(width: image.width, height: image.height, texels: texels, wrap: wrap)
    }

    /// Per-vertex base colour of an untextured part: the material's factor × COLOR_0.
    static func baseColours(_ p: GLTFPrimitive, _ m: GLTFMaterial) -> [SIMD4<Float>] {
        (0..<p.vertexCount).map { i in i < p.colors.count ? m.baseColorFactor * p.colors[i] : m.baseColorFactor }
    }

    /// Normals for a primitive without them: each vertex the normalised sum of its
    /// triangles' area-weighted normals.
    static func smoothNormals(_ positions: [SIMD3<Float>], _ indices: [UInt32], into normals: inout [SIMD3<Float>]) {
        normals = [SIMD3<Float>](repeating: .zero, count: positions.count)
        var t = 0
        while t + 2 < indices.count {
            let i = Int(indices[t]), j = Int(indices[t + 1]), k = Int(indices[t + 2])
            let n = cross(positions[j] - positions[i], positions[k] - positions[i])
            normals[i] += n; normals[j] += n; normals[k] += n
            t += 3
        }
        for i in normals.indices {
            let l = length(normals[i])
            normals[i] = l > 1e-20 ? normals[i] / l : SIMD3(0, 1, 0)
        }
    }
}

/// The engine's lights for a model: directions toward the light, colours in linear light.
public struct RigLight: Sendable {
    public var keyDirection: SIMD3<Float>
    public var key: SIMD3<Float>
    public var fillDirection: SIMD3<Float>
    public var fill: SIMD3<Float>
    /// Added where the surface turns away from the eye: the rim.
    public var rim: SIMD3<Float>
    public var ambient: SIMD3<Float>

    public init(keyDirection: SIMD3<Float>, key: SIMD3<Float>, fillDirection: SIMD3<Float>, fill: SIMD3<Float>,
                rim: SIMD3<Float>, ambient: SIMD3<Float>) {
        self.keyDirection = normalize(keyDirection)
        self.key = key
        self.fillDirection = normalize(fillDirection)
        self.fill = fill
        self.rim = rim
        self.ambient = ambient
    }
}

/// An 8-bit sRGB value in linear light.
@inline(__always) func srgbToLinear(_ v: UInt8) -> Float {
    let c = Float(v) / 255
    return c <= 0.04045 ? c / 12.92 : powf((c + 0.055) / 1.055, 2.4)
}
