import Mind
import Raster
import Scenes
import Simulation
import Stimuli

/// One session of a scene, stepped at the fixed 60 Hz of `FixedStep` from step 0: the one
/// stepping loop. `SceneRenderer` draws frames from it; `simulate` runs it without drawing.
///
/// Step n is at n / 60 s and applies every stimulus whose time is at or before it, in order.
/// Stepping to an earlier step than the last starts again from step 0 (`Scene.start`), and
/// memory events are handed out once per step however often it is re-simulated.
public final class SceneStepper {
    /// The scene stepped.
    public let scene: any Scene.Type
    /// What the session started from.
    public let start: SceneStart
    let session: any SceneSession

    /// Every stimulus, scripted and live, sorted by time.
    private var events: [StimulusEvent]
    /// The last step taken (-1: none).
    public private(set) var step = -1
    /// The first event not yet applied, and where the last step's stimuli began.
    private var cursor = 0
    private var lastStart = 0
    /// The highest step whose memory events were handed out.
    private var reportedStep = -1
    private var memoryEvents: [MemoryEvent] = []

    /// A session of `scene` from `start`, with `events` (sorted by time) to apply.
    public init(_ scene: any Scene.Type, start: SceneStart, events: [StimulusEvent]) {
        self.scene = scene
        self.start = start
        self.events = events
        session = makeSession(scene, start: start)
    }

    /// The simulation time of the last step taken.
    public var simulationTime: Double { FixedStep.time(max(0, step)) }

    /// Feeds a live stimulus stamped with simulation time `time` (seconds): it applies at the
    /// first step at or after `time` and keeps its stamp (pointer speed is measured on it).
    /// A stamp at or before a step already taken moves to the next step's time. Returns the
    /// time it was kept with, which a replay applies at the same step.
    @discardableResult
    public func post(_ stimulus: Stimulus, at time: Double) -> Double {
        let stamp = time.isFinite ? time : 0
        let t = stamp > FixedStep.time(step) ? stamp : FixedStep.time(step + 1)
        let event = StimulusEvent(t: t, stimulus)
        var i = events.count
        while i > cursor, events[i - 1].t > t { i -= 1 }
        events.insert(event, at: i)
        return t
    }

    /// Every stimulus so far, in the order they apply.
    public var stimuli: [StimulusEvent] { events }

    /// The stimuli the last step applied.
    public var lastStimuli: ArraySlice<StimulusEvent> { events[lastStart..<cursor] }

    /// Memory events produced since the last call, each step's once.
    public func takeMemoryEvents() -> [MemoryEvent] {
        defer { memoryEvents.removeAll() }
        return memoryEvents
    }

    /// Ends the session: the memory events not yet taken, then the scene's closing events.
    /// Call once, after the last step.
    public func finish() -> [MemoryEvent] {
        defer { memoryEvents.removeAll() }
        return memoryEvents + session.finish()
    }

    /// Runs the simulation to step `n` (from scratch if `n` is behind).
    public func simulate(toStep n: Int) {
        if n < step {
            session.restart()
            step = -1
            cursor = 0
            lastStart = 0
        }
        while step < n { stepOnce() }
    }

    private func stepOnce() {
        let n = step + 1
        let t = FixedStep.time(n)
        lastStart = cursor
        while cursor < events.count, events[cursor].t <= t { cursor += 1 }
        let produced = session.step(to: t, events: events[lastStart..<cursor])
        if n > reportedStep {
            memoryEvents += produced
            reportedStep = n
        }
        step = n
    }

    /// What a HUD shows now.
    public var hud: HUDFacts {
        let h = session.hud
        return HUDFacts(scene: scene.name, time: simulationTime, trust: h.trust, lines: h.lines)
    }

    /// The scene's part of the memory as the session has it now.
    public var memory: any SceneMemory { session.memory }

    /// The scene's state at the last step, when the scene is `type`.
    public func state<S: Scene>(_ type: S.Type) -> S.State? { (session as? TypedSceneSession<S>)?.state }
}

/// A scene's session (and, once it draws, its painter) behind one face, so that the
/// stepper and the renderer hold any scene.
protocol SceneSession: AnyObject {
    /// Back to step -1, as the session started.
    func restart()
    func step(to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent]
    func finish() -> [MemoryEvent]
    /// The draw list; the painter is made on the first call, sharing `pool`.
    func frame(time: Double, alpha: Double, pool: WorkerPool) -> SceneFrame
    var hud: SceneHUD { get }
    var memory: any SceneMemory { get }
}

final class TypedSceneSession<S: Scene>: SceneSession {
    let start: SceneStart
    var state: S.State
    private var painter: S.Painter?

    init(start: SceneStart) {
        self.start = start
        state = S.start(start)
    }

    func restart() { state = S.start(start) }
    func step(to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent] { S.step(&state, to: time, events: events) }
    func finish() -> [MemoryEvent] { S.finish(&state) }

    func frame(time: Double, alpha: Double, pool: WorkerPool) -> SceneFrame {
        if painter == nil { painter = S.painter(width: start.width, height: start.height, richness: start.richness, pool: pool) }
        return S.frame(state, painter: &painter!, time: time, alpha: alpha)
    }

    var hud: SceneHUD { S.hud(state) }
    var memory: any SceneMemory { S.memory(of: state) }
}

func makeSession<S: Scene>(_ scene: S.Type, start: SceneStart) -> any SceneSession { TypedSceneSession<S>(start: start) }
