/// Triangle setup: from three window-space vertices to the integer edge functions and the
/// interpolation planes that the tile rasterizer steps through.
///
/// ## Fixed point
/// Window coordinates are snapped to 8 sub-pixel bits (1/256 pixel). The guard band keeps
/// every snapped coordinate within ±2^22, so edge deltas fit in Int32 and edge values in Int64.
///
/// ## Edge functions and the fill rule
/// Window space here has y pointing down (row 0 is the top row; it is OpenGL's window space
/// flipped, so pixel centres sit at the same points). For an edge from vertex i to vertex j,
/// `E(p) = dx·(p.y − y_i) − dy·(p.x − x_i)` with `dx = x_j − x_i`, `dy = y_j − y_i`. With the
/// vertices ordered so the doubled area is positive, a pixel centre is inside when every
/// `E ≥ 0` on a top or left edge and `E > 0` on the others (the top-left rule, as a bias of 1).
///
/// Pixel centres sit at 128 + 256·k, so between two centres E changes by a multiple of 256.
/// The rasterizer therefore steps `F = ⌊(E − bias) / 256⌋` instead: `E − bias ≥ 0` exactly
/// when `F ≥ 0`, and F changes by `−dy` per pixel in x and by `dx` per pixel in y, which
/// keeps the per-pixel values small enough for Int32 SIMD lanes inside an 8×8 block.
///
/// A sample at offset (sx, sy) from the centre (see `SamplePattern`) has
/// `E_s = E + (−dy)·sx + dx·sy`. Since `E − bias` has the same remainder r modulo 256 at every
/// pixel centre, the sample's F is the centre's plus `⌊(r − dy·sx + dx·sy) / 256⌋`, one constant
/// per edge and sample for the whole triangle: the record keeps `E − bias` itself, from which
/// both F (`>> 8`) and r (`& 255`) follow.
///
/// ## Interpolation
/// Depth is affine in window space. Attributes are interpolated as `a/w` and `1/w`, both
/// affine, then divided per pixel (perspective correction). Triangles whose three `w` are
/// equal (2D, orthographic) skip the division.
struct Triangle {
    /// Interpolation planes, lane k = [z, 1/w, a0, a1, a2, a3, 0, 0]: value at the centre of
    /// pixel (x0, y0), and the change per pixel in x and in y.
    var c: SIMD8<Float>
    var gx: SIMD8<Float>
    var gy: SIMD8<Float>
    /// `E − bias` of each edge at the centre of pixel (x0, y0); F is this `>> 8`.
    var e0: Int64, e1: Int64, e2: Int64
    /// F step per pixel in x (−dy) and in y (dx).
    var a0: Int32, a1: Int32, a2: Int32
    var b0: Int32, b1: Int32, b2: Int32
    /// Inclusive pixel bounds, clamped to the target (at most `RenderTarget.maxDimension`, so
    /// 16 bits hold them and the record is 160 bytes instead of 192).
    var x0: Int16, y0: Int16, x1: Int16, y1: Int16
    /// Index of the draw in the frame.
    var draw: UInt32
    /// True when the planes hold attributes themselves (all w equal), not a/w.
    var affine: Bool
    /// True for an axis-aligned rectangle merged from two triangles (see `setupRectangle`):
    /// the pixel bounds are then its exact coverage and the edge functions are unused. With
    /// samples (`reach` > 0), the bounds are the pixels with a sample inside, and a0, a1, b0,
    /// b1 hold the rectangle's own bounds in 1/256 pixel: x in [a0, a1), y in [b0, b1).
    var rectangle: Bool
}

/// A vertex after the vertex stage.
struct ScreenVertex {
    /// Clip-space position, kept for clipping.
    var clip: SIMD4<Float>
    /// The vertex kernel's output: the four varyings.
    var varyings: SIMD4<Float>
    /// Window position in 1/256 pixels (valid when `outcode & Outcode.clipMask == 0`).
    var x: Int32
    var y: Int32
    /// Window depth, 0 (near) … 1 (far).
    var z: Float
    /// 1/w.
    var oow: Float
    var outcode: UInt32
}

/// Which clip planes a vertex is outside of.
enum Outcode {
    static let near: UInt32 = 1 << 0
    static let far: UInt32 = 1 << 1
    static let guardLeft: UInt32 = 1 << 2
    static let guardRight: UInt32 = 1 << 3
    static let guardBottom: UInt32 = 1 << 4
    static let guardTop: UInt32 = 1 << 5
    static let wTooSmall: UInt32 = 1 << 6
    /// NaN or infinity: triangles using the vertex are dropped.
    static let nonFinite: UInt32 = 1 << 7
    /// Outside the viewport (not a clip plane: only used to reject whole triangles early).
    static let viewLeft: UInt32 = 1 << 8
    static let viewRight: UInt32 = 1 << 9
    static let viewBottom: UInt32 = 1 << 10
    static let viewTop: UInt32 = 1 << 11

    /// Planes the clipper must clip against.
    static let clipMask: UInt32 = 0x7F
    /// Planes on which a triangle wholly outside can be rejected.
    static let rejectMask: UInt32 = 0xF7F
}

/// Viewport constants shared by the vertex stage, the clipper and setup.
struct Viewport {
    let width: Float
    let height: Float
    let widthInt: Int32
    let heightInt: Int32
    /// Guard band half-extents in NDC: keeps snapped coordinates within ±(8192 + size) pixels.
    let guardX: Float
    let guardY: Float
    static let guardPixels: Float = 8192
    /// Smallest w accepted; clipping keeps w at or above it.
    static let minW: Float = 1e-5
    /// How far from a pixel centre its farthest sample lies, in 1/256 pixel (0 with one sample).
    let reach: Int64

    init(width: Int, height: Int, samples: Int = 1) {
        reach = SamplePattern.reach(samples)
        self.width = Float(width)
        self.height = Float(height)
        widthInt = Int32(width)
        heightInt = Int32(height)
        guardX = 1 + 2 * Self.guardPixels / Float(width)
        guardY = 1 + 2 * Self.guardPixels / Float(height)
    }

    @inline(__always)
    func outcode(_ p: SIMD4<Float>) -> UInt32 {
        let (x, y, z, w) = (p.x, p.y, p.z, p.w)
        guard x.isFinite && y.isFinite && z.isFinite && w.isFinite else { return Outcode.nonFinite }
        var c: UInt32 = 0
        if z < -w { c |= Outcode.near }
        if z > w { c |= Outcode.far }
        if x < -guardX * w { c |= Outcode.guardLeft }
        if x > guardX * w { c |= Outcode.guardRight }
        if y < -guardY * w { c |= Outcode.guardBottom }
        if y > guardY * w { c |= Outcode.guardTop }
        if w < Self.minW { c |= Outcode.wTooSmall }
        if x < -w { c |= Outcode.viewLeft }
        if x > w { c |= Outcode.viewRight }
        if y < -w { c |= Outcode.viewBottom }
        if y > w { c |= Outcode.viewTop }
        return c
    }

    /// Fills the window-space fields of a vertex that is inside every clip plane. Returns false
    /// when the result is not finite (possible only for clipped vertices of absurd input).
    ///
    /// The window position is clamped to the guard band plus a margin: a vertex that clipping
    /// put on a guard plane can miss it by a rounding error proportional to the input's size
    /// (inputs near 1e30 lose every digit), and the clamp keeps it in fixed-point range.
    @inline(__always) @discardableResult
    func project(_ v: inout ScreenVertex) -> Bool {
        let oow = 1 / v.clip.w
        let nx = v.clip.x * oow, ny = v.clip.y * oow, nz = v.clip.z * oow
        let sx = (nx * 0.5 + 0.5) * width
        let sy = (0.5 - ny * 0.5) * height
        guard sx.isFinite, sy.isFinite, nz.isFinite, oow.isFinite else { return false }
        let margin = Self.guardPixels + 1024
        v.x = Int32((min(max(sx, -margin), width + margin) * 256).rounded(.toNearestOrEven))
        v.y = Int32((min(max(sy, -margin), height + margin) * 256).rounded(.toNearestOrEven))
        v.z = min(max(nz * 0.5 + 0.5, 0), 1)
        v.oow = oow
        return true
    }
}

/// Per-vertex values interpolated by setup: [z, 1/w, a·(1/w)...] or [z, 1/w, a...] when affine.
@inline(__always)
private func interpolants(_ v: ScreenVertex, affine: Bool) -> SIMD8<Float> {
    let s: Float = affine ? 1 : v.oow
    let a = v.varyings * s
    return SIMD8(v.z, v.oow, a.x, a.y, a.z, a.w, 0, 0)
}

/// Sets up one triangle whose vertices are inside every clip plane. Returns false when it
/// covers no pixel centre (or, with `reach`, no sample: see `SamplePattern.reach`), is
/// degenerate, or is culled.
@inline(__always)
func setupTriangle(
    _ v0: ScreenVertex, _ v1In: ScreenVertex, _ v2In: ScreenVertex,
    cull: CullMode, draw: UInt32, viewport: Viewport, reach: Int64 = 0, into t: inout Triangle
) -> Bool {
    var v1 = v1In, v2 = v2In
    let ax = Int64(v0.x), ay = Int64(v0.y)
    var bx = Int64(v1.x), by = Int64(v1.y)
    var cx = Int64(v2.x), cy = Int64(v2.y)
    var area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    // y points down, so a positive area is clockwise in OpenGL's window space (y up): a back
    // face under OpenGL's default counter-clockwise front face.
    if area == 0 { return false }
    switch cull {
    case .none: break
    case .back: if area > 0 { return false }
    case .front: if area < 0 { return false }
    }
    if area < 0 {
        swap(&v1, &v2)
        swap(&bx, &cx)
        swap(&by, &cy)
        area = -area
    }

    // Pixel bounds: the pixels whose centres (128 + 256k), or samples within `reach` of them,
    // lie within the vertex bounds.
    let minX = min(ax, bx, cx) - reach, maxX = max(ax, bx, cx) + reach
    let minY = min(ay, by, cy) - reach, maxY = max(ay, by, cy) + reach
    let px0 = max((minX - 128 + 255) >> 8, 0)
    let px1 = min((maxX - 128) >> 8, Int64(viewport.widthInt) - 1)
    let py0 = max((minY - 128 + 255) >> 8, 0)
    let py1 = min((maxY - 128) >> 8, Int64(viewport.heightInt) - 1)
    if px0 > px1 || py0 > py1 { return false }

    // Edge functions at the centre of pixel (px0, py0).
    let sx = px0 * 256 + 128, sy = py0 * 256 + 128
    @inline(__always) func edge(_ xi: Int64, _ yi: Int64, _ xj: Int64, _ yj: Int64) -> (f: Int64, a: Int32, b: Int32) {
        let dx = xj - xi, dy = yj - yi
        let topLeft = dy < 0 || (dy == 0 && dx > 0)
        let e = dx * (sy - yi) - dy * (sx - xi) - (topLeft ? 0 : 1)
        return (e, Int32(truncatingIfNeeded: -dy), Int32(truncatingIfNeeded: dx))
    }
    let e0 = edge(ax, ay, bx, by)
    let e1 = edge(bx, by, cx, cy)
    let e2 = edge(cx, cy, ax, ay)

    // Planes, in pixels relative to vertex 0.
    let affine = v0.clip.w == v1.clip.w && v0.clip.w == v2.clip.w
    let i0 = interpolants(v0, affine: affine)
    let d1 = interpolants(v1, affine: affine) - i0
    let d2 = interpolants(v2, affine: affine) - i0
    let fdx1 = Float(bx - ax) * (1 / 256), fdy1 = Float(by - ay) * (1 / 256)
    let fdx2 = Float(cx - ax) * (1 / 256), fdy2 = Float(cy - ay) * (1 / 256)
    let inv = 1 / Float(Double(area) * (1.0 / 65536))
    var gx = d1 * fdy2
    gx.addProduct(d2, -fdy1)
    gx *= inv
    var gy = d2 * fdx1
    gy.addProduct(d1, -fdx2)
    gy *= inv
    let ox = Float(sx - ax) * (1 / 256), oy = Float(sy - ay) * (1 / 256)
    var c = i0
    c.addProduct(gx, ox)
    c.addProduct(gy, oy)

    t.c = c
    t.gx = gx
    t.gy = gy
    t.e0 = e0.f; t.e1 = e1.f; t.e2 = e2.f
    t.a0 = e0.a; t.a1 = e1.a; t.a2 = e2.a
    t.b0 = e0.b; t.b1 = e1.b; t.b2 = e2.b
    t.x0 = Int16(px0); t.y0 = Int16(py0); t.x1 = Int16(px1); t.y1 = Int16(py1)
    t.draw = draw
    t.affine = affine
    t.rectangle = false
    return true
}

/// The outcome of `setupRectangle`.
enum RectangleSetup {
    /// The pair is not an axis-aligned rectangle with affine attributes.
    case notRectangle
    /// It is one, but it covers no pixel centre or is culled: both triangles are done.
    case empty
    /// It is one and `t` holds it.
    case ready
}

/// Recognises two triangles that exactly tile an axis-aligned rectangle with attributes that
/// are affine over it (sprites, particles, screen quads), and sets them up as one rectangle.
/// Mesa's llvmpipe has the same kind of rectangle path.
///
/// Coverage is identical to the two triangles': under the top-left rule the rectangle's
/// left and top edges own the pixel centres on them and its right and bottom edges do not,
/// and the shared diagonal gives each centre to exactly one of the two triangles. Attribute
/// values agree up to float rounding, since the planes are equal.
@inline(__always)
func setupRectangle(
    _ a0: ScreenVertex, _ a1: ScreenVertex, _ a2: ScreenVertex,
    _ b0: ScreenVertex, _ b1: ScreenVertex, _ b2: ScreenVertex,
    cull: CullMode, draw: UInt32, viewport: Viewport, reach: Int64 = 0, into t: inout Triangle
) -> RectangleSetup {
    // Cheapest test first: a rectangle on screen with affine attributes has one w.
    let w = a0.clip.w
    guard a1.clip.w == w, a2.clip.w == w, b0.clip.w == w, b1.clip.w == w, b2.clip.w == w else { return .notRectangle }
    let minX = min(a0.x, a1.x, a2.x), maxX = max(a0.x, a1.x, a2.x)
    let minY = min(a0.y, a1.y, a2.y), maxY = max(a0.y, a1.y, a2.y)
    if minX == maxX || minY == maxY { return .notRectangle }
    // Corner index of a vertex (bit 0: right, bit 1: bottom), or -1 if it is not a corner.
    @inline(__always) func corner(_ v: ScreenVertex) -> Int {
        let cx = v.x == minX ? 0 : (v.x == maxX ? 1 : -1)
        let cy = v.y == minY ? 0 : (v.y == maxY ? 2 : -1)
        return cx < 0 || cy < 0 ? -1 : cx | cy
    }
    let ca = (corner(a0), corner(a1), corner(a2)), cb = (corner(b0), corner(b1), corner(b2))
    if ca.0 < 0 || ca.1 < 0 || ca.2 < 0 || cb.0 < 0 || cb.1 < 0 || cb.2 < 0 { return .notRectangle }
    // Each triangle has three different corners; together all four, sharing the diagonal.
    let maskA = (1 << ca.0) | (1 << ca.1) | (1 << ca.2), maskB = (1 << cb.0) | (1 << cb.1) | (1 << cb.2)
    guard maskA.nonzeroBitCount == 3, maskB.nonzeroBitCount == 3, maskA | maskB == 0b1111,
          (maskA & maskB) == 0b1001 || (maskA & maskB) == 0b0110 else { return .notRectangle }
    // The same winding, so that culling treats both halves alike.
    @inline(__always) func area(_ p: ScreenVertex, _ q: ScreenVertex, _ r: ScreenVertex) -> Int64 {
        (Int64(q.x) - Int64(p.x)) * (Int64(r.y) - Int64(p.y)) - (Int64(q.y) - Int64(p.y)) * (Int64(r.x) - Int64(p.x))
    }
    guard (area(a0, a1, a2) > 0) == (area(b0, b1, b2) > 0) else { return .notRectangle }
    // Affine over the rectangle: values at opposite corners sum alike (f00 + f11 = f10 + f01).
    // The corner b brings that a lacks is the one to check.
    let missing = (0b1111 & ~maskA).trailingZeroBitCount
    let extra = cb.0 == missing ? b0 : (cb.1 == missing ? b1 : b2)
    @inline(__always) func vertex(at c: Int) -> ScreenVertex { ca.0 == c ? a0 : (ca.1 == c ? a1 : a2) }
    let opposite = vertex(at: 3 - missing), side1 = vertex(at: missing ^ 1), side2 = vertex(at: missing ^ 2)
    let predicted = side1.varyings + side2.varyings - opposite.varyings
    for k in 0..<4 {
        let scale = abs(side1.varyings[k]) + abs(side2.varyings[k]) + abs(opposite.varyings[k]) + 1
        if abs(extra.varyings[k] - predicted[k]) > 1e-6 * scale { return .notRectangle }
    }
    if abs(extra.z - (side1.z + side2.z - opposite.z)) > 1e-7 { return .notRectangle }

    // The first triangle spans the whole rectangle; its planes are the rectangle's.
    guard setupTriangle(a0, a1, a2, cull: cull, draw: draw, viewport: viewport, reach: reach, into: &t) else { return .empty }
    // Exact coverage: pixel centres (or samples, within `reach` of them) c with minX ≤ c < maxX
    // and minY ≤ c < maxY.
    let px1 = min(((Int64(maxX) - 128 + reach + 255) >> 8) - 1, Int64(viewport.widthInt) - 1)
    let py1 = min(((Int64(maxY) - 128 + reach + 255) >> 8) - 1, Int64(viewport.heightInt) - 1)
    if Int64(t.x0) > px1 || Int64(t.y0) > py1 { return .empty }
    t.x1 = Int16(px1)
    t.y1 = Int16(py1)
    t.rectangle = true
    if reach > 0 { t.a0 = minX; t.a1 = maxX; t.b0 = minY; t.b1 = maxY }
    return .ready
}

/// What `setupSprite` made of a sprite.
enum SpriteSetup { case ready, empty, general }

/// A sprite set up for the tiles: the planes of the rectangle `setupRectangle` makes of the
/// sprite's quad, keeping only the values that are not zero. Its `Triangle` would have
/// c = (z, 1, u, v, intensity, 0, 0, 0), gx = (0, 0, du, 0, …) and gy = (0, 0, 0, dv, …),
/// no edge functions and exact pixel bounds; `PlaneSteps(sprite:)` rebuilds those planes, so
/// the pixels are the same bits. 36 bytes instead of 160: emergence sets up some 58,000
/// sprites a frame.
struct SpriteRecord {
    /// Window depth, 0 (near) … 1 (far).
    var z: Float
    /// u (−1 at the left edge, +1 at the right) at the centre of pixel (x0, y0), and its step
    /// per pixel in x.
    var u: Float, du: Float
    /// v (−1 at the bottom edge, +1 at the top) at the centre of pixel (x0, y0), and its step
    /// per pixel in y.
    var v: Float, dv: Float
    /// The sprite's intensity (the centre's w component), constant over it.
    var intensity: Float
    /// Inclusive pixel bounds, clamped to the target: the exact coverage.
    var x0: Int16, y0: Int16, x1: Int16, y1: Int16
    /// Index of the draw in the frame.
    var draw: UInt32
}

/// A sprite (centre `c`, half size `h`, in NDC with w = 1) set up straight from its centre:
/// the same planes, bit for bit, as `setupRectangle` makes from the corners the vertex
/// stage would give its quad, without making those corners (see `SpriteRecord`). Handles the
/// common case, a sprite with positive half sizes inside the guard band and the depth range;
/// returns `.general` for anything else, which then takes the corner path.
@inline(__always)
func setupSprite(_ c: SIMD4<Float>, _ h: SIMD2<Float>, cull: CullMode, draw: UInt32, viewport: Viewport,
                 into t: inout SpriteRecord) -> SpriteSetup {
    // The corners' NDC coordinates, as `c + sign · h` makes them.
    let left = c.x - h.x, right = c.x + h.x, bottom = c.y - h.y, top = c.y + h.y
    guard h.x > 0, h.y > 0, left >= -viewport.guardX, right <= viewport.guardX, bottom >= -viewport.guardY,
          top <= viewport.guardY, c.z >= -1, c.z <= 1, c.w.isFinite else { return .general }
    // Every corner beyond one side of the view.
    if right < -1 || left > 1 || top < -1 || bottom > 1 { return .empty }
    // Snapped window positions, as `Viewport.project` computes them (x · 1/w = x for w = 1).
    @inline(__always) func snapX(_ x: Float) -> Int64 {
        Int64(Int32(((x * 0.5 + 0.5) * viewport.width * 256).rounded(.toNearestOrEven)))
    }
    @inline(__always) func snapY(_ y: Float) -> Int64 {
        Int64(Int32(((0.5 - y * 0.5) * viewport.height * 256).rounded(.toNearestOrEven)))
    }
    let x0 = snapX(left), x1 = snapX(right), yBottom = snapY(bottom), yTop = snapY(top)
    // Snapped to no width or height: both triangles are empty (and set up nothing).
    if x0 == x1 || yTop == yBottom { return .empty }
    // Triangle (0, 1, 2) has a negative area in window space (y down), counter-clockwise in
    // OpenGL's: culled as a front face, else set up with vertices 1 and 2 swapped, as
    // `setupTriangle` does.
    if cull == .front { return .empty }
    let area = (x1 - x0) * (yBottom - yTop)
    let px0 = max((x0 - 128 + 255) >> 8, 0), py0 = max((yTop - 128 + 255) >> 8, 0)
    // The triangle's own bounds decide emptiness first, as in `setupRectangle`.
    if px0 > min((x1 - 128) >> 8, Int64(viewport.widthInt) - 1) || py0 > min((yBottom - 128) >> 8, Int64(viewport.heightInt) - 1) {
        return .empty
    }
    let px1 = min(((x1 - 128 + 255) >> 8) - 1, Int64(viewport.widthInt) - 1)
    let py1 = min(((yBottom - 128 + 255) >> 8) - 1, Int64(viewport.heightInt) - 1)
    if px0 > px1 || py0 > py1 { return .empty }
    // Planes: u changes along x only, v along y only; the rest are constant.
    let z = min(max(c.z * 0.5 + 0.5, 0), 1)
    let fdx = Float(x1 - x0) * (1 / 256), fdy = Float(yTop - yBottom) * (1 / 256)
    let inv = 1 / Float(Double(area) * (1.0 / 65536))
    let du = (2 * -fdy) * inv, dv = (-2 * fdx) * inv
    let ox = Float(px0 * 256 + 128 - x0) * (1 / 256), oy = Float(py0 * 256 + 128 - yBottom) * (1 / 256)
    let u = (-1 as Float).addingProduct(du, ox)
    let v = (-1 as Float).addingProduct(dv, oy)
    t = SpriteRecord(z: z, u: u, du: du, v: v, dv: dv, intensity: c.w,
                     x0: Int16(px0), y0: Int16(py0), x1: Int16(px1), y1: Int16(py1), draw: draw)
    return .ready
}

