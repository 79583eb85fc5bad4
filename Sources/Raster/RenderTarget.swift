#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import RasterKernels

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
/// The image is cut into 64×64 tiles. Each tile keeps four colour planes of 4096 half floats
/// (red, green, blue, alpha) and a depth plane of 4096 floats, rows of 64. Colours are linear
/// and premultiplied, and are not clamped: clamping happens on resolve.
///
/// A tile is drawn in floats: the rasterizer thread that owns it clears a float copy of its
/// own (`Renderer`), draws every triangle into it while it stays in cache, and stores it here
/// rounded once to half floats (IEEE binary16, to nearest even, exact and the same on every
/// CPU). Half floats keep 11 significant bits up to 65504, far finer than the 8-bit output
/// needs, and halve the memory of the target and the bytes the effects read per frame.
public final class RenderTarget: @unchecked Sendable {
    public static let tileSize = 64
    public static let tileShift = 6
    /// Colour planes per tile (red, green, blue, alpha).
    static let colorPlanes = 4
    /// Values from one plane of a tile to the next (see `unsafeStorage`).
    public static let planeStride = tileSize * tileSize
    /// Half floats from one tile to the next (see `unsafeStorage`).
    public static let tileStride = colorPlanes * planeStride
    /// The largest width or height accepted. With the guard band this keeps every snapped
    /// coordinate within the fixed-point range (see `FixedPoint`).
    public static let maxDimension = 8192

    public let width: Int
    public let height: Int
    /// Whether the alpha plane is kept. Opaque scenes and the workloads need no destination
    /// alpha (blending uses the source's); skipping it saves a quarter of the tile traffic.
    /// Without it, `color(x:y:)` reports alpha 1.
    public let keepsAlpha: Bool
    /// Whether the depth plane is kept after a frame. Depth is only needed while a tile is
    /// being drawn, so without it each rasterizer thread tests against a tile-sized depth
    /// plane of its own, which stays in cache, and the target's depth planes are never
    /// touched (never resident). The colours are the same either way; only `depth(x:y:)`
    /// needs it.
    public let keepsDepth: Bool
    public let tilesX: Int
    public let tilesY: Int
    /// Tile-major planar colour storage, half floats as their bit patterns; see the type's
    /// comment. 64-byte aligned.
    let storage: UnsafeMutablePointer<UInt16>
    /// Tile-major depth storage, `planeStride` floats per tile.
    let depthStorage: UnsafeMutablePointer<Float>
    private let colorBytes: Int
    private let depthBytes: Int
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
        let tiles = tilesX * tilesY
        colorBytes = tiles * Self.tileStride * 2
        depthBytes = tiles * Self.planeStride * 4
        guard let color = mmap(nil, colorBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              color != MAP_FAILED else { throw .outOfMemory(bytes: colorBytes + depthBytes) }
        guard let depth = mmap(nil, depthBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              depth != MAP_FAILED else {
            munmap(color, colorBytes)
            throw .outOfMemory(bytes: colorBytes + depthBytes)
        }
        storage = color.bindMemory(to: UInt16.self, capacity: tiles * Self.tileStride)
        depthStorage = depth.bindMemory(to: Float.self, capacity: tiles * Self.planeStride)
        blockMaxDepth = .allocate(capacity: tiles * Self.blocksPerTile)
        blockMaxDepth.initialize(repeating: .infinity, count: tiles * Self.blocksPerTile)
    }

    deinit {
        munmap(storage, colorBytes)
        munmap(depthStorage, depthBytes)
        blockMaxDepth.deallocate()
    }

    /// The tile-major colour storage, for kernels outside this module that read whole rows
    /// fast (post-processing). Half floats as their bit patterns (`pp_loadHalf16` reads 16).
    /// Tile `ty * tilesX + tx` starts at `tileStride * tile`; within it, plane p (0 red,
    /// 1 green, 2 blue, 3 alpha) starts at `planeStride * p` and holds rows of `tileSize`
    /// values. Tiles are allocated whole, so a tile row may be read in full even where it
    /// extends past `width`. Valid while the target is alive; never read it while a render
    /// is writing.
    public var unsafeStorage: UnsafeMutablePointer<UInt16> { storage }

    @inline(__always) func tileBase(_ tile: Int) -> UnsafeMutablePointer<UInt16> {
        storage + tile * Self.tileStride
    }

    /// Tile `tile`'s own depth plane (`planeStride` floats; see `keepsDepth`).
    @inline(__always) func depthPlane(_ tile: Int) -> UnsafeMutablePointer<Float> {
        depthStorage + tile * Self.planeStride
    }

    /// Starts drawing tile `tile` in `work` (four float colour planes, `planeStride` apart):
    /// fills them with `color`, and when `depth` is given (a frame whose draws neither test
    /// nor write depth leaves it alone) the depth plane `depthPlane` the tile is drawn with,
    /// its own or a thread's (see `keepsDepth`). `store(tile:from:)` ends it.
    /// With samples, `depthPlanes` consecutive depth planes are filled (colours only in sample
    /// 0's planes: see `TileSamples`).
    func beginTile(_ tile: Int, work: UnsafeMutablePointer<Float>, color: SIMD4<Float>, depth: Float?,
                   depthPlane: UnsafeMutablePointer<Float>, depthPlanes: Int = 1) {
        let n = Self.planeStride
        (work + 0 * n).update(repeating: color.x, count: n)
        (work + 1 * n).update(repeating: color.y, count: n)
        (work + 2 * n).update(repeating: color.z, count: n)
        if keepsAlpha { (work + 3 * n).update(repeating: color.w, count: n) }
        if let depth {
            depthPlane.update(repeating: depth, count: n * depthPlanes)
            (blockMaxDepth + tile * Self.blocksPerTile).update(repeating: depth, count: Self.blocksPerTile)
        }
    }

    /// Stores a tile drawn in `work` (see `beginTile`), rounded to half floats.
    func store(tile: Int, from work: UnsafePointer<Float>) {
        pp_storeHalves(work, tileBase(tile), Int32((keepsAlpha ? 4 : 3) * Self.planeStride))
    }

    /// Fills the whole target (single-threaded; frames clear per tile while rendering).
    public func clear(color: SIMD4<Float>, depth: Float = 1) {
        let work = UnsafeMutablePointer<Float>.allocate(capacity: Self.tileStride)
        defer { work.deallocate() }
        for t in 0..<tileCount {
            beginTile(t, work: work, color: color, depth: keepsDepth ? depth : nil, depthPlane: depthPlane(t))
            store(tile: t, from: work)
        }
    }

    /// Where pixel (x, y) is within a plane of the tile-major storage.
    @inline(__always) func offset(x: Int, y: Int) -> Int {
        let tile = (y >> Self.tileShift) * tilesX + (x >> Self.tileShift)
        return tile * Self.tileStride + (y & (Self.tileSize - 1)) * Self.tileSize + (x & (Self.tileSize - 1))
    }

    @inline(__always) func depthOffset(x: Int, y: Int) -> Int {
        let tile = (y >> Self.tileShift) * tilesX + (x >> Self.tileShift)
        return tile * Self.planeStride + (y & (Self.tileSize - 1)) * Self.tileSize + (x & (Self.tileSize - 1))
    }

    /// The linear, premultiplied HDR colour at a pixel; (0, 0) is the top-left pixel.
    public func color(x: Int, y: Int) -> SIMD4<Float> {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        let o = offset(x: x, y: y)
        let n = Self.planeStride
        @inline(__always) func value(_ i: Int) -> Float { Float(Float16(bitPattern: storage[i])) }
        return SIMD4(value(o), value(o + n), value(o + 2 * n), keepsAlpha ? value(o + 3 * n) : 1)
    }

    /// The window-space depth (0 near … 1 far) at a pixel, as the last frame left it.
    public func depth(x: Int, y: Int) -> Float {
        precondition(keepsDepth, "this target does not keep depth (keepsDepth: false)")
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        return depthStorage[depthOffset(x: x, y: y)]
    }

    /// Sets the colour of a pixel, rounded to half floats (for tests, the reference
    /// rasterizer and effects that write outside the rasterizer).
    public func setColor(x: Int, y: Int, _ c: SIMD4<Float>) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel out of range")
        let o = offset(x: x, y: y)
        let n = Self.planeStride
        storage[o] = Float16(c.x).bitPattern; storage[o + n] = Float16(c.y).bitPattern
        storage[o + 2 * n] = Float16(c.z).bitPattern; storage[o + 3 * n] = Float16(c.w).bitPattern
    }

    /// Copies one row of one colour plane (0 red … 3 alpha) into `out` (at least `width` floats).
    public func readRow(_ y: Int, plane: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(y >= 0 && y < height && (0..<4).contains(plane))
        let ty = y >> Self.tileShift, ry = y & (Self.tileSize - 1)
        for tx in 0..<tilesX {
            let src = tileBase(ty * tilesX + tx) + plane * Self.planeStride + ry * Self.tileSize
            let x0 = tx * Self.tileSize
            let n = min(Self.tileSize, width - x0)
            for i in 0..<n { out[x0 + i] = Float(Float16(bitPattern: src[i])) }
        }
    }
}
