import Mind
import Raster
import RealModule
import Simulation

/// Builds the emergence draw list: a dark gradient, a hologram floor, the data orb, and the
/// particle streams that assemble into the figure, seen through the shot list's camera.
public final class EmergenceScene {
    public let width: Int, height: Int
    public let richness: Richness
    public let shots: ShotList
    let background = ColorMesh()
    let glitched = SpriteBatch(), split = SpriteBatch()
    let particleSprites = SpriteBatch()
    var worldPositions: [SIMD3<Float>] = [], worldBrightness: [Float] = [], worldGlitched: [UInt8] = []
    /// Per chunk of particles, its red and its cyan ghosts (made in parallel, joined in order).
    var ghostLists: [(red: SpriteBatch, cyan: SpriteBatch)] = []
    let pool: WorkerPool
    /// Particles per parallel work item.
    static let chunk = 2048
    let floor = SpriteBatch(), orb = SpriteBatch(), halo = SpriteBatch()
    var frame = SceneFrame()

    /// Hologram colours from stage 1 (hostile) to 5 (calm and open).
    static let stageColours: [SIMD3<Float>] = [
        SIMD3(1.0, 0.16, 0.22), SIMD3(1.0, 0.45, 0.18), SIMD3(0.7, 0.5, 1.0), SIMD3(0.25, 0.75, 1.0), SIMD3(0.45, 1.0, 0.9),
    ]

    /// `pool` runs the particle work (the renderer's pool is a good choice).
    public init(width: Int, height: Int, richness: Richness, shots: ShotList = .emergence, pool: WorkerPool = WorkerPool(threads: 1)) {
        self.pool = pool
        self.width = width
        self.height = height
        self.richness = richness
        self.shots = shots
    }

    /// The camera of the shot list at time t.
    public func camera(at t: Double) -> Camera {
        let pose = shots.pose(at: t).pose
        return Camera(eye: SIMD3<Float>(pose.position), target: SIMD3<Float>(pose.lookAt), fovDegrees: Float(pose.fov),
                      width: width, height: height)
    }

    public static func stageColour(_ stage: Double) -> SIMD3<Float> {
        let s = min(5, max(1, stage))
        let i = min(3, Int(s) - 1)
        let f = Float(s - Double(i + 1))
        return stageColours[i] + (stageColours[i + 1] - stageColours[i]) * f
    }

    func recycle() {
        frame.draws.removeAll(keepingCapacity: true)
        background.reset()
        for b in [glitched, split, floor, orb, halo] { b.reset() }
    }

    /// The frame at `time`; with `surface`, the particles rest on it instead of the figure
    /// (a character's skinned surface, `EmergenceWorld.particles`).
    public func frame(world: EmergenceWorld, time: Double, surface: ParticleSurface? = nil) -> SceneFrame {
        recycle()
        let t = Float(time)
        let cam = camera(at: time)
        var colour = Self.stageColour(world.stage)
        let pressure = Float(world.pressure)
        colour = colour + (SIMD3(1, 0.12, 0.1) - colour) * (0.5 * pressure)
        let light = Float(world.light(at: time))
        let g = Float(world.glitchAmount)

        addGradient(background, stops: [
            (1, SIMD3(0.004, 0.008, 0.02) + colour * 0.004), (0.2, SIMD3(0.002, 0.004, 0.012)),
            (-0.4, SIMD3(0.003, 0.006, 0.014) + colour * 0.006), (-1, SIMD3(0.001, 0.002, 0.005)),
        ])
        frame.draws.append(background.draw(transform: .identity, state: RenderState(depthTest: .always, depthWrite: false, blend: .opaque))!)
        frame.backdropDraws = 1

        // The hologram floor: a dotted grid and two rings under the figure.
        let gridN = richness == .minimal ? 13 : 25
        for j in 0..<gridN {
            for i in 0..<gridN {
                let x = (Float(i) / Float(gridN - 1) - 0.5) * 6, z = (Float(j) / Float(gridN - 1) - 0.5) * 6
                let d = (x * x + z * z).squareRoot()
                let fade = max(0, 1 - d / 3.2)
                if fade <= 0 { continue }
                if let s = cam.sprite(SIMD3(x, 0, z), radius: 0.008, minPixels: 0.8) {
                    floor.add(s, intensity: 0.6 * fade * (0.4 + 0.6 * light))
                }
            }
        }
        for (radius, count, k) in [(Float(0.55), 96, Float(1.0)), (Float(0.85), 128, Float(0.6))] {
            for i in 0..<count {
                let a = Float(i) / Float(count) * 2 * Float.pi + t * 0.2 * (radius < 0.7 ? 1 : -1)
                let pulse = 0.6 + 0.4 * Float.sin(a * 6 - t * 3)
                if let s = cam.sprite(SIMD3(Float.cos(a) * radius, 0.005, Float.sin(a) * radius), radius: 0.01, minPixels: 0.8) {
                    floor.add(s, intensity: 1.2 * k * pulse * light)
                }
            }
        }

        // The orb: a bright core and a halo that swell, then give way to the figure.
        let orbR = Float(world.orbRadius(at: time))
        let u = Float(world.reveal(at: time))
        let emission = Float(EmergenceWorld.emission.progress(Double(u)))
        if orbR > 0.001 {
            if let s = cam.sprite(EmergenceWorld.orbCentre, radius: orbR * 2.6) { orb.add(s, intensity: 0.5 * (1 - 0.6 * emission)) }
            if let s = cam.sprite(EmergenceWorld.orbCentre, radius: orbR * 0.8) { orb.add(s, intensity: 0.9 * (1 - 0.8 * emission)) }
        }
        // A halo behind the figure that comes up with the lighting.
        if let s = cam.sprite(SIMD3(0, 1.0, -0.3), radius: 1.0) { halo.add(s, intensity: 0.06 * light * (1 + Float(world.flash))) }

        // Particles: evaluated, projected and written as quads in parallel chunks. Each
        // particle owns fixed vertex slots (so the bytes do not depend on the threads, and the
        // buffers never change size); those in the rings (index ≥ `figureCount`, as particles
        // are sorted by rank) are drawn dimmer than those on the figure.
        let count = world.count
        let figureCount = world.figureCount
        resize(&worldPositions, count, .zero)
        resize(&worldBrightness, count, 0)
        resize(&worldGlitched, count, 0)
        particleSprites.resize(slots: count)
        let chunks = (count + Self.chunk - 1) / Self.chunk
        while ghostLists.count < chunks { ghostLists.append((SpriteBatch(), SpriteBatch())) }
        // Glitched particles get a red ghost on one side or a cyan one on the other, by parity.
        let splitOffset = 0.004 * g + 0.002
        let viewWidth = cam.width, viewHeight = cam.height
        let radius: Float = 0.0055
        let vp = cam.viewProjection
        let pixelScale = cam.focal * cam.height * 0.5
        let minHalf = cam.half(pixels: 0.75)
        let toNDC = SIMD2<Float>(2 / cam.width, 2 / cam.height)
        let eye = cam.eye
        worldPositions.withUnsafeMutableBufferPointer { wp in
        worldBrightness.withUnsafeMutableBufferPointer { wb in
        worldGlitched.withUnsafeMutableBufferPointer { wg in
        particleSprites.withSlots { sc, sh in
        ghostLists.withUnsafeMutableBufferPointer { lists in
            pool.forEach(chunks) { c in
                let range = (c * Self.chunk)..<min(count, (c + 1) * Self.chunk)
                world.particles(at: time, eye: eye, range: range, positions: wp.baseAddress!, brightness: wb.baseAddress!,
                                glitched: wg.baseAddress!, surface: surface)
                let (red, cyan) = lists[c]
                red.reset()
                cyan.reset()
                for i in range {
                    let onFigure = i < figureCount
                    let clip = vp * SIMD4(wp[i], 1)
                    let inv = 1 / clip.w
                    let centre = SIMD3(clip.x * inv, clip.y * inv, clip.z * inv)
                    var h = toNDC * (radius * pixelScale * inv)
                    h = h.replacing(with: minHalf, where: h .< minHalf)
                    let visible = clip.w > 0.05 && abs(centre.x) < 1 + h.x && abs(centre.y) < 1 + h.y && abs(centre.z) < 1
                    guard visible else {
                        // A zero-size sprite off screen: rejected at setup.
                        sc[i] = SIMD4(3, 3, 0, 0); sh[i] = .zero
                        continue
                    }
                    let b = onFigure ? wb[i] : wb[i] * 0.75
                    sc[i] = SIMD4(centre, b)
                    sh[i] = h
                    // One ghost per glitched particle, red or cyan by parity: the split reads
                    // the same as two ghosts each, at half the triangles.
                    if wg[i] != 0 {
                        let half = SIMD2<Float>(h.x, h.x * viewWidth / viewHeight)
                        if i & 1 == 0 {
                            red.add(SIMD3(centre.x + splitOffset, centre.y, 0), half: half, intensity: b * 1.2)
                        } else {
                            cyan.add(SIMD3(centre.x - splitOffset, centre.y, 0), half: half, intensity: b)
                        }
                    }
                }
            }
        }}}}}
        for (red, cyan) in ghostLists.prefix(chunks) {
            glitched.append(red)
            split.append(cyan)
        }

        let order: [DrawCall?] = [
            halo.draw(tint: colour),
            floor.draw(tint: colour * 0.6 + SIMD3(0.1, 0.25, 0.3)),
            orb.draw(tint: SIMD3(0.7, 0.9, 1.0) * 0.5 + colour * 0.5),
            particleSprites.draw(tint: colour),
            glitched.draw(tint: SIMD3(1.0, 0.1, 0.7)),
            split.draw(tint: SIMD3(0.1, 0.9, 1.0)),
        ]
        for d in order { if let d { frame.draws.append(d) } }
        frame.clearColor = SIMD4(0, 0, 0, 1)

        var look = Look()
        look.exposure = 1.0
        switch richness {
        case .minimal: look.bloomStrength = 0
        case .standard: look.bloomStrength = 0.6
        case .rich: look.bloomStrength = 0.85
        }
        look.bloomThreshold = 0.9
        look.chromaticAberration = richness == .minimal ? 0 : 0.6 + 7 * g + 3 * pressure
        look.glitch = g
        look.grain = richness == .rich ? 0.02 : 0.01
        look.vignette = 0.45
        frame.look = look
        return frame
    }
}

/// Resizes `array` to `count` elements (reallocating only when the count changes).
func resize<T>(_ array: inout [T], _ count: Int, _ fill: T) {
    if array.count != count { array = [T](repeating: fill, count: count) }
}
