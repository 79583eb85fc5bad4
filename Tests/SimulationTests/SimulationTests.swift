import Mind
import RealModule
import Simulation
import Stimuli
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Steering")
struct SteeringTests {
    let agent = Agent(position: .zero, velocity: .zero, maxSpeed: 1, maxForce: 2)

    @Test("seek pulls toward the target, flee pushes away inside its radius only")
    func seekAndFlee() {
        let target = SIMD2<Double>(1, 0)
        #expect(agent.seek(target).x > 0)
        #expect(agent.flee(SIMD2(0.5, 0), radius: 1).x < 0)
        #expect(agent.flee(SIMD2(5, 0), radius: 1) == .zero)
    }

    @Test("arrive slows down inside the slowing radius and stops at the target")
    func arrive() {
        var a = agent
        for _ in 0..<600 { a.integrate(a.arrive(SIMD2(1, 0), slowRadius: 0.5), dt: 1.0 / 60) }
        #expect((a.position - SIMD2(1, 0)).length < 0.02)
        #expect(a.velocity.length < 0.05)
        var b = agent
        for _ in 0..<600 { b.integrate(b.seek(SIMD2(1, 0)), dt: 1.0 / 60) }
        // Plain seek keeps overshooting and oscillating at speed.
        #expect(b.velocity.length > a.velocity.length)
    }

    @Test("wander is seeded: the same seed gives the same path, another seed another")
    func wanderSeeded() {
        func path(_ seed: UInt64) -> SIMD2<Double> {
            var rng = SplitMix64(seed: seed)
            var a = Agent(position: .zero, velocity: SIMD2(0.5, 0), maxSpeed: 1, maxForce: 2)
            var angle = 0.0
            for _ in 0..<300 { a.integrate(a.wander(angle: &angle, rng: &rng), dt: 1.0 / 60) }
            return a.position
        }
        #expect(path(1) == path(1))
        #expect(path(1) != path(2))
    }

    @Test("darts respect their cooldown")
    func dartsCooldown() {
        var d = Darts(cooldown: 2, duration: 0.3)
        let first = d.start(toward: SIMD2(1, 0))
        #expect(first)
        #expect(d.isActive)
        d.advance(0.5)
        #expect(!d.isActive)
        let tooSoon = d.start(toward: SIMD2(1, 0))
        #expect(!tooSoon)
        d.advance(1.6)
        let again = d.start(toward: SIMD2(0, 1))
        #expect(again)
    }
}

@Suite("Spine")
struct SpineTests {
    @Test("following keeps every segment at its length")
    func segmentLengths() {
        var s = Spine(head: .zero, direction: SIMD2(1, 0), count: 20, length: 0.6)
        for i in 0..<200 { s.follow(head: SIMD2(Double(i) * 0.01, 0.2 * Double(i % 7))) }
        for i in 1..<s.count { #expect(abs((s.joints[i] - s.joints[i - 1]).length - s.segmentLength) < 1e-9) }
    }

    @Test("the travelling wave's amplitude grows toward the tail, and the wave travels")
    func waveGrowsTowardTail() {
        var s = Spine(head: .zero, direction: SIMD2(1, 0), count: 21, length: 1)
        var maxOffset = [Double](repeating: 0, count: 21)
        var out: [SIMD2<Double>] = []
        var firstTailPeak: Int?
        for step in 0..<240 {
            s.advanceWave(omega: 2 * Double.pi, dt: 1.0 / 60)
            s.waved(tailAmplitude: 0.1, into: &out)
            for i in 0..<21 { maxOffset[i] = max(maxOffset[i], abs(out[i].y)) }
            if firstTailPeak == nil, abs(out[20].y) > 0.099 { firstTailPeak = step }
        }
        for i in 1..<21 { #expect(maxOffset[i] >= maxOffset[i - 1] - 1e-9) }
        #expect(maxOffset[0] < 0.2 * maxOffset[20])
        #expect(abs(maxOffset[20] - 0.1) < 0.002)
        #expect(Spine.amplitude(1, tailAmplitude: 1) == 1)
    }
}

@Suite("Timing and easing")
struct TimingTests {
    @Test("frames map to steps with integer arithmetic")
    func framePositions() {
        let a = FixedStep.position(frame: 10, fps: 60)
        #expect(a.step == 10 && a.alpha == 0)
        let p = FixedStep.position(frame: 1, fps: 24)
        #expect(p.step == 2 && abs(p.alpha - 0.5) < 1e-12)
        let q = FixedStep.position(frame: 24, fps: 24)
        #expect(q.step == 60 && q.alpha == 0)
        let r = FixedStep.position(frame: 1, fps: 120)
        #expect(r.step == 0 && r.alpha == 0.5)
    }

    @Test("easings start at 0 and end at 1; easeOutElastic overshoots and settles", arguments: Easing.allCases)
    func easings(e: Easing) {
        #expect(abs(e(0)) < 1e-9)
        #expect(abs(e(1) - 1) < 1e-9)
        if e == .easeOutElastic {
            let peak = stride(from: 0.0, through: 1, by: 0.01).map { e($0) }.max()!
            #expect(peak > 1.1)
        }
    }

    @Test("the shot list is continuous inside the opening and the loop, and loops")
    func shotList() {
        let list = ShotList.emergence
        var previous = list.pose(at: 0).pose
        var shotsSeen = Set<Int>()
        for i in 1...(60 * 40) {
            let (pose, shot) = list.pose(at: Double(i) / 60)
            shotsSeen.insert(shot)
            let jump = ((pose.position - previous.position) * (pose.position - previous.position)).sum().squareRoot()
            // easeOutElastic zooms move fast, but the camera never teleports.
            #expect(jump < 0.15, "a jump of \(jump) at \(Double(i) / 60) s")
            #expect(abs(pose.fov - previous.fov) < 3)
            previous = pose
        }
        #expect(shotsSeen.count == list.shots.count)
        let moves = Set(list.shots.map { "\($0.move)".prefix(while: { $0 != "(" }) })
        #expect(moves == ["hold", "zoom", "orbit", "dolly", "pan"])
    }

    @Test("an orbit keeps its distance to the look-at point")
    func orbitKeepsDistance() {
        let start = CameraPose(position: SIMD3(0, 1, 3), lookAt: SIMD3(0, 1, 0), fov: 40)
        let shot = Shot(.orbit(degrees: 90, rise: 0), duration: 1, easing: .linear)
        for p in stride(from: 0.0, through: 1, by: 0.1) {
            let q = shot.pose(from: start, progress: p)
            let d = ((q.position - q.lookAt) * (q.position - q.lookAt)).sum().squareRoot()
            #expect(abs(d - 3) < 1e-9)
        }
    }
}

@Suite("Figure sampling")
struct FigureTests {
    @Test("surface samples land on parts in proportion to their area")
    func areaWeighted() {
        let big = Primitive.sphere(centre: SIMD3(0, 0, 0), radius: 2)
        let small = Primitive.box(centre: SIMD3(10, 0, 0), half: SIMD3(0.5, 0.5, 0.5))
        let figure = Figure(parts: [big, small])
        var rng = SplitMix64(seed: 3)
        let samples = figure.sampleSurface(count: 40_000, rng: &rng)
        let onSmall = samples.filter { $0.point.x > 5 }.count
        let expected = small.area / figure.area
        #expect(abs(Double(onSmall) / 40_000 - expected) < 0.01)
        // Every sample is on its part's surface.
        for s in samples where s.point.x < 5 {
            #expect(abs((s.point * s.point).sum().squareRoot() - 2) < 1e-9)
        }
    }

    @Test("capsule samples lie at the radius from the axis segment")
    func capsuleSurface() {
        let c = Primitive.capsule(a: SIMD3(0, 0, 0), b: SIMD3(0, 1, 0), radius: 0.2)
        var rng = SplitMix64(seed: 9)
        for _ in 0..<2000 {
            let (p, n) = c.sample(&rng)
            let y = min(1, max(0, p.y))
            let d = ((p - SIMD3(0, y, 0)) * (p - SIMD3(0, y, 0))).sum().squareRoot()
            #expect(abs(d - 0.2) < 1e-9)
            #expect(abs((n * n).sum() - 1) < 1e-9)
        }
    }
}

@Suite("Fast sine")
struct FastSineTests {
    @Test("fastSin and fastCos stay within 2e-4 of libm over many periods")
    func accuracy() {
        var worst: Float = 0
        for i in -20_000...20_000 {
            let x = Float(i) * 0.0037
            worst = max(worst, abs(fastSin(x) - Float.sin(x)), abs(fastCos(x) - Float.cos(x)))
        }
        #expect(worst < 2e-4)
    }
}

@Suite("Spine bending")
struct SpineBendTests {
    @Test("a sharp turn of the head never folds the body beyond the bend limit")
    func bendLimit() {
        var s = Spine(head: .zero, direction: SIMD2(1, 0), count: 20, length: 0.6)
        // Reverse the head's direction abruptly.
        for i in 0..<60 { s.follow(head: SIMD2(-Double(i) * 0.02, 0.001 * Double(i)), maxBend: 0.1) }
        for i in 2..<s.count {
            let a = (s.joints[i - 1] - s.joints[i - 2]).normalized, b = (s.joints[i] - s.joints[i - 1]).normalized
            let angle = acos(min(1, max(-1, a.x * b.x + a.y * b.y)))
            #expect(angle <= 0.1 + 1e-6)
        }
    }
}
