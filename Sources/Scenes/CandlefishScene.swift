import Mind
import Raster
import RealModule
import Simulation

/// A frame's draws, the clear colour and the post-processing it asks for.
public struct SceneFrame {
    public var draws: [DrawCall] = []
    public var clearColor = SIMD4<Float>(0, 0, 0, 1)
    public var look = Look()
    /// How many of the first draws are the backdrop (the water, the sky: what a transparent
    /// render, `render --background transparent`, leaves out). 0: none.
    public var backdropDraws = 0
    public init() {}
}

/// Builds the candlefish's draw list from the world: a deep-water gradient, light shafts and
/// caustics, marine snow, the lit body (a swept tube along the waved spine), fins, eyes, the
/// lure, photophores, the trail, food, sparkles, bubbles and ripples. Buffers are reused.
public final class CandlefishScene {
    public let width: Int, height: Int
    public let richness: Richness
    let camera: Camera
    /// Camera distance: the plane z = 0 spans y ∈ [−1, 1].
    static let fov: Float = 40
    let background = ColorMesh(), shafts = ColorMesh(), body = ColorMesh(), fins = ColorMesh()
    let eyes = ColorMesh(), ripples = ColorMesh(), ribbon = ColorMesh()
    let snow = SpriteBatch(), glowMood = SpriteBatch(), glowWhite = SpriteBatch(), glowWarm = SpriteBatch()
    let caustics = SpriteBatch(), bubbleBatch = SpriteBatch(), trail = SpriteBatch()
    var waved: [SIMD2<Double>] = [], previousWaved: [SIMD2<Double>] = []
    var frame = SceneFrame()

    public init(width: Int, height: Int, richness: Richness) {
        self.width = width
        self.height = height
        self.richness = richness
        let d = 1 / Float.tan(Self.fov * Float.pi / 360)
        camera = Camera(eye: SIMD3(0, 0, d), target: .zero, fovDegrees: Self.fov, width: width, height: height)
    }

    /// Empties the previous frame's draw list so the batches' arrays are uniquely owned again
    /// (they are then rebuilt in place without copying).
    func recycle() {
        frame.draws.removeAll(keepingCapacity: true)
        for m in [background, shafts, body, fins, eyes, ripples, ribbon] { m.reset() }
        for b in [snow, glowMood, glowWhite, glowWarm, caustics, bubbleBatch] { b.reset() }
    }

    /// The frame at time `time`, `alpha` of the way from the world's previous step to its
    /// current one (1: exactly at the current step).
    public func frame(world: CandlefishWorld, mood: Mood, expression e: Expression, time: Double, alpha: Double) -> SceneFrame {
        recycle()
        let t = Float(time)
        let moodColour = Palette.linear(mood.colour)
        let glow = Float(e.glow(time: time, speedFraction: world.speedFraction))

        // Background: deep water, lighter toward the surface, with a hint of the mood.
        let tintBg = moodColour * 0.004
        addGradient(background, stops: [
            (1, SIMD3(0.010, 0.045, 0.075) + tintBg), (0.55, SIMD3(0.005, 0.022, 0.045) + tintBg),
            (0.1, SIMD3(0.0025, 0.011, 0.026)), (-0.5, SIMD3(0.0012, 0.005, 0.013)), (-1, SIMD3(0.0006, 0.002, 0.006)),
        ])
        frame.draws.append(background.draw(transform: .identity, state: RenderState(depthTest: .always, depthWrite: false, blend: .opaque))!)

        addShafts(t)
        addCaustics(t)
        addSnow(world, t)

        // Body.
        world.spine.waved(tailAmplitude: world.tailAmplitude, into: &waved)
        var joints = waved
        if alpha < 1 {
            // Interpolate the chain between the previous step and this one.
            for i in joints.indices { joints[i] = world.previousJoints[i] + (world.spine.joints[i] - world.previousJoints[i]) * alpha + (waved[i] - world.spine.joints[i]) }
        }
        let frames = bodyFrames(joints)
        addBody(frames, moodColour: moodColour, glow: glow, e: e, t: t)
        addFins(frames, moodColour: moodColour, glow: glow, e: e, t: t)
        addEyes(frames, world: world, moodColour: moodColour, e: e, glow: glow)
        addPhotophores(frames, moodColour: moodColour, glow: glow, t: t, e: e)
        addTrail(world, moodColour: moodColour, glow: glow)
        addFoodAndSparkles(world, alpha: alpha, t: t)
        addBubbles(world, alpha: alpha)
        addRipples(world, moodColour: moodColour)

        let vp = camera.viewProjection
        let translucent = RenderState(depthTest: .less, depthWrite: false, blend: .premultipliedAlpha, cull: .none)
        let additiveDepth = RenderState(depthTest: .less, depthWrite: false, blend: .additive, cull: .none)
        let order: [DrawCall?] = [
            // Shafts, the trail and ripples fade to nothing at their edges: no samples needed.
            shafts.draw(transform: .identity, state: RenderState.additive.softEdged),
            caustics.draw(tint: SIMD3(0.25, 0.6, 0.7)),
            body.draw(transform: vp, state: RenderState(cull: .back)),
            eyes.draw(transform: vp, state: .opaque),
            fins.draw(transform: vp, state: translucent),
            snow.draw(tint: SIMD3(0.55, 0.7, 0.75), state: additiveDepth),
            ribbon.draw(transform: vp, state: additiveDepth.softEdged),
            glowMood.draw(tint: moodColour, state: additiveDepth),
            glowWarm.draw(tint: SIMD3(1.0, 0.78, 0.45), state: additiveDepth),
            glowWhite.draw(tint: SIMD3(0.85, 0.95, 1.0), state: additiveDepth),
            bubbleBatch.draw(tint: SIMD3(0.45, 0.75, 0.9), state: additiveDepth),
            ripples.draw(transform: vp, state: RenderState.additive.softEdged),
        ]
        // The backdrop: the water's gradient, the light shafts and the caustics.
        frame.backdropDraws = 1 + order.prefix(2).count { $0 != nil }
        for d in order { if let d { frame.draws.append(d) } }

        frame.clearColor = SIMD4(0, 0, 0, 1)
        var look = Look()
        look.exposure = 1.15
        switch richness {
        case .minimal: look.bloomStrength = 0
        case .standard: look.bloomStrength = 0.55
        case .rich: look.bloomStrength = 0.8
        }
        look.bloomThreshold = 0.8
        look.vignette = 0.35
        look.grain = richness == .rich ? 0.012 : 0
        frame.look = look
        return frame
    }

    // MARK: Environment

    func addShafts(_ t: Float) {
        let count = richness == .minimal ? 3 : 5
        for i in 0..<count {
            let fi = Float(i)
            let x = -0.9 + 0.45 * fi + 0.08 * Float.sin(t * 0.13 + fi * 1.7)
            let w: Float = 0.05 + 0.04 * Float.sin(fi * 2.3 + 1)
            let slant: Float = 0.35
            let a = 0.012 * (0.6 + 0.4 * Float.sin(t * 0.35 + fi * 2.1))
            let c = SIMD4<Float>(0.35 * a, 0.85 * a, a, 0)
            let p0 = shafts.vertex(SIMD3(x - w, 1, 0.5), c)
            let p1 = shafts.vertex(SIMD3(x + w, 1, 0.5), c)
            let p2 = shafts.vertex(SIMD3(x + w * 3 + slant, -0.6, 0.5), .zero)
            let p3 = shafts.vertex(SIMD3(x - w * 3 + slant, -0.6, 0.5), .zero)
            shafts.quad(p0, p1, p2, p3)
        }
    }

    /// Faint caustics: soft patches near the surface whose brightness is a product of
    /// drifting sine waves, so they shimmer and move like light through waves.
    func addCaustics(_ t: Float) {
        let cols = richness == .minimal ? 8 : 14, rows = 3
        let r = camera.half(pixels: camera.height * 0.09)
        for j in 0..<rows {
            for i in 0..<cols {
                let x = -1 + 2 * (Float(i) + 0.5) / Float(cols) + 0.03 * Float.sin(t * 0.5 + Float(j))
                let y = 0.95 - 0.16 * Float(j)
                let s = Float.sin(x * 7 + t * 0.9) * Float.sin(x * 3.1 - t * 0.6 + Float(j) * 1.3) * Float.sin(t * 0.7 + Float(i * 3 + j))
                let k = max(0, s) * 0.05 * (1 - 0.3 * Float(j))
                if k > 0.002 { caustics.add(SIMD3(x, y, 0.99), half: r, intensity: k) }
            }
        }
    }

    func addSnow(_ world: CandlefishWorld, _ t: Float) {
        for f in world.snow {
            let p = SIMD3<Float>(Float(f.position.x), Float(f.position.y), Float(f.position.z))
            guard let s = camera.sprite(p, radius: 0.0045 * Float(f.size), minPixels: 0.8) else { continue }
            let depthFade = 0.35 + 0.65 * min(1, max(0, (p.z + 3) / 3.7))
            let twinkle = 0.8 + 0.2 * Float.sin(t * 1.3 + Float(f.swayPhase) * 5)
            snow.add(s, intensity: 0.32 * Float(f.brightness) * depthFade * twinkle)
        }
    }

    // MARK: The fish

    /// A cross-section frame of the body at one joint.
    struct BodyFrame {
        var centre: SIMD3<Float>
        var forward: SIMD3<Float>
        var dorsal: SIMD3<Float>
        var lateral: SIMD3<Float>
        var height: Float
        var width: Float
        var x: Float
    }

    /// Body half-height at x (0 head … 1 tail), in world units.
    static func profile(_ x: Float) -> Float {
        let body = Float.pow(max(0, Float.sin(Float.pi * Float.pow(x, 0.6))), 0.75) * (1 - 0.5 * x)
        return CandlefishWorld.fishLengthF * (0.012 + 0.105 * body)
    }

    func bodyFrames(_ joints: [SIMD2<Double>]) -> [BodyFrame] {
        let n = joints.count
        var out = [BodyFrame]()
        out.reserveCapacity(n)
        for i in 0..<n {
            let a = i == 0 ? joints[0] - joints[1] : (i == n - 1 ? joints[n - 2] - joints[n - 1] : joints[i - 1] - joints[i + 1])
            let f2 = a.normalized
            let forward = SIMD3<Float>(Float(f2.x), Float(f2.y), 0)
            // Dorsal side up; when the fish turns, its back rolls toward the viewer.
            let sigma = max(-1, min(1, forward.x / 0.35))
            let perp = SIMD3<Float>(-forward.y, forward.x, 0)
            let dorsal = normalize(perp * sigma + SIMD3(0, 0, (1 - sigma * sigma).squareRoot()))
            let lateral = cross(forward, dorsal)
            let x = Float(i) / Float(n - 1)
            let h = Self.profile(x)
            out.append(BodyFrame(centre: SIMD3(Float(joints[i].x), Float(joints[i].y), 0), forward: forward,
                                 dorsal: dorsal, lateral: lateral, height: h, width: h * 0.62, x: x))
        }
        return out
    }

    func addBody(_ frames: [BodyFrame], moodColour: SIMD3<Float>, glow: Float, e: Expression, t: Float) {
        let ring = richness == .minimal ? 12 : 20
        let light = normalize(SIMD3<Float>(0.25, 0.85, 0.6))
        let viewDir = SIMD3<Float>(0, 0, 1)
        let darkSkin = SIMD3<Float>(0.010, 0.018, 0.032)
        let base = UInt32(body.positions.count)
        for f in frames {
            for j in 0..<ring {
                let phi = Float(j) / Float(ring) * 2 * Float.pi
                let c = Float.cos(phi), s = Float.sin(phi)
                let p = f.centre + f.dorsal * (c * f.height) + f.lateral * (s * f.width)
                let n = normalize(f.dorsal * (c * f.width) + f.lateral * (s * f.height))
                let diffuse = max(0, dot(n, light))
                let facing = abs(dot(n, viewDir))
                let rim = Float.pow(1 - facing, 2.2)
                let belly = max(0, -c)
                // Translucent dark skin over a lit core: dim diffuse, a mood-coloured rim and a
                // glowing belly, with faint stripes along the body.
                let stripe = 0.85 + 0.15 * Float.sin(f.x * 46 - t * 1.5)
                var col = darkSkin * (0.4 + 1.6 * diffuse) + moodColour * (0.025 + 0.11 * diffuse) * stripe
                col += moodColour * (rim * (0.45 + 1.6 * glow))
                col += moodColour * (belly * belly * 0.35 * glow)
                body.vertex(p, SIMD4(col, 1))
            }
        }
        let r = UInt32(ring)
        for i in 0..<(UInt32(frames.count) - 1) {
            for j in 0..<r {
                let a = base + i * r + j, b = base + i * r + (j + 1) % r
                body.quad(a, a + r, b + r, b)
            }
        }
        // Close the snout with a fan. Every face is counter-clockwise seen from outside, so the
        // far side of the tube is culled instead of drawn and hidden.
        let nose = body.vertex(frames[0].centre + frames[0].forward * 0.012, SIMD4(moodColour * 0.2, 1))
        for j in 0..<r { body.triangle(nose, base + j, base + (j + 1) % r) }
    }

    func finColour(_ moodColour: SIMD3<Float>, _ glow: Float, alpha: Float, bright: Float) -> SIMD4<Float> {
        // Premultiplied: the colour already carries alpha.
        SIMD4(moodColour * (0.15 + bright * glow) * alpha, alpha)
    }

    func addFins(_ frames: [BodyFrame], moodColour: SIMD3<Float>, glow: Float, e: Expression, t: Float) {
        let spread = Float(0.35 + 0.65 * e.finSpread)
        let n = frames.count
        // Dorsal fin: a sail along the back from x = 0.28 to 0.62, with rays.
        strip(frames, from: 0.28, to: 0.62, side: { $0.dorsal }, height: { x in
            0.1 * spread * Float.pow(Float.sin(Float.pi * x), 0.7) * (0.85 + 0.15 * Float.sin(t * 4 + x * 6))
        }, moodColour: moodColour, glow: glow)
        // Anal fin under the tail.
        strip(frames, from: 0.56, to: 0.78, side: { -$0.dorsal }, height: { x in
            0.05 * spread * Float.sin(Float.pi * x)
        }, moodColour: moodColour, glow: glow)
        // Tail fin: a fork behind the last joint, in the dorsal plane.
        let tail = frames[n - 1], before = frames[n - 3]
        let back = normalize(tail.centre - before.centre)
        let size = 0.12 * (0.7 + 0.3 * spread)
        let root = tail.centre
        let inner = SIMD4<Float>(moodColour * (0.3 * glow) * 0.55, 0.55)
        let outer = finColour(moodColour, glow, alpha: 0.25, bright: 1.5)
        let r0 = fins.vertex(root + tail.dorsal * 0.012, inner)
        let r1 = fins.vertex(root - tail.dorsal * 0.012, inner)
        let top = fins.vertex(root + back * size + tail.dorsal * (size * 0.75), outer)
        let notch = fins.vertex(root + back * (size * 0.55), SIMD4(moodColour * 0.2 * glow * 0.3, 0.3))
        let bottom = fins.vertex(root + back * size - tail.dorsal * (size * 0.75), outer)
        fins.triangle(r0, top, notch); fins.triangle(r0, notch, r1); fins.triangle(r1, notch, bottom)
        // Pectoral fins: fans behind the gills on both sides, beating with the mood.
        let gill = frames[Int(Float(n - 1) * 0.22)]
        let beat = Float.sin(t * (5 + 6 * Float(e.finSpread))) * 0.35
        for side in [Float(1), -1] {
            let rootP = gill.centre + gill.lateral * (side * gill.width * 0.9) - gill.dorsal * (gill.height * 0.35)
            let out = normalize(-gill.forward * 0.8 + gill.lateral * (side * (0.25 + 0.6 * spread + beat)) - gill.dorsal * 0.25)
            let len = 0.075 * (0.6 + 0.4 * spread)
            let a = fins.vertex(rootP, finColour(moodColour, glow, alpha: 0.6, bright: 0.4))
            let b = fins.vertex(rootP + out * len + gill.dorsal * (len * 0.35), finColour(moodColour, glow, alpha: 0.3, bright: 1.4))
            let c = fins.vertex(rootP + out * len - gill.dorsal * (len * 0.3), finColour(moodColour, glow, alpha: 0.3, bright: 1.4))
            let d = fins.vertex(rootP - gill.forward * 0.02 - gill.dorsal * 0.01, finColour(moodColour, glow, alpha: 0.5, bright: 0.4))
            fins.triangle(a, b, c); fins.triangle(a, c, d)
        }
    }

    /// A fin strip along the body between x0 and x1, extending from the body surface on `side`.
    func strip(_ frames: [BodyFrame], from x0: Float, to x1: Float, side: (BodyFrame) -> SIMD3<Float>,
               height: (Float) -> Float, moodColour: SIMD3<Float>, glow: Float) {
        let n = frames.count
        let i0 = Int(x0 * Float(n - 1)), i1 = Int(x1 * Float(n - 1))
        var previous: (UInt32, UInt32)?
        for i in i0...i1 {
            let f = frames[i]
            let local = Float(i - i0) / Float(max(1, i1 - i0))
            let dir = side(f)
            let rootP = f.centre + dir * (f.height * 0.9)
            let tip = rootP + normalize(dir - f.forward * 0.35) * height(local)
            let ray: Float = i % 2 == 0 ? 1.6 : 1.0
            let a = fins.vertex(rootP, finColour(moodColour, glow, alpha: 0.5, bright: 0.3))
            let b = fins.vertex(tip, finColour(moodColour, glow, alpha: 0.22, bright: 1.3 * ray))
            if let (pa, pb) = previous { fins.quad(pa, a, b, pb) }
            previous = (a, b)
        }
    }

    func addEyes(_ frames: [BodyFrame], world: CandlefishWorld, moodColour: SIMD3<Float>, e: Expression, glow: Float) {
        let head = frames[2]
        let radius: Float = 0.024
        let dilation = Float(0.3 + 0.55 * e.eyeDilation)
        var look = SIMD3<Float>(0, 0, 0)
        if let g = world.gaze {
            let d = SIMD3<Float>(Float(g.x), Float(g.y), 0) - head.centre
            look = normalize(d) * 0.006
        }
        for side in [Float(1), -1] {
            let outward = head.lateral * side
            let centre = head.centre + outward * (head.width * 0.88) + head.dorsal * (head.height * 0.22) + head.forward * 0.004
            let u = head.forward, v = head.dorsal
            disc(centre, u: u, v: v, radius: radius, colour: SIMD4(moodColour * 0.5 + SIMD3(0.5, 0.5, 0.5) * 0.4, 1), rim: SIMD4(moodColour * (0.8 + glow), 1))
            let pc = centre + outward * 0.004 + look
            disc(pc, u: u, v: v, radius: radius * dilation, colour: SIMD4(0.0, 0.0, 0.005, 1), rim: SIMD4(0.0, 0.0, 0.01, 1))
            if let s = camera.sprite(pc + outward * 0.006 + v * (radius * 0.35) + u * (radius * 0.2), radius: radius * 0.35) {
                glowWhite.add(s, intensity: 2.2)
            }
        }
    }

    func disc(_ c: SIMD3<Float>, u: SIMD3<Float>, v: SIMD3<Float>, radius: Float, colour: SIMD4<Float>, rim: SIMD4<Float>) {
        let segments = 14
        let centre = eyes.vertex(c, colour)
        let first = UInt32(eyes.positions.count)
        for k in 0..<segments {
            let a = Float(k) / Float(segments) * 2 * Float.pi
            eyes.vertex(c + (u * Float.cos(a) + v * Float.sin(a)) * radius, rim)
        }
        for k in 0..<UInt32(segments) { eyes.triangle(centre, first + k, first + (k + 1) % UInt32(segments)) }
    }

    func addPhotophores(_ frames: [BodyFrame], moodColour: SIMD3<Float>, glow: Float, t: Float, e: Expression) {
        let n = frames.count
        // Two rows along each flank of the belly, pulsing in a wave from head to tail.
        for i in stride(from: 3, to: n - 3, by: 1) {
            let f = frames[i]
            for (row, lift) in [(0, Float(-0.5)), (1, Float(-0.05))] where row == 0 ? i % 2 == 1 : i % 3 == 0 {
                for side in [Float(1), -1] {
                    let p = f.centre + f.dorsal * (f.height * lift * 1.02) + f.lateral * (side * f.width * (row == 0 ? 0.8 : 1.0)) * 1.05
                    let pulse = 0.55 + 0.45 * Float.sin(t * 3.2 - f.x * 12 + Float(row))
                    guard let s = camera.sprite(p, radius: row == 0 ? 0.0085 : 0.0065, minPixels: 1.2) else { continue }
                    glowMood.add(s.nearer(by: 0.0006), intensity: (1.6 + 3.2 * glow) * pulse)
                    if let core = camera.sprite(p, radius: 0.0028, minPixels: 0.8) {
                        glowWhite.add(core.nearer(by: 0.0006), intensity: (0.8 + 1.5 * glow) * pulse)
                    }
                }
            }
        }
        // The lure: a stalk arching from the forehead with a bright bulb — the candle.
        let head = frames[1]
        // A quadratic arc: from the forehead, up, then forward and down to the bulb.
        let root = head.centre + head.dorsal * (head.height * 0.95)
        let control = root + head.dorsal * 0.075 + head.forward * 0.01
        let bulb = root + head.dorsal * 0.045 + head.forward * 0.06 + SIMD3(0, 0.004 * Float.sin(t * 2.3), 0)
        for k in 1..<10 {
            let a = Float(k) / 10
            let p = root * ((1 - a) * (1 - a)) + control * (2 * a * (1 - a)) + bulb * (a * a)
            if let s = camera.sprite(p, radius: 0.0035, minPixels: 0.9) { glowMood.add(s, intensity: 0.5 + 0.5 * glow) }
        }
        if let s = camera.sprite(bulb, radius: 0.03 + 0.015 * glow) { glowMood.add(s, intensity: 1.2 + 2.5 * glow) }
        if let s = camera.sprite(bulb, radius: 0.008) { glowWhite.add(s, intensity: 3 + 2 * glow) }
        // A soft halo around the whole fish.
        let mid2 = frames[n / 3]
        if let s = camera.sprite(mid2.centre, radius: 0.42) { glowMood.add(s, intensity: 0.05 + 0.08 * glow) }
    }

    /// The trail: a ribbon through the recent tail positions, bright along its middle and
    /// fading to nothing at its edges and with age (additive light).
    func addTrail(_ world: CandlefishWorld, moodColour: SIMD3<Float>, glow: Float) {
        let points = world.trail
        guard points.count >= 2 else { return }
        var previous: (UInt32, UInt32, UInt32)?
        for i in points.indices {
            let p = points[i]
            let k = Float(1 - p.age / TrailPoint.life)
            let here = SIMD3<Float>(Float(p.position.x), Float(p.position.y), -0.02)
            let j = i + 1 < points.count ? i + 1 : i
            let h = i + 1 < points.count ? i : i - 1
            let d = SIMD2<Float>(Float(points[j].position.x - points[h].position.x), Float(points[j].position.y - points[h].position.y))
            let l = (d * d).sum().squareRoot()
            let n = l > 1e-6 ? SIMD3<Float>(-d.y / l, d.x / l, 0) : SIMD3<Float>(0, 1, 0)
            let width = 0.006 + 0.03 * (1 - k)
            let c = SIMD4<Float>(moodColour * (k * k * (0.12 + 0.3 * glow)), 0)
            let a = ribbon.vertex(here + n * width, .zero)
            let m = ribbon.vertex(here, c)
            let b = ribbon.vertex(here - n * width, .zero)
            if let (pa, pm, pb) = previous {
                ribbon.quad(pa, a, m, pm)
                ribbon.quad(pm, m, b, pb)
            }
            previous = (a, m, b)
        }
    }

    func addFoodAndSparkles(_ world: CandlefishWorld, alpha: Double, t: Float) {
        for f in world.food {
            let q = f.previous + (f.position - f.previous) * alpha
            let p = SIMD3<Float>(Float(q.x), Float(q.y), 0.01)
            if let s = camera.sprite(p, radius: 0.05) { glowWarm.add(s, intensity: 0.35) }
            if let s = camera.sprite(p, radius: 0.011) { glowWarm.add(s, intensity: 3.0) }
        }
        for s in world.sparkles {
            let k = Float(1 - s.age / s.life)
            let tw = 0.6 + 0.4 * Float.sin(Float(s.age) * 40 + Float(s.size) * 10)
            guard let sp = camera.sprite(SIMD3(Float(s.position.x), Float(s.position.y), 0.02), radius: 0.006 * Float(s.size), minPixels: 1) else { continue }
            glowWhite.add(sp, intensity: 2.5 * k * tw)
        }
    }

    func addBubbles(_ world: CandlefishWorld, alpha: Double) {
        for b in world.bubbles {
            let q = b.previous + (b.position - b.previous) * alpha
            let p = SIMD3<Float>(Float(q.x), Float(q.y), 0.05)
            let r = Float(b.radius)
            if let s = camera.sprite(p, radius: r * 1.3) { bubbleBatch.add(s, intensity: 0.25) }
            if let s = camera.sprite(p + SIMD3(-r * 0.35, r * 0.4, 0), radius: r * 0.45, minPixels: 0.8) {
                bubbleBatch.add(s, intensity: 1.4)
            }
        }
    }

    func addRipples(_ world: CandlefishWorld, moodColour: SIMD3<Float>) {
        for r in world.ripples {
            let k = Float(r.age / Ripple.life)
            let radius = 0.04 + 0.3 * (1 - (1 - k) * (1 - k))
            let width: Float = 0.012 + 0.02 * k
            let a = (1 - k) * (1 - k) * 0.5
            let c = SIMD4<Float>(SIMD3(0.6, 0.85, 1.0) * 0.6 + moodColour * 0.4, 0) * a
            let segments = 48
            let centre = SIMD3<Float>(Float(r.position.x), Float(r.position.y), 0.02)
            let base = UInt32(ripples.positions.count)
            for k in 0..<segments {
                let ang = Float(k) / Float(segments) * 2 * Float.pi
                let d = SIMD3<Float>(Float.cos(ang), Float.sin(ang), 0)
                ripples.vertex(centre + d * (radius - width), .zero)
                ripples.vertex(centre + d * radius, c)
                ripples.vertex(centre + d * (radius + width), .zero)
            }
            for k in 0..<UInt32(segments) {
                let a0 = base + k * 3, a1 = base + ((k + 1) % UInt32(segments)) * 3
                ripples.quad(a0, a1, a1 + 1, a0 + 1)
                ripples.quad(a0 + 1, a1 + 1, a1 + 2, a0 + 2)
            }
        }
    }
}

extension CandlefishWorld {
    static var fishLengthF: Float { Float(fishLength) }
}
