#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Errors a caller can act on.
public enum RasterError: Error, Equatable, CustomStringConvertible {
    case invalidSize(width: Int, height: Int)
    case outOfMemory(bytes: Int)

    public var description: String {
        switch self {
        case .invalidSize(let w, let h):
            return "size \(w)x\(h) is not supported: width and height must be 1 to \(RenderTarget.maxDimension) pixels"
        case .outOfMemory(let bytes):
            return "cannot map \(bytes / 1_048_576) MiB for the render target: free memory or choose a smaller --size"
        }
    }
}

/// An HDR colour buffer and a depth buffer, stored tile by tile.
///
/// The image is cut into 64×64 tiles. Each tile keeps five planes of 4096 floats (red, green,
/// blue, alpha, depth), rows of 64, so that one rasterizer thread owns a tile's 80 KiB
/// outright and 8 horizontal pixels are one aligned SIMD load. Colours are linear and
/// premultiplied, and are not clamped: clamping happens on resolve.
public final class RenderTarget: @unchecked Sendable {
    public static let tileSize = 64
    public static let tileShift = 6
    static let planeCount = 5
    /// Floats from one plane of a tile to the next (see `unsafeStorage`).
    public static let planeStride = tileSize * tileSize
    /// Floats from one tile to the next (see `unsafeStorage`).
    public static let tileStride = planeCount * planeStride
    /// The largest width or height accepted. With the guard band this keeps every snapped
    /// coordinate within the fixed-point range (see `FixedPoint`).
    public static let maxDimension = 8192

    public let width: Int
    public let height: Int
    /// Whether the alpha plane is kept. Opaque scenes and the workloads need no destination
    /// alpha (blending uses the source's); skipping it saves a fifth of the tile traffic.
    /// Without it, `color(x:y:)` reports alpha 1.
    public let keepsAlpha: Bool
    /// Whether the depth plane is kept after a frame. Depth is only needed while a tile is
    /// being drawn, so without it each rasterizer thread tests against a tile-sized depth
    /// plane of its own, which stays in cache, and the target's depth plane is never touched
    /// (never resident: a fifth of the target's memory). The colours are the same either
    /// way; only `depth(x:y:)` needs it.
    public let keepsDepth: Bool
    public let tilesX: Int
    public let tilesY: Int
    /// Tile-major planar storage; see the type's comment. 64-byte aligned.
    let storage: UnsafeMutablePointer<Float>
    private let mappedBytes: Int
    /// Hierarchical depth: for each 8×8 block (64 per tile), an upper bound of the depths
    /// stored in it. A triangle whose nearest depth over a block lies behind this bound fails
    /// the depth test on every pixel there, so the block is skipped without shading.
    let blockMaxDepth: UnsafeMutablePointer<Float>
    static let blocksPerTile = 64

    public var tileCount: Int { tilesX * tilesY }

    /// Checks a size before anything is allocated.
    public static func validate(width: Int, height: Int) throws(RasterError) {
        guard (1...maxDimension).contains(width), (1...maxDimension).contains(height) else {
            throw .invalidSize(width: width, height: height)
        }
    }

    public init(width: Int, height: Int, keepsAlpha: Bool = true, keepsDepth: Bool = true) throws(RasterError) {
        try Self.validate(width: width, height: height)
        self.width = width
        self.height = height
        self.keepsAlpha = keepsAlpha
        self.keepsDepth = keepsDepth
        tilesX = (width + Self.tileSize - 1) >> Self.tileShift
        tilesY = (height + Self.tileSize - 1) >> Self.tileShift
        // Mapped, not allocated: the kernel supplies zeroed pages on first touch, so a plane
        // that no frame writes (alpha without `keepsAlpha`, depth without `keepsDepth` or when
        // no draw uses it) never becomes resident.
        let count = tilesX * tilesY * Self.tileStride
        mappedBytes = count * 4
        guard let mapped = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else { throw .outOfMemory(bytes: mappedBytes) }
        storage = mapped.bindMemory(to: Float.self, capacity: count)
        blockMaxDepth = .allocate(capacity: tilesX * tilesY * Self.blocksPerTile)
        blockMaxDepth.initialize(repeating: .infinity, count: tilesX * tilesY * Self.blocksPerTile)
    }

    deinit {
        munmap(storage, mappedBytes)
        blockMaxDepth.deallocate()
    }

    /// The tile-major storage, for kernels outside this module that read whole rows fast
    /// (post-processing). Tile `ty * tilesX + tx` starts at `tileStride * tile`; within it,
    /// plane p (0 red, 1 green, 2 blue, 3 alpha, 4 depth) starts at `planeStride * p` and holds
    /// rows of `tileSize` floats. Tiles are allocated whole, so a tile row may be read in full
    /// even where it extends past `width`. Valid while the target is alive; never read it
    /// while a render is writing.
    public var unsafeStorage: UnsafeMutablePointer<Float> { storage }

    @inline(__always) func tileBase(_ tile: Int) -> UnsafeMutablePointer<Float> {
        storage + tile * Self.tileStride
    }

    /// Tile `tile`'s own depth plane (`planeStride` floats; see `keepsDepth`).
    @inline(__always) func depthPlane(_ tile: Int) -> UnsafeMutablePointer<Float> {
        tileBase(tile) + 4 * Self.planeStride
    }

    /// Fills one tile's colour planes, and when `depth` is given (a frame whose draws neither
    /// test nor write depth leaves it alone) the depth plane `depthPlane` the tile is drawn
    /// with: its own, or a thread's (see `keepsDepth`).
    func clearTile(_ tile: Int, color: SIMD4<Float>, depth: Float?, depthPlane: UnsafeMutablePointer<Float>) {
        let base = tileBase(tile)
        let n = Self.planeStride
        (base + 0 * n).update(repeating: color.x, count: n)
        (base + 1 * n).update(repeating: color.y, count: n)
        (base + 2 * n).update(repeating: color.z, count: n)
        if keepsAlpha { (base + 3 * n).update(repeating: color.w, count: n) }
        if let depth {
            depthPlane.update(repeating: depth, count: n)
            (blockMaxDepth + tile * Self.blocksPerTile).update(repeating: depth, count: Self.blocksPerTile)
        }
    }

    /// Fills the whole target (single-threaded; frames clear per tile while rendering).
    public func clear(color: SIMD4<Float>, depth: Float = 1) {
        for t in 0..<tileCount { clearTile(t, color: color, depth: keepsDepth ? depth : nil, depthPlane: depthPlane(t)) }
    }

    @inline(__always) func offset(x: Int, y: Int) -> Int {
        let tile = (y >> Self.tileShift) * tilesX + (x >> Self.tileShift)
        return tile * Self.tileStride + (y & (Self.tileSize - 1)) * Self.tileSize + (x & (Self.tileSize - 1))
    }

    /// The linear, premultiplied HDR colour at a pixel; (0, 0) is the top-left pixel.
    public func color(x: Int, y: Int) -> SIMD4<Float> {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        let o = offset(x: x, y: y)
        let n = Self.planeStride
        return SIMD4(storage[o], storage[o + n], storage[o + 2 * n], keepsAlpha ? storage[o + 3 * n] : 1)
    }

    /// The window-space depth (0 near … 1 far) at a pixel, as the last frame left it.
    public func depth(x: Int, y: Int) -> Float {
        precondition(keepsDepth, "this target does not keep depth (keepsDepth: false)")
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        return storage[offset(x: x, y: y) + 4 * Self.planeStride]
    }

    /// Sets the colour of a pixel (for tests and effects that write outside the rasterizer).
    public func setColor(x: Int, y: Int, _ c: SIMD4<Float>) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        let o = offset(x: x, y: y)
        let n = Self.planeStride
        storage[o] = c.x; storage[o + n] = c.y; storage[o + 2 * n] = c.z; storage[o + 3 * n] = c.w
    }

    /// Copies one row of one colour plane (0 red … 3 alpha) into `out` (at least `width` floats).
    public func readRow(_ y: Int, plane: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(y >= 0 && y < height && (0..<4).contains(plane))
        let ty = y >> Self.tileShift, ry = y & (Self.tileSize - 1)
        for tx in 0..<tilesX {
            let src = tileBase(ty * tilesX + tx) + plane * Self.planeStride + ry * Self.tileSize
            let x0 = tx * Self.tileSize
            let n = min(Self.tileSize, width - x0)
            (out + x0).update(from: src, count: n)
        }
    }
}
