import GLTF

/// The model the `model` scene shows when it is given none (tests, `bench model`): a
/// faceted gem, an octahedron split twice onto its sphere, written as a .glb and read by the
/// same loader as any file.
enum ModelStandIn {
    static let model: SceneModel = {
        // Vertices of an octahedron, each face split into four, twice, pushed onto the sphere.
        var vertices: [SIMD3<Float>] = [SIMD3(1, 0, 0), SIMD3(-1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, -1, 0), SIMD3(0, 0, 1), SIMD3(0, 0, -1)]
        var faces: [(Int, Int, Int)] = [(4, 0, 2), (0, 5, 2), (5, 1, 2), (1, 4, 2), (0, 4, 3), (5, 0, 3), (1, 5, 3), (4, 1, 3)]
        for _ in 0..<2 {
            var next: [(Int, Int, Int)] = []
            var midpoints: [Int: Int] = [:]
            func mid(_ a: Int, _ b: Int) -> Int {
                let key = min(a, b) * 4096 + max(a, b)
                if let m = midpoints[key] { return m }
                vertices.append(normalize((vertices[a] + vertices[b]) / 2))
                midpoints[key] = vertices.count - 1
                return vertices.count - 1
            }
            for (a, b, c) in faces {
                let ab = mid(a, b), bc = mid(b, c), ca = mid(c, a)
                next += [(a, ab, ca), (ab, b, bc), (ca, bc, c), (ab, bc, ca)]
            }
            faces = next
        }
        // Flat facets: three vertices a face, each with the face's normal; stretched upright.
        var bytes: [UInt8] = []
        func put(_ v: SIMD3<Float>) { for c in [v.x, v.y, v.z] { withUnsafeBytes(of: c.bitPattern.littleEndian) { bytes += $0 } } }
        let stretch = SIMD3<Float>(0.8, 1.2, 0.8)
        for (a, b, c) in faces { for i in [a, b, c] { put(vertices[i] * stretch) } }
        let positionBytes = bytes.count
        for (a, b, c) in faces {
            let n = normalize(cross(vertices[b] * stretch - vertices[a] * stretch, vertices[c] * stretch - vertices[a] * stretch))
            for _ in 0..<3 { put(n) }
        }
        let count = faces.count * 3
        let json = """
            {"asset": {"version": "2.0", "generator": "Photophore stand-in"}, "scene": 0, "scenes": [{"nodes": [0]}],
             "nodes": [{"mesh": 0, "name": "gem"}],
             "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1}, "material": 0}]}],
             "materials": [{"name": "gem", "pbrMetallicRoughness": {"baseColorFactor": [0.55, 0.62, 0.9, 1]}, "emissiveFactor": [0.02, 0.03, 0.08]}],
             "buffers": [{"byteLength": \(bytes.count)}],
             "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": \(positionBytes)},
                             {"buffer": 0, "byteOffset": \(positionBytes), "byteLength": \(bytes.count - positionBytes)}],
             "accessors": [{"bufferView": 0, "componentType": 5126, "count": \(count), "type": "VEC3", "min": [-0.8, -1.2, -0.8], "max": [0.8, 1.2, 0.8]},
                           {"bufferView": 1, "componentType": 5126, "count": \(count), "type": "VEC3"}]}
            """
        do {
            let model = try GLTFModel(bytes: GLB.pack(json: json, binary: bytes), name: "stand-in gem", directory: nil)
            return SceneModel(model: model, name: "stand-in gem")
        } catch {
            preconditionFailure("the stand-in model must load: \(error)")
        }
    }()
}
