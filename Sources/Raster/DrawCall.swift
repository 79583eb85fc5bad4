/// An indexed triangle mesh. Every vertex has a position and one `SIMD4<Float>` of
/// attributes whose meaning depends on the draw's `Shading`:
///
/// | shading            | attribute                                   |
/// |--------------------|---------------------------------------------|
/// | `.color`           | RGBA colour (premultiplied for `.premultipliedAlpha`) |
/// | `.litGouraud`      | object-space normal in xyz                  |
/// | `.glow`            | (u, v, intensity, –)                        |
/// | `.textured`        | (u, v, –, –)                                |
/// | `.texturedLit`     | (u, v, key light amount, rim amount)        |
public struct Mesh: Sendable {
    public var positions: [SIMD3<Float>]
    public var attributes: [SIMD4<Float>]
    /// Three indices per triangle, into `positions` and `attributes`.
    public var indices: [UInt32]

    public init(positions: [SIMD3<Float>], attributes: [SIMD4<Float>], indices: [UInt32]) {
        precondition(positions.count == attributes.count, "one attribute per vertex")
        precondition(indices.count % 3 == 0, "three indices per triangle")
        self.positions = positions
        self.attributes = attributes
        self.indices = indices
    }

    public var triangleCount: Int { indices.count / 3 }
}

/// Directional lighting evaluated per vertex, then interpolated (Gouraud):
/// `colour = ambient + max(n'·L, 0) · diffuse`, where `n' = normalMatrix · n`.
public struct Lighting: Sendable {
    /// Transforms object-space normals into the space of `direction` (columns of a 3×3).
    public var normalMatrix: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)
    /// Unit vector toward the light.
    public var direction: SIMD3<Float>
    public var ambient: SIMD3<Float>
    public var diffuse: SIMD3<Float>
    public var alpha: Float

    public init(
        normalMatrix: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), direction: SIMD3<Float>,
        ambient: SIMD3<Float>, diffuse: SIMD3<Float>, alpha: Float = 1
    ) {
        self.normalMatrix = normalMatrix
        self.direction = normalize(direction)
        self.ambient = ambient
        self.diffuse = diffuse
        self.alpha = alpha
    }
}

/// How fragments are coloured: one of a small set of specialised SIMD kernels.
public enum Shading: Sendable {
    /// Per-vertex RGBA, interpolated with perspective correction.
    case color
    /// Per-vertex directional lighting from normals, then interpolated like `.color`.
    case litGouraud(Lighting)
    /// The radial glow sprite: `tint · intensity · max(1 − |uv|², 0)²`, alpha 0 (additive light).
    case glow(tint: SIMD3<Float>)
    /// A texture sampled bilinearly at the interpolated uv, multiplied by `tint`.
    case textured(Texture, tint: SIMD4<Float>)
    /// A texture lit per vertex: `texel · (ambient + key · k) + rim · r`, with k and r the
    /// interpolated attributes z and w (a glTF model's base colour texture, `ModelRig`).
    case texturedLit(Texture, TexturedLight)
}

/// The light of a `.texturedLit` draw, in linear colour.
public struct TexturedLight: Sendable {
    /// What the texel is multiplied by: `ambient + key · k`.
    public var ambient: SIMD3<Float>
    public var key: SIMD3<Float>
    /// Added where the surface turns away from the eye: `rim · r`.
    public var rim: SIMD3<Float>

    public init(ambient: SIMD3<Float>, key: SIMD3<Float>, rim: SIMD3<Float>) {
        self.ambient = ambient
        self.key = key
        self.rim = rim
    }
}

/// Depth comparison. A fragment passes when `fragmentDepth <op> storedDepth`.
public enum DepthTest: Sendable {
    case less, lessOrEqual, always
}

/// How a fragment's colour combines with the colour buffer. Colours are premultiplied.
public enum BlendMode: Sendable {
    /// `dst = src`
    case opaque
    /// `dst = src + dst · (1 − src.a)`
    case premultipliedAlpha
    /// `dst = dst + src`
    case additive
}

/// Which triangles to drop by their winding in window space.
public enum CullMode: Sendable {
    case none
    /// Drop triangles that are clockwise on screen (OpenGL's default front face is CCW).
    case back
    /// Drop triangles that are counter-clockwise on screen.
    case front
}

/// Fixed-function state of one draw.
public struct RenderState: Sendable {
    public var depthTest: DepthTest
    public var depthWrite: Bool
    public var blend: BlendMode
    public var cull: CullMode
    /// With samples (`Renderer(threads:samples:)`): true, coverage is decided per sample, so
    /// the draw's edges are anti-aliased. False, every sample takes the pixel centre's coverage,
    /// as sprites do: for a mesh whose colour fades to nothing at its edges (a soft ribbon, a
    /// ring of light), which has no edge to smooth. It then costs what it costs with one sample
    /// and splits no block (`TileSamples`), and so do its inner edges. Depth is still tested
    /// per sample.
    public var multisample: Bool

    public init(depthTest: DepthTest = .less, depthWrite: Bool = true, blend: BlendMode = .opaque, cull: CullMode = .none,
                multisample: Bool = true) {
        self.depthTest = depthTest
        self.depthWrite = depthWrite
        self.blend = blend
        self.cull = cull
        self.multisample = multisample
    }

    /// The same state with `multisample` off: for meshes whose edges fade to nothing.
    public var softEdged: RenderState {
        var s = self
        s.multisample = false
        return s
    }

    /// Depth-tested opaque geometry.
    public static let opaque = RenderState()
    /// Additive light with no depth test: particles, glows.
    public static let additive = RenderState(depthTest: .always, depthWrite: false, blend: .additive)
}

/// One draw: a mesh, a transform to clip space, a kernel and its state.
public struct DrawCall: Sendable {
    public var mesh: Mesh
    /// Object space to OpenGL clip space (projection · view · model).
    public var transform: Matrix4
    public var shading: Shading
    public var state: RenderState
    /// Screen-aligned rectangles drawn after the mesh (see `Sprites`); nil for a plain mesh.
    public internal(set) var sprites: Sprites?

    public init(mesh: Mesh, transform: Matrix4, shading: Shading, state: RenderState = .opaque) {
        self.mesh = mesh
        self.transform = transform
        self.shading = shading
        self.state = state
    }

    /// A draw of sprites only: no mesh, and clip space is the sprites' own NDC (w = 1).
    public init(sprites: Sprites, shading: Shading, state: RenderState = .additive) {
        self.init(mesh: Mesh(positions: [], attributes: [], indices: []), transform: .identity, shading: shading, state: state)
        self.sprites = sprites
    }

    /// Triangles the draw submits: the mesh's, and two per sprite.
    public var triangleCount: Int { mesh.triangleCount + 2 * (sprites?.count ?? 0) }
}

/// Screen-aligned rectangles given directly in normalized device coordinates, the shape of
/// particles and glows. A sprite is drawn exactly as its quad in `mesh` (two triangles), but
/// the renderer makes its corners during setup: no vertex stage, no index buffer, and no
/// search for the quad's rectangle.
public struct Sprites: Sendable {
    /// Per sprite: the centre's x, y and depth z (NDC, w = 1) and, in w, the value its corners
    /// carry as attribute 2.
    public var centres: [SIMD4<Float>]
    /// Per sprite: half the width and half the height, in NDC.
    public var halves: [SIMD2<Float>]

    public init(centres: [SIMD4<Float>], halves: [SIMD2<Float>]) {
        precondition(centres.count == halves.count, "one half size per sprite")
        self.centres = centres
        self.halves = halves
    }

    public var count: Int { centres.count }

    /// The sprites as a quad mesh under the identity transform: corners (−1, −1), (1, −1),
    /// (1, 1), (−1, 1) of each sprite in attributes 0 and 1, the value in attribute 2, and
    /// triangles (0, 1, 2) and (0, 2, 3). This is what the renderer draws.
    public var mesh: Mesh {
        var positions: [SIMD3<Float>] = [], attributes: [SIMD4<Float>] = [], indices: [UInt32] = []
        for (c, h) in zip(centres, halves) {
            let base = UInt32(positions.count)
            for (sx, sy) in Self.corners {
                positions.append(SIMD3(c.x + sx * h.x, c.y + sy * h.y, c.z))
                attributes.append(SIMD4(sx, sy, c.w, 0))
            }
            indices += [base, base + 1, base + 2, base, base + 2, base + 3]
        }
        return Mesh(positions: positions, attributes: attributes, indices: indices)
    }

    /// Corner k of a sprite as signs of its half size.
    static let corners: [(Float, Float)] = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
}
