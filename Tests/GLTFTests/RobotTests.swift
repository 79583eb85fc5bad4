import GLTF
import Raster
import Testing
import TestSupport

/// The repository's real model, assets/models/RobotExpressive.glb (assets/models/NOTICE.md).
@Suite struct RobotTests {
    static let path = repositoryRoot + "/assets/models/RobotExpressive.glb"
    static let clips = ["Idle", "Walking", "Running", "Dance", "Death", "Sitting", "Standing", "Jump", "Yes", "No", "Wave", "Punch",
                        "ThumbsUp", "WalkJump"]

    @Test func loadsWithTheCountsOfItsNotice() throws {
        let model = try GLTFModel.load(contentsOf: Self.path)
        #expect(model.meshes.count == 19)
        #expect(model.skins.count == 4)
        #expect(model.triangleCount == 3237)
        #expect(model.nodes.count == 84)
        #expect(Set(model.animations.map(\.name)) == Set(Self.clips))
        #expect(model.animations.count == 14)
        let morphed = model.meshes.filter { !$0.primitives[0].targets.isEmpty }
        #expect(morphed.count == 3)
        for mesh in morphed { #expect(mesh.targetNames == ["Angry", "Surprised", "Sad"]) }
        #expect(model.notes.isEmpty)
        #expect(model.defaultScene == 0)
        for clip in Self.clips { #expect(model.animation(named: clip) != nil) }
        #expect(model.animation(named: "Moonwalk") == nil)
    }

    @Test func everyClipSamplesToFinitePoses() throws {
        let model = try GLTFModel.load(contentsOf: Self.path)
        var pose = model.restPose
        var worlds: [Matrix4] = []
        for clip in model.animations {
            #expect(clip.duration > 0, "\(clip.name)")
            for step in 0...8 {
                clip.sample(at: clip.duration * Float(step) / 8, into: &pose)
                model.worldMatrices(pose, into: &worlds)
                for w in worlds {
                    let c = w.columns
                    #expect([c.0, c.1, c.2, c.3].allSatisfy { ($0 * 0 == .zero) }, "\(clip.name) at step \(step) has a non-finite matrix")
                }
                for t in pose.transforms { #expect(abs((t.rotation * t.rotation).sum() - 1) < 1e-4) }
            }
        }
    }

    /// With every joint placed where its inverse bind matrix says it was bound (under the
    /// skinned node), each skinned vertex lands where the node's world matrix puts the
    /// unskinned one: the bind pose skins to the mesh as modelled.
    @Test func skinningInTheBindPoseMatchesTheNodeTransform() throws {
        let model = try GLTFModel.load(contentsOf: Self.path)
        let pose = model.restPose
        var joints: [Matrix4] = [], skinned: [SIMD3<Float>] = [], skinnedNormals: [SIMD3<Float>] = []
        var rigid: [SIMD3<Float>] = [], rigidNormals: [SIMD3<Float>] = []
        var checked = 0
        for (n, node) in model.nodes.enumerated() {
            guard let s = node.skin, let m = node.mesh else { continue }
            var worlds = model.worldMatrices(pose)
            for (k, j) in model.skins[s].joints.enumerated() {
                worlds[j] = worlds[n] * (try #require(GLTFSkinning.affineInverse(model.skins[s].inverseBindMatrices[k])))
            }
            model.jointMatrices(skin: s, worlds: worlds, into: &joints)
            for p in model.meshes[m].primitives {
                GLTFSkinning.skin(p, joints: joints, morphWeights: pose.weights[n], positions: &skinned, normals: &skinnedNormals)
                GLTFSkinning.transform(p, by: worlds[n], morphWeights: pose.weights[n], positions: &rigid, normals: &rigidNormals)
                for i in 0..<p.vertexCount {
                    #expect(near(skinned[i], rigid[i], 1e-3), "vertex \(i) of mesh \(m): \(skinned[i]) against \(rigid[i])")
                    #expect(dot(skinnedNormals[i], rigidNormals[i]) > 0.999)
                }
                checked += p.vertexCount
            }
        }
        #expect(checked > 1000)
    }

    /// The first frame of Idle, a pose near the bind pose: every skinned vertex is finite
    /// and the skinned box is about the size of the bind pose's.
    @Test func idleSkinsCloseToTheBindPose() throws {
        let model = try GLTFModel.load(contentsOf: Self.path)
        let bind = try #require(model.bounds())
        let idle = try #require(model.bounds(pose: model.pose(animation: model.animations.firstIndex { $0.name == "Idle" }!, at: 0)))
        let ratio = idle.size / bind.size
        #expect(ratio.min() > 0.5 && ratio.max() < 2, "bind \(bind), idle \(idle)")
        #expect(near(idle.center, bind.center, 0.5 * bind.size.max()))
    }

    @Test func boundsFrameTheRobotAndFollowThePose() throws {
        let model = try GLTFModel.load(contentsOf: Self.path)
        let bind = try #require(model.bounds())
        #expect(bind.size.min() > 0)
        #expect(bind.size.max() < 1e4)
        // Sitting lowers the robot: its box's top comes down from where it stands idle.
        let idle = try #require(model.bounds(pose: model.pose(animation: model.animations.firstIndex { $0.name == "Idle" }!, at: 0)))
        let sitting = try #require(model.animation(named: "Sitting"))
        var pose = model.restPose
        sitting.sample(at: sitting.duration, into: &pose)
        let seated = try #require(model.bounds(pose: pose))
        #expect(seated.max.y < idle.max.y, "idle \(idle), seated \(seated)")
    }

    @Test func crossFadingTwoClipsLiesBetweenThem() throws {
        let model = try GLTFModel.load(contentsOf: Self.path)
        let walk = model.pose(animation: model.animations.firstIndex { $0.name == "Walking" }!, at: 0.3)
        let run = model.pose(animation: model.animations.firstIndex { $0.name == "Running" }!, at: 0.3)
        let start = GLTFPose.blend([(walk, 1), (run, 0)])
        let end = GLTFPose.blend([(walk, 0), (run, 2)])
        #expect(start == walk)
        for i in run.transforms.indices {
            #expect(near(end.transforms[i].translation, run.transforms[i].translation))
            #expect(abs(abs((end.transforms[i].rotation * run.transforms[i].rotation).sum()) - 1) < 1e-5)
        }
        let half = GLTFPose.blend([(walk, 1), (run, 1)])
        for t in half.transforms { #expect(abs((t.rotation * t.rotation).sum() - 1) < 1e-4) }
    }
}
