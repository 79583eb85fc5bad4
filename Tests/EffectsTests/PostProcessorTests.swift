import Effects
import Raster
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A target filled by `f(x, y)` (rgb, alpha 1).
func makeTarget(_ w: Int, _ h: Int, _ f: (Int, Int) -> SIMD3<Float>) -> RenderTarget {
    let t = try! RenderTarget(width: w, height: h)
    for y in 0..<h { for x in 0..<w { t.setColor(x: x, y: y, SIMD4(f(x, y), 1)) } }
    return t
}

/// Settings with every effect off and no dither, so a test turns on only what it checks.
func plain() -> EffectSettings {
    var s = EffectSettings()
    s.dither = false
    return s
}

/// The reference encoding: Narkowicz ACES, then sRGB, as unrounded 0…255.
func reference255(_ v: Float) -> Float {
    let x = Double(v)
    let aces = min(max((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0), 1)
    let s = aces <= 0.0031308 ? 12.92 * aces : 1.055 * pow(aces, 1 / 2.4) - 0.055
    return Float(255 * s)
}

/// FNV-1a over the bytes: a compact identity for whole frames.
func fnv(_ image: Image8) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in image.pixels { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
}

@Suite struct PostProcessorTests {
    @Test func blackStaysBlackAndBrightSaturates() throws {
        let t = try RenderTarget(width: 16, height: 4)
        t.clear(color: .zero)
        for x in 0..<16 { t.setColor(x: x, y: 3, SIMD4(100, 100, 100, 1)) }
        var image = Image8(width: 16, height: 4)
        var s = EffectSettings()
        s.dither = false
        PostProcessor(width: 16, height: 4, pool: WorkerPool(threads: 2)).process(t, settings: s, into: &image)
        #expect(image[0, 0] == SIMD4(0, 0, 0, 255))
        #expect(image[5, 3] == SIMD4(255, 255, 255, 255))
    }

    // MARK: Determinism

    /// Everything on, including glitch and grain: the bytes depend on (seed, frame) only.
    static func everything(frame: Int, seed: UInt64 = 7) -> EffectSettings {
        var s = EffectSettings.preset(.rich)
        s.chromaticAberration = 3
        s.glitch = 0.7
        s.grain = 0.1
        s.seed = seed
        s.frame = frame
        return s
    }

    @Test(arguments: [(333, 219), (256, 130)])
    func identicalBytesForOneTwoAndThreeThreads(width: Int, height: Int) {
        let target = TestScenes.deepWater(width: width, height: height)
        let s = Self.everything(frame: 3)
        let one = TestScenes.process(target, s, threads: 1)
        #expect(TestScenes.process(target, s, threads: 2) == one)
        #expect(TestScenes.process(target, s, threads: 3) == one)
    }

    @Test func sameSeedAndFrameGiveTheSameBytesAndAnotherFrameChangesTheGrain() {
        let target = TestScenes.deepWater(width: 200, height: 120)
        let pp = PostProcessor(width: 200, height: 120, pool: WorkerPool(threads: 2))
        var a = Image8(width: 200, height: 120), b = a, c = a, d = a
        var s = EffectSettings.preset(.rich)
        s.frame = 11
        pp.process(target, settings: s, into: &a)
        pp.process(target, settings: s, into: &b)  // same processor, buffers reused
        #expect(a == b)
        s.frame = 12
        pp.process(target, settings: s, into: &c)
        #expect(fnv(a) != fnv(c))
        // Grain moves a good share of pixels, not just a few.
        var changed = 0
        for i in stride(from: 0, to: a.pixels.count, by: 4) where a.pixels[i + 2] != c.pixels[i + 2] { changed += 1 }
        #expect(changed > 200 * 120 / 5)
        // Another seed also changes it.
        s.frame = 11
        s.seed = 99
        pp.process(target, settings: s, into: &d)
        #expect(fnv(a) != fnv(d))
    }

    // MARK: Bloom

    /// One pixel of light 50 in the dark.
    static func singlePixel(_ w: Int, _ h: Int, at p: (Int, Int)) -> RenderTarget {
        makeTarget(w, h) { x, y in x == p.0 && y == p.1 ? SIMD3(repeating: 50) : .zero }
    }

    @Test func aBrightPixelSpreadsLightToItsNeighboursInEveryDirection() {
        let target = Self.singlePixel(201, 161, at: (100, 80))
        var s = plain()
        s.bloomStrength = 1
        let pp = PostProcessor(width: 201, height: 161, pool: WorkerPool(threads: 2))
        var bloomed = Image8(width: 201, height: 161), dry = bloomed
        pp.process(target, settings: plain(), into: &dry)
        pp.process(target, settings: s, into: &bloomed)  // last, so bloomLight describes it
        for d in [3, 6, 12] {
            for (dx, dy) in [(d, 0), (-d, 0), (0, d), (0, -d)] {
                #expect(dry[100 + dx, 80 + dy].x == 0)
                #expect(bloomed[100 + dx, 80 + dy].x > 0, "no bloom at offset (\(dx), \(dy))")
            }
        }
        // Falls off with distance, and about equally in all four directions (the mip grid is
        // not centred on the pixel, so only approximately).
        for d in [4, 8, 16] {
            let l = pp.bloomLight(x: 100 - d, y: 80).x, r = pp.bloomLight(x: 100 + d, y: 80).x
            let u = pp.bloomLight(x: 100, y: 80 - d).x, dn = pp.bloomLight(x: 100, y: 80 + d).x
            let values = [l, r, u, dn]
            #expect(values.min()! > 0.6 * values.max()!, "asymmetric at distance \(d): \(values)")
        }
        #expect(pp.bloomLight(x: 104, y: 80).x > pp.bloomLight(x: 116, y: 80).x)
        #expect(pp.bloomLight(x: 116, y: 80).x > pp.bloomLight(x: 140, y: 80).x)
    }

    @Test func aSymmetricSceneGivesAMirrorSymmetricBloom() {
        // A 2×2 block at the centre of an even-sized image: the mip grid is symmetric too.
        let n = 128
        let target = makeTarget(n, n) { x, y in (63...64).contains(x) && (63...64).contains(y) ? SIMD3(40, 20, 10) : .zero }
        var s = plain()
        s.bloomStrength = 1
        let pp = PostProcessor(width: n, height: n, pool: WorkerPool(threads: 2))
        var image = Image8(width: n, height: n)
        pp.process(target, settings: s, into: &image)
        var worst: Float = 0
        for y in stride(from: 0, to: n, by: 3) {
            for x in stride(from: 0, to: n, by: 3) {
                let a = pp.bloomLight(x: x, y: y)
                for b in [pp.bloomLight(x: n - 1 - x, y: y), pp.bloomLight(x: x, y: n - 1 - y), pp.bloomLight(x: y, y: x)] {
                    let diff = (a - b).replacing(with: b - a, where: a .< b)
                    worst = max(worst, max(diff.x, diff.y, diff.z) / max(a.x, 1e-6))
                }
            }
        }
        #expect(worst < 1e-4)
        #expect(pp.bloomLight(x: 40, y: 64).x > 0)
    }

    @Test func addedLightScalesWithBloomStrength() {
        let target = TestScenes.deepWater(width: 160, height: 96)
        let pp = PostProcessor(width: 160, height: 96, pool: WorkerPool(threads: 2))
        var image = Image8(width: 160, height: 96)
        func total(_ strength: Float) -> (light: Double, bytes: Int) {
            var s = plain()
            s.bloomStrength = strength
            pp.process(target, settings: s, into: &image)
            var light = 0.0
            for y in 0..<96 { for x in 0..<160 { let l = pp.bloomLight(x: x, y: y); light += Double(l.x + l.y + l.z) } }
            return (light, image.pixels.reduce(0) { $0 + Int($1) })
        }
        let none = total(0), half = total(0.5), full = total(1)
        #expect(none.light == 0)
        #expect(half.light > 0)
        #expect(abs(full.light / half.light - 2) < 1e-3)
        #expect(full.bytes > half.bytes && half.bytes > none.bytes)
    }

    @Test func blackStaysBlackWithEveryEffectOn() {
        let target = makeTarget(97, 61) { _, _ in .zero }
        var s = Self.everything(frame: 5)
        s.glitch = 0  // glitch blocks may lift black on purpose
        s.dither = true
        let image = TestScenes.process(target, s)
        #expect(image.pixels.enumerated().allSatisfy { $0.offset % 4 == 3 ? $0.element == 255 : $0.element == 0 })
    }

    // MARK: Tone mapping

    @Test func toneMappingIsMonotonicFromZeroToWhiteAndMatchesTheReference() {
        // Linear light from 0 to 1000, log-spaced.
        let n = 512
        func value(_ x: Int) -> Float { x == 0 ? 0 : powf(10, -5 + 8 * Float(x) / Float(n - 1)) }
        let target = makeTarget(n, 1) { x, _ in SIMD3(repeating: value(x)) }
        let image = TestScenes.process(target, plain())
        var previous: UInt8 = 0
        var worst: Float = 0
        for x in 0..<n {
            let v = image[x, 0].x
            #expect(v >= previous, "not monotonic at \(x)")
            previous = v
            worst = max(worst, abs(Float(v) - reference255(value(x))))
        }
        #expect(image[0, 0].x == 0)
        #expect(image[n - 1, 0].x >= 254)
        // Rounding to the nearest step: within half a step plus a hair.
        #expect(worst < 0.52)
    }

    @Test func nanAndInfinityDoNotSpreadAcrossTheFrame() {
        let grey = SIMD3<Float>(repeating: 0.3)
        func scene(_ bad: Bool) -> RenderTarget {
            makeTarget(120, 80) { x, y in
                switch (x, y) {
                case (30, 20): return bad ? SIMD3(repeating: .nan) : .zero
                case (31, 20): return bad ? SIMD3(-.infinity, .nan, 5) : SIMD3(0, 0, 5)
                case (90, 60): return bad ? SIMD3(-1, -1, -1) : .zero
                default: return grey
                }
            }
        }
        var s = Self.everything(frame: 1)
        s.bloomThreshold = 0.1  // the grey blooms too, so NaN would reach the whole chain
        s.glitch = 0
        // NaN and negative light count as black, −inf as 0: the same bytes as a clean scene
        // with those values, everywhere.
        let clean = TestScenes.process(scene(false), s), dirty = TestScenes.process(scene(true), s)
        #expect(clean == dirty)
        #expect(dirty[30, 22].x > 0)

        // +inf is as bright as the chain allows: white, and a halo, not a black hole.
        let hot = makeTarget(64, 64) { x, y in x == 32 && y == 32 ? SIMD3(repeating: .infinity) : SIMD3(repeating: 0.01) }
        var h = plain()
        h.bloomStrength = 0.5
        let image = TestScenes.process(hot, h)
        #expect(image[32, 32] == SIMD4(255, 255, 255, 255))
        #expect(image[40, 32].x > image[2, 2].x)
    }

    // MARK: Dither

    @Test func ditherBreaksUpBandingAndKeepsTheMean() {
        // A slow dark gradient: about 5 steps over 1024 pixels.
        let w = 1024, h = 16
        func value(_ x: Int) -> Float { 0.012 + 0.006 * Float(x) / Float(w - 1) }
        let target = makeTarget(w, h) { x, _ in SIMD3(repeating: value(x)) }
        var s = plain()
        let banded = TestScenes.process(target, s)
        s.dither = true
        s.frame = 3
        let dithered = TestScenes.process(target, s)

        func longestRun(_ image: Image8, row y: Int) -> Int {
            var best = 1, run = 1
            for x in 1..<w { run = image[x, y].z == image[x - 1, y].z ? run + 1 : 1; best = max(best, run) }
            return best
        }
        #expect(longestRun(banded, row: 5) > 100)
        // Where the signal sits on a step, TPDF dither keeps it there with p = 3/4, so runs of
        // 20 to 30 happen; banding gives runs of hundreds.
        for y in 0..<h { #expect(longestRun(dithered, row: y) < 50) }

        // Mean over 64-pixel windows (all rows) against the exact unrounded value.
        for x0 in stride(from: 0, to: w, by: 64) {
            var sum = 0.0, exact = 0.0
            for y in 0..<h { for x in x0..<(x0 + 64) {
                sum += Double(dithered[x, y].z)
                exact += Double(reference255(value(x)))
            } }
            #expect(abs(sum - exact) / Double(64 * h) < 0.5, "window at \(x0)")
        }
    }

    // MARK: Chromatic aberration and vignette

    @Test func chromaticAberrationIsZeroAtTheCentreAndGrowsTowardTheCorners() {
        let w = 201, h = 151
        // A smooth pattern with a period (24) well above the largest offset, so that the change
        // grows with the offset.
        let target = makeTarget(w, h) { x, y in
            SIMD3(repeating: 0.3 + 0.25 * sinf(Float(x) * .pi / 12) + 0.25 * sinf(Float(y) * .pi / 12))
        }
        var s = plain()
        let sharp = TestScenes.process(target, s)
        s.chromaticAberration = 4
        let split = TestScenes.process(target, s)
        // The green channel never moves; the centre pixel does not move at all.
        for y in 0..<h { for x in 0..<w { #expect(sharp[x, y].y == split[x, y].y) } }
        #expect(sharp[100, 75] == split[100, 75])
        func redChange(_ cx: Int, _ cy: Int) -> Int {
            var sum = 0
            for y in (cy - 6)...(cy + 6) { for x in (cx - 6)...(cx + 6) { sum += abs(Int(sharp[x, y].x) - Int(split[x, y].x)) } }
            return sum
        }
        let centre = redChange(100, 75), middle = redChange(150, 112), corner = redChange(193, 143)
        #expect(centre < middle && middle < corner, "\(centre) \(middle) \(corner)")
        #expect(corner > 4 * max(centre, 1))
    }

    @Test func smallAndLargeAberrationsAgreeWhereTheyMeet() {
        // Up to 12 pixels red and blue are read with unaligned loads, beyond with gathers. A
        // 0.2-pixel step across that boundary must change the image as much as a 0.2-pixel
        // step on either side of it, not more (an off-by-one would show as a jump).
        let w = 201, h = 151
        let target = makeTarget(w, h) { x, y in
            SIMD3(repeating: 0.3 + 0.25 * sinf(Float(x) * .pi / 12) + 0.25 * sinf(Float(y) * .pi / 12))
        }
        func image(_ aberration: Float) -> Image8 {
            var s = plain()
            s.chromaticAberration = aberration
            return TestScenes.process(target, s)
        }
        func meanChange(_ a: Image8, _ b: Image8) -> Double {
            var sum = 0
            for i in stride(from: 0, to: a.pixels.count, by: 4) {
                sum += abs(Int(a.pixels[i]) - Int(b.pixels[i])) + abs(Int(a.pixels[i + 2]) - Int(b.pixels[i + 2]))
            }
            return Double(sum) / Double(2 * w * h)
        }
        let a = image(11.7), b = image(11.9), c = image(12.1), d = image(12.3)
        let below = meanChange(a, b), across = meanChange(b, c), above = meanChange(c, d)
        #expect(below > 0.1 && above > 0.1, "\(below) \(above)")
        #expect(across < 1.5 * max(below, above), "\(below) \(across) \(above)")
        #expect(across > 0.5 * min(below, above), "\(below) \(across) \(above)")
    }

    @Test func vignetteKeepsTheCentreAndDarkensTheCorners() {
        let target = makeTarget(161, 101) { _, _ in SIMD3(repeating: 0.4) }
        var s = plain()
        let flat = TestScenes.process(target, s)
        s.vignette = 0.6
        let image = TestScenes.process(target, s)
        #expect(image[80, 50] == flat[80, 50])
        #expect(Float(image[0, 0].x) < 0.8 * Float(flat[0, 0].x))
        #expect(image[160, 100].x == image[0, 0].x)
        // Darker all the way along the diagonal toward the corner.
        var previous = image[80, 50].x
        for t in 1...8 {
            let v = image[80 - t * 10, 50 - t * 50 / 8].x
            #expect(v <= previous)
            previous = v
        }
    }

    // MARK: Glitch

    /// Colour that varies along x, so any horizontal displacement shows.
    static func stripes(_ w: Int, _ h: Int) -> RenderTarget {
        makeTarget(w, h) { x, y in SIMD3(Float(x % 17) / 17, Float((x / 3) % 5) / 5, Float(y % 7) / 14) }
    }

    @Test func glitchZeroChangesNothingWhateverTheSeed() {
        let target = Self.stripes(150, 90)
        var s = plain()
        let base = TestScenes.process(target, s)
        for (seed, frame) in [(UInt64(1), 0), (2, 17), (99, 123)] {
            s.seed = seed
            s.frame = frame
            #expect(TestScenes.process(target, s) == base)
        }
    }

    @Test func fullGlitchChangesAMeasurableFractionOfRows() {
        let w = 240, h = 180
        let target = Self.stripes(w, h)
        let base = TestScenes.process(target, plain())
        var fractions: [Double] = []
        for frame in 0..<4 {
            var s = plain()
            s.glitch = 1
            s.seed = 5
            s.frame = frame
            let g = TestScenes.process(target, s)
            var rows = 0
            for y in 0..<h where (0..<w).contains(where: { g[$0, y] != base[$0, y] }) { rows += 1 }
            fractions.append(Double(rows) / Double(h))
        }
        let mean = fractions.reduce(0, +) / Double(fractions.count)
        #expect(mean > 0.15 && mean < 0.95, "\(fractions)")
        // Different frames glitch differently.
        #expect(Set(fractions).count > 1)
    }

    // MARK: Sizes and presets

    @Test(arguments: [(1, 1), (2, 1), (1, 3), (7, 5), (333, 219), (65, 64)])
    func oddSizesWork(width: Int, height: Int) {
        let target = makeTarget(width, height) { _, _ in SIMD3(0.2, 0.3, 0.4) }
        // A uniform image stays uniform under bloom (within rounding) and gives the same colour at
        // every size.
        var s = plain()
        s.bloomStrength = 0.7
        s.bloomThreshold = 0.1
        s.bloomLevels = 8
        let image = TestScenes.process(target, s)
        let one = TestScenes.process(makeTarget(1, 1) { _, _ in SIMD3(0.2, 0.3, 0.4) }, s)[0, 0]
        for y in 0..<height { for x in 0..<width {
            let d = SIMD4<Int>(truncatingIfNeeded: image[x, y]) &- SIMD4<Int>(truncatingIfNeeded: one)
            #expect(abs(d.x) <= 1 && abs(d.y) <= 1 && abs(d.z) <= 1, "(\(x), \(y))")
        } }
        // Everything at once must not trap.
        var all = Self.everything(frame: 2)
        all.glitch = 1
        all.chromaticAberration = 30
        all.bloomLevels = 8
        _ = TestScenes.process(TestScenes.deepWater(width: width, height: height, glows: 3), all, threads: 3)
    }

    @Test func presetsAndLimitsFollowTheRichness() {
        #expect(EffectSettings.preset(.minimal).bloomStrength == 0)
        #expect(EffectSettings.preset(.standard).bloomStrength > 0)
        #expect(EffectSettings.preset(.rich).grain > 0)
        var s = EffectSettings.preset(.rich)
        s.glitch = 0.5
        s.chromaticAberration = 2
        let minimal = s.limited(to: .minimal), standard = s.limited(to: .standard)
        #expect(minimal.bloomStrength == 0 && minimal.vignette == 0 && minimal.glitch == 0 && minimal.dither)
        #expect(standard.bloomStrength > 0 && standard.bloomLevels <= 3 && standard.glitch == 0 && standard.chromaticAberration == 0)
        #expect(s.limited(to: .rich) == s)
    }
}

@Test func bloomUsesOneLevelPerOctaveOfHeight() {
    var s = EffectSettings()
    s.bloomLevels = 5
    // 1080 lines: as set; each halving of the height drops one level, each doubling adds one.
    #expect([1080, 1200, 768, 720, 540, 270, 135, 2160, 4320, 1].map { s.bloomLevels(forHeight: $0) }
            == [5, 5, 5, 4, 4, 3, 2, 6, 7, 1])
    s.bloomLevels = 8
    #expect(s.bloomLevels(forHeight: 4320) == 8)
}
