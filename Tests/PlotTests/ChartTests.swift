import Plot
import Raster
import Testing

@Suite struct ChartTests {
    @Test func barsLinesAndRulesLandWhereTheDataSays() throws {
        var panel = ChartPanel(title: "frame time", xLabel: "frame", yLabel: "ms", xRange: 0...10, yRange: 0...20)
        panel.bars = [ChartPanel.Bar(x: 5, width: 2, segments: [(10, SIMD3(1, 0, 0)), (5, SIMD3(0, 1, 0))])]
        panel.rules = [ChartPanel.Rule(y: 16.7, color: SIMD3(1, 1, 0), label: "budget")]
        panel.lines = [ChartPanel.Line(color: SIMD3(0, 0, 1), points: [SIMD2(0, 2), SIMD2(10, 2)], thickness: 4)]
        let image = try Chart(title: "test", panels: [panel]).render(width: 600, height: 400, threads: 2)
        #expect(image.width == 600 && image.height == 400)
        // Find the plot frame from where red (the lower segment) and green (the upper) are.
        func find(_ want: SIMD3<UInt8>) -> [(Int, Int)] {
            var hits: [(Int, Int)] = []
            for y in 0..<400 { for x in 0..<600 {
                let p = image[x, y]
                if SIMD3(p.x, p.y, p.z) == want { hits.append((x, y)) }
            } }
            return hits
        }
        let red = find(SIMD3(255, 0, 0)), green = find(SIMD3(0, 255, 0)), blue = find(SIMD3(0, 0, 255))
        #expect(red.count > 500 && green.count > 200 && blue.count > 500)
        // The green segment sits on top of the red one, and is half as tall.
        let redTop = red.map { $0.1 }.min()!, redBottom = red.map { $0.1 }.max()!
        let greenTop = green.map { $0.1 }.min()!, greenBottom = green.map { $0.1 }.max()!
        #expect(greenBottom < redTop + 2)
        let ratio = Double(greenBottom - greenTop + 1) / Double(redBottom - redTop + 1)
        #expect(abs(ratio - 0.5) < 0.1)
        // Bars centred at x = 5 of 0…10: the middle of the plot's width.
        let redMid = Double(red.map { $0.0 }.min()! + red.map { $0.0 }.max()!) / 2
        let blueLeft = Double(blue.map { $0.0 }.min()!), blueRight = Double(blue.map { $0.0 }.max()!)
        #expect(abs(redMid - (blueLeft + blueRight) / 2) < 4)
        // The line at y = 2 is below the bars' base (y = 0 is the bottom): lower on screen than red's top.
        #expect(blue.map { $0.1 }.min()! > redTop)
    }

    @Test func textIsDrawn() {
        var image = Image8(width: 64, height: 16)
        BitmapFont.draw("p99 16.7", x: 1, y: 1, color: SIMD4(255, 255, 255, 255), into: &image)
        let lit = stride(from: 0, to: image.pixels.count, by: 4).filter { image.pixels[$0] == 255 }.count
        #expect(lit > 40)
        #expect(BitmapFont.width(of: "abc", scale: 2) == 34)
    }
}
