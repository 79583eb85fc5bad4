/// Fragment kernels: 8 pixels at a time, specialised at compile time.
///
/// Each kernel reads up to four interpolated varyings and returns a premultiplied RGBA
/// colour for each lane. The vertex stage decides what the varyings are (see `Mesh`).
protocol FragmentKernel {
    /// How many varyings the kernel reads; the rasterizer interpolates only those.
    static var varyingCount: Int { get }
    /// True when the kernel's alpha is always 0 (pure light).
    static var alphaIsZero: Bool { get }
    static func shade(_ v: Varyings8, _ draw: borrowing DrawInfo) -> Color8
}

/// Four interpolated varyings for 8 pixels.
struct Varyings8 {
    var v0: SIMD8<Float>, v1: SIMD8<Float>, v2: SIMD8<Float>, v3: SIMD8<Float>
}

/// Premultiplied RGBA for 8 pixels.
struct Color8 {
    var r: SIMD8<Float>, g: SIMD8<Float>, b: SIMD8<Float>, a: SIMD8<Float>
}

/// Interpolated vertex colour (also the fragment half of lit Gouraud).
enum ColorKernel: FragmentKernel {
    static var varyingCount: Int { 4 }
    static var alphaIsZero: Bool { false }
    @inline(__always)
    static func shade(_ v: Varyings8, _ draw: borrowing DrawInfo) -> Color8 {
        Color8(r: v.v0, g: v.v1, b: v.v2, a: v.v3)
    }
}

/// Interpolated RGB with a constant alpha: the fragment half of lit Gouraud (one plane
/// fewer than `ColorKernel`).
enum RGBKernel: FragmentKernel {
    static var varyingCount: Int { 3 }
    static var alphaIsZero: Bool { false }
    @inline(__always)
    static func shade(_ v: Varyings8, _ draw: borrowing DrawInfo) -> Color8 {
        Color8(r: v.v0, g: v.v1, b: v.v2, a: SIMD8(repeating: draw.tint.w))
    }
}

/// The radial glow sprite: `tint · intensity · max(1 − |uv|², 0)²`, alpha 0.
enum GlowKernel: FragmentKernel {
    static var varyingCount: Int { 3 }
    static var alphaIsZero: Bool { true }
    @inline(__always)
    static func shade(_ v: Varyings8, _ draw: borrowing DrawInfo) -> Color8 {
        var q = SIMD8<Float>(repeating: 1)
        q.addProduct(-v.v0, v.v0)
        q.addProduct(-v.v1, v.v1)
        q = q.replacing(with: 0, where: q .< 0)
        let f = q * q * v.v2
        return Color8(r: f * draw.tint.x, g: f * draw.tint.y, b: f * draw.tint.z, a: .zero)
    }
}

/// Bilinear texture sample times a tint.
enum TexturedKernel: FragmentKernel {
    static var varyingCount: Int { 2 }
    static var alphaIsZero: Bool { false }
    @inline(__always)
    static func shade(_ v: Varyings8, _ draw: borrowing DrawInfo) -> Color8 {
        var out = Color8(r: .zero, g: .zero, b: .zero, a: .zero)
        let tex = draw.texture!
        for l in 0..<8 {
            let s = tex.sample(u: v.v0[l], v: v.v1[l]) * draw.tint
            out.r[l] = s.x; out.g[l] = s.y; out.b[l] = s.z; out.a[l] = s.w
        }
        return out
    }
}

/// A texture lit per vertex: `texel · (ambient + key · k) + rim · r · alpha` (premultiplied),
/// with `tint` the key colour, `ambient` and `rim` from `DrawInfo`.
enum TexturedLitKernel: FragmentKernel {
    static var varyingCount: Int { 4 }
    static var alphaIsZero: Bool { false }
    @inline(__always)
    static func shade(_ v: Varyings8, _ draw: borrowing DrawInfo) -> Color8 {
        var out = Color8(r: .zero, g: .zero, b: .zero, a: .zero)
        let tex = draw.texture!
        for l in 0..<8 {
            let s = tex.sample(u: v.v0[l], v: v.v1[l])
            let light = draw.ambient + draw.tint * v.v2[l]
            let c = s * light + draw.rim * (v.v3[l] * s.w)
            out.r[l] = c.x; out.g[l] = c.y; out.b[l] = c.z; out.a[l] = s.w
        }
        return out
    }
}

/// The kernels, as stored per draw.
enum KernelKind: UInt8 {
    case color, rgb, glow, textured, texturedLit
}

/// What the back end needs to know about a draw.
struct DrawInfo {
    var kernel: KernelKind
    var tint: SIMD4<Float>
    /// `.texturedLit`'s ambient and rim colours (alpha 0); zero for the other kernels.
    var ambient = SIMD4<Float>.zero
    var rim = SIMD4<Float>.zero
    var texture: TextureView?
    var depthTest: DepthTest
    var depthWrite: Bool
    var blend: BlendMode
    /// Coverage per sample; false for sprites, whose samples all take the pixel centre's
    /// (see `SamplePattern`).
    var sampled = true
}
