import Raster

extension GLTFModel {
    /// The joint matrices of skin `skin` for the given world matrices: world(joint) times
    /// its inverse bind matrix. Skinned vertices come out in world (model) space: the
    /// skinned mesh node's own transform is not applied, as the spec says.
    public func jointMatrices(skin: Int, worlds: [Matrix4], into out: inout [Matrix4]) {
        let s = skins[skin]
        if out.count != s.joints.count { out = [Matrix4](repeating: .identity, count: s.joints.count) }
        for (k, j) in s.joints.enumerated() { out[k] = worlds[j] * s.inverseBindMatrices[k] }
    }

}

/// Vertex deformation on the CPU, for a renderer each frame: morph targets, then a skin or
/// a rigid world transform. The outputs are resized only when their length is wrong, so a
/// caller that keeps them pays no allocation per frame.
public enum GLTFSkinning {
    /// Base positions and normals plus the morph displacements weighted by `weights`
    /// (targets with weight 0 cost nothing). Without normals, `normals` is emptied.
    public static func morph(_ p: GLTFPrimitive, weights: [Float], positions: inout [SIMD3<Float>], normals: inout [SIMD3<Float>]) {
        let n = p.vertexCount
        positions.removeAll(keepingCapacity: true)
        positions.append(contentsOf: p.positions)
        normals.removeAll(keepingCapacity: true)
        normals.append(contentsOf: p.normals)
        for (t, target) in p.targets.enumerated() where t < weights.count && weights[t] != 0 {
            let w = weights[t]
            if target.positions.count == n {
                positions.withUnsafeMutableBufferPointer { out in
                    target.positions.withUnsafeBufferPointer { d in for i in 0..<n { out[i] += d[i] * w } }
                }
            }
            if target.normals.count == n, normals.count == n {
                normals.withUnsafeMutableBufferPointer { out in
                    target.normals.withUnsafeBufferPointer { d in for i in 0..<n { out[i] += d[i] * w } }
                }
            }
        }
    }

    /// Morphs, then skins with `joints` (from `GLTFModel.jointMatrices`): each vertex by
    /// the weighted sum of its four joints' matrices, normals by that matrix's cofactor
    /// (right under non-uniform scale) and renormalised. `joints` must hold more than the
    /// primitive's `maxJoint` matrices.
    public static func skin(_ p: GLTFPrimitive, joints: [Matrix4], morphWeights: [Float],
                            positions: inout [SIMD3<Float>], normals: inout [SIMD3<Float>]) {
        morph(p, weights: morphWeights, positions: &positions, normals: &normals)
        guard !p.joints.isEmpty else { return }
        precondition(joints.count > p.maxJoint, "the skin has fewer joints than the primitive uses")
        let n = p.vertexCount
        let hasNormals = normals.count == n
        positions.withUnsafeMutableBufferPointer { pos in
            normals.withUnsafeMutableBufferPointer { nor in
                joints.withUnsafeBufferPointer { jm in
                    p.joints.withUnsafeBufferPointer { ji in
                        p.weights.withUnsafeBufferPointer { wi in
                            for i in 0..<n {
                                let j = ji[i], w = wi[i]
                                let a = jm[Int(j.x)].columns, b = jm[Int(j.y)].columns, c = jm[Int(j.z)].columns, d = jm[Int(j.w)].columns
                                let c0 = a.0 * w.x + b.0 * w.y + c.0 * w.z + d.0 * w.w
                                let c1 = a.1 * w.x + b.1 * w.y + c.1 * w.z + d.1 * w.w
                                let c2 = a.2 * w.x + b.2 * w.y + c.2 * w.z + d.2 * w.w
                                let c3 = a.3 * w.x + b.3 * w.y + c.3 * w.z + d.3 * w.w
                                let v = pos[i]
                                let r = c0 * v.x + c1 * v.y + c2 * v.z + c3
                                pos[i] = SIMD3(r.x, r.y, r.z)
                                if hasNormals {
                                    nor[i] = normalTransform(SIMD3(c0.x, c0.y, c0.z), SIMD3(c1.x, c1.y, c1.z), SIMD3(c2.x, c2.y, c2.z), nor[i])
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Morphs, then transforms rigidly by `world` (an unskinned mesh node's world matrix).
    public static func transform(_ p: GLTFPrimitive, by world: Matrix4, morphWeights: [Float],
                                 positions: inout [SIMD3<Float>], normals: inout [SIMD3<Float>]) {
        morph(p, weights: morphWeights, positions: &positions, normals: &normals)
        let (c0, c1, c2, c3) = world.columns
        let a = SIMD3(c0.x, c0.y, c0.z), b = SIMD3(c1.x, c1.y, c1.z), c = SIMD3(c2.x, c2.y, c2.z)
        let n = positions.count
        let hasNormals = normals.count == n
        positions.withUnsafeMutableBufferPointer { pos in
            normals.withUnsafeMutableBufferPointer { nor in
                for i in 0..<n {
                    let v = pos[i]
                    let r = c0 * v.x + c1 * v.y + c2 * v.z + c3
                    pos[i] = SIMD3(r.x, r.y, r.z)
                    if hasNormals { nor[i] = normalTransform(a, b, c, nor[i]) }
                }
            }
        }
    }

    /// The inverse of an affine matrix (last row 0 0 0 1), or nil when it is singular:
    /// inverse bind matrices back to joint placements, for instance.
    public static func affineInverse(_ m: Matrix4) -> Matrix4? {
        let (c0, c1, c2, c3) = m.columns
        let a = SIMD3(c0.x, c0.y, c0.z), b = SIMD3(c1.x, c1.y, c1.z), c = SIMD3(c2.x, c2.y, c2.z), t = SIMD3(c3.x, c3.y, c3.z)
        let bc = cross(b, c), ca = cross(c, a), ab = cross(a, b)
        let det = dot(a, bc)
        guard abs(det) > 1e-30, det.isFinite else { return nil }
        // The rows of the inverse 3×3 are the cofactor columns over the determinant.
        let r0 = bc / det, r1 = ca / det, r2 = ab / det
        let it = -SIMD3(dot(r0, t), dot(r1, t), dot(r2, t))
        return Matrix4(SIMD4(r0.x, r1.x, r2.x, 0), SIMD4(r0.y, r1.y, r2.y, 0), SIMD4(r0.z, r1.z, r2.z, 0), SIMD4(it, 1))
    }

    /// A normal under the 3×3 matrix with columns a, b, c: through the cofactor matrix
    /// (the inverse transpose times the determinant), sign-corrected and normalised.
    @inline(__always) static func normalTransform(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>, _ n: SIMD3<Float>) -> SIMD3<Float> {
        let bc = cross(b, c), ca = cross(c, a), ab = cross(a, b)
        var r = bc * n.x + ca * n.y + ab * n.z
        if dot(a, bc) < 0 { r = -r }
        let l = dot(r, r).squareRoot()
        return l > 1e-20 ? r / l : n
    }
}
