import Basics
import Effects
import Mind
import Raster
import Scenes
import Simulation
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// Everything that decides what a scene renderer draws. The same settings give the same
/// bytes for every frame, whatever the thread count.
public struct RenderSettings: Sendable {
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

    public init(scene: SceneName, width: Int = 1920, height: Int = 1080, seed: UInt64 = 1, script: Script? = nil,
                richness: Richness = .standard, threads: Int = 2, memory: Memory = .fresh, profile: Profile = .standard,
                fps: Int = 60) {
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
    }
}

/// What a heads-up display shows about the scene now.
public struct HUDFacts: Sendable, Equatable {
    public var scene: SceneName
    /// Simulation time in seconds.
    public var time: Double
    /// Candlefish: the mood; nil for emergence.
    public var mood: Mood?
    public var trust: Double
    /// Emergence: the stage 1...5; nil for candlefish.
    public var stage: Int?
}

/// The one place that wires Mind → Simulation → Scene → Raster → Effects.
///
/// `render(frame:)` draws frame k at time k / fps. The simulation runs at a fixed 60 Hz from
/// step 0; asking for an earlier frame than the last re-simulates from the start (cheap), so
/// frame k is the same alone, inside a range, or in any order. Rendering between two steps
/// interpolates the world. Renderer, target, post-processor and scene buffers are reused.
public final class SceneRenderer {
    public let settings: RenderSettings
    let renderer: Renderer
    let target: RenderTarget
    let post: PostProcessor
    /// The image `render(frame:)` returns; made on first use (a window renders straight into
    /// its texture and never needs it).
    lazy var image = Image8(width: settings.width, height: settings.height)
    let candlefishScene: CandlefishScene?
    let emergenceScene: EmergenceScene?

    /// Every stimulus, scripted and live, sorted by time.
    private var events: [StimulusEvent]
    private var session: Session
    /// The highest step whose memory events were handed out.
    private var reportedStep = -1
    private var memoryEvents: [MemoryEvent] = []

    /// Work counters of the last rendered frame.
    public private(set) var stats = FrameStats()

    /// One run of the mind and the world from step 0.
    struct Session {
        var mind: SceneMind
        var world: World
        var step = -1
        var cursor = 0
        var eatenPending = 0
    }

    enum World {
        case candlefish(CandlefishWorld)
        case emergence(EmergenceWorld)
    }

    public init(_ settings: RenderSettings) throws(RasterError) {
        precondition(settings.fps > 0, "fps must be positive")
        self.settings = settings
        // Scenes are opaque and no effect reads alpha or depth.
        target = try RenderTarget(width: settings.width, height: settings.height, keepsAlpha: false, keepsDepth: false)
        renderer = Renderer(threads: settings.threads)
        post = PostProcessor(width: settings.width, height: settings.height, pool: renderer.pool)
        events = settings.script?.events ?? []
        switch settings.scene {
        case .candlefish:
            candlefishScene = CandlefishScene(width: settings.width, height: settings.height, richness: settings.richness)
            emergenceScene = nil
        case .emergence:
            candlefishScene = nil
            emergenceScene = EmergenceScene(width: settings.width, height: settings.height, richness: settings.richness, pool: renderer.pool)
        }
        session = Self.freshSession(settings)
    }

    static func freshSession(_ s: RenderSettings) -> Session {
        var profile = s.profile
        profile.richness = s.richness
        let mind = SceneMind(s.scene, memory: s.memory, profile: profile, clock: s.script?.clock)
        switch s.scene {
        case .candlefish:
            let world = CandlefishWorld(seed: s.seed, aspect: Double(s.width) / Double(s.height), richness: s.richness)
            return Session(mind: mind, world: .candlefish(world))
        case .emergence:
            return Session(mind: mind, world: .emergence(EmergenceWorld(seed: s.seed, richness: s.richness)))
        }
    }

    // MARK: Simulation

    /// The simulation time of the last step taken.
    public var simulationTime: Double { FixedStep.time(max(0, session.step)) }

    /// Feeds a live stimulus (the window's pointer, keys and clicks). It applies at the next
    /// simulation step, and is kept, so re-simulating reproduces it exactly. Returns the time
    /// it was stamped with (for recording).
    @discardableResult
    public func post(_ stimulus: Stimulus) -> Double {
        post(stimulus, at: 0)
    }

    /// Feeds a live stimulus stamped with simulation time `time` (seconds): it applies at the
    /// first step at or after `time` and keeps its stamp (pointer speed is measured on it).
    /// A stamp at or before a step already taken moves to the next step's time. Returns the
    /// time it was kept with, which a replay applies at the same step.
    @discardableResult
    public func post(_ stimulus: Stimulus, at time: Double) -> Double {
        let stamp = time.isFinite ? time : 0
        let t = stamp > FixedStep.time(session.step) ? stamp : FixedStep.time(session.step + 1)
        let event = StimulusEvent(t: t, stimulus)
        var i = events.count
        while i > session.cursor, events[i - 1].t > t { i -= 1 }
        events.insert(event, at: i)
        return t
    }

    /// Every stimulus so far, scripted and live, in the order they apply: what a recording
    /// (`play --record`) writes so the session can be rendered headless, exactly.
    public var stimuli: [StimulusEvent] { events }

    /// A renderer of the same session at another size (the window was resized). It replays
    /// every stimulus so far. The candlefish's world spans the view's aspect ratio, so a new
    /// aspect ratio gives the fish a slightly different world from then on.
    public func resized(width: Int, height: Int) throws(RasterError) -> SceneRenderer {
        var s = settings
        s.width = width
        s.height = height
        s.script = Script(scene: settings.scene, clock: settings.script?.clock, events: events)
        return try SceneRenderer(s)
    }

    /// Memory events (visits, trust changes) produced since the last call, each step once even
    /// when frames are re-simulated. The window hands these to the store.
    public func takeMemoryEvents() -> [MemoryEvent] {
        defer { memoryEvents.removeAll() }
        return memoryEvents
    }

    /// Ends the session: the memory events not yet taken, then the mind's closing events
    /// (the session end). Call once, after the last frame.
    public func finish() -> [MemoryEvent] {
        defer { memoryEvents.removeAll() }
        return memoryEvents + session.mind.finish()
    }

    /// Runs the simulation as far as frame `k` needs, without drawing: what rendering it
    /// would leave behind (memory events, HUD facts).
    public func simulate(toFrame k: Int) {
        precondition(k >= 0, "frames start at 0")
        let (n, alpha) = FixedStep.position(frame: k, fps: settings.fps)
        simulate(toStep: alpha > 0 ? n + 1 : n)
    }

    /// Runs the simulation to step `n` (from scratch if `n` is behind).
    public func simulate(toStep n: Int) {
        if n < session.step { session = Self.freshSession(settings) }
        while session.step < n { stepOnce() }
    }

    private func stepOnce() {
        let n = session.step + 1
        let t = FixedStep.time(n)
        let start = session.cursor
        while session.cursor < events.count, events[session.cursor].t <= t { session.cursor += 1 }
        let dueEvents = events[start..<session.cursor]
        let due = dueEvents.lazy.map(\.stimulus)
        let produced = session.mind.step(to: t, events: dueEvents, foodEaten: session.eatenPending)
        if n > reportedStep {
            memoryEvents += produced
            reportedStep = n
        }
        switch (session.world, session.mind) {
        case (.candlefish(var world), .candlefish(let mind)):
            let input = CandlefishInput(mood: mind.mood, expression: mind.expression, pointer: mind.pointer,
                                        pointerSpeed: mind.pointerSpeed, favouriteSpot: mind.favouriteSpot)
            session.eatenPending = world.step(dt: FixedStep.dt, input: input, stimuli: due)
            session.world = .candlefish(world)
        case (.emergence(var world), .emergence(let mind)):
            let input = EmergenceInput(stage: mind.stage, corruption: mind.corruption, pressure: mind.pressure,
                                       glitch: mind.glitch, trust: mind.trust)
            world.step(dt: FixedStep.dt, input: input, stimuli: due)
            session.world = .emergence(world)
        default:
            preconditionFailure("mind and world are always the same scene")
        }
        session.step = n
    }

    /// What a HUD shows now.
    public var hud: HUDFacts {
        switch session.mind {
        case let .candlefish(m):
            return HUDFacts(scene: .candlefish, time: simulationTime, mood: m.mood, trust: m.trust, stage: nil)
        case let .emergence(m):
            return HUDFacts(scene: .emergence, time: simulationTime, mood: nil, trust: m.trust, stage: m.stage)
        }
    }

    /// The candlefish's spine joints (head first, world units, without the wave) at the last
    /// step; nil for emergence. For tests and tools that check the fish's pose.
    public var fishSpine: [SIMD2<Double>]? {
        if case let .candlefish(w) = session.world { return w.spine.joints }
        return nil
    }

    /// The candlefish's expression at the last step; nil for emergence.
    public var fishExpression: Expression? {
        if case let .candlefish(m) = session.mind { return m.expression }
        return nil
    }

    /// The emergence world's smoothed glitch amount at the last step; nil for candlefish.
    public var emergenceGlitch: Double? {
        if case let .emergence(w) = session.world { return w.glitchAmount }
        return nil
    }

    // MARK: Rendering

    /// The scene's draw list for frame `k` (simulating as needed), without rasterizing.
    func sceneFrame(_ k: Int) -> SceneFrame {
        // Between steps n and n + 1, draw the world of step n + 1 interpolated back.
        simulate(toFrame: k)
        let alpha = FixedStep.position(frame: k, fps: settings.fps).alpha
        let weight = alpha > 0 ? alpha : 1
        let time = Double(k) / Double(settings.fps)
        switch (session.world, session.mind) {
        case let (.candlefish(world), .candlefish(mind)):
            return candlefishScene!.frame(world: world, mood: mind.mood, expression: mind.expression, time: time, alpha: weight)
        case let (.emergence(world), _):
            return emergenceScene!.frame(world: world, time: time)
        default:
            preconditionFailure("mind and world are always the same scene")
        }
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
        stats = renderer.render(f.draws, into: target, clearColor: f.clearColor)
        stageHook?.end(.raster)
        let t2 = Monotonic.nanoseconds()
        stageHook?.begin(.effects)
        defer {
            stageHook?.end(.effects)
            timings = Timings(scene: t1 - t0, raster: t2 - t1, effects: Monotonic.nanoseconds() - t2)
        }
        var e = EffectSettings()
        e.exposure = f.look.exposure
        e.bloomStrength = f.look.bloomStrength
        e.bloomThreshold = f.look.bloomThreshold
        e.chromaticAberration = f.look.chromaticAberration
        e.glitch = f.look.glitch
        e.grain = f.look.grain
        e.vignette = f.look.vignette
        e.dither = true
        e.seed = settings.seed
        e.frame = k
        effects = e
        post.process(target, settings: e, into: pixels, rowBytes: rowBytes)
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
