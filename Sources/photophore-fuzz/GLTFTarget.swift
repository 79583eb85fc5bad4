import Foundation
import GLTF
import Raster
import Sinks

/// The glTF loader, `GLTFModel(bytes:name:directory:)`, then what a renderer does with an
/// accepted model: bounds in the rest pose, every clip sampled, world and joint matrices,
/// skinning. Seeds: the repository's models and small generated ones with every feature
/// the loader reads (indices of each type, quantized and sparse accessors, strides, morph
/// targets, skins, the three interpolations, PNG and JPEG images, data URIs).
struct GLTFTarget: FuzzTarget {
    let name = "gltf"
    let seeds: [FuzzInput]
    let weights: [Int]
    let maxLength = 8 << 20
    let scratch: String
    /// The folder models are loaded from (`GLTFFolder`).
    let folder: String

    init(root: String, scratch: String) throws {
        self.scratch = scratch
        var files: [[UInt8]] = []
        var weights: [Int] = []
        let dir = root + "/assets/models"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where name.hasSuffix(".glb") || name.hasSuffix(".gltf") {
            guard let data = FileManager.default.contents(atPath: dir + "/" + name) else { continue }
            files.append(Array(data))
            weights.append(data.count > 100_000 ? 2 : 20)
        }
        for model in try GLTFSeeds.all() {
            files.append(model)
            weights.append(40)
        }
        // The model's folder, with a file outside it that every escape would reach.
        let folder = try GLTFFolder(scratch: scratch)
        self.folder = folder.model
        for uri in GLTFFolder.uris {
            files.append(GLTFFolder.model(uri: uri))
            weights.append(4)
        }
        seeds = files.map { FuzzInput(bytes: $0) }
        self.weights = weights
    }

    /// A .glb's JSON chunk, its BIN chunk or the whole file; a .gltf's text as JSON.
    func mutate(_ input: inout FuzzInput, rng: inout FuzzRandom) {
        let others = seeds.map(\.bytes)
        guard let (json, bin) = GLTFSeeds.split(input.bytes), !rng.oneIn(4) else {
            if input.bytes.first == UInt8(ascii: "{"), !rng.oneIn(4) {
                JSONMutator.mutate(&input.bytes, rng: &rng, seeds: others, maxLength: maxLength)
            } else {
                ByteMutator.mutate(&input.bytes, rng: &rng, seeds: others, maxLength: maxLength)
            }
            return
        }
        var j = json, b = bin
        if b == nil || rng.below(3) != 0 {
            if rng.oneIn(2) {
                // Numbers rewritten in place keep the JSON valid, so the input reaches the
                // checks of counts, offsets, strides and indices.
                for _ in 0..<(1 + rng.below(3)) { ByteMutator.rewriteDigitRun(&j, rng: &rng) }
            } else {
                JSONMutator.mutate(&j, rng: &rng, seeds: [], maxLength: maxLength / 2)
            }
        } else {
            ByteMutator.mutate(&b!, rng: &rng, seeds: [], maxLength: maxLength / 2)
        }
        input.bytes = GLB.pack(json: String(decoding: j, as: UTF8.self), binary: b)
        if rng.oneIn(8) { ByteMutator.mutateOnce(&input.bytes, rng: &rng, seeds: others, maxLength: maxLength) }
    }

    func run(_ input: FuzzInput) -> Outcome {
        let model: GLTFModel
        do {
            model = try GLTFModel(bytes: input.bytes, name: "input.glb", directory: folder)
        } catch {
            if error.description.contains(GLTFFolder.secretWord) { return .failed("a message shows the value of a file outside the model's folder: \(error.description)") }
            return .rejected(error.description)
        }
        for mesh in model.meshes {
            for p in mesh.primitives where p.positions.contains(where: { $0.x == GLTFFolder.secretValue }) {
                return .failed("a file outside the model's folder was read")
            }
        }
        if model.triangleCount < 0 { return .failed("a negative triangle count") }
        _ = model.bounds()
        var pose = model.restPose
        var worlds: [Matrix4] = [], joints: [Matrix4] = [], positions: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = []
        for clip in model.animations.prefix(16) {
            for t in [-1, 0, clip.duration / 3, clip.duration, clip.duration + 1] { clip.sample(at: t, into: &pose) }
        }
        model.worldMatrices(pose, into: &worlds)
        for (n, node) in model.nodes.enumerated() {
            guard let m = node.mesh else { continue }
            for p in model.meshes[m].primitives {
                if let s = node.skin, !p.joints.isEmpty {
                    model.jointMatrices(skin: s, worlds: worlds, into: &joints)
                    GLTFSkinning.skin(p, joints: joints, morphWeights: pose.weights[n], positions: &positions, normals: &normals)
                } else {
                    GLTFSkinning.transform(p, by: worlds[n], morphWeights: pose.weights[n], positions: &positions, normals: &normals)
                }
                if positions.count != p.vertexCount { return .failed("skinning gave \(positions.count) positions for \(p.vertexCount) vertices") }
                if let bad = p.indices.first(where: { Int($0) >= p.vertexCount }) { return .failed("index \(bad) past \(p.vertexCount) vertices was accepted") }
            }
        }
        if model.animations.count > 0 {
            let blended = GLTFPose.blend([(pose, 1), (model.restPose, 1)])
            _ = model.bounds(pose: blended)
        }
        return .accepted
    }

    func command(for path: String) -> String { "photophore-fuzz --target gltf --read \(path)" }
}

/// Small generated models for the seeds.
enum GLTFSeeds {
    /// The JSON and BIN chunks of a .glb, or nil when the bytes are not a well-formed one.
    static func split(_ bytes: [UInt8]) -> ([UInt8], [UInt8]?)? {
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        guard bytes.count >= 20, u32(0) == 0x4654_6C67 else { return nil }
        let jl = u32(12)
        guard jl <= bytes.count - 20 else { return nil }
        let json = Array(bytes[20..<(20 + jl)])
        var at = 20 + jl
        guard at + 8 <= bytes.count else { return (json, nil) }
        let bl = u32(at)
        at += 8
        guard bl <= bytes.count - at else { return (json, nil) }
        return (json, Array(bytes[at..<(at + bl)]))
    }

    struct Builder {
        var bin: [UInt8] = []
        var views: [String] = []
        var accessors: [String] = []

        mutating func view(_ bytes: [UInt8], stride: Int? = nil) -> Int {
            while bin.count % 4 != 0 { bin.append(0) }
            views.append("{\"buffer\":0,\"byteOffset\":\(bin.count),\"byteLength\":\(bytes.count)\(stride.map { ",\"byteStride\":\($0)" } ?? "")}")
            bin += bytes
            return views.count - 1
        }

        mutating func accessor(_ bytes: [UInt8], _ componentType: Int, _ count: Int, _ type: String, normalized: Bool = false, extra: String = "") -> Int {
            let v = view(bytes)
            accessors.append("{\"bufferView\":\(v),\"componentType\":\(componentType),\"count\":\(count),\"type\":\"\(type)\"\(normalized ? ",\"normalized\":true" : "")\(extra)}")
            return accessors.count - 1
        }

        mutating func floats(_ values: [Float], _ type: String) -> Int {
            let width = ["SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16][type]!
            return accessor(values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }, 5126, values.count / width, type)
        }

        func json(_ members: String, uri: String? = nil) -> String {
            "{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"byteLength\":\(bin.count)\(uri.map { ",\"uri\":\"\($0)\"" } ?? "")}],\"bufferViews\":[\(views.joined(separator: ","))],\"accessors\":[\(accessors.joined(separator: ","))],\(members)}"
        }
    }

    static func all() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        // A quad with normals, texcoords, colours and each index type.
        for indexType in [5121, 5123, 5125] {
            var b = Builder()
            let pos = b.floats([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], "VEC3")
            let nor = b.floats([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], "VEC3")
            let uv = b.accessor([0, 0, 255, 0, 255, 255, 0, 255], 5121, 4, "VEC2", normalized: true)
            let col = b.accessor([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], 5121, 4, "VEC3", normalized: true)
            let size = [5121: 1, 5123: 2, 5125: 4][indexType]!
            let idx = b.accessor([0, 1, 2, 0, 2, 3].flatMap { v in (0..<size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }, indexType, 6, "SCALAR")
            out.append(GLB.pack(json: b.json("""
                "meshes":[{"primitives":[{"attributes":{"POSITION":\(pos),"NORMAL":\(nor),"TEXCOORD_0":\(uv),"COLOR_0":\(col)},"indices":\(idx),"material":0}]}],
                "materials":[{"pbrMetallicRoughness":{"baseColorFactor":[1,0.5,0.5,1]},"alphaMode":"MASK","alphaCutoff":0.4,"doubleSided":true,"emissiveFactor":[0.1,0,0]}],
                "scenes":[{"nodes":[0]}],"scene":0,"nodes":[{"mesh":0,"translation":[1,2,3],"rotation":[0,0,0,1],"scale":[1,1,1]}]
                """), binary: b.bin))
        }
        // Quantized positions, a strided view, a sparse accessor, a strip and a fan.
        do {
            var b = Builder()
            let v = b.view([0, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 0, 0, 255, 0, 0], stride: 4)
            b.accessors.append("{\"bufferView\":\(v),\"componentType\":5121,\"count\":4,\"type\":\"VEC3\",\"normalized\":true}")
            let pos = b.accessors.count - 1
            let si = b.view([1, 0, 3, 0]), sv = b.view([127, 0, 0, 0, 0, 127])
            b.accessors.append("{\"componentType\":5120,\"count\":4,\"type\":\"VEC3\",\"normalized\":true,\"sparse\":{\"count\":2,\"indices\":{\"bufferView\":\(si),\"componentType\":5123},\"values\":{\"bufferView\":\(sv)}}}")
            let sparse = b.accessors.count - 1
            out.append(GLB.pack(json: b.json("""
                "extensionsUsed":["KHR_mesh_quantization"],"extensionsRequired":["KHR_mesh_quantization"],
                "meshes":[{"primitives":[{"attributes":{"POSITION":\(pos)},"mode":5},{"attributes":{"POSITION":\(sparse)},"mode":6},{"attributes":{"POSITION":\(pos)},"mode":1}]}],
                "scenes":[{"nodes":[1]}],"nodes":[{"mesh":0,"matrix":[2,0,0,0,0,2,0,0,0,0,2,0,1,1,1,1]},{"children":[0]}]
                """), binary: b.bin))
        }
        // A skinned, morphed, animated model with a PNG and a JPEG texture.
        do {
            var b = Builder()
            let pos = b.floats([0, 0, 0, 1, 0, 0, 0, 2, 0], "VEC3")
            let joints = b.accessor([0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0], 5121, 3, "VEC4")
            let weights = b.accessor([255, 0, 0, 0, 128, 127, 0, 0, 255, 0, 0, 0], 5121, 3, "VEC4", normalized: true)
            let delta = b.floats([0, 0, 1, 0, 0, 1, 0, 0, 1], "VEC3")
            let ibm = b.floats([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1], "MAT4")
            let times = b.floats([0, 0.5, 1], "SCALAR")
            let rot = b.floats([0, 0, 0, 1, 0, 0, 0.38268343, 0.9238795, 0, 0, 0.70710677, 0.70710677], "VEC4")
            let cubic = b.floats([Float](repeating: 0, count: 3) + [0, 0, 0] + [1, 0, 0] + [0, 0, 0] + [1, 1, 0] + [0, 0, 0] + [0, 0, 0] + [2, 0, 0] + [0, 0, 0], "VEC3")
            let morph = b.floats([0, 0.5, 1], "SCALAR")
            var image = Image8(width: 3, height: 2)
            for i in image.pixels.indices { image.pixels[i] = UInt8(i * 21 % 256) }
            let png = b.view(try PNG.encode(image, alpha: true))
            let jpeg = b.view(Array(Data(base64Encoded: "/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABNAAEBAAAAAAAAAAAAAAAAAAAABgEBAQEAAAAAAAAAAAAAAAAAAAUHEAEAAAAAAAAAAAAAAAAAAAAAEQEAAAAAAAAAAAAAAAAAAAAA/8AAEQgACAAIAwESAAISAAMSAP/aAAwDAQACEQMRAD8AlhEGoD//2Q==")!))
            out.append(GLB.pack(json: b.json("""
                "meshes":[{"primitives":[{"attributes":{"POSITION":\(pos),"JOINTS_0":\(joints),"WEIGHTS_0":\(weights)},"targets":[{"POSITION":\(delta)}],"material":0}],"weights":[0.25]}],
                "materials":[{"pbrMetallicRoughness":{"baseColorTexture":{"index":0}},"emissiveTexture":{"index":1}}],
                "textures":[{"source":0,"sampler":0},{"source":1}],"samplers":[{"magFilter":9728,"wrapS":33071}],
                "images":[{"bufferView":\(png),"mimeType":"image/png"},{"bufferView":\(jpeg),"mimeType":"image/jpeg"}],
                "skins":[{"joints":[1,2],"inverseBindMatrices":\(ibm),"skeleton":1}],
                "scenes":[{"nodes":[0,1]}],"nodes":[{"mesh":0,"skin":0,"weights":[0.5]},{"children":[2]},{"translation":[0,1,0]}],
                "animations":[{"name":"swing","channels":[{"sampler":0,"target":{"node":2,"path":"rotation"}},{"sampler":1,"target":{"node":1,"path":"translation"}},
                  {"sampler":2,"target":{"node":0,"path":"weights"}},{"sampler":3,"target":{"node":1,"path":"scale"}}],
                  "samplers":[{"input":\(times),"output":\(rot)},{"input":\(times),"output":\(cubic),"interpolation":"CUBICSPLINE"},
                  {"input":\(times),"output":\(morph),"interpolation":"STEP"},{"input":\(times),"output":\(cubic),"interpolation":"CUBICSPLINE"}]}]
                """), binary: b.bin))
            // The same as a .gltf with a data URI.
            let text = b.json("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)}}]}],\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{\"mesh\":0}]",
                              uri: "data:application/octet-stream;base64," + Data(b.bin).base64EncodedString())
            out.append(Array(text.utf8))
        }
        return out
    }
}

/// A model's folder inside the scratch folder, beside a secret one. `outside/secret.bin`
/// holds a triangle whose x coordinates are all `secretValue`; `model/mesh.bin` one at the
/// origin. In the model's folder, `link.bin` and `away/` are symbolic links out, and
/// `sub/inner.bin` one to a sibling. A model that is accepted with `secretValue` among its
/// positions, or a message that shows its digits, read a file it must not.
struct GLTFFolder {
    static let secretValue: Float = 3.1415926e29
    static let secretWord = "1415926e+29"
    /// URIs that stay inside, then every form of leaving.
    static let uris = [
        "mesh.bin", "sub/../mesh.bin", "./mesh.bin", "sub/inner.bin", "%6Desh.bin",
        "../outside/secret.bin", "%2e%2e/outside/secret.bin", "%2E%2E%2Foutside%2Fsecret.bin", "sub/../../outside/secret.bin",
        "..%2f..%2foutside/secret.bin", "%2fetc/passwd", "/etc/passwd", "file:///etc/passwd", "link.bin", "away/secret.bin",
        "sub/..", "..", ".", "", "//outside/secret.bin", "sub//../..//outside/secret.bin",
    ]
    let model: String

    init(scratch: String) throws {
        model = scratch + "/gltf-folder/model"
        let outside = scratch + "/gltf-folder/outside"
        let fm = FileManager.default
        try fm.createDirectory(atPath: model + "/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data(Self.triangle(x: Self.secretValue)).write(to: URL(fileURLWithPath: outside + "/secret.bin"))
        try Data(Self.triangle(x: 0)).write(to: URL(fileURLWithPath: model + "/mesh.bin"))
        for (link, target) in [("link.bin", "../outside/secret.bin"), ("away", "../outside"), ("sub/inner.bin", "../mesh.bin")] {
            try? fm.removeItem(atPath: model + "/" + link)
            try fm.createSymbolicLink(atPath: model + "/" + link, withDestinationPath: target)
        }
    }

    /// Three positions of 12 bytes, each with the given x.
    static func triangle(x: Float) -> [UInt8] {
        [x, 0, 0, x, 1, 0, x, 0, 1].flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    /// A .gltf whose one buffer (a triangle) is `uri`.
    static func model(uri: String) -> [UInt8] {
        Array("""
            {"asset":{"version":"2.0"},"buffers":[{"byteLength":36,"uri":"\(uri)"}],"bufferViews":[{"buffer":0,"byteLength":36}],
            "accessors":[{"bufferView":0,"componentType":5126,"count":3,"type":"VEC3"}],
            "meshes":[{"primitives":[{"attributes":{"POSITION":0}}]}],"scenes":[{"nodes":[0]}],"scene":0,"nodes":[{"mesh":0}]}
            """.utf8)
    }
}
