import Effects
import Engine
import Mind
import Raster
import Scenes
import Simulation
import Stimuli
import Testing

@Suite("Emergence scene")
struct EmergenceSceneTests {
    @Test("the reveal: the orb grows first, particles leave it, the figure forms and lights up")
    func reveal() throws {
        let w = EmergenceWorld(seed: 1, count: 2000)
        #expect(w.orbRadius(at: 0) < 1e-9)
        #expect(w.orbRadius(at: 0.5) > 0.2)
        #expect(w.characterScale(at: 0.7) == 0.4)
        #expect(abs(w.characterScale(at: 2) - 1) < 1e-9)
        #expect(w.light(at: 0.5) < 0.3 && w.light(at: 1.9) == 1)
        var p: [SIMD3<Float>] = [], b: [Float] = [], k: [UInt8] = []
        w.particles(at: 0.1, eye: SIMD3(0, 1, 4), positions: &p, brightness: &b, kinds: &k)
        let orb = EmergenceWorld.orbCentre
        #expect(p.allSatisfy { (($0 - orb) * ($0 - orb)).sum().squareRoot() < 0.5 }, "all in the orb at the start")
        w.particles(at: 2.5, eye: SIMD3(0, 1, 4), positions: &p, brightness: &b, kinds: &k)
        let onFigure = k.filter { $0 == EmergenceWorld.Kind.figure.rawValue }.count
        #expect(abs(Double(onFigure) / 2000 - w.assembledFraction) < 0.05)
    }

    @Test("stages follow trust: right answers assemble more of the figure")
    func stagesAssemble() throws {
        let right = (0..<8).map { StimulusEvent(t: 0.3 + Double($0) * 0.3, .answer(correct: true)) }
        let r = try SceneRenderer(small(.emergence, script: right))
        let start = try SceneRenderer(small(.emergence))
        let a = r.render(frame: 600), b = start.render(frame: 600)
        #expect(r.emergenceStage! > start.emergenceStage!)
        #expect(meanAbsDiff(a, b) > 0.5)
    }

    @Test("glitch grows with corruption and time pressure")
    func glitchGrows() throws {
        var glitches: [Double] = []
        for wrong in [0, 2, 4] {
            var script = (0..<wrong).map { StimulusEvent(t: 0.3 + Double($0) * 0.2, .answer(correct: false)) }
            script.append(StimulusEvent(t: 2, .pressure(remaining: 1)))
            let r = try SceneRenderer(small(.emergence, script: script))
            _ = r.render(frame: 360)
            glitches.append(r.emergenceGlitch!)
        }
        #expect(glitches[0] < glitches[1] && glitches[1] < glitches[2], "\(glitches)")
        let calm = try SceneRenderer(small(.emergence, script: [StimulusEvent(t: 0.5, .pressure(remaining: 1))]))
        let rushed = try SceneRenderer(small(.emergence, script: [StimulusEvent(t: 0.5, .pressure(remaining: 0.05))]))
        _ = calm.render(frame: 240); _ = rushed.render(frame: 240)
        #expect(rushed.emergenceGlitch! > calm.emergenceGlitch! + 0.2)
        // What the effect chain is asked for follows too.
        #expect(rushed.effects.glitch > calm.effects.glitch + 0.2)
        #expect(rushed.effects.chromaticAberration > calm.effects.chromaticAberration + 1)
        #expect(rushed.effects.bloomStrength > 0)
    }

    @Test("minimal richness turns bloom and chromatic aberration off")
    func minimalIsPlain() throws {
        let r = try SceneRenderer(small(.emergence, richness: .minimal))
        _ = r.render(frame: 60)
        #expect(r.effects.bloomStrength == 0 && r.effects.chromaticAberration == 0)
        let f = try SceneRenderer(small(.candlefish, richness: .rich))
        _ = f.render(frame: 60)
        #expect(f.effects.bloomStrength > 0 && f.effects.seed == 7 && f.effects.frame == 60)
    }

    @Test("the camera holds, then moves along the shot list")
    func cameraMoves() throws {
        let scene = EmergenceScene(width: 320, height: 180, richness: .minimal)
        // The opening hold: the camera does not move.
        #expect(scene.camera(at: 0.1).eye == scene.camera(at: 0.7).eye)
        // The dolly in, then the orbit: it moves, closer and then around.
        let opening = scene.camera(at: 0).eye, afterDolly = scene.camera(at: 3.2).eye, orbiting = scene.camera(at: 7).eye
        #expect((afterDolly - opening).x == 0 && afterDolly.z < opening.z - 1)
        #expect(abs(orbiting.x - afterDolly.x) > 0.5)
        // The focal length changes during the zoom.
        #expect(scene.camera(at: 3.2).focal != scene.camera(at: 4.5).focal)
    }
}
