import Glibc
import Raster
import Testing

/// Coverage: shared edges are covered once, and the top-left rule decides pixel centres
/// that fall exactly on an edge.
@Suite struct CoverageTests {
    @Test func fanAroundAPointHasNoGapsAndNoDoubleBlends() throws {
        // A 64-triangle fan around a centre at an awkward sub-pixel position; its rim is a
        // circle. Every pixel is covered by at most one triangle, and every pixel well
        // inside the rim exactly once.
        let w = 96, h = 80
        let centre = ndc(47.37, 39.81, width: w, height: h)
        var tris = [(SIMD2<Float>, SIMD2<Float>, SIMD2<Float>)]()
        let n = 64
        for i in 0..<n {
            let a0 = Float(i) / Float(n) * 2 * .pi, a1 = Float(i + 1) / Float(n) * 2 * .pi
            let r: Float = 0.8
            tris.append((centre, centre + SIMD2(r * cosf(a0), r * sinf(a0)), centre + SIMD2(r * cosf(a1), r * sinf(a1))))
        }
        let target = try RenderTarget(width: w, height: h)
        Renderer(threads: 2).render([countingDraw(tris)], into: target, clearColor: .zero)
        var inside = 0
        for y in 0..<h {
            for x in 0..<w {
                let c = target.color(x: x, y: y).x
                #expect(c == 0 || c == 1, "pixel \(x),\(y) covered \(c) times")
                let p = ndc(Float(x) + 0.5, Float(y) + 0.5, width: w, height: h) - centre
                if (p.x * p.x + p.y * p.y).squareRoot() < 0.7 {
                    #expect(c == 1, "gap at \(x),\(y)")
                    inside += 1
                }
            }
        }
        #expect(inside > 1000)
    }

    @Test func jitteredMeshCoversTheScreenExactlyOnce() throws {
        // A grid of randomly jittered vertices, larger than the screen, split into triangles
        // with both diagonals: every pixel centre is covered exactly once.
        var rng = TestRNG(seed: 7)
        let w = 123, h = 77, n = 13
        var grid = [[SIMD2<Float>]]()
        for j in 0...n {
            var row = [SIMD2<Float>]()
            for i in 0...n {
                var p = SIMD2<Float>(Float(i) / Float(n) * 2.4 - 1.2, Float(j) / Float(n) * 2.4 - 1.2)
                if i > 0 && i < n && j > 0 && j < n { p += SIMD2(rng.float(-0.06, 0.06), rng.float(-0.06, 0.06)) }
                row.append(p)
            }
            grid.append(row)
        }
        var tris = [(SIMD2<Float>, SIMD2<Float>, SIMD2<Float>)]()
        for j in 0..<n {
            for i in 0..<n {
                let a = grid[j][i], b = grid[j][i + 1], c = grid[j + 1][i + 1], d = grid[j + 1][i]
                if (i + j) % 2 == 0 { tris += [(a, b, c), (a, c, d)] } else { tris += [(a, b, d), (b, c, d)] }
            }
        }
        let target = try RenderTarget(width: w, height: h)
        Renderer(threads: 2).render([countingDraw(tris)], into: target, clearColor: .zero)
        let counts = redChannel(target)
        #expect(counts.allSatisfy { $0 == 1 }, "\(counts.filter { $0 == 0 }.count) gaps, \(counts.filter { $0 > 1 }.count) overlaps")
    }

    @Test func topLeftRuleOnPixelCentres() throws {
        // A rectangle whose edges pass exactly through pixel centres: x from 1.5 to 5.5 and
        // y from 2.5 to 4.5 (y down). Left and top edges own their centres; right and bottom
        // edges do not. So pixels x 1…4, rows 2…3.
        let w = 8, h = 8
        let a = ndc(1.5, 2.5, width: w, height: h), b = ndc(5.5, 2.5, width: w, height: h)
        let c = ndc(5.5, 4.5, width: w, height: h), d = ndc(1.5, 4.5, width: w, height: h)
        for winding in [[(a, b, c), (a, c, d)], [(a, c, b), (a, d, c)]] {
            let target = try RenderTarget(width: w, height: h)
            Renderer(threads: 1).render([countingDraw(winding)], into: target, clearColor: .zero)
            for y in 0..<h {
                for x in 0..<w {
                    let expected: Float = (1...4).contains(x) && (2...3).contains(y) ? 1 : 0
                    #expect(target.color(x: x, y: y).x == expected, "pixel \(x),\(y)")
                }
            }
        }
    }

    @Test func horizontalAndVerticalEdgesThroughCentresSplitBetweenNeighbours() throws {
        // Four triangles meeting at a pixel centre: that centre and the centres on the shared
        // edges are each covered exactly once.
        let w = 9, h = 9
        let m = ndc(4.5, 4.5, width: w, height: h)
        let corners = [ndc(0, 0, width: w, height: h), ndc(9, 0, width: w, height: h),
                       ndc(9, 9, width: w, height: h), ndc(0, 9, width: w, height: h)]
        let tris = (0..<4).map { (m, corners[$0], corners[($0 + 1) % 4]) }
        let target = try RenderTarget(width: w, height: h)
        Renderer(threads: 1).render([countingDraw(tris)], into: target, clearColor: .zero)
        #expect(redChannel(target).allSatisfy { $0 == 1 })
    }
}
