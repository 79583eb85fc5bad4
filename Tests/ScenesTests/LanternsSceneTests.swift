import Engine
import Mind
import Raster
import Stimuli
import Testing

/// The third scene, which lives in its own folder and is registered with one line: it must
/// render headless like the others, and the picture must show what it claims.
@Suite("Lanterns scene")
struct LanternsSceneTests {
    /// The warm glowing pixels (bright red well above blue: lantern light, never the white
    /// and blue stars) among columns `columns`: how many, and their centre.
    static func warmGlow(_ img: Image8, columns: Range<Int>) -> (count: Int, x: Double, y: Double) {
        var n = 0, sx = 0, sy = 0
        for y in 0..<img.height {
            for x in columns {
                let i = (y * img.width + x) * 4
                let r = Int(img.pixels[i]), b = Int(img.pixels[i + 2])
                if r > 180 && r > b + 60 { n += 1; sx += x; sy += y }
            }
        }
        return (n, n > 0 ? Double(sx) / Double(n) : -1, n > 0 ? Double(sy) / Double(n) : -1)
    }

    /// The mean colour of row `y`.
    static func rowMean(_ img: Image8, _ y: Int) -> SIMD3<Double> {
        var sum = SIMD3<Double>.zero
        for x in 0..<img.width {
            let i = (y * img.width + x) * 4
            sum += SIMD3(Double(img.pixels[i]), Double(img.pixels[i + 1]), Double(img.pixels[i + 2]))
        }
        return sum / Double(img.width)
    }

    @Test("it is registered and renders through the same renderer as the others")
    func registered() throws {
        #expect(SceneRegistry.names == [.candlefish, .emergence, .lanterns, .model])
        #expect(SceneRegistry.scene(named: "lanterns")?.name == .lanterns)
        #expect(SceneRegistry.scene(named: "aquarium") == nil)
        let r = try SceneRenderer(small(.lanterns))
        #expect(r.scene.name == Lanterns.name)
        _ = r.render(frame: 0)
        #expect(r.hud.trust == nil && r.hud.lines.first == "lanterns 0 in the sky")
    }

    @Test("a click releases a warm lantern where it was clicked, and it rises")
    func clickReleasesALantern() throws {
        let click = [StimulusEvent(t: 0.1, .click(x: 0.2, y: 0.7))]
        let lit = try SceneRenderer(small(.lanterns, script: click))
        let dark = try SceneRenderer(small(.lanterns))
        let left = 0..<107  // the left third; the click is at x = 64
        let at1 = lit.render(frame: 60)
        dump(at1, "lanterns-click-60")
        let a = Self.warmGlow(at1, columns: left)
        let none = Self.warmGlow(dark.render(frame: 60), columns: left)
        #expect(a.count > 20, "the lantern glows warm: \(a)")
        #expect(none.count == 0, "without the click the left third is sky and stars: \(none)")
        #expect(abs(a.x - 64) < 8, "it glows where it was released: x \(a.x)")
        #expect(a.y < 0.72 * 180 && a.y > 0.5 * 180, "just above the water line: y \(a.y)")
        let b = Self.warmGlow(lit.render(frame: 240), columns: left)
        #expect(b.count > 20 && b.y < a.y - 10, "four seconds later it is higher: y \(a.y) → \(b.y)")
        #expect(lit.hud.lines == ["lanterns 2 in the sky", "released 1"])
    }

    @Test("the sky is a dusk gradient over darker water")
    func duskOverWater() throws {
        let img = try SceneRenderer(small(.lanterns)).render(frame: 30)
        dump(img, "lanterns-sky")
        let top = Self.rowMean(img, 2), horizon = Self.rowMean(img, Int(0.70 * 180)), water = Self.rowMean(img, 170)
        #expect(top.z > top.x, "the top is blue: \(top)")
        #expect(horizon.x > horizon.z && horizon.sum() > top.sum() * 2, "the horizon glows warm: \(horizon)")
        #expect(water.sum() < horizon.sum() / 2, "the water is dark: \(water)")
    }

    @Test("lanterns released in earlier sessions are already in the sky")
    func memoryFillsTheSky() throws {
        var remembered = Memory.fresh
        remembered[LanternsMemory.self].released = 6
        let r = try SceneRenderer(small(.lanterns, memory: remembered))
        let fresh = try SceneRenderer(small(.lanterns))
        func upperGlow(_ img: Image8) -> Int {
            (0..<(img.width * 70)).filter { Int(img.pixels[$0 * 4]) > 120 }.count
        }
        #expect(upperGlow(r.render(frame: 0)) > upperGlow(fresh.render(frame: 0)) + 6)
        #expect(r.hud.lines.first == "lanterns 6 in the sky")
        // The session's events fold back into the memory it started from.
        let clicks = [StimulusEvent(t: 0.5, .click(x: 0.5, y: 0.7)), StimulusEvent(t: 1, .key("release"))]
        let s = try SceneRenderer(small(.lanterns, script: clicks, memory: remembered))
        s.simulate(toFrame: 90)
        var memory = remembered
        memory.apply(s.finish())
        #expect(memory[LanternsMemory.self].released == 8 && memory[LanternsMemory.self].sessions == 1)
    }
}

@Suite("Scene stepping")
struct SceneStepperTests {
    @Test("a stepper and a renderer step a session alike: the same memory events and HUD")
    func stepperMatchesRenderer() throws {
        let script = [StimulusEvent(t: 0.5, .click(x: 0.3, y: 0.7)), StimulusEvent(t: 1.2, .answer(correct: true)),
                      StimulusEvent(t: 2, .pointer(x: 0.4, y: 0.4))]
        for scene in SceneRegistry.scenes {
            let settings = small(scene.name, script: script)
            let renderer = try SceneRenderer(settings)
            _ = renderer.render(frame: 150)
            let stepper = SceneStepper(scene, start: settings.start, events: script)
            stepper.simulate(toStep: 150)
            #expect(stepper.takeMemoryEvents() == renderer.takeMemoryEvents(), "\(scene.name)")
            #expect(stepper.hud == renderer.hud, "\(scene.name)")
            #expect(stepper.finish() == renderer.finish(), "\(scene.name)")
        }
    }

    @Test("a countdown ticks every step of simulation time, from 1 down to 0, then stops")
    func countdown() {
        var c = PressureCountdown(start: 2, seconds: 1, every: 0.5)
        #expect(c.due(upTo: 1.9).isEmpty)
        #expect(c.due(upTo: 2.6) == [StimulusEvent(t: 2, .pressure(remaining: 1)), StimulusEvent(t: 2.5, .pressure(remaining: 0.5))])
        #expect(c.due(upTo: 10) == [StimulusEvent(t: 3, .pressure(remaining: 0))])
        #expect(c.isOver && c.due(upTo: 20).isEmpty)
    }
}
