import Raster

/// An axis-aligned box in model space.
public struct GLTFBounds: Sendable, Equatable {
    public var min: SIMD3<Float>
    public var max: SIMD3<Float>

    public var center: SIMD3<Float> { (min + max) / 2 }
    public var size: SIMD3<Float> { max - min }

    /// The box grown to hold `p`.
    public mutating func include(_ p: SIMD3<Float>) {
        min = pointwiseMin(min, p)
        max = pointwiseMax(max, p)
    }
}

extension GLTFModel {
    /// The box around every vertex of the default scene's meshes under `pose` (the rest
    /// pose, which is the bind pose, when nil): skinned meshes skinned, others placed by
    /// their node's world matrix, morph targets applied. Nil when there are no vertices.
    public func bounds(pose: GLTFPose? = nil) -> GLTFBounds? {
        let pose = pose ?? restPose
        let worlds = worldMatrices(pose)
        var box: GLTFBounds?
        var positions: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = [], joints: [Matrix4] = []
        for n in defaultSceneNodes {
            guard let m = nodes[n].mesh else { continue }
            if let s = nodes[n].skin { jointMatrices(skin: s, worlds: worlds, into: &joints) }
            for p in meshes[m].primitives {
                if nodes[n].skin != nil, !p.joints.isEmpty {
                    GLTFSkinning.skin(p, joints: joints, morphWeights: pose.weights[n], positions: &positions, normals: &normals)
                } else {
                    GLTFSkinning.transform(p, by: worlds[n], morphWeights: pose.weights[n], positions: &positions, normals: &normals)
                }
                for v in positions {
                    if box == nil { box = GLTFBounds(min: v, max: v) } else { box!.include(v) }
                }
            }
        }
        return box
    }
}
