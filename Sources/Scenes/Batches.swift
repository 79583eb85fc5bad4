import Raster
import RealModule

/// A perspective camera for a target of `width`×`height` pixels (OpenGL conventions).
public struct Camera: Sendable {
    public let view: Matrix4
    public let projection: Matrix4
    public let viewProjection: Matrix4
    public let eye: SIMD3<Float>
    public let width: Float
    public let height: Float
    /// projection[1][1]: 1 / tan(fovY / 2).
    public let focal: Float

    public init(eye: SIMD3<Float>, target: SIMD3<Float>, fovDegrees: Float, width: Int, height: Int,
                near: Float = 0.05, far: Float = 60) {
        self.eye = eye
        self.width = Float(width)
        self.height = Float(height)
        let fov = fovDegrees * Float.pi / 180
        view = .lookAt(eye: eye, target: target, up: SIMD3(0, 1, 0))
        projection = .perspective(fovY: fov, aspect: Float(width) / Float(height), near: near, far: far)
        viewProjection = projection * view
        focal = 1 / Float.tan(fov / 2)
    }

    /// A screen-facing sprite for a world point of world radius `radius`: its centre and half
    /// size in NDC, drawn at least `minPixels` pixels in radius; nil when behind the camera.
    /// A sprite drawn larger than it is keeps its light: its `gain` (to multiply its
    /// intensity by) is the true area over the drawn one, so a distant speck is as bright in
    /// sum at any resolution, instead of brighter the smaller the frame.
    @inline(__always)
    public func sprite(_ p: SIMD3<Float>, radius: Float, minPixels: Float = 0.7) -> ScreenSprite? {
        let clip = viewProjection * SIMD4(p, 1)
        guard clip.w > 0.05 else { return nil }
        let inv = 1 / clip.w
        let r = radius * focal * height * 0.5 * inv
        let px = max(minPixels, r)
        let gain = r >= minPixels ? 1 : max(r, 0) * max(r, 0) / (minPixels * minPixels)
        return ScreenSprite(centre: SIMD3(clip.x * inv, clip.y * inv, clip.z * inv), half: SIMD2(px * 2 / width, px * 2 / height), gain: gain)
    }

    /// NDC half size of a sprite of `pixels` radius.
    @inline(__always)
    public func half(pixels: Float) -> SIMD2<Float> { SIMD2(pixels * 2 / width, pixels * 2 / height) }
}

/// A sprite placed by `Camera.sprite`.
public struct ScreenSprite: Sendable {
    /// The centre in NDC (z is depth) and the half size in NDC, as drawn.
    public var centre: SIMD3<Float>
    public var half: SIMD2<Float>
    /// The true area over the drawn area (1 unless the sprite was drawn larger than it is).
    public var gain: Float

    /// The same sprite moved `dz` nearer in NDC depth (drawn over what it sits on).
    public func nearer(by dz: Float) -> ScreenSprite {
        ScreenSprite(centre: centre - SIMD3(0, 0, dz), half: half, gain: gain)
    }
}

/// Glow sprites (camera-facing rectangles in NDC) drawn with the glow kernel: one tint per
/// batch, one intensity per sprite. The rasterizer draws them as exact rectangles with no
/// vertex stage. The arrays are reused frame to frame.
public final class SpriteBatch {
    public private(set) var centres: [SIMD4<Float>] = []
    public private(set) var halves: [SIMD2<Float>] = []

    public init() {}

    public var count: Int { centres.count }

    public func reset() {
        centres.removeAll(keepingCapacity: true)
        halves.removeAll(keepingCapacity: true)
    }

    public func reserve(_ sprites: Int) {
        centres.reserveCapacity(sprites)
        halves.reserveCapacity(sprites)
    }

    /// Adds a sprite centred at `c` (NDC, z is depth) with half size `h` (NDC).
    @inline(__always)
    public func add(_ c: SIMD3<Float>, half h: SIMD2<Float>, intensity: Float) {
        guard c.x - h.x < 1, c.x + h.x > -1, c.y - h.y < 1, c.y + h.y > -1, c.z > -1, c.z < 1 else { return }
        centres.append(SIMD4(c, intensity))
        halves.append(h)
    }

    /// Adds a sprite placed by `Camera.sprite`, its intensity times the sprite's gain.
    @inline(__always)
    public func add(_ s: ScreenSprite, intensity: Float) {
        add(s.centre, half: s.half, intensity: intensity * s.gain)
    }

    /// Makes the batch exactly `count` sprites long, for callers that fill fixed slots in
    /// place (in parallel, through `withSlots`) instead of adding. Reallocates only when the
    /// count changes; new slots are zero (a zero-size sprite, rejected at setup).
    public func resize(slots count: Int) {
        guard centres.count != count else { return }
        centres = [SIMD4<Float>](repeating: .zero, count: count)
        halves = [SIMD2<Float>](repeating: .zero, count: count)
    }

    /// Lends the sprites' storage (centre and intensity, half size) to fill slots in place.
    public func withSlots<R>(
        _ body: (UnsafeMutableBufferPointer<SIMD4<Float>>, UnsafeMutableBufferPointer<SIMD2<Float>>) throws -> R
    ) rethrows -> R {
        try centres.withUnsafeMutableBufferPointer { c in try halves.withUnsafeMutableBufferPointer { h in try body(c, h) } }
    }

    /// Adds the sprites of `other`, in order.
    public func append(_ other: SpriteBatch) {
        centres.append(contentsOf: other.centres)
        halves.append(contentsOf: other.halves)
    }

    /// The batch as one draw, or nil when it is empty.
    public func draw(tint: SIMD3<Float>, state: RenderState = .additive) -> DrawCall? {
        guard !centres.isEmpty else { return nil }
        return DrawCall(sprites: Sprites(centres: centres, halves: halves), shading: .glow(tint: tint), state: state)
    }
}

/// Triangles with per-vertex RGBA (premultiplied), built on the CPU each frame.
public final class ColorMesh {
    public private(set) var positions: [SIMD3<Float>] = []
    public private(set) var colors: [SIMD4<Float>] = []
    public private(set) var indices: [UInt32] = []

    public init() {}

    public func reset() {
        positions.removeAll(keepingCapacity: true)
        colors.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
    }

    @inline(__always) @discardableResult
    public func vertex(_ p: SIMD3<Float>, _ c: SIMD4<Float>) -> UInt32 {
        positions.append(p)
        colors.append(c)
        return UInt32(positions.count - 1)
    }

    @inline(__always)
    public func triangle(_ a: UInt32, _ b: UInt32, _ c: UInt32) {
        indices.append(a); indices.append(b); indices.append(c)
    }

    @inline(__always)
    public func quad(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) {
        triangle(a, b, c); triangle(a, c, d)
    }

    public func draw(transform: Matrix4, state: RenderState) -> DrawCall? {
        guard !indices.isEmpty else { return nil }
        return DrawCall(mesh: Mesh(positions: positions, attributes: colors, indices: indices),
                        transform: transform, shading: .color, state: state)
    }

    /// Reorders the triangles farthest first from `eye` (by their centroids; ties keep their
    /// order), so that blended surfaces composite back to front.
    public func sortBackToFront(eye: SIMD3<Float>) {
        let count = indices.count / 3
        guard count > 1 else { return }
        var keys = [(distance: Float, triangle: Int)]()
        keys.reserveCapacity(count)
        for t in 0..<count {
            var centroid = positions[Int(indices[3 * t])]
            centroid += positions[Int(indices[3 * t + 1])]
            centroid += positions[Int(indices[3 * t + 2])]
            let d = centroid * (1 / 3) - eye
            keys.append(((d * d).sum(), t))
        }
        keys.sort { $0.distance != $1.distance ? $0.distance > $1.distance : $0.triangle < $1.triangle }
        let old = indices
        for (k, key) in keys.enumerated() {
            let t = key.triangle
            indices[3 * k] = old[3 * t]
            indices[3 * k + 1] = old[3 * t + 1]
            indices[3 * k + 2] = old[3 * t + 2]
        }
    }
}

/// Colour helpers.
public enum Palette {
    /// 0xRRGGBB (sRGB) to linear RGB.
    public static func linear(_ rgb: UInt32) -> SIMD3<Float> {
        func ch(_ v: UInt32) -> Float {
            let c = Float(v & 0xFF) / 255
            return c <= 0.04045 ? c / 12.92 : Float.pow((c + 0.055) / 1.055, 2.4)
        }
        return SIMD3(ch(rgb >> 16), ch(rgb >> 8), ch(rgb))
    }
}

/// A vertical gradient over the whole view, drawn first at the far plane: horizontal bands
/// with per-vertex colours (each band is an axis-aligned rectangle).
public func addGradient(_ mesh: ColorMesh, stops: [(y: Float, colour: SIMD3<Float>)]) {
    // y is in NDC, from +1 (top) down to −1.
    var previous: (UInt32, UInt32)?
    for s in stops {
        let l = mesh.vertex(SIMD3(-1, s.y, 0.9999), SIMD4(s.colour, 1))
        let r = mesh.vertex(SIMD3(1, s.y, 0.9999), SIMD4(s.colour, 1))
        if let (pl, pr) = previous { mesh.quad(pl, l, r, pr) }
        previous = (l, r)
    }
}
