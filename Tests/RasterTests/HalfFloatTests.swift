import RasterKernels
import Testing

import Raster

/// The render target stores colour as half floats. These tests hold the conversions to IEEE
/// binary16 rounded to nearest even (Swift's `Float16`), whichever instructions the build
/// uses, and show that a drawn tile is rounded once.
struct HalfFloatTests {
    /// Floats around every rounding case: ties, subnormals, the largest half, overflow,
    /// infinities, NaN, negative zero.
    static func awkwardValues() -> [Float] {
        var values: [Float] = [0, -0, 1, -1, 0.1, 1.0 / 3, 65504, 65519.99, 65520, 1e6, .infinity, -.infinity,
                               .leastNormalMagnitude, 6.1035156e-5, 5.9604645e-8, 2.9802322e-8, 2.9802326e-8, 1e-9]
        // Exact ties between neighbouring halves, and a hair either side of them.
        var h = Float16(0.5)
        for _ in 0..<40 {
            let tie = (Float(h) + Float(h.nextUp)) / 2
            values += [tie, tie.nextUp, tie.nextDown, -tie]
            h = h.nextUp * 1.37
        }
        var rng = TestRNG(seed: 9)
        for _ in 0..<2000 { values.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))) }
        while values.count % 16 != 0 { values.append(0.25) }
        return values
    }

    @Test func vectorConversionsAreSwiftsFloat16() {
        let values = Self.awkwardValues()
        var halves = [UInt16](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            halves.withUnsafeMutableBufferPointer { dst in
                pp_storeHalves(src.baseAddress!, dst.baseAddress!, Int32(values.count))
            }
        }
        for (v, h) in zip(values, halves) {
            let expected = Float16(v)
            if expected.isNaN {
                #expect(Float16(bitPattern: h).isNaN, "\(v)")
            } else {
                #expect(h == expected.bitPattern, "\(v): \(h) against \(expected.bitPattern)")
            }
        }
        // And back: every half pattern widens exactly.
        var patterns = [UInt16](0...UInt16.max)
        patterns.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count {
                let wide = pp_loadHalf16(p.baseAddress! + i)
                for l in 0..<16 {
                    let expected = Float(Float16(bitPattern: p[i + l]))
                    #expect(wide[l] == expected || (wide[l].isNaN && expected.isNaN))
                }
                i += 16
            }
        }
    }

    @Test func aDrawnTileIsRoundedOnce() throws {
        // Ten additive layers of 0.3 and of 0.7: one rounding at the end gives the halves
        // nearest 3 and 7, where rounding after each layer drifts to 3.002 and 6.996.
        var positions = [SIMD3<Float>](), indices = [UInt32]()
        for _ in 0..<10 {
            let b = UInt32(positions.count)
            positions += [SIMD3(-1, -1, 0), SIMD3(3, -1, 0), SIMD3(-1, 3, 0)]
            indices += [b, b + 1, b + 2]
        }
        let attributes = [SIMD4<Float>](repeating: SIMD4(0.1, 0.3, 0.7, 0), count: positions.count)
        let d = DrawCall(mesh: Mesh(positions: positions, attributes: attributes, indices: indices),
                         transform: .identity, shading: .color, state: .additive)
        let target = try RenderTarget(width: 70, height: 70)
        Renderer(threads: 2).render([d], into: target, clearColor: .zero)
        var sum = SIMD4<Float>.zero
        for _ in 0..<10 { sum += SIMD4(0.1, 0.3, 0.7, 0) }
        let expected = SIMD4(Float(Float16(sum.x)), Float(Float16(sum.y)), Float(Float16(sum.z)), 0)
        var drifted = SIMD4<Float>.zero
        for _ in 0..<10 {
            drifted += SIMD4(0.1, 0.3, 0.7, 0)
            drifted = SIMD4(Float(Float16(drifted.x)), Float(Float16(drifted.y)), Float(Float16(drifted.z)), 0)
        }
        #expect(drifted != expected, "the layers must tell one rounding from many")
        for (x, y) in [(0, 0), (69, 69), (64, 3)] {
            #expect(target.color(x: x, y: y) == expected)
        }
    }
}
