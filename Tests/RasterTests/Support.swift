import Raster

/// A small seeded generator for tests (SplitMix64).
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func float(_ lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }
}

/// Renders the same draws with the fast path (at `threads`) and with the reference.
func renderBoth(_ draws: [DrawCall], width: Int, height: Int, threads: Int = 2,
                clear: SIMD4<Float> = .zero, samples: Int = 1) throws -> (fast: RenderTarget, reference: RenderTarget) {
    let fast = try RenderTarget(width: width, height: height)
    let reference = try RenderTarget(width: width, height: height)
    Renderer(threads: threads, samples: samples).render(draws, into: fast, clearColor: clear)
    ReferenceRasterizer.render(draws, into: reference, clearColor: clear, samples: samples)
    return (fast, reference)
}

/// A draw of flat-coloured triangles given in NDC (z, w = 1): each adds `color` where it
/// covers, so a pixel's red channel counts how many triangles cover it.
func countingDraw(_ triangles: [(SIMD2<Float>, SIMD2<Float>, SIMD2<Float>)]) -> DrawCall {
    var positions = [SIMD3<Float>](), indices = [UInt32]()
    for (a, b, c) in triangles {
        let base = UInt32(positions.count)
        positions += [SIMD3(a, 0), SIMD3(b, 0), SIMD3(c, 0)]
        indices += [base, base + 1, base + 2]
    }
    let attributes = [SIMD4<Float>](repeating: SIMD4(1, 0, 0, 0), count: positions.count)
    return DrawCall(mesh: Mesh(positions: positions, attributes: attributes, indices: indices),
                    transform: .identity, shading: .color, state: .additive)
}

/// Pixel (x, y) centre in NDC for a target of the given size (y up, as OpenGL).
func ndc(_ px: Float, _ py: Float, width: Int, height: Int) -> SIMD2<Float> {
    SIMD2(px / Float(width) * 2 - 1, 1 - py / Float(height) * 2)
}

/// Every pixel's red channel (the coverage count for counting draws).
func redChannel(_ t: RenderTarget) -> [Float] {
    var out = [Float]()
    for y in 0..<t.height { for x in 0..<t.width { out.append(t.color(x: x, y: y).x) } }
    return out
}

/// Largest absolute difference over all pixels and channels, beyond one step of the half-float
/// grid the target stores at that value: two renderers whose floats differ by a hair may round
/// them to neighbouring halves. Identical targets give 0.
func maxDifference(_ a: RenderTarget, _ b: RenderTarget) -> Float {
    var m: Float = 0
    for y in 0..<a.height {
        for x in 0..<a.width {
            let p = a.color(x: x, y: y), q = b.color(x: x, y: y)
            for k in 0..<4 where p[k] != q[k] {
                let step = Float(Float16(max(abs(p[k]), abs(q[k]))).ulp)
                m = max(m, abs(p[k] - q[k]) - step)
            }
        }
    }
    return m
}

/// How many pixels differ in coverage count (red channel, rounded) between two targets.
func coverageMismatches(_ a: RenderTarget, _ b: RenderTarget) -> Int {
    zip(redChannel(a), redChannel(b)).filter { $0.rounded() != $1.rounded() }.count
}
