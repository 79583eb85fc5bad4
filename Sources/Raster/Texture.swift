/// An RGBA texture of linear, premultiplied floats, sampled bilinearly.
public final class Texture: @unchecked Sendable {
    /// What a coordinate outside 0...1 samples: the edge texel, or the texture again.
    public enum Wrap: Sendable { case clamp, `repeat` }

    public let width: Int
    public let height: Int
    public let wrap: Wrap
    /// Row-major texels, top row first. Immutable after init, so sharing across threads is safe.
    let texels: UnsafeMutablePointer<SIMD4<Float>>

    /// `texels` holds `width * height` colours, row-major, top row first.
    public init(width: Int, height: Int, texels: [SIMD4<Float>], wrap: Wrap = .clamp) {
        precondition(width > 0 && height > 0 && texels.count == width * height, "texel count must be width·height")
        self.width = width
        self.height = height
        self.wrap = wrap
        self.texels = .allocate(capacity: texels.count)
        self.texels.initialize(from: texels, count: texels.count)
    }

    deinit { texels.deallocate() }

    /// Bilinear sample at uv (0…1 spans the texture; texel centres at (i + 0.5) / size).
    @inline(__always)
    public func sample(u: Float, v: Float) -> SIMD4<Float> {
        TextureView(self).sample(u: u, v: v)
    }
}

/// A non-owning view of a texture for the fragment loop (no reference counting per pixel).
/// Valid while the frame that holds the `Texture` is being rendered.
struct TextureView {
    let texels: UnsafePointer<SIMD4<Float>>
    let width: Int32
    let height: Int32
    let wrapRepeat: Bool

    init(_ t: Texture) {
        texels = UnsafePointer(t.texels)
        width = Int32(t.width)
        height = Int32(t.height)
        wrapRepeat = t.wrap == .repeat
    }

    @inline(__always)
    private func index(_ i: Int32, _ n: Int32) -> Int32 {
        if wrapRepeat {
            let m = i % n
            return m < 0 ? m + n : m
        }
        return min(max(i, 0), n - 1)
    }

    @inline(__always)
    func sample(u: Float, v: Float) -> SIMD4<Float> {
        // NaN or huge uv: sample texel 0 instead of converting garbage to an integer.
        let fu = u.isFinite ? min(max(u * Float(width) - 0.5, -1e6), 1e6) : 0
        let fv = v.isFinite ? min(max(v * Float(height) - 0.5, -1e6), 1e6) : 0
        let iu = fu.rounded(.down), iv = fv.rounded(.down)
        let tu = fu - iu, tv = fv - iv
        let x0 = index(Int32(iu), width), x1 = index(Int32(iu) + 1, width)
        let y0 = index(Int32(iv), height), y1 = index(Int32(iv) + 1, height)
        let w = Int(width)
        let t00 = texels[Int(y0) * w + Int(x0)], t10 = texels[Int(y0) * w + Int(x1)]
        let t01 = texels[Int(y1) * w + Int(x0)], t11 = texels[Int(y1) * w + Int(x1)]
        let top = t00 + (t10 - t00) * tu
        let bottom = t01 + (t11 - t01) * tu
        return top + (bottom - top) * tv
    }
}
