import Foundation
import GLTF
import Raster
import Sinks
import Testing

/// Every component type and normalisation the spec (and KHR_mesh_quantization) allows,
/// strides, sparse accessors, the ways buffers and images are stored, and primitive modes.
@Suite struct AccessorTests {
    static let quantized = "\"extensionsUsed\":[\"KHR_mesh_quantization\"],\"extensionsRequired\":[\"KHR_mesh_quantization\"]"

    /// Positions of one component type: raw integers (and, normalised, the spec's mapping).
    @Test(arguments: [(5120, false), (5120, true), (5121, false), (5121, true), (5122, false), (5122, true), (5123, false), (5123, true)])
    func quantizedPositionsDecode(componentType: Int, normalized: Bool) throws {
        let raw: [Int] = componentType == 5120 ? [-128, 127, 0, 1, -1, 2, 0, 0, 0]
            : componentType == 5121 ? [255, 0, 128, 1, 2, 3, 0, 0, 0]
            : componentType == 5122 ? [-32768, 32767, 0, 1, -1, 2, 0, 0, 0]
            : [65535, 0, 32768, 1, 2, 3, 0, 0, 0]
        var b = ModelBuilder()
        let pos = b.integers(raw, componentType: componentType, type: "VEC3", normalized: normalized)
        let model = try b.load(Self.quantized + ",\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)}}]}]," + oneNodeScene)
        let p = model.meshes[0].primitives[0].positions
        let scale: Float = !normalized ? 1 : [5120: 127, 5121: 255, 5122: 32767, 5123: 65535][componentType]!
        for (i, r) in raw.enumerated() {
            let expected = normalized ? max(Float(r) / scale, -1) : Float(r)
            #expect(p[i / 3][i % 3] == expected, "component \(i)")
        }
    }

    @Test func integerPositionsNeedTheQuantizationExtension() throws {
        var b = ModelBuilder()
        let pos = b.integers([0, 0, 0, 1, 0, 0, 0, 1, 0], componentType: 5121, type: "VEC3")
        let message = b.failure("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)}}]}]," + oneNodeScene)
        #expect(message == "cannot load test.glb: meshes[0].primitives[0].attributes.POSITION: accessors[0] is VEC3 of unsigned byte; here it must be VEC3 of float (integers need KHR_mesh_quantization)")
    }

    @Test func normalsTexcoordsColoursJointsAndWeightsInEveryAllowedType() throws {
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        let normals = b.integers([0, 0, 127, 0, 0, -127, 127, 0, 0], componentType: 5120, type: "VEC3", normalized: true)
        let uv8 = b.integers([0, 255, 51, 102, 255, 0], componentType: 5121, type: "VEC2", normalized: true)
        let uv16 = b.integers([0, 65535, 13107, 26214, 65535, 0], componentType: 5123, type: "VEC2", normalized: true)
        let rgb = b.integers([255, 0, 0, 0, 255, 0, 0, 0, 51], componentType: 5121, type: "VEC3", normalized: true)
        let rgba = b.integers([65535, 0, 0, 65535, 0, 65535, 0, 0, 0, 0, 13107, 65535], componentType: 5123, type: "VEC4", normalized: true)
        let floatColours = b.floats([1, 0.5, 0.25, 1, 0, 0, 0, 0, 1, 1, 1, 1], type: "VEC4")
        let joints16 = b.integers([0, 1, 2, 3, 3, 2, 1, 0, 1, 1, 1, 1], componentType: 5123, type: "VEC4")
        let weights16 = b.integers([65535, 0, 0, 0, 0, 65535, 0, 0, 32768, 32767, 0, 0], componentType: 5123, type: "VEC4", normalized: true)
        let weightsF = b.floats([2, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], type: "VEC4")
        let prims = [
            "{\"attributes\":{\"POSITION\":\(pos),\"NORMAL\":\(normals),\"TEXCOORD_0\":\(uv8),\"COLOR_0\":\(rgb),\"JOINTS_0\":\(joints16),\"WEIGHTS_0\":\(weights16)}}",
            "{\"attributes\":{\"POSITION\":\(pos),\"TEXCOORD_0\":\(uv16),\"COLOR_0\":\(rgba),\"JOINTS_0\":\(joints16),\"WEIGHTS_0\":\(weightsF)}}",
            "{\"attributes\":{\"POSITION\":\(pos),\"COLOR_0\":\(floatColours)}}",
        ]
        let model = try b.load(Self.quantized + ",\"meshes\":[{\"primitives\":[" + prims.joined(separator: ",") + "]}]," + oneNodeScene)
        let p = model.meshes[0].primitives
        #expect(p[0].normals == [SIMD3(0, 0, 1), SIMD3(0, 0, -1), SIMD3(1, 0, 0)])
        #expect(p[0].texcoords == [SIMD2(0, 1), SIMD2(0.2, 0.4), SIMD2(1, 0)])
        #expect(p[1].texcoords == [SIMD2(0, 1), SIMD2(0.2, 0.4), SIMD2(1, 0)])
        #expect(p[0].colors == [SIMD4(1, 0, 0, 1), SIMD4(0, 1, 0, 1), SIMD4(0, 0, 0.2, 1)])
        #expect(p[1].colors == [SIMD4(1, 0, 0, 1), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 0.2, 1)])
        #expect(p[2].colors[0] == SIMD4(1, 0.5, 0.25, 1))
        #expect(p[0].joints[0] == SIMD4(0, 0, 0, 0)) // weight 0 joints are zeroed
        #expect(p[0].joints[1] == SIMD4(0, 2, 0, 0))
        #expect(p[0].maxJoint == 2)
        #expect(near(p[0].weights[2], SIMD4(32768.0 / 65535, 32767.0 / 65535, 0, 0)))
        #expect(p[1].weights[0] == SIMD4(0.5, 0.5, 0, 0)) // scaled to sum to 1
        #expect(p[1].weights[2] == SIMD4(1, 0, 0, 0)) // all zero: joint 0
        #expect(p[2].joints.isEmpty)
    }

    @Test(arguments: [5121, 5123, 5125])
    func indicesOfEveryTypeAndInterleavedStrides(componentType: Int) throws {
        var b = ModelBuilder()
        // Position and texcoord interleaved: 12 + 8 bytes, stride 20.
        var interleaved: [Float] = []
        for v in 0..<4 { interleaved += [Float(v), Float(v * 2), 0, Float(v) / 4, 1] }
        let view = b.view(b.bytes(interleaved), stride: 20)
        let pos = b.accessor(view: view, componentType: 5126, count: 4, type: "VEC3")
        let uv = b.accessor(view: view, componentType: 5126, count: 4, type: "VEC2", byteOffset: 12)
        let idx = b.integers([0, 1, 2, 2, 1, 3], componentType: componentType, type: "SCALAR")
        let model = try b.load("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos),\"TEXCOORD_0\":\(uv)},\"indices\":\(idx)}]}]," + oneNodeScene)
        let p = model.meshes[0].primitives[0]
        #expect(p.positions == [SIMD3(0, 0, 0), SIMD3(1, 2, 0), SIMD3(2, 4, 0), SIMD3(3, 6, 0)])
        #expect(p.texcoords == [SIMD2(0, 1), SIMD2(0.25, 1), SIMD2(0.5, 1), SIMD2(0.75, 1)])
        #expect(p.indices == [0, 1, 2, 2, 1, 3])
        #expect(model.triangleCount == 2)
    }

    /// A sparse accessor over a base view, and one over zeros (no bufferView).
    @Test func sparseAccessorsReplaceTheirElements() throws {
        var b = ModelBuilder()
        let base = b.view(b.bytes([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0]))
        let sparseIndices = b.view(ModelBuilder.bytes([1, 3], 5123))
        let sparseValues = b.view(b.bytes([5, 5, 5, 7, 7, 7]))
        let sparse = "\"sparse\":{\"count\":2,\"indices\":{\"bufferView\":\(sparseIndices),\"componentType\":5123},\"values\":{\"bufferView\":\(sparseValues)}}"
        let a = b.accessor(view: base, componentType: 5126, count: 4, type: "VEC3", extra: sparse)
        let z = b.accessor(view: nil, componentType: 5126, count: 4, type: "VEC3", extra: sparse)
        let idx = b.integers([0, 1, 2, 0, 2, 3], componentType: 5121, type: "SCALAR")
        let model = try b.load("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(a)},\"mode\":0},{\"attributes\":{\"POSITION\":\(a)},\"indices\":\(idx)},{\"attributes\":{\"POSITION\":\(z)},\"mode\":6}]}]," + oneNodeScene)
        let prims = model.meshes[0].primitives
        #expect(prims.count == 2) // the points primitive is skipped, with a note
        #expect(model.notes == ["meshes[0].primitives[0]: mode 0 (points or lines) skipped; only triangles are drawn"])
        #expect(prims[0].positions == [SIMD3(0, 0, 0), SIMD3(5, 5, 5), SIMD3(0, 1, 0), SIMD3(7, 7, 7)])
        #expect(prims[1].positions == [.zero, SIMD3(5, 5, 5), .zero, SIMD3(7, 7, 7)])
        #expect(prims[1].indices == [0, 1, 2, 0, 2, 3]) // the fan as a list
    }

    @Test func stripsBecomeListsWithTheWindingKept() throws {
        var b = ModelBuilder()
        let pos = b.floats([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 2, 0], type: "VEC3")
        let model = try b.load("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)},\"mode\":5}]}]," + oneNodeScene)
        #expect(model.meshes[0].primitives[0].indices == [0, 1, 2, 2, 1, 3, 2, 3, 4])
    }

    static let materialJSON = """
        "materials":[{"name":"m","pbrMetallicRoughness":{"baseColorFactor":[0.5,0.25,1,0.75],"baseColorTexture":{"index":0},"metallicFactor":0},
          "emissiveFactor":[1,0.5,0],"emissiveTexture":{"index":1,"texCoord":0},"alphaMode":"MASK","alphaCutoff":0.3,"doubleSided":true}],
        "textures":[{"source":0,"sampler":0},{"source":1}],"samplers":[{"magFilter":9728,"wrapS":33071,"wrapT":33648}]
        """
    /// An 8×8 JPEG of one colour (200, 40, 40), written by FFmpeg.
    static let jpeg = Array(Data(base64Encoded: "/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABNAAEBAAAAAAAAAAAAAAAAAAAABgEBAQEAAAAAAAAAAAAAAAAAAAUHEAEAAAAAAAAAAAAAAAAAAAAAEQEAAAAAAAAAAAAAAAAAAAAA/8AAEQgACAAIAwESAAISAAMSAP/aAAwDAQACEQMRAD8AlhEGoD//2Q==")!)
    static func png() throws -> [UInt8] {
        var image = Image8(width: 2, height: 1)
        image.pixels = [10, 20, 30, 255, 40, 50, 60, 128]
        return try PNG.encode(image, alpha: true)
    }

    static func checkMaterial(_ model: GLTFModel) {
        let m = model.materials[0]
        #expect(m.baseColorFactor == SIMD4(0.5, 0.25, 1, 0.75))
        #expect(m.emissiveFactor == SIMD3(1, 0.5, 0))
        #expect(m.alphaMode == .mask && m.alphaCutoff == Float(0.3) && m.doubleSided)
        #expect(m.metallicFactor == 0 && m.roughnessFactor == 1)
        #expect(m.baseColorTexture?.image == 0 && m.baseColorTexture?.wrapS == .clampToEdge && m.baseColorTexture?.wrapT == .mirroredRepeat)
        #expect(m.baseColorTexture?.nearest == true)
        #expect(m.emissiveTexture?.image == 1 && m.emissiveTexture?.wrapS == .repeat)
        #expect(model.images[0].pixels == [10, 20, 30, 255, 40, 50, 60, 128])
        let j = model.images[1]
        #expect(j.width == 8 && j.height == 8)
        let c = j[3, 3]
        #expect(abs(Int(c.x) - 200) < 6 && abs(Int(c.y) - 40) < 6 && abs(Int(c.z) - 40) < 6 && c.w == 255)
    }

    /// PNG and JPEG in buffer views of a .glb.
    @Test func imagesInBufferViews() throws {
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        let pngView = b.view(try Self.png()), jpegView = b.view(Self.jpeg)
        let model = try b.load(Self.materialJSON + ",\"images\":[{\"bufferView\":\(pngView),\"mimeType\":\"image/png\"},{\"bufferView\":\(jpegView),\"mimeType\":\"image/jpeg\"}]"
            + ",\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)},\"material\":0}]}]," + oneNodeScene)
        Self.checkMaterial(model)
        #expect(model.meshes[0].primitives[0].material == 0)
    }

    /// A .gltf with its buffer and images as base64 data URIs.
    @Test func dataURIs() throws {
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        let images = "\"images\":[{\"uri\":\"data:image/png;base64,\(Data(try Self.png()).base64EncodedString())\"},{\"uri\":\"data:image/jpeg;base64,\(Data(Self.jpeg).base64EncodedString())\"}]"
        let text = b.gltf(Self.materialJSON + "," + images + ",\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)}}]}]," + oneNodeScene)
        let model = try GLTFModel(bytes: text, name: "test.gltf", directory: nil)
        Self.checkMaterial(model)
        #expect(model.meshes[0].primitives[0].positions[1] == SIMD3(1, 0, 0))
    }

    /// A .gltf beside its .bin and image files, in a folder of its own.
    @Test func externalFiles() throws {
        let dir = temporaryDirectory("external")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        try FileManager.default.createDirectory(atPath: dir + "/tex", withIntermediateDirectories: true)
        try Data(b.bin).write(to: URL(fileURLWithPath: dir + "/mesh data.bin"))
        try Data(try Self.png()).write(to: URL(fileURLWithPath: dir + "/tex/a.png"))
        try Data(Self.jpeg).write(to: URL(fileURLWithPath: dir + "/tex/b.jpg"))
        let json = b.json(Self.materialJSON + ",\"images\":[{\"uri\":\"tex/a.png\"},{\"uri\":\"tex/b.jpg\"}],\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)}}]}]," + oneNodeScene,
                          bufferURI: "mesh%20data.bin")
        try Data(json.utf8).write(to: URL(fileURLWithPath: dir + "/model.gltf"))
        let model = try GLTFModel.load(contentsOf: dir + "/model.gltf")
        Self.checkMaterial(model)
        #expect(model.meshes[0].primitives[0].positions[2] == SIMD3(0, 1, 0))
        // Without its folder the same text is refused, naming the buffer.
        #expect(throws: GLTFError.self) { try GLTFModel(bytes: Array(json.utf8), name: "x.gltf", directory: nil) }
    }

    @Test func aGLBWithoutSceneOrBinaryIsStillAModel() throws {
        let model = try GLTFModel(bytes: GLB.pack(json: "{\"asset\":{\"version\":\"2.0\"}}", binary: nil), name: "empty.glb", directory: nil)
        #expect(model.nodes.isEmpty && model.defaultScene == nil)
        #expect(model.bounds() == nil)
    }
}

/// A model reads only inside its own folder: `..` (plain, percent-encoded or after a
/// sub-folder), a percent-encoded root, and symbolic links that lead out are refused, and
/// the message never shows a byte of the file outside.
@Suite struct FolderConfinementTests {
    /// `root/model/` holds the model, `root/outside/secret.bin` a file it must not read.
    static func layout() throws -> (root: String, model: String, bin: [UInt8]) {
        let root = temporaryDirectory("confine")
        var b = ModelBuilder()
        _ = b.floats(triangle, type: "VEC3")
        try FileManager.default.createDirectory(atPath: root + "/model/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/outside", withIntermediateDirectories: true)
        try Data(b.bin).write(to: URL(fileURLWithPath: root + "/outside/secret.bin"))
        try Data(b.bin).write(to: URL(fileURLWithPath: root + "/model/mesh.bin"))
        try FileManager.default.createSymbolicLink(atPath: root + "/model/link.bin", withDestinationPath: "../outside/secret.bin")
        try FileManager.default.createSymbolicLink(atPath: root + "/model/away", withDestinationPath: "../outside")
        try FileManager.default.createSymbolicLink(atPath: root + "/model/sub/inner.bin", withDestinationPath: "../mesh.bin")
        return (root, root + "/model", b.bin)
    }

    static func load(_ uri: String, in folder: String) throws -> GLTFModel {
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        let json = b.json("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)}}]}]," + oneNodeScene, bufferURI: uri)
        try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/m.gltf"))
        return try GLTFModel.load(contentsOf: folder + "/m.gltf")
    }

    @Test(arguments: [
        ("../outside/secret.bin", "leaves the model's folder"),
        ("%2e%2e/outside/secret.bin", "leaves the model's folder"),
        ("%2E%2E%2Foutside%2Fsecret.bin", "leaves the model's folder"),
        ("sub/../../outside/secret.bin", "leaves the model's folder"),
        ("./sub/./../../outside/secret.bin", "leaves the model's folder"),
        ("%2fetc/passwd", "an absolute path once percent-decoded"),
        ("/etc/passwd", "an absolute path"),
        ("file:///etc/passwd", "the scheme"),
        ("link.bin", "through a symbolic link, to a file outside"),
        ("away/secret.bin", "through a symbolic link, to a file outside"),
        ("sub/..", "names the model's folder itself"),
    ])
    func escapesAreRefused(uri: String, words: String) throws {
        let (root, folder, _) = try Self.layout()
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            _ = try Self.load(uri, in: folder)
            Issue.record("\(uri) was read")
        } catch let e as GLTFError {
            let text = "\(e)"
            #expect(text.contains(words), "\(uri): \(text)")
            #expect(text.contains("buffers[0].uri"), "\(uri): \(text)")
            #expect(!text.contains("e+") && !text.contains("0.0"), "\(uri): a message with numbers read from a file: \(text)")
        }
    }

    /// Paths that stay inside, including `..` that comes back and a link to a sibling.
    @Test(arguments: ["mesh.bin", "sub/../mesh.bin", "./mesh.bin", "sub/inner.bin", "%6Desh.bin"])
    func pathsInsideAreRead(uri: String) throws {
        let (root, folder, _) = try Self.layout()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let model = try Self.load(uri, in: folder)
        #expect(model.meshes[0].primitives[0].positions[1] == SIMD3(1, 0, 0))
    }
}
