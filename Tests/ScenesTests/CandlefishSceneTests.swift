import Engine
import Mind
import Raster
import Simulation
import Stimuli
import Testing

/// How to bring the fish into each mood by frame 150 (2.5 s), through Mind's own rules.
func moodSetup(_ mood: Mood) -> (settings: RenderSettings, frame: Int) {
    switch mood {
    case .curious:
        return (small(.candlefish), 150)
    case .shy:
        // A pointer present while trust is low (20 < 30).
        return (small(.candlefish, script: [StimulusEvent(t: 0.2, .pointer(x: 0.7, y: 0.4))]), 150)
    case .excited:
        return (small(.candlefish, script: [StimulusEvent(t: 1.5, .click(x: 0.6, y: 0.4))]), 150)
    case .trusting:
        return (small(.candlefish, script: [StimulusEvent(t: 0.2, .pointer(x: 0.6, y: 0.45))], memory: memory(trust: 90)), 150)
    case .playful:
        return (small(.candlefish, script: pointerSweep(from: 0.1, to: 3, speed: 1.0), memory: memory(trust: 65)), 150)
    case .lonely:
        // 60 s without interaction.
        return (small(.candlefish), 61 * 60)
    }
}

@Suite("Candlefish scene")
struct CandlefishSceneTests {
    @Test("each of the six moods is reached and looks different in colour and pose")
    func sixMoods() throws {
        var images: [Mood: Image8] = [:]
        var poses: [Mood: [SIMD2<Double>]] = [:]
        var fins: [Mood: Double] = [:]
        for mood in Mood.allCases {
            let (settings, frame) = moodSetup(mood)
            let r = try SceneRenderer(settings)
            let img = r.render(frame: frame)
            #expect(r.fishMood == mood, "setup for \(mood) gave \(String(describing: r.fishMood))")
            images[mood] = img
            dump(img, "mood-\(mood.rawValue)")
            poses[mood] = r.fishSpine
            fins[mood] = r.fishExpression?.finSpread
        }
        let moods = Mood.allCases
        for i in 0..<moods.count {
            for j in (i + 1)..<moods.count {
                let a = moods[i], b = moods[j]
                // Colour: the glowing parts' chromaticity differs.
                let ca = glowChromaticity(images[a]!), cb = glowChromaticity(images[b]!)
                let d = ((ca - cb) * (ca - cb)).sum().squareRoot()
                #expect(d > 0.01, "\(a) and \(b) glow in the same colour (\(ca) vs \(cb))")
                // Pose: the spine is somewhere else or bent differently, and the fins differ.
                let pa = poses[a]!, pb = poses[b]!
                let moved = zip(pa, pb).map { ($0 - $1).length }.max()!
                #expect(moved > 0.02, "\(a) and \(b) have the same pose")
                #expect(meanAbsDiff(images[a]!, images[b]!) > 0.3)
                if Expression.target(for: a).finSpread != Expression.target(for: b).finSpread {
                    #expect(fins[a]! != fins[b]!)
                }
            }
        }
    }

    @Test("the mood colour is what glows: curious is warmer than shy")
    func moodColourShows() throws {
        let (cs, cf) = moodSetup(.curious), (ss, sf) = moodSetup(.shy)
        let c = glowChromaticity(try renderFrame(cs, cf)), s = glowChromaticity(try renderFrame(ss, sf))
        // Curious #FFB347 is orange (red over blue); shy #B39DDB is lavender (more blue).
        #expect(c.x - c.z > s.x - s.z + 0.05, "curious \(c), shy \(s)")
    }

    @Test("a click feeds the fish: the food sinks, the fish eats it, and Mind counts it (+3 fed, +2 per piece)")
    func foodIsEaten() throws {
        // Click just ahead of where the fish starts, so it reaches the food in a few seconds.
        let world = CandlefishWorld(seed: 7, aspect: 16.0 / 9.0)
        let p = world.agent.position + world.heading * 0.2
        let click = StimulusEvent(t: 0.2, .click(x: (p.x / (16.0 / 9.0) + 1) / 2, y: (1 - p.y) / 2))
        let r = try SceneRenderer(small(.candlefish, script: [click]))
        _ = r.render(frame: 5)
        #expect(r.hud.trust == CandlefishTrust.initial)
        _ = r.render(frame: 900)
        #expect(abs(r.hud.trust! - (CandlefishTrust.initial + 3 + 3 * 2)) < 1e-9, "trust \(String(describing: r.hud.trust))")
    }
}
