import RealModule

/// A column-major 4×4 matrix of `Float`, as OpenGL lays it out: `columns.3` holds the
/// translation, and `m * v` transforms a column vector.
public struct Matrix4: Equatable, Sendable {
    public var columns: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)

    public init(_ c0: SIMD4<Float>, _ c1: SIMD4<Float>, _ c2: SIMD4<Float>, _ c3: SIMD4<Float>) {
        columns = (c0, c1, c2, c3)
    }

    public static let identity = Matrix4(
        SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1))

    public static func == (a: Matrix4, b: Matrix4) -> Bool {
        a.columns.0 == b.columns.0 && a.columns.1 == b.columns.1
            && a.columns.2 == b.columns.2 && a.columns.3 == b.columns.3
    }

    /// OpenGL's perspective projection (gluPerspective): vertical field of view in radians.
    public static func perspective(fovY: Float, aspect: Float, near: Float, far: Float) -> Matrix4 {
        let f = 1 / Float.tan(fovY / 2)
        return Matrix4(
            SIMD4(f / aspect, 0, 0, 0),
            SIMD4(0, f, 0, 0),
            SIMD4(0, 0, (far + near) / (near - far), -1),
            SIMD4(0, 0, 2 * far * near / (near - far), 0))
    }

    /// OpenGL's orthographic projection (glOrtho).
    public static func orthographic(
        left: Float, right: Float, bottom: Float, top: Float, near: Float, far: Float
    ) -> Matrix4 {
        Matrix4(
            SIMD4(2 / (right - left), 0, 0, 0),
            SIMD4(0, 2 / (top - bottom), 0, 0),
            SIMD4(0, 0, -2 / (far - near), 0),
            SIMD4(-(right + left) / (right - left), -(top + bottom) / (top - bottom),
                  -(far + near) / (far - near), 1))
    }

    public static func translation(_ t: SIMD3<Float>) -> Matrix4 {
        Matrix4(SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(t.x, t.y, t.z, 1))
    }

    public static func scale(_ s: SIMD3<Float>) -> Matrix4 {
        Matrix4(SIMD4(s.x, 0, 0, 0), SIMD4(0, s.y, 0, 0), SIMD4(0, 0, s.z, 0), SIMD4(0, 0, 0, 1))
    }

    /// Rotation about +y by `angle` radians: x' = cos·x + sin·z, z' = −sin·x + cos·z.
    public static func rotationY(_ angle: Float) -> Matrix4 {
        let c = Float.cos(angle), s = Float.sin(angle)
        return Matrix4(SIMD4(c, 0, -s, 0), SIMD4(0, 1, 0, 0), SIMD4(s, 0, c, 0), SIMD4(0, 0, 0, 1))
    }

    /// Rotation about +x by `angle` radians.
    public static func rotationX(_ angle: Float) -> Matrix4 {
        let c = Float.cos(angle), s = Float.sin(angle)
        return Matrix4(SIMD4(1, 0, 0, 0), SIMD4(0, c, s, 0), SIMD4(0, -s, c, 0), SIMD4(0, 0, 0, 1))
    }

    /// Rotation about +z by `angle` radians.
    public static func rotationZ(_ angle: Float) -> Matrix4 {
        let c = Float.cos(angle), s = Float.sin(angle)
        return Matrix4(SIMD4(c, s, 0, 0), SIMD4(-s, c, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1))
    }

    /// A view matrix looking from `eye` at `target` (gluLookAt).
    public static func lookAt(eye: SIMD3<Float>, target: SIMD3<Float>, up: SIMD3<Float>) -> Matrix4 {
        let f = normalize(target - eye)
        let s = normalize(cross(f, up))
        let u = cross(s, f)
        return Matrix4(
            SIMD4(s.x, u.x, -f.x, 0), SIMD4(s.y, u.y, -f.y, 0), SIMD4(s.z, u.z, -f.z, 0),
            SIMD4(-dot(s, eye), -dot(u, eye), dot(f, eye), 1))
    }

    @inline(__always)
    public static func * (m: Matrix4, v: SIMD4<Float>) -> SIMD4<Float> {
        var r = m.columns.0 * v.x
        r.addProduct(m.columns.1, v.y)
        r.addProduct(m.columns.2, v.z)
        r.addProduct(m.columns.3, v.w)
        return r
    }

    public static func * (a: Matrix4, b: Matrix4) -> Matrix4 {
        Matrix4(a * b.columns.0, a * b.columns.1, a * b.columns.2, a * b.columns.3)
    }

    /// The upper-left 3×3 block, as three columns. For a rotation (and uniform scale) this is
    /// the matrix that transforms normals.
    public var upperLeft3x3: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        (SIMD3(columns.0.x, columns.0.y, columns.0.z),
         SIMD3(columns.1.x, columns.1.y, columns.1.z),
         SIMD3(columns.2.x, columns.2.y, columns.2.z))
    }
}

@inline(__always) public func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

@inline(__always) public func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) public func length(_ a: SIMD3<Float>) -> Float { dot(a, a).squareRoot() }

@inline(__always) public func normalize(_ a: SIMD3<Float>) -> SIMD3<Float> {
    let l = length(a)
    return l > 0 ? a / l : a
}
