import Engine
import Mind
import Raster
import Stimuli
import Sinks
#if canImport(Glibc)
import Glibc
#endif

/// Renders one frame with a fresh renderer.
func renderFrame(_ settings: RenderSettings, _ frame: Int) throws -> Image8 {
    let r = try SceneRenderer(settings)
    return r.render(frame: frame)
}

/// Small settings for tests: 320×180, standard richness.
func small(_ scene: SceneName, seed: UInt64 = 7, script: [StimulusEvent] = [], memory: Memory = .fresh,
           threads: Int = 2, richness: Richness = .standard, fps: Int = 60) -> RenderSettings {
    RenderSettings(scene: scene, width: 320, height: 180, seed: seed,
                   script: script.isEmpty ? nil : Script(scene: scene, events: script),
                   richness: richness, threads: threads, memory: memory, fps: fps)
}

/// Mean absolute difference per channel (RGB), 0…255.
func meanAbsDiff(_ a: Image8, _ b: Image8) -> Double {
    precondition(a.width == b.width && a.height == b.height)
    var total = 0
    for i in 0..<(a.width * a.height) {
        for c in 0..<3 { total += abs(Int(a.pixels[i * 4 + c]) - Int(b.pixels[i * 4 + c])) }
    }
    return Double(total) / Double(a.width * a.height * 3)
}

/// The brightness-weighted mean colour of the pixels brighter than the background, as
/// chromaticity (r, g, b summing to 1): the colour the eye reads from the glowing parts.
func glowChromaticity(_ img: Image8) -> SIMD3<Double> {
    var sum = SIMD3<Double>.zero
    for i in 0..<(img.width * img.height) {
        let c = SIMD3<Double>(Double(img.pixels[i * 4]), Double(img.pixels[i * 4 + 1]), Double(img.pixels[i * 4 + 2]))
        let l = c.sum()
        if l > 240 { sum += c * l }
    }
    return sum / max(sum.sum(), 1e-9)
}

/// A pointer that moves back and forth across the view at about `speed` view heights per
/// second, sampled every 0.05 s, from `start` to `end` seconds.
func pointerSweep(from start: Double, to end: Double, speed: Double, y: Double = 0.5) -> [StimulusEvent] {
    var events: [StimulusEvent] = []
    var t = start, x = 0.5, dir = 1.0
    while t <= end {
        events.append(StimulusEvent(t: t, .pointer(x: x, y: y)))
        // x is scaled by the aspect ratio in view heights.
        x += dir * speed * 0.05 / (16.0 / 9.0)
        if x > 0.8 { x = 0.8; dir = -1 }
        if x < 0.2 { x = 0.2; dir = 1 }
        t += 0.05
    }
    return events
}

func memory(trust: Double) -> Memory {
    var m = Memory.fresh
    m.candlefish.trust = trust
    return m
}

/// Writes `image` as NAME.png into the folder named by the PHOTOPHORE_TEST_DUMP environment
/// variable, when it is set (for looking at what the tests render).
func dump(_ image: Image8, _ name: String) {
    guard let dir = getenv("PHOTOPHORE_TEST_DUMP") else { return }
    try? PNG.write(image, to: String(cString: dir) + "/" + name + ".png")
}
