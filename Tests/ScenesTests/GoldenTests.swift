import Engine
import Foundation
import Mind
import Raster
import Sinks
import Stimuli
import Testing
import TestSupport

/// Golden images: both scenes at fixed frames, seed 7, 320×180, standard richness, driven by
/// the scripts in assets/golden/. `tools/regenerate-goldens.sh` rewrites them.
///
/// Tolerance: the mean absolute difference over all RGB channels is at most 1.0 (of 255), and
/// at most 0.5% of the pixels differ by more than 24 in any channel. The renderer is bit-exact
/// on one build; the tolerance absorbs other compilers and CPUs (FMA contraction, libm), not
/// changes of the picture: a moved fish or a missing figure exceeds it many times over.
@Suite("Golden images")
struct GoldenTests {
    static let cases: [(SceneName, Int)] = [(.candlefish, 150), (.candlefish, 420), (.emergence, 150), (.emergence, 420)]

    @Test("frames match the goldens within tolerance", arguments: cases)
    func matchesGolden(scene: SceneName, frame: Int) throws {
        let dir = repositoryRoot + "/assets/golden/"
        let text = try String(contentsOfFile: dir + scene.rawValue + ".json", encoding: .utf8)
        let script = try Script(json: text, expecting: scene)
        let settings = RenderSettings(scene: scene, width: 320, height: 180, seed: 7, script: script,
                                      richness: .standard, threads: 2, memory: .fresh, fps: 60)
        let image = try SceneRenderer(settings).render(frame: frame)
        dump(image, "golden-\(scene.rawValue)-\(frame)")
        let golden = try PNG.read(dir + "\(scene.rawValue)-\(frame).png")
        #expect(golden.width == 320 && golden.height == 180)
        let (mean, outliers) = compare(image, golden)
        #expect(mean <= 1.0, "mean absolute difference \(mean)")
        #expect(outliers <= 0.005, "\(outliers * 100)% of pixels differ by more than 24")
    }

    @Test("the comparison notices a changed picture")
    func toleranceCatchesChanges() throws {
        let dir = repositoryRoot + "/assets/golden/"
        let golden = try PNG.read(dir + "candlefish-150.png")
        let other = try PNG.read(dir + "candlefish-420.png")
        let (mean, outliers) = compare(golden, other)
        #expect(mean > 1.0 || outliers > 0.005)
    }

    func compare(_ a: Image8, _ b: Image8) -> (mean: Double, outliers: Double) {
        var total = 0, outliers = 0
        for i in 0..<(a.width * a.height) {
            var worst = 0
            for c in 0..<3 {
                let d = abs(Int(a.pixels[i * 4 + c]) - Int(b.pixels[i * 4 + c]))
                total += d
                worst = max(worst, d)
            }
            if worst > 24 { outliers += 1 }
        }
        let n = Double(a.width * a.height)
        return (Double(total) / (n * 3), Double(outliers) / n)
    }
}
