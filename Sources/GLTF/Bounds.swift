import Raster

/// An axis-aligned box in model space.
public struct GLTFBounds: Sendable, Equatable {
    public var min: SIMD3<Float>
    public var max: SIMD3<Float>

    /// The box from `min` to `max` (corner by corner).
    public init(min: SIMD3<Float>, max: SIMD3<Float>) {
        self.min = min
        self.max = max
    }

    /// The middle of the box.
    public var center: SIMD3<Float> { (min + max) / 2 }
    /// The box's extent along each axis.
    public var size: SIMD3<Float> { max - min }

    /// The box grown to hold `p`.
    public mutating func include(_ p: SIMD3<Float>) {
        min = pointwiseMin(min, p)
        max = pointwiseMax(max, p)
    }
}

extension GLTFModel {
    /// The box around every vertex of the default scene's meshes, morph targets applied.
    /// With a pose, skinned meshes are skinned by it and the others placed by their node's
    /// world matrix. Without one it is the bind pose: every mesh, skinned or not, as it was
    /// modelled, placed by its node's world matrix in the rest pose. Nil without vertices.
    public func bounds(pose: GLTFPose? = nil) -> GLTFBounds? {
        let skinning = pose != nil
        let pose = pose ?? restPose
        let worlds = worldMatrices(pose)
        var box: GLTFBounds?
        var positions: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = [], joints: [Matrix4] = []
        for n in defaultSceneNodes {
            guard let m = nodes[n].mesh else { continue }
            if skinning, let s = nodes[n].skin { jointMatrices(skin: s, worlds: worlds, into: &joints) }
            for p in meshes[m].primitives {
                if skinning, nodes[n].skin != nil, !p.joints.isEmpty {
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
