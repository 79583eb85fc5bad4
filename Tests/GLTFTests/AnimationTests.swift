import Foundation
import GLTF
import Raster
import Testing

/// Sampling, blending, morphing and skinning on small models with known answers.
@Suite struct AnimationTests {
    /// A model of one node with a triangle and one clip of `channelJSON` over samplers.
    static func clip(path: String, interpolation: String, times: [Float], values: [Float], type: String,
                     node: String = "{\"mesh\":0}") throws -> GLTFModel {
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        let input = b.floats(times, type: "SCALAR")
        let output = b.floats(values, type: type)
        return try b.load("""
            "meshes":[{"primitives":[{"attributes":{"POSITION":\(pos)}}]}],"scenes":[{"nodes":[0]}],"nodes":[\(node)],
            "animations":[{"name":"clip","channels":[{"sampler":0,"target":{"node":0,"path":"\(path)"}}],
              "samplers":[{"input":\(input),"output":\(output),"interpolation":"\(interpolation)"}]}]
            """)
    }

    func translation(_ model: GLTFModel, _ t: Float) -> SIMD3<Float> {
        model.pose(animation: 0, at: t).transforms[0].translation
    }

    @Test func linearTranslationInterpolatesAndClamps() throws {
        let model = try Self.clip(path: "translation", interpolation: "LINEAR", times: [1, 2], values: [0, 0, 0, 2, 4, 6], type: "VEC3")
        #expect(model.animation(named: "clip")?.duration == 2)
        #expect(near(translation(model, 1.25), SIMD3(0.5, 1, 1.5)))
        #expect(near(translation(model, 0), .zero))
        #expect(near(translation(model, 5), SIMD3(2, 4, 6)))
        var pose = model.restPose
        model.animations[0].sample(at: 3.25, into: &pose, looping: true) // 3.25 mod 2 = 1.25
        #expect(near(pose.transforms[0].translation, SIMD3(0.5, 1, 1.5)))
    }

    @Test func stepHoldsEachKeyframe() throws {
        let model = try Self.clip(path: "scale", interpolation: "STEP", times: [0, 1, 2], values: [1, 1, 1, 2, 2, 2, 3, 3, 3], type: "VEC3")
        #expect(near(model.pose(animation: 0, at: 0.99).transforms[0].scale, SIMD3(repeating: 1)))
        #expect(near(model.pose(animation: 0, at: 1).transforms[0].scale, SIMD3(repeating: 2)))
        #expect(near(model.pose(animation: 0, at: 1.5).transforms[0].scale, SIMD3(repeating: 2)))
        #expect(near(model.pose(animation: 0, at: 2).transforms[0].scale, SIMD3(repeating: 3)))
    }

    /// Hermite with p0 = 0, p1 = 1, out-tangent 3, in-tangent 0 over 2 s: at the middle
    /// (u = 1/2) p = (1/8)(3·2) + 1/2 = 1.25.
    @Test func cubicSplineUsesTheTangentsScaledByTheInterval() throws {
        let values: [Float] = [0, 0, 0, 0, 0, 0, 3, 0, 0,
                               0, 0, 0, 1, 0, 0, 0, 0, 0]
        let model = try Self.clip(path: "translation", interpolation: "CUBICSPLINE", times: [0, 2], values: values, type: "VEC3")
        #expect(near(translation(model, 1), SIMD3(1.25, 0, 0)))
        #expect(near(translation(model, 0), .zero))
        #expect(near(translation(model, 2), SIMD3(1, 0, 0)))
        // u = 1/4: (u³ − 2u² + u)·6 + (−2u³ + 3u²)·1 = 0.84375 + 0.15625.
        #expect(near(translation(model, 0.5), SIMD3(1, 0, 0)))
    }

    /// From the identity to 90° about z: slerp gives exactly 22.5° at a quarter, also when
    /// the second key is written as the opposite quaternion.
    @Test(arguments: [Float(1), -1])
    func linearRotationIsSlerpOnTheShorterArc(sign: Float) throws {
        let h = Float(0.5).squareRoot()
        let model = try Self.clip(path: "rotation", interpolation: "LINEAR", times: [0, 1],
                                  values: [0, 0, 0, 1, 0, 0, sign * h, sign * h], type: "VEC4")
        let q = model.pose(animation: 0, at: 0.25).transforms[0].rotation
        let angle = Float.pi / 16 // half of 22.5°
        #expect(near(q.w < 0 ? -q : q, SIMD4(0, 0, sinf(angle), cosf(angle)), 1e-5))
        #expect(near(slerp(SIMD4(0, 0, 0, 1), SIMD4(0, 0, h, h), 0.5), SIMD4(0, 0, sinf(.pi / 8), cosf(.pi / 8))))
    }

    @Test func cubicSplineRotationComesOutUnitLength() throws {
        let h = Float(0.5).squareRoot()
        let values: [Float] = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0,
                               0, 0, 0, 0, 0, 0, h, h, 0, 0, 0, 0]
        let model = try Self.clip(path: "rotation", interpolation: "CUBICSPLINE", times: [0, 1], values: values, type: "VEC4")
        let q = model.pose(animation: 0, at: 0.4).transforms[0].rotation
        #expect(near((q * q).sum(), 1))
    }

    @Test func blendingWeighsPosesAndKeepsRotationsInOneHemisphere() throws {
        let a = GLTFPose(transforms: [GLTFTransform(translation: SIMD3(0, 0, 0), rotation: SIMD4(0, 0, 0, 1), scale: .one)], weights: [[0, 1]])
        let b = GLTFPose(transforms: [GLTFTransform(translation: SIMD3(4, 0, 0), rotation: SIMD4(0, 0, 0, -1), scale: SIMD3(repeating: 3))], weights: [[1, 0]])
        let m = GLTFPose.blend([(a, 3), (b, 1)])
        #expect(near(m.transforms[0].translation, SIMD3(1, 0, 0)))
        #expect(near(m.transforms[0].scale, SIMD3(repeating: 1.5)))
        #expect(near(m.transforms[0].rotation, SIMD4(0, 0, 0, 1))) // -q is the same rotation
        #expect(m.weights[0] == [0.25, 0.75])
        let h = Float(0.5).squareRoot()
        let c = GLTFPose(transforms: [GLTFTransform(rotation: SIMD4(0, 0, h, h))], weights: [[1, 1]])
        let half = GLTFPose.mix(a, c, 0.5)
        #expect(near(half.transforms[0].rotation, SIMD4(0, 0, sinf(.pi / 8), cosf(.pi / 8))))
        #expect(half.weights[0] == [0.5, 1])
    }

    /// Two targets: the mesh's default weights, a node's override, and an animated channel.
    @Test func morphTargetsFollowMeshNodeAndChannelWeights() throws {
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        let up = b.floats([0, 0, 1, 0, 0, 1, 0, 0, 1], type: "VEC3")
        let side = b.floats([1, 0, 0, 1, 0, 0, 1, 0, 0], type: "VEC3")
        let input = b.floats([0, 1], type: "SCALAR")
        let output = b.floats([0, 0, 1, 0.5], type: "SCALAR")
        let mesh = "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":\(pos)},\"targets\":[{\"POSITION\":\(up)},{\"POSITION\":\(side)}]}],\"weights\":[0.5,0]}]"
        let anim = "\"animations\":[{\"channels\":[{\"sampler\":0,\"target\":{\"node\":1,\"path\":\"weights\"}}],\"samplers\":[{\"input\":\(input),\"output\":\(output)}]}]"
        let model = try b.load(mesh + ",\"scenes\":[{\"nodes\":[0,1]}],\"nodes\":[{\"mesh\":0},{\"mesh\":0,\"weights\":[1,1]}]," + anim)
        let rest = model.restPose
        #expect(rest.weights[0] == [0.5, 0])
        #expect(rest.weights[1] == [1, 1])
        var p: [SIMD3<Float>] = [], n: [SIMD3<Float>] = []
        GLTFSkinning.morph(model.meshes[0].primitives[0], weights: rest.weights[0], positions: &p, normals: &n)
        #expect(p[1] == SIMD3(1, 0, 0.5))
        #expect(n.isEmpty)
        let pose = model.pose(animation: 0, at: 0.5)
        #expect(pose.weights[1] == [0.5, 0.25])
        #expect(pose.weights[0] == [0.5, 0])
        GLTFSkinning.morph(model.meshes[0].primitives[0], weights: pose.weights[1], positions: &p, normals: &n)
        #expect(near(p[2], SIMD3(0.25, 1, 0.5)))
        let box = try #require(model.bounds(pose: pose))
        #expect(near(box.max, SIMD3(1.25, 1, 0.5)))
    }

    /// Joint 1 sits at (0, 1, 0) under joint 0; turning it 90° about z swings a vertex at
    /// (0, 2, 0) to (−1, 1, 0), and half-weighted to the mid-point.
    @Test func skinningMovesVerticesWithTheirJoints() throws {
        var b = ModelBuilder()
        let pos = b.floats([0, 2, 0, 0, 2, 0, 0, 0, 0], type: "VEC3")
        let nor = b.floats([0, 0, 1, 1, 0, 0, 0, 0, 1], type: "VEC3")
        let joints = b.integers([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], componentType: 5121, type: "VEC4")
        let weights = b.integers([255, 0, 0, 0, 128, 127, 0, 0, 255, 0, 0, 0], componentType: 5121, type: "VEC4", normalized: true)
        let ibm = b.floats([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                            1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1], type: "MAT4")
        let model = try b.load("""
            "meshes":[{"primitives":[{"attributes":{"POSITION":\(pos),"NORMAL":\(nor),"JOINTS_0":\(joints),"WEIGHTS_0":\(weights)}}]}],
            "scenes":[{"nodes":[0,2]}],"nodes":[{"children":[1]},{"translation":[0,1,0]},{"mesh":0,"skin":0,"translation":[50,0,0]}],
            "skins":[{"joints":[0,1],"inverseBindMatrices":\(ibm),"skeleton":0}]
            """)
        var pose = model.restPose
        let h = Float(0.5).squareRoot()
        pose.transforms[1].rotation = SIMD4(0, 0, h, h)
        let worlds = model.worldMatrices(pose)
        var jm: [Matrix4] = [], p: [SIMD3<Float>] = [], n: [SIMD3<Float>] = []
        model.jointMatrices(skin: 0, worlds: worlds, into: &jm)
        let prim = model.meshes[0].primitives[0]
        #expect(prim.maxJoint == 1)
        GLTFSkinning.skin(prim, joints: jm, morphWeights: [], positions: &p, normals: &n)
        #expect(near(p[0], SIMD3(-1, 1, 0)))
        #expect(near(p[1], SIMD3(-0.5, 1.5, 0), 0.01)) // weights 128/255 and 127/255
        #expect(near(p[2], .zero)) // joint 0 only; the mesh node's translation is ignored
        #expect(near(n[0], SIMD3(0, 0, 1)))
        // The bind pose leaves every vertex where it was.
        model.jointMatrices(skin: 0, worlds: model.worldMatrices(model.restPose), into: &jm)
        GLTFSkinning.skin(prim, joints: jm, morphWeights: [], positions: &p, normals: &n)
        #expect(p == prim.positions)
        #expect(near(n[1], SIMD3(1, 0, 0)))
    }

    /// TRS and matrix nodes: world = parent × local, and the node order has parents first.
    @Test func worldMatricesWalkTheHierarchy() throws {
        var b = ModelBuilder()
        let pos = b.floats(triangle, type: "VEC3")
        let model = try b.load("""
            "meshes":[{"primitives":[{"attributes":{"POSITION":\(pos)}}]}],"scenes":[{"nodes":[2]}],
            "nodes":[{"mesh":0,"translation":[1,0,0]},{"children":[0],"scale":[2,2,2]},{"children":[1],"matrix":[1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,5,1]}]
            """)
        #expect(model.nodeOrder == [2, 1, 0])
        #expect(model.nodes[0].parent == 1)
        let w = model.worldMatrices(model.restPose)
        #expect(w[0] * SIMD4(0, 0, 0, 1) == SIMD4(2, 0, 5, 1))
        let box = try #require(model.bounds())
        #expect(box == GLTFBounds(min: SIMD3(2, 0, 5), max: SIMD3(4, 2, 5)))
    }
}
