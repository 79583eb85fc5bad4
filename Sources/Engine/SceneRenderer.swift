import Basics
import Effects
import Mind
import Raster
import RasterKernels
import Scenes
import Simulation
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// Everything that decides what a scene renderer draws. The same settings give the same
/// bytes for every frame, whatever the thread count.
public struct RenderSettings: Sendable {
    /// The scene, by its registered name (`SceneRegistry`); a renderer made with a scene
    /// type of its own (`SceneRenderer(_:scene:)`) sets it to that scene's name.
    public var scene: SceneName
    public var width: Int
    public var height: Int
    public var seed: UInt64
    /// Scripted stimuli (docs/stimuli.md); nil for none.
    public var script: Script?
    public var richness: Richness
    public var threads: Int
    /// The memory the session starts from (headless renders use `Memory.fresh`).
    public var memory: Memory
    /// Complexity and trust rate; `richness` above decides the look.
    public var profile: Profile
    /// Frames per second of the output; frame k is at time k / fps.
    public var fps: Int
    /// A glTF model for the scene to show (`SceneStart.model`).
    public var model: SceneModel?
    /// What is behind the scene: its own backdrop (the default), or nothing, with alpha
    /// (`render --background transparent`).
    public var background: Background = .scene
    /// A seamless loop of this many frames (`render --loop`): nil for none. See
    /// `SceneRenderer.loopFade`.
    public var loopFrames: Int? = nil
    /// Anti-aliasing samples per pixel: 1, 2, 4 or 8 (`SamplePattern`).
    public var samples: Int = SamplePattern.standard

    public init(scene: SceneName, width: Int = 1920, height: Int = 1080, seed: UInt64 = 1, script: Script? = nil,
                richness: Richness = .standard, threads: Int = 2, memory: Memory = .fresh, profile: Profile = .standard,
                fps: Int = 60, model: SceneModel? = nil, samples: Int = SamplePattern.standard) {
        self.scene = scene
        self.width = width
        self.height = height
        self.seed = seed
        self.script = script
        self.richness = richness
        self.threads = threads
        self.memory = memory
        self.profile = profile
        self.fps = fps
        self.model = model
        self.samples = samples
    }

    /// What the scene's session starts from.
    public var start: SceneStart {
        var p = profile
        p.richness = richness
        return SceneStart(memory: memory, profile: p, clock: script?.clock, seed: seed, width: width, height: height, model: model)
    }
}

/// What a frame is drawn over (`RenderSettings.background`).
public enum Background: String, CaseIterable, Sendable {
    /// The scene's own backdrop: opaque frames, alpha 255.
    case scene
    /// No backdrop: the scene's first `SceneFrame.backdropDraws` draws are left out, the
    /// target is cleared to transparent black and keeps its alpha, and the frames are
    /// straight-alpha RGBA (see `EffectSettings.transparent`).
    case transparent
}

/// What a heads-up display shows about the scene now.
public struct HUDFacts: Sendable, Equatable {
    public var scene: SceneName
    /// Simulation time in seconds.
    public var time: Double
    /// The trust the scene keeps with the person; nil for a scene that keeps none.
    public var trust: Double?
    /// The scene's own lines ("mood curious", "stage 3").
    public var lines: [String]
}

/// The one place that wires Mind → Simulation → Scene → Raster → Effects, for any `Scene`.
///
/// `render(frame:)` draws frame k at time k / fps. The simulation runs at a fixed 60 Hz from
/// step 0; asking for an earlier frame than the last re-simulates from the start (cheap), so
/// frame k is the same alone, inside a range, or in any order. Rendering between two steps
/// interpolates the world. Renderer, target, post-processor and the scene's painter are reused.
public final class SceneRenderer {
    public let settings: RenderSettings
    /// The scene drawn.
    public let scene: any Scene.Type
    let renderer: Renderer
    let target: RenderTarget
    let post: PostProcessor
    /// The image `render(frame:)` returns; made on first use (a window renders straight into
    /// its texture and never needs it).
    lazy var image = Image8(width: settings.width, height: settings.height)
    /// The scene's session, stepped at 60 Hz: the same stepping `simulate` runs.
    public let stepper: SceneStepper

    /// Work counters of the last rendered frame.
    public private(set) var stats = FrameStats()

    /// A renderer of the registered scene `settings.scene` (which must be registered: the
    /// command line checks names against `SceneRegistry` first).
    public convenience init(_ settings: RenderSettings) throws(RasterError) {
        guard let scene = SceneRegistry.scene(named: settings.scene) else {
            preconditionFailure("\(settings.scene) is not a registered scene (\(SceneRegistry.nameList))")
        }
        try self.init(settings, scene: scene)
    }

    /// A renderer of `scene`, registered or not (a program's own scene); `settings.scene`
    /// becomes its name.
    public init(_ settings: RenderSettings, scene: any Scene.Type) throws(RasterError) {
        precondition(settings.fps > 0, "fps must be positive")
        var settings = settings
        settings.scene = scene.name
        self.settings = settings
        self.scene = scene
        // Scenes are opaque and no effect reads depth; alpha is kept only for a transparent
        // background, where it is the coverage the frames' alpha starts from.
        target = try RenderTarget(width: settings.width, height: settings.height,
                                  keepsAlpha: settings.background == .transparent, keepsDepth: false)
        renderer = Renderer(threads: settings.threads, samples: settings.samples)
        post = PostProcessor(width: settings.width, height: settings.height, pool: renderer.pool)
        stepper = SceneStepper(scene, start: settings.start, events: settings.script?.events ?? [])
        if let n = settings.loopFrames {
            precondition(n >= 2, "a loop needs at least 2 frames")
            var other = settings
            other.loopFrames = nil
            continuation = try SceneRenderer(other, scene: scene)
        }
    }

    /// For a loop: a renderer of the same scene, seed and script that draws the frames after the loop's end,
    /// which the loop's first frames fade from.
    var continuation: SceneRenderer?

    /// How many frames of a loop of `frames` frames at `fps` cross-fade: a quarter of the loop,
    /// at most one second, at least one frame.
    public static func loopFade(frames: Int, fps: Int) -> Int { max(1, min(frames / 4, fps)) }

    /// The weight of the scene's own frame k in a loop's frame k (1: the frame as it is). A
    /// loop of N frames with a fade of K shows, as its frame k < K, the frames k and N + k of
    /// the scene mixed in linear light: N + k with weight 1 − w and k with w = (k + 1) / (K + 1).
    /// Frame N − 1 is then followed by a frame that is almost N, and the fade reaches frame K
    /// with the scene's own frames, so the clip joins end to start with steps of about one
    /// frame everywhere.
    public func loopWeight(frame k: Int) -> Float {
        guard let n = settings.loopFrames else { return 1 }
        let fade = Self.loopFade(frames: n, fps: settings.fps)
        return k < fade ? Float(k + 1) / Float(fade + 1) : 1
    }

    // MARK: Simulation

    /// The simulation time of the last step taken.
    public var simulationTime: Double { stepper.simulationTime }

    /// Feeds a live stimulus (the window's pointer, keys and clicks). It applies at the next
    /// simulation step, and is kept, so re-simulating reproduces it exactly. Returns the time
    /// it was stamped with (for recording).
    @discardableResult
    public func post(_ stimulus: Stimulus) -> Double { stepper.post(stimulus, at: 0) }

    /// Feeds a live stimulus stamped with simulation time `time` (see `SceneStepper.post`).
    @discardableResult
    public func post(_ stimulus: Stimulus, at time: Double) -> Double { stepper.post(stimulus, at: time) }

    /// Every stimulus so far, scripted and live, in the order they apply: what a recording
    /// (`play --record`) writes so the session can be rendered headless, exactly.
    public var stimuli: [StimulusEvent] { stepper.stimuli }

    /// A renderer of the same session at another size (the window was resized). It replays
    /// every stimulus so far. The candlefish's world spans the view's aspect ratio, so a new
    /// aspect ratio gives the fish a slightly different world from then on.
    public func resized(width: Int, height: Int) throws(RasterError) -> SceneRenderer {
        var s = settings
        s.width = width
        s.height = height
        s.script = Script(scene: settings.scene, clock: settings.script?.clock, events: stepper.stimuli)
        return try SceneRenderer(s, scene: scene)
    }

    /// Memory events (visits, trust changes) produced since the last call, each step once even
    /// when frames are re-simulated. The window hands these to the store.
    public func takeMemoryEvents() -> [MemoryEvent] { stepper.takeMemoryEvents() }

    /// Ends the session: the memory events not yet taken, then the mind's closing events
    /// (the session end). Call once, after the last frame.
    public func finish() -> [MemoryEvent] { stepper.finish() }

    /// Runs the simulation as far as frame `k` needs, without drawing: what rendering it
    /// would leave behind (memory events, HUD facts).
    public func simulate(toFrame k: Int) {
        precondition(k >= 0, "frames start at 0")
        let (n, alpha) = FixedStep.position(frame: k, fps: settings.fps)
        simulate(toStep: alpha > 0 ? n + 1 : n)
    }

    /// Runs the simulation to step `n` (from scratch if `n` is behind).
    public func simulate(toStep n: Int) { stepper.simulate(toStep: n) }

    /// What a HUD shows now.
    public var hud: HUDFacts { stepper.hud }

    /// The scene's state at the last step, when the scene is `type` (for tests and tools
    /// that look inside a scene: the fish's pose, a mind's mood).
    public func state<S: Scene>(_ type: S.Type) -> S.State? { stepper.state(type) }

    // MARK: Rendering

    /// The scene's draw list for frame `k` (simulating as needed), without rasterizing.
    func sceneFrame(_ k: Int) -> SceneFrame {
        // Between steps n and n + 1, draw the world of step n + 1 interpolated back.
        simulate(toFrame: k)
        let alpha = FixedStep.position(frame: k, fps: settings.fps).alpha
        let weight = alpha > 0 ? alpha : 1
        let time = Double(k) / Double(settings.fps)
        return stepper.session.frame(time: time, alpha: weight, pool: renderer.pool)
    }

    /// Where the last frame's time went, in nanoseconds.
    public struct Timings: Sendable, Equatable {
        /// Simulation and building the draw list.
        public var scene: UInt64 = 0
        public var raster: UInt64 = 0
        public var effects: UInt64 = 0
    }

    /// Where the last frame's time went.
    public private(set) var timings = Timings()

    /// Called at the start and the end of each stage of `render`, inside the stage's timing.
    /// For measuring tools only (`bench instructions` counts each stage's instructions with
    /// it); nil, the default, costs one test per stage.
    public var stageHook: StageHook?

    /// The post-processing settings of the last frame (bloom, glitch, chromatic aberration…).
    public private(set) var effects = EffectSettings()

    /// Renders frame `k` into `output` (which must be the renderer's size).
    public func render(frame k: Int, into output: inout Image8) {
        precondition(output.width == settings.width && output.height == settings.height, "image size must match")
        output.pixels.withUnsafeMutableBytes { raw in
            render(frame: k, into: raw.baseAddress!, rowBytes: settings.width * 4)
        }
    }

    /// Renders frame `k` as 8-bit RGBA into the renderer's size of pixels at `pixels`, rows
    /// `rowBytes` apart: the same bytes as `render(frame:into:)` gives an image.
    public func render(frame k: Int, into pixels: UnsafeMutableRawPointer, rowBytes: Int) {
        let t0 = Monotonic.nanoseconds()
        stageHook?.begin(.scene)
        let f = sceneFrame(k)
        stageHook?.end(.scene)
        let t1 = Monotonic.nanoseconds()
        stageHook?.begin(.raster)
        var look = f.look
        if settings.background == .scene {
            stats = renderer.render(f.draws, into: target, clearColor: f.clearColor,
                                    resolve: .toneMapped(exposure: f.look.exposure))
        } else {
            rasterizeTransparent(f)
        }
        let weight = loopWeight(frame: k)
        if weight < 1, let continuation, let n = settings.loopFrames {
            let g = continuation.rasterize(frame: k + n)
            blend(continuation.target, weight: weight)
            look = mix(g.look, look, weight)
        }
        stageHook?.end(.raster)
        let t2 = Monotonic.nanoseconds()
        stageHook?.begin(.effects)
        defer {
            stageHook?.end(.effects)
            timings = Timings(scene: t1 - t0, raster: t2 - t1, effects: Monotonic.nanoseconds() - t2)
        }
        var e = EffectSettings()
        e.look = look
        e.transparent = settings.background == .transparent
        e.dither = true
        e.seed = settings.seed
        e.frame = k
        effects = e
        post.process(target, settings: e, into: pixels, rowBytes: rowBytes)
    }

    /// Draws frame `k` of the scene into the target (no effects), without a loop's fade;
    /// returns what the scene asked for.
    func rasterize(frame k: Int) -> SceneFrame {
        let f = sceneFrame(k)
        if settings.background == .scene {
            stats = renderer.render(f.draws, into: target, clearColor: f.clearColor,
                                    resolve: .toneMapped(exposure: f.look.exposure))
        } else {
            rasterizeTransparent(f)
        }
        return f
    }

    /// The frame's draws without its backdrop, over transparent black.
    private func rasterizeTransparent(_ f: SceneFrame) {
        let draws = Array(f.draws.dropFirst(min(max(f.backdropDraws, 0), f.draws.count)))
        stats = renderer.render(draws, into: target, clearColor: .zero)
    }

    /// target = other + (target − other) · weight, colour planes (and alpha when kept), in
    /// linear light (computed in floats, stored as the target's half floats). Each value on
    /// its own: the same whatever the thread count.
    private func blend(_ other: RenderTarget, weight: Float) {
        let a = target.unsafeStorage, b = other.unsafeStorage
        let planes = target.keepsAlpha ? 4 : 3
        let n = RenderTarget.planeStride * planes
        renderer.pool.forEach(target.tileCount) { tile in
            let p = a + tile * RenderTarget.tileStride, q = b + tile * RenderTarget.tileStride
            var i = 0
            while i < n {
                let x = pp_loadHalf16(p + i), y = pp_loadHalf16(q + i)
                pp_storeHalf16(y + (x - y) * weight, p + i)
                i += 16
            }
        }
    }

    /// Renders frame `k` and returns the image. The returned image shares storage with the
    /// renderer's until the next frame, which then copies it: in a loop, prefer
    /// `render(frame:into:)` with an image of your own.
    public func render(frame k: Int) -> Image8 {
        render(frame: k, into: &image)
        return image
    }
}

/// The three stages of a frame, in the order `SceneRenderer.render` runs them.
public enum FrameStage: String, CaseIterable, Sendable {
    /// Simulation catch-up and building the draw list.
    case scene
    /// The tiled rasterizer, into the HDR target.
    case raster
    /// Bloom, tone mapping and the other effects, and the resolve to 8-bit pixels.
    case effects
}

/// What a measuring tool runs at the start and the end of each stage of a frame (see
/// `SceneRenderer.stageHook`). Whatever `end` does counts as part of the stage.
public struct StageHook {
    public var begin: (FrameStage) -> Void
    public var end: (FrameStage) -> Void
    public init(begin: @escaping (FrameStage) -> Void, end: @escaping (FrameStage) -> Void) {
        self.begin = begin
        self.end = end
    }
}

/// `b + (a − b) · w` for every value of a look: a loop's fade mixes the two frames' effects.
func mix(_ b: Look, _ a: Look, _ w: Float) -> Look {
    func m(_ x: Float, _ y: Float) -> Float { x + (y - x) * w }
    var l = Look()
    l.exposure = m(b.exposure, a.exposure)
    l.bloomStrength = m(b.bloomStrength, a.bloomStrength)
    l.bloomThreshold = m(b.bloomThreshold, a.bloomThreshold)
    l.chromaticAberration = m(b.chromaticAberration, a.chromaticAberration)
    l.glitch = m(b.glitch, a.glitch)
    l.grain = m(b.grain, a.grain)
    l.vignette = m(b.vignette, a.vignette)
    return l
}
