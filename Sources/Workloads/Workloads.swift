import Raster
import RealModule

/// The two synthetic rasterizer workloads, defined exactly so that any renderer (OpenGL on
/// Mesa's llvmpipe, for one) can draw the same thing: docs/workloads.md (`spheres`, `glow`).
public enum Workload: String, CaseIterable, Sendable {
    case spheres, glow
}

/// Clear colour of both workloads.
public let workloadClearColor = SIMD4<Float>(0.01, 0.02, 0.05, 1)

/// `spheres`: a grid of lit, tessellated spheres with a depth test.
public struct SpheresWorkload: Sendable {
    public var gridX: Int, gridY: Int
    public var segmentsX: Int, segmentsY: Int
    public let mesh: Mesh

    public init(grid: (Int, Int) = (8, 4), segments: (Int, Int) = (64, 32)) {
        (gridX, gridY) = grid
        (segmentsX, segmentsY) = segments
        mesh = Self.makeMesh(grid: grid, segments: segments)
    }

    public var triangleCount: Int { gridX * gridY * segmentsX * segmentsY * 2 }

    /// Sphere (gx, gy) has radius 1 and centre ((gx − (GX−1)/2)·2.2, (gy − (GY−1)/2)·2.2, 0).
    /// Vertex (i, j): θ = i·2π/SX, φ = j·π/SY, normal (sin φ cos θ, cos φ, sin φ sin θ).
    static func makeMesh(grid: (Int, Int), segments: (Int, Int)) -> Mesh {
        let (gxN, gyN) = grid, (sx, sy) = segments
        var positions = [SIMD3<Float>](), normals = [SIMD4<Float>](), indices = [UInt32]()
        positions.reserveCapacity(gxN * gyN * (sx + 1) * (sy + 1))
        normals.reserveCapacity(positions.capacity)
        indices.reserveCapacity(gxN * gyN * sx * sy * 6)
        for gy in 0..<gyN {
            for gx in 0..<gxN {
                let centre = SIMD3<Float>(
                    (Float(gx) - Float(gxN - 1) / 2) * 2.2, (Float(gy) - Float(gyN - 1) / 2) * 2.2, 0)
                let base = UInt32(positions.count)
                for i in 0...sx {
                    let theta = Float(i) * 2 * Float.pi / Float(sx)
                    for j in 0...sy {
                        let phi = Float(j) * Float.pi / Float(sy)
                        let n = SIMD3<Float>(Float.sin(phi) * Float.cos(theta), Float.cos(phi), Float.sin(phi) * Float.sin(theta))
                        positions.append(centre + n)
                        normals.append(SIMD4(n, 0))
                    }
                }
                let stride = UInt32(sy + 1)
                for i in 0..<UInt32(sx) {
                    for j in 0..<UInt32(sy) {
                        let a = base + i * stride + j, b = base + (i + 1) * stride + j
                        indices += [a, b, b + 1, a, b + 1, a + 1]
                    }
                }
            }
        }
        return Mesh(positions: positions, attributes: normals, indices: indices)
    }

    /// The draw for frame `frame` at the given aspect ratio (width / height).
    public func draw(frame: Int, aspect: Float) -> DrawCall {
        let angle = 0.01 * Float(frame)
        let model = Matrix4.translation(SIMD3(0, 0, -12)) * Matrix4.rotationY(angle)
        let projection = Matrix4.perspective(fovY: 1.0, aspect: aspect, near: 0.5, far: 50)
        let lighting = Lighting(
            normalMatrix: Matrix4.rotationY(angle).upperLeft3x3, direction: SIMD3(0.4, 0.7, 0.6),
            ambient: SIMD3(0.1, 0.15, 0.2), diffuse: SIMD3(0.3, 0.8, 0.9))
        return DrawCall(mesh: mesh, transform: projection * model, shading: .litGouraud(lighting), state: .opaque)
    }
}

/// `glow`: additive radial sprites, so fill rate and blending.
public struct GlowWorkload: Sendable {
    public var count: Int
    public var minSize: Float, maxSize: Float
    public let mesh: Mesh

    /// Particles are placed in NDC, so the mesh depends on the target size.
    public init(count: Int = 10_000, sizeRange: ClosedRange<Float> = 8...48, width: Int, height: Int) {
        self.count = count
        minSize = sizeRange.lowerBound
        maxSize = sizeRange.upperBound
        mesh = Self.makeMesh(count: count, sizeRange: sizeRange, width: Float(width), height: Float(height))
    }

    public var triangleCount: Int { count * 2 }

    /// The workload's generator: s = s·1664525 + 1013904223, r = (s >> 8) / 2^24.
    struct LCG {
        var state: UInt32 = 12345
        mutating func next() -> Float {
            state = state &* 1664525 &+ 1013904223
            return Float(state >> 8) / 16_777_216
        }
    }

    static func makeMesh(count: Int, sizeRange: ClosedRange<Float>, width: Float, height: Float) -> Mesh {
        var rng = LCG()
        var positions = [SIMD3<Float>](), attributes = [SIMD4<Float>](), indices = [UInt32]()
        positions.reserveCapacity(count * 4)
        attributes.reserveCapacity(count * 4)
        indices.reserveCapacity(count * 6)
        let corners: [SIMD2<Float>] = [SIMD2(-1, -1), SIMD2(1, -1), SIMD2(1, 1), SIMD2(-1, 1)]
        for _ in 0..<count {
            let x = 2 * rng.next() - 1
            let y = 2 * rng.next() - 1
            let e = (sizeRange.lowerBound + (sizeRange.upperBound - sizeRange.lowerBound) * rng.next()) / height
            let b = 0.2 + 0.8 * rng.next()
            let half = SIMD2<Float>(e * height / width, e)
            let base = UInt32(positions.count)
            for c in corners {
                let p = SIMD2(x, y) + c * half
                positions.append(SIMD3(p.x, p.y, 0))
                attributes.append(SIMD4(c.x, c.y, b, 0))
            }
            indices += [base, base + 1, base + 2, base, base + 2, base + 3]
        }
        return Mesh(positions: positions, attributes: attributes, indices: indices)
    }

    /// The draw (the same every frame): NDC positions, identity transform.
    public func draw() -> DrawCall {
        DrawCall(mesh: mesh, transform: .identity, shading: .glow(tint: SIMD3(0.2, 0.6, 1.0)), state: .additive)
    }
}
