import Foundation
import GLTF
import Testing

/// Damaged and hostile models: each is refused with one line that names the file and the
/// JSON path or byte offset of the fault.
@Suite struct BadModelTests {
    static let mesh = "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}]," + oneNodeScene

    /// A good .glb of one triangle, to damage.
    static func good() -> [UInt8] {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        return b.glb(mesh)
    }

    func expectOneLine(_ message: String, naming location: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(message.hasPrefix("cannot load "), "\(message)", sourceLocation: sourceLocation)
        #expect(message.contains(location), "\(message) does not name \(location)", sourceLocation: sourceLocation)
        #expect(!message.contains("\n"), sourceLocation: sourceLocation)
    }

    @Test func theGoodOneLoads() throws {
        let model = try GLTFModel(bytes: Self.good(), name: "good.glb", directory: nil)
        #expect(model.triangleCount == 1)
    }

    @Test func truncatedFiles() {
        let good = Self.good()
        for cut in [0, 5, 11, 12, 19, 40, good.count - 1] {
            let m = ModelBuilder().failure(Array(good[..<cut]))
            #expect(m.hasPrefix("cannot load test.glb: byte "), "cut at \(cut): \(m)")
        }
        #expect(ModelBuilder().failure(Array(good[..<7])) == "cannot load test.glb: byte 0: a .glb needs a 12-byte header but the file has 7 bytes; it is truncated")
        var short = good
        short.removeLast(4)
        short.replaceSubrange(8..<12, with: withUnsafeBytes(of: UInt32(short.count).littleEndian) { Array($0) })
        expectOneLine(ModelBuilder().failure(short), naming: "byte ")
    }

    @Test func wrongMagicVersionAndChunkLengths() {
        var bytes = Self.good()
        bytes[0] = UInt8(ascii: "x")
        expectOneLine(ModelBuilder().failure(bytes), naming: "the JSON at byte 0: not valid JSON")
        bytes = Self.good()
        bytes[4] = 1
        #expect(ModelBuilder().failure(bytes) == "cannot load test.glb: byte 4: container version 1; only glTF 2 is read")
        bytes = Self.good()
        bytes[8] &+= 4
        expectOneLine(ModelBuilder().failure(bytes), naming: "byte 8: the header says the file has")
        bytes = Self.good()
        bytes[12] &+= 200
        expectOneLine(ModelBuilder().failure(bytes), naming: "byte 12: the chunk says it holds")
        bytes = Self.good()
        bytes[16] = UInt8(ascii: "B")
        expectOneLine(ModelBuilder().failure(bytes), naming: "byte 16: the first chunk must be JSON")
    }

    @Test func accessorPastItsBufferView() {
        var b = ModelBuilder()
        b.accessor(view: b.view(b.bytes(triangle)), componentType: 5126, count: 4, type: "VEC3")
        #expect(b.failure(Self.mesh) == "cannot load test.glb: accessors[0].count: 4 elements of 12 bytes every 12 bytes from byte 0 do not fit in bufferViews[0] (36 bytes)")
        var c = ModelBuilder()
        c.accessor(view: c.view(c.bytes(triangle)), componentType: 5126, count: 3, type: "VEC3", byteOffset: 4)
        expectOneLine(c.failure(Self.mesh), naming: "accessors[0].count")
    }

    @Test func bufferViewPastItsBuffer() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        let json = b.json(Self.mesh).replacingOccurrences(of: "\"byteOffset\":0,\"byteLength\":36}", with: "\"byteOffset\":0,\"byteLength\":40}")
        let m = b.failure(GLB.pack(json: json, binary: b.bin))
        #expect(m == "cannot load test.glb: bufferViews[0].byteLength: bytes 0 to 40 are past the end of buffers[0] (36 bytes)")
        // A buffer longer than the BIN chunk.
        let longer = b.json(Self.mesh).replacingOccurrences(of: "\"buffers\":[{\"byteLength\":36}", with: "\"buffers\":[{\"byteLength\":400}")
        #expect(b.failure(GLB.pack(json: longer, binary: b.bin)) == "cannot load test.glb: buffers[0].byteLength: 400 bytes, but the data holds 36; it is truncated")
    }

    @Test func indexPastTheVertexCount() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        b.integers([0, 1, 3], componentType: 5121, type: "SCALAR")
        let m = b.failure("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0},\"indices\":1}]}]," + oneNodeScene)
        #expect(m == "cannot load test.glb: meshes[0].primitives[0].indices: index 3 at element 2 is past the 3 vertices")
    }

    @Test(arguments: [Float.nan, .infinity, 2e7])
    func nonFiniteOrHugePositions(value: Float) {
        var b = ModelBuilder()
        b.floats([0, 0, 0, 1, 0, 0, 0, value, 0], type: "VEC3")
        let m = b.failure(Self.mesh)
        expectOneLine(m, naming: "meshes[0].primitives[0].attributes.POSITION: element 2 ")
        #expect(m.contains(value.isFinite ? "beyond the ±10000000" : "not finite"))
    }

    @Test func cyclesAndSecondParents() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        let meshes = "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}],"
        #expect(b.failure(meshes + "\"nodes\":[{\"children\":[1]},{\"children\":[2]},{\"children\":[1]}]")
            == "cannot load test.glb: nodes[2].children[0]: node 1 is already a child of node 0; a node has at most one parent")
        #expect(b.failure(meshes + "\"nodes\":[{\"mesh\":0},{\"children\":[2]},{\"children\":[1]}]")
            == "cannot load test.glb: nodes[1]: it is in a cycle of the node graph (every node above it has a parent)")
        #expect(b.failure(meshes + "\"nodes\":[{\"children\":[0]}]") == "cannot load test.glb: nodes[0].children[0]: node 0 is its own child; the node graph has a cycle")
        #expect(b.failure(meshes + "\"nodes\":[{\"children\":[7]}]") == "cannot load test.glb: nodes[0].children[0]: node 7 does not exist (the file has 1)")
        #expect(b.failure(meshes + "\"nodes\":[{\"children\":[1]},{}],\"scenes\":[{\"nodes\":[1]}]")
            == "cannot load test.glb: scenes[0].nodes[0]: node 1 is a child of node 0; a scene lists root nodes")
    }

    @Test func absurdCounts() {
        var b = ModelBuilder()
        b.accessor(view: nil, componentType: 5126, count: 1 << 30, type: "VEC3")
        #expect(b.failure(Self.mesh) == "cannot load test.glb: accessors[0].count: 1073741824; an accessor holds 1 to 16777216 elements")
        // Many accessors over nothing: the decode allowance runs out, whatever the count of each.
        var c = ModelBuilder()
        for _ in 0..<40 { c.accessor(view: nil, componentType: 5126, count: 1 << 24, type: "VEC3") }
        let prims = (0..<40).map { "{\"attributes\":{\"POSITION\":\($0)}}" }.joined(separator: ",")
        let m = c.failure("\"meshes\":[{\"primitives\":[\(prims)]}]," + oneNodeScene)
        expectOneLine(m, naming: ".count: decoding it would pass the loader's limit on decoded data")
        // One mesh of 786,432 vertices (zeros, no indices) on 50 nodes: the 43rd instance
        // passes 2^26 vertices and indices.
        var e = ModelBuilder()
        e.accessor(view: nil, componentType: 5126, count: 3 << 18, type: "VEC3")
        let nodes = Array(repeating: "{\"mesh\":0}", count: 50).joined(separator: ",")
        #expect(e.failure("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}],\"nodes\":[\(nodes)]")
            == "cannot load test.glb: nodes[42].mesh: the mesh instances hold more than 67108864 vertices and indices in all")
        // A sparse count past the accessor's.
        var d = ModelBuilder()
        let iv = d.view([0, 1, 2, 3]), vv = d.view(d.bytes([1, 1, 1]))
        d.accessor(view: nil, componentType: 5126, count: 3, type: "VEC3",
                   extra: "\"sparse\":{\"count\":4,\"indices\":{\"bufferView\":\(iv),\"componentType\":5121},\"values\":{\"bufferView\":\(vv)}}")
        #expect(d.failure(Self.mesh) == "cannot load test.glb: accessors[0].sparse.count: 4; it must be 1 to the accessor's count (3)")
    }

    @Test func missingAndCorruptImages() throws {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        let dir = temporaryDirectory("images")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = b.failure(b.glb(Self.mesh + ",\"images\":[{\"uri\":\"gone.png\"}]"), directory: dir)
        #expect(m == "cannot load test.glb: images[0].uri: cannot read \"gone.png\": No such file or directory")
        var png = try AccessorTests.png()
        png.removeLast(20)
        let c = b.failure(b.glb(Self.mesh + ",\"images\":[{\"uri\":\"data:image/png;base64,\(Data(png).base64EncodedString())\"}]"))
        expectOneLine(c, naming: "images[0]: a damaged PNG: ")
        var jpeg = AccessorTests.jpeg
        jpeg.replaceSubrange(160..<200, with: [UInt8](repeating: 0xFF, count: 40))
        let j = b.failure(b.glb(Self.mesh + ",\"images\":[{\"uri\":\"data:image/jpeg;base64,\(Data(jpeg).base64EncodedString())\"}]"))
        expectOneLine(j, naming: "images[0]: a damaged JPEG: ")
        let t = b.failure(b.glb(Self.mesh + ",\"images\":[{\"uri\":\"data:image/gif;base64,R0lGODlh\"}]"))
        #expect(t == "cannot load test.glb: images[0]: neither a PNG nor a JPEG (glTF images are one of the two)")
    }

    @Test func unsupportedRequiredExtension() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        let m = b.failure("\"extensionsUsed\":[\"KHR_draco_mesh_compression\"],\"extensionsRequired\":[\"KHR_mesh_quantization\",\"KHR_draco_mesh_compression\"]," + Self.mesh)
        #expect(m == "cannot load test.glb: extensionsRequired[1]: the model requires the extension \"KHR_draco_mesh_compression\", which this loader does not support")
        // Used but not required: fine.
        #expect(b.failure("\"extensionsUsed\":[\"KHR_materials_unlit\"]," + Self.mesh) == "(it loaded)")
    }

    @Test func badBase64() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        var text = String(decoding: b.gltf(Self.mesh), as: UTF8.self)
        text = text.replacingOccurrences(of: "base64,AAAAAAAA", with: "base64,AAA*AAAA")
        let m = ModelBuilder().failure(Array(text.utf8))
        #expect(m == "cannot load test.glb: buffers[0].uri: bad base64 at character 40 of the URI")
        let cut = b.json(Self.mesh, bufferURI: "data:application/octet-stream;base64," + Data(b.bin).base64EncodedString().dropLast(3))
        #expect(ModelBuilder().failure(Array(cut.utf8)) == "cannot load test.glb: buffers[0].uri: bad base64: its length is not that of whole bytes")
    }

    @Test func schemaFaultsNameTheirJSONPath() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        #expect(b.failure("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\"zero\"}}]}]")
            == "cannot load test.glb: meshes[0].primitives[0].attributes.POSITION: the wrong type; it must be an integer")
        #expect(b.failure("\"meshes\":[{\"primitives\":[{}]}]") == "cannot load test.glb: meshes[0].primitives[0].attributes: missing; the spec requires it")
        #expect(b.failure("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":9}}]}]")
            == "cannot load test.glb: meshes[0].primitives[0].attributes.POSITION: accessor 9 does not exist (the file has 1)")
        #expect(b.failure(Self.mesh.replacingOccurrences(of: "{\"mesh\":0}", with: "{\"mesh\":0,\"rotation\":[0,0,0,0]}"))
            == "cannot load test.glb: nodes[0].rotation: a zero quaternion; a rotation is a unit quaternion")
        let deep = String(repeating: "[", count: 100)
        #expect(ModelBuilder().failure(Array(("{\"asset\":" + deep).utf8)) == "cannot load test.glb: byte 72: the JSON nests deeper than 64 levels")
        let syntax = ModelBuilder().failure(Array("{\"asset\":{\"version\":\"2.0\"} \"x\"}".utf8))
        expectOneLine(syntax, naming: "the JSON at byte 0: not valid JSON")
        #expect(ModelBuilder().failure(Array("{\"asset\":{\"version\":\"1.0\"}}".utf8)) == "cannot load test.glb: asset.version: \"1.0\"; only glTF 2.x is read")
        // A fraction where an integer belongs: JSONDecoder calls the text invalid; the path is found.
        let fraction = b.json(Self.mesh).replacingOccurrences(of: "\"byteOffset\":0,", with: "\"byteOffset\":0.5,")
        #expect(b.failure(GLB.pack(json: fraction, binary: b.bin)) == "cannot load test.glb: bufferViews[0].byteOffset: 0.5 where the spec has an integer")
    }

    @Test func animationFaults() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        b.floats([0, 1, 0.5], type: "SCALAR")
        b.floats([0, 0, 0, 1, 1, 1, 2, 2, 2], type: "VEC3")
        let anim = "\"animations\":[{\"channels\":[{\"sampler\":0,\"target\":{\"node\":0,\"path\":\"translation\"}}],\"samplers\":[{\"input\":1,\"output\":2}]}]"
        #expect(b.failure(Self.mesh + "," + anim) == "cannot load test.glb: animations[0].samplers[0].input: time 2 (0.5) comes before time 1 (1.0); times increase")
        var c = ModelBuilder()
        c.floats(triangle, type: "VEC3")
        c.floats([0, 1], type: "SCALAR")
        c.floats([0, 0, 0, 1, 1, 1], type: "VEC3")
        let cubic = anim.replacingOccurrences(of: "\"output\":2}", with: "\"output\":2,\"interpolation\":\"CUBICSPLINE\"}")
        #expect(c.failure(Self.mesh + "," + cubic) == "cannot load test.glb: animations[0].samplers[0].output: 6 numbers for 2 keyframes; translation with CUBICSPLINE needs 9 each")
        let matrixNode = Self.mesh.replacingOccurrences(of: "{\"mesh\":0}", with: "{\"mesh\":0,\"matrix\":[1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,1]}")
        #expect(c.failure(matrixNode + "," + anim) == "cannot load test.glb: animations[0].channels[0].target.node: node 0 has a matrix; an animated node has TRS")
    }

    @Test func skinFaults() {
        var b = ModelBuilder()
        b.floats(triangle, type: "VEC3")
        b.integers([0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0], componentType: 5121, type: "VEC4")
        b.floats([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], type: "VEC4")
        let m = b.failure("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0,\"JOINTS_0\":1,\"WEIGHTS_0\":2}}]}],\"nodes\":[{\"mesh\":0,\"skin\":0},{}],\"skins\":[{\"joints\":[1]}]")
        #expect(m == "cannot load test.glb: nodes[0].skin: mesh 0 uses joint 5 but skin 0 has 1 joints")
        #expect(b.failure("\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0,\"JOINTS_0\":1}}]}]")
            == "cannot load test.glb: meshes[0].primitives[0].attributes: JOINTS_0 without WEIGHTS_0")
    }

    @Test func aMissingFileAndAFolderAreRefusedByName() {
        let dir = temporaryDirectory("missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for path in [dir + "/none.glb", dir] {
            do {
                _ = try GLTFModel.load(contentsOf: path)
                Issue.record("\(path) loaded")
            } catch {
                #expect(error.description.hasPrefix("cannot load \(path): "), "\(error.description)")
            }
        }
    }
}
