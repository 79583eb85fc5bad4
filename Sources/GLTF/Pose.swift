import Raster
#if canImport(Glibc)
import Glibc
#endif

/// The local transforms and morph weights of every node of a model at one moment: what
/// an animation clip is sampled into, what blending mixes, what skinning and bounds read.
public struct GLTFPose: Sendable, Equatable {
    /// One per node. Ignored for nodes with a `matrix` (those cannot be animated).
    public var transforms: [GLTFTransform]
    /// One array per node: the morph weights of its mesh (empty for nodes without targets).
    public var weights: [[Float]]

    /// A pose from its parts (one transform and one weight array per node).
    public init(transforms: [GLTFTransform], weights: [[Float]]) {
        self.transforms = transforms
        self.weights = weights
    }

    /// A weighted mix of poses of one model (cross-fades, layered clips): translations,
    /// scales and morph weights are averaged; rotations are averaged in the hemisphere of
    /// the first pose's and normalised (nlerp). Weights are divided by their sum; with no
    /// positive weight the first pose is returned. `poses` must not be empty.
    public static func blend(_ poses: [(pose: GLTFPose, weight: Float)]) -> GLTFPose {
        precondition(!poses.isEmpty, "blend needs at least one pose")
        let total = poses.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0 else { return poses[0].pose }
        var out = poses[0].pose
        let n = out.transforms.count
        for i in 0..<n {
            var t = SIMD3<Float>.zero, s = SIMD3<Float>.zero, q = SIMD4<Float>.zero
            let reference = poses[0].pose.transforms[i].rotation
            for (pose, weight) in poses where weight > 0 {
                let w = weight / total
                let x = pose.transforms[i]
                t += x.translation * w
                s += x.scale * w
                q += ((x.rotation * reference).sum() < 0 ? -x.rotation : x.rotation) * w
            }
            let l = (q * q).sum().squareRoot()
            out.transforms[i] = GLTFTransform(translation: t, rotation: l > 1e-12 ? q / l : reference, scale: s)
            if !out.weights[i].isEmpty {
                for k in out.weights[i].indices {
                    var m: Float = 0
                    for (pose, weight) in poses where weight > 0 { m += pose.weights[i][k] * (weight / total) }
                    out.weights[i][k] = m
                }
            }
        }
        return out
    }

    /// `a` mixed towards `b` by `t` (0 gives a, 1 gives b): lerp for translations, scales
    /// and morph weights, slerp on the shorter arc for rotations.
    public static func mix(_ a: GLTFPose, _ b: GLTFPose, _ t: Float) -> GLTFPose {
        var out = a
        for i in out.transforms.indices {
            let x = a.transforms[i], y = b.transforms[i]
            out.transforms[i] = GLTFTransform(translation: x.translation + (y.translation - x.translation) * t,
                                              rotation: slerp(x.rotation, y.rotation, t),
                                              scale: x.scale + (y.scale - x.scale) * t)
            for k in out.weights[i].indices { out.weights[i][k] += (b.weights[i][k] - out.weights[i][k]) * t }
        }
        return out
    }
}

/// Spherical interpolation of unit quaternions on the shorter arc, normalised; nlerp where
/// they are nearly equal.
public func slerp(_ a: SIMD4<Float>, _ b0: SIMD4<Float>, _ t: Float) -> SIMD4<Float> {
    var b = b0
    var d = (a * b).sum()
    if d < 0 { b = -b; d = -d }
    var q: SIMD4<Float>
    if d > 0.9995 {
        q = a + (b - a) * t
    } else {
        let theta = acosf(min(d, 1)), s = sinf(theta)
        q = a * (sinf((1 - t) * theta) / s) + b * (sinf(t * theta) / s)
    }
    let l = (q * q).sum().squareRoot()
    return l > 1e-12 ? q / l : a
}

extension GLTFModel {
    /// The pose the file describes: every node's TRS, and morph weights from the node's
    /// `weights`, else its mesh's.
    public var restPose: GLTFPose {
        GLTFPose(transforms: nodes.map(\.rest), weights: nodes.map { n in
            guard let m = n.mesh else { return [] }
            return n.weights ?? meshes[m].weights
        })
    }

    /// Each node's world matrix under `pose`: parent world times local (the node's matrix,
    /// or its pose TRS), computed parents first over every node.
    public func worldMatrices(_ pose: GLTFPose) -> [Matrix4] {
        var out: [Matrix4] = []
        worldMatrices(pose, into: &out)
        return out
    }

    /// `worldMatrices`, reusing `out`'s storage (no allocation once it has the node count).
    public func worldMatrices(_ pose: GLTFPose, into out: inout [Matrix4]) {
        precondition(pose.transforms.count == nodes.count, "the pose is of another model")
        if out.count != nodes.count { out = [Matrix4](repeating: .identity, count: nodes.count) }
        for i in nodeOrder {
            let node = nodes[i]
            let local = node.matrix ?? pose.transforms[i].matrix
            out[i] = node.parent.map { out[$0] * local } ?? local
        }
    }
}
