import Engine
import Foundation
import Mind
import Raster
import Sinks
import Stimuli
import Testing
import TestSupport

/// The posters (assets/posters/posters.txt) are exact: this build, whatever its CPU level and
/// thread count, draws each of them pixel for pixel as committed. A change that moves a single
/// pixel of a 1080p rich frame fails here; tools/render-posters.sh re-renders them when a
/// change of the picture is meant. (CI also checks the x86-64-v3 and self-contained builds
/// with tools/check-posters.sh.)
@Suite("Posters")
struct PosterTests {
    struct Poster: CustomStringConvertible, Sendable {
        var name: String, scene: SceneName, frame: Int
        /// The glTF model it shows (relative to the repository) and the clip the model scene plays.
        var model: String?, clip: String?
        var description: String { name }
    }

    static let posters: [Poster] = {
        let text = (try? String(contentsOfFile: repositoryRoot + "/assets/posters/posters.txt", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let f = line.split(separator: " ")
            guard (3...5).contains(f.count), let scene = SceneName(rawValue: String(f[1])), let frame = Int(f[2]) else { return nil }
            return Poster(name: String(f[0]), scene: scene, frame: frame, model: f.count > 3 ? String(f[3]) : nil,
                          clip: f.count > 4 ? String(f[4]) : nil)
        }
    }()

    @Test("the list names every poster") func listIsComplete() {
        #expect(Self.posters.count == 6)
        #expect(Set(Self.posters.map(\.scene.rawValue)) == ["candlefish", "emergence", "model"])
    }

    @Test("each poster is drawn exactly as committed", arguments: PosterTests.posters)
    func drawnExactly(poster: Poster) throws {
        let dir = repositoryRoot + "/assets/posters/"
        let script = try Script(json: String(contentsOfFile: dir + poster.name + ".json", encoding: .utf8), expecting: poster.scene)
        let model = try poster.model.map { try SceneModel.load(repositoryRoot + "/" + $0, clip: poster.clip, orbitSeconds: poster.clip == nil ? 12 : 0) }
        let settings = RenderSettings(scene: poster.scene, width: 1920, height: 1080, seed: 3, script: script,
                                      richness: .rich, threads: 2, memory: .fresh, fps: 60, model: model)
        let image = try SceneRenderer(settings).render(frame: poster.frame)
        var committed = try PNG.read(dir + poster.name + ".png")
        #expect(committed.width == 1920 && committed.height == 1080)
        // The PNGs are RGB: compare the colour channels (the rendered alpha is 255 too).
        var rendered = image
        for i in stride(from: 3, to: rendered.pixels.count, by: 4) { rendered.pixels[i] = 255; committed.pixels[i] = 255 }
        var differing = 0
        var first: (x: Int, y: Int)?
        for p in 0..<(1920 * 1080) where rendered.pixels[p * 4] != committed.pixels[p * 4]
            || rendered.pixels[p * 4 + 1] != committed.pixels[p * 4 + 1] || rendered.pixels[p * 4 + 2] != committed.pixels[p * 4 + 2] {
            differing += 1
            if first == nil { first = (p % 1920, p / 1920) }
        }
        #expect(differing == 0, "\(differing) pixels differ, the first at \(String(describing: first))")
    }
}
