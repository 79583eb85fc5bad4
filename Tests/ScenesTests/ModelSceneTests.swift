import Engine
import GLTF
import Mind
import Raster
import Sinks
import Stimuli
import Testing
import TestSupport

/// The model scene: any glTF model, framed, posed, lit and turned by the pointer.
@Suite("Model scene")
struct ModelSceneTests {
    static let robot = repositoryRoot + "/assets/models/RobotExpressive.glb"

    /// A unit cube as a .glb, with flat normals: a static model whose corners the test knows.
    static func cube() throws -> SceneModel {
        let corners: [SIMD3<Float>] = [
            SIMD3(-1, -1, -1), SIMD3(1, -1, -1), SIMD3(1, 1, -1), SIMD3(-1, 1, -1),
            SIMD3(-1, -1, 1), SIMD3(1, -1, 1), SIMD3(1, 1, 1), SIMD3(-1, 1, 1),
        ].map { $0 * SIMD3(0.5, 0.8, 0.3) + SIMD3(2, 1, -3) }
        var bytes: [UInt8] = []
        for c in corners { for v in [c.x, c.y, c.z] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } } }
        let faces: [UInt16] = [0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 3, 7, 6, 3, 6, 2, 0, 4, 7, 0, 7, 3, 1, 2, 6, 1, 6, 5]
        let positionBytes = bytes.count
        for i in faces { withUnsafeBytes(of: i.littleEndian) { bytes += $0 } }
        let json = """
            {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
             "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
             "buffers": [{"byteLength": \(bytes.count)}],
             "bufferViews": [{"buffer": 0, "byteLength": \(positionBytes)}, {"buffer": 0, "byteOffset": \(positionBytes), "byteLength": \(faces.count * 2)}],
             "accessors": [{"bufferView": 0, "componentType": 5126, "count": 8, "type": "VEC3", "min": [1.5, 0.2, -3.3], "max": [2.5, 1.8, -2.7]},
                           {"bufferView": 1, "componentType": 5123, "count": \(faces.count), "type": "SCALAR"}]}
            """
        let model = try GLTFModel(bytes: GLB.pack(json: json, binary: bytes), name: "cube", directory: nil)
        return SceneModel(model: model, name: "cube", orbitSeconds: 0)
    }

    static func settings(_ model: SceneModel, width: Int = 320, height: Int = 180, threads: Int = 2,
                         script: [StimulusEvent] = []) -> RenderSettings {
        RenderSettings(scene: .model, width: width, height: height, seed: 3,
                       script: script.isEmpty ? nil : Script(scene: .model, events: script),
                       richness: .minimal, threads: threads, model: model)
    }

    /// The silhouette of a still model is where its vertices project: the lit pixels' box
    /// is the box of the eight corners projected here, by the test's own arithmetic, through
    /// the scene's camera.
    @Test("a still model's silhouette is the projection of its vertices")
    func silhouetteMatchesProjection() throws {
        let cube = try Self.cube()
        let image = try SceneRenderer(Self.settings(cube)).render(frame: 30)
        var painter = Model.painter(width: 320, height: 180, richness: .minimal, pool: WorkerPool(threads: 1))
        _ = Model.frame(Model.start(Self.settings(cube).start), painter: &painter, time: 0.5, alpha: 1)
        let m = painter.viewProjection
        var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
        for p in cube.model.meshes[0].primitives[0].positions {
            let c = m * SIMD4(p, 1)
            let x = (Double(c.x / c.w) + 1) / 2 * 320, y = (1 - Double(c.y / c.w)) / 2 * 180
            lo = pointwiseMin(lo, SIMD2(x, y))
            hi = pointwiseMax(hi, SIMD2(x, y))
        }
        // The lit pixels: clearly brighter than the backdrop, a vertical gradient brightest at
        // the top, which the column's top pixel shows (the vignette darkens towards the edges
        // and the floor's shadow darkens too; the cube stays clear of the top row).
        var plo = SIMD2<Double>(repeating: .infinity), phi = SIMD2<Double>(repeating: -.infinity)
        func level(_ x: Int, _ y: Int) -> Int {
            let i = (y * 320 + x) * 4
            return Int(image.pixels[i]) + Int(image.pixels[i + 1]) + Int(image.pixels[i + 2])
        }
        for y in 0..<180 {
            for x in 0..<320 {
                if level(x, y) > level(x, 0) + 24 {
                    plo = pointwiseMin(plo, SIMD2(Double(x), Double(y)))
                    phi = pointwiseMax(phi, SIMD2(Double(x + 1), Double(y + 1)))
                }
            }
        }
        #expect(hi.x - lo.x > 40 && hi.y - lo.y > 60, "the framing fills a good part of the view: \(lo) … \(hi)")
        for (a, b) in [(plo.x, lo.x), (plo.y, lo.y), (phi.x, hi.x), (phi.y, hi.y)] {
            #expect(abs(a - b) <= 1.5, "silhouette \(plo) … \(phi), projection \(lo) … \(hi)")
        }
    }

    /// A base colour texture is drawn per pixel, not per vertex: a quad facing the camera with
    /// a texture red on its left and blue on its right is red on the left and blue on the right.
    @Test("a textured model shows its texture across a face")
    func textureAcrossAFace() throws {
        var texture = Image8(width: 64, height: 2)
        for y in 0..<2 {
            for x in 0..<64 {
                let i = (y * 64 + x) * 4
                texture.pixels[i] = x < 32 ? 230 : 20; texture.pixels[i + 1] = 30; texture.pixels[i + 2] = x < 32 ? 20 : 230; texture.pixels[i + 3] = 255
            }
        }
        let png = try PNG.encode(texture)
        var bytes: [UInt8] = []
        let corners: [(SIMD3<Float>, SIMD2<Float>)] = [(SIMD3(-1, -1, 0), SIMD2(0, 1)), (SIMD3(1, -1, 0), SIMD2(1, 1)),
                                                       (SIMD3(1, 1, 0), SIMD2(1, 0)), (SIMD3(-1, 1, 0), SIMD2(0, 0))]
        func put(_ v: Float) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        for c in corners { put(c.0.x); put(c.0.y); put(c.0.z) }
        for _ in corners { put(0); put(0); put(1) }
        for c in corners { put(c.1.x); put(c.1.y) }
        for i: UInt16 in [0, 1, 2, 0, 2, 3] { withUnsafeBytes(of: i.littleEndian) { bytes += $0 } }
        let imageOffset = bytes.count
        bytes += png
        let json = """
            {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
             "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2}, "indices": 3, "material": 0}]}],
             "materials": [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
             "textures": [{"source": 0, "sampler": 0}], "samplers": [{"wrapS": 33071, "wrapT": 33071}],
             "images": [{"bufferView": 4, "mimeType": "image/png"}],
             "buffers": [{"byteLength": \(bytes.count)}],
             "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": 48}, {"buffer": 0, "byteOffset": 48, "byteLength": 48},
                             {"buffer": 0, "byteOffset": 96, "byteLength": 32}, {"buffer": 0, "byteOffset": 128, "byteLength": 12},
                             {"buffer": 0, "byteOffset": \(imageOffset), "byteLength": \(png.count)}],
             "accessors": [{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3", "min": [-1, -1, 0], "max": [1, 1, 0]},
                           {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3"},
                           {"bufferView": 2, "componentType": 5126, "count": 4, "type": "VEC2"},
                           {"bufferView": 3, "componentType": 5123, "count": 6, "type": "SCALAR"}]}
            """
        let model = try GLTFModel(bytes: GLB.pack(json: json, binary: bytes), name: "quad", directory: nil)
        let image = try SceneRenderer(Self.settings(SceneModel(model: model, name: "quad", orbitSeconds: 0))).render(frame: 10)
        func pixel(_ x: Int, _ y: Int) -> SIMD3<Int> {
            let i = (y * 320 + x) * 4
            return SIMD3(Int(image.pixels[i]), Int(image.pixels[i + 1]), Int(image.pixels[i + 2]))
        }
        // Ten pixels either side of the middle: a colour per vertex would blend them nearly evenly.
        let left = pixel(150, 90), right = pixel(170, 90)
        #expect(left.x > left.z + 60, "left of the quad is red: \(left)")
        #expect(right.z > right.x + 60, "right of the quad is blue: \(right)")
    }

    /// The robot plays its clips skinned: frames of Dance differ from one another and from the
    /// rest pose, and the same frame is the same bytes on 1 and 2 threads and alone or in a run.
    @Test("RobotExpressive dances, deterministically")
    func robotDances() throws {
        let robot = try SceneModel.load(Self.robot, clip: "Dance", orbitSeconds: 0)
        let a = try SceneRenderer(Self.settings(robot, threads: 1)).render(frame: 40)
        let r = try SceneRenderer(Self.settings(robot, threads: 2))
        var b: Image8?
        for f in 36...44 { let img = r.render(frame: f); if f == 40 { b = img } }
        #expect(a == b)
        let later = r.render(frame: 70)
        #expect(meanAbsDiff(a, later) > 0.2, "the dance moves")
        let still = try SceneRenderer(Self.settings(try SceneModel.load(Self.robot, orbitSeconds: 0))).render(frame: 40)
        #expect(meanAbsDiff(a, still) > 0.2, "the clip is not the rest pose")
        #expect(r.hud.lines == ["RobotExpressive.glb", "Dance"])
    }

    /// Moving the pointer across turns the model; the angle it is left at is remembered and
    /// the next session starts there. A click plays the next clip.
    @Test("the pointer turns it, the angle is remembered, a click plays the next clip")
    func pointerTurnsAndIsRemembered() throws {
        let cube = try Self.cube()
        var events = (0..<30).map { StimulusEvent(t: 1 + Double($0) * 0.05, .pointer(x: 0.3 + 0.01 * Double($0), y: 0.5)) }
        events.append(StimulusEvent(t: 3, .leave))
        let stepper = SceneStepper(Model.self, start: Self.settings(cube).start, events: events)
        stepper.simulate(toStep: 240)
        let yaw = stepper.state(Model.self)!.turntable.yaw
        // 0.29 of the view's width is 0.29 of a turn.
        #expect(abs(yaw - 0.29 * 2 * Double.pi) < 0.05)
        var memory = Memory.fresh
        memory.apply(stepper.takeMemoryEvents() + stepper.finish())
        #expect(memory[ModelMemory.self].turns == 1 && abs(memory[ModelMemory.self].yaw - yaw) < 1e-9)
        var next = Self.settings(cube).start
        next.memory = memory
        #expect(Model.start(next).turntable.yaw == memory[ModelMemory.self].yaw)

        let robot = try SceneModel.load(Self.robot, clip: "Idle", orbitSeconds: 0)
        let clicks = SceneStepper(Model.self, start: Self.settings(robot).start, events: [StimulusEvent(t: 1, .click(x: 0.5, y: 0.5))])
        clicks.simulate(toStep: 90)
        let idle = robot.model.animations.firstIndex { $0.name == "Idle" }!
        #expect(clicks.state(Model.self)!.turntable.clip == (idle + 1) % robot.model.animations.count)
    }
}
