import Mind
import Raster
import Scenes
import Stimuli

/// Everything that makes a scene, in one type: its mind and world (`State`), how it draws
/// them (`Painter`, the draw list and look), its HUD lines, its keys, its memory codec, its
/// benchmark script and its wording in reports (`SceneReport`). The engine, the window, the store and the command line know a
/// scene only through this protocol and `SceneRegistry`.
///
/// A conformer is a namespace (usually a case-less enum); everything is static. A session
/// is `start`, then `step` once per fixed 60 Hz simulation step (step n at n / 60 s), then
/// `finish`; `frame` draws the state at any point. The same `SceneStart` and stimuli must
/// give the same states and the same draw lists: that is what makes frames reproducible.
public protocol Scene: Sendable {
    /// The mind and the world of one session: what re-simulating from step 0 starts again.
    associatedtype State
    /// What turns a state into a draw list: meshes and buffers kept from frame to frame.
    associatedtype Painter
    /// What the scene remembers between runs, and the events that change it.
    associatedtype Remembers: SceneMemory

    /// The name on the command line, in scripts and in the store.
    static var name: SceneName { get }
    /// One line saying what the scene is and how to play it (help texts, menus).
    static var summary: String { get }
    /// Keys of the window, by SDL key name ("Y", "Keypad 1"), and what each does. Keys not
    /// listed reach the scene as `.key(name)` stimuli; the pointer and clicks always are
    /// stimuli.
    static var keys: [String: KeyBinding] { get }
    /// The stimuli the benchmark drives the scene with, over `SceneBench.duration` seconds:
    /// they should take it through every look it has.
    static func benchScript() -> Script

    /// A session at step -1, from `start` (its memory, profile, seed and view).
    static func start(_ start: SceneStart) -> State
    /// One simulation step at `time` with the stimuli due at it (each with the time it was
    /// stamped with); returns the memory events it produced.
    static func step(_ state: inout State, to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent]
    /// Ends the session; returns its last memory events.
    static func finish(_ state: inout State) -> [MemoryEvent]
    /// The scene's part of the memory as the session leaves it.
    static func memory(of state: State) -> Remembers

    /// A painter for a view of `width` × `height` pixels; `pool` may share the renderer's threads.
    static func painter(width: Int, height: Int, richness: Richness, pool: WorkerPool) -> Painter
    /// The draw list, clear colour and look of the state at `time` seconds, `alpha` of the
    /// way from the previous step to the state's (1: exactly at it).
    static func frame(_ state: State, painter: inout Painter, time: Double, alpha: Double) -> SceneFrame
    /// What a HUD shows about the state.
    static func hud(_ state: State) -> SceneHUD
    /// Whether the scene shows a glTF model given to it (`SceneStart.model`): `.none` (the
    /// command line refuses one), `.optional` or `.required`. Default `.none`.
    static var modelUse: ModelUse { get }
    /// Its wording in `simulate` and `memory` (default: `SceneReport.general`).
    static var report: SceneReport<Self> { get }
}

extension Scene {
    public static var keys: [String: KeyBinding] { [:] }
    public static var report: SceneReport<Self> { .general }
    public static var modelUse: ModelUse { .none }
}

/// How a scene uses a glTF model (`Scene.modelUse`).
public enum ModelUse: Sendable, Equatable {
    /// It shows none.
    case none
    /// It shows one when given, else its own.
    case optional
    /// It needs one (the `model` scene); without it, it shows a stand-in.
    case required
}

/// What a scene's session starts from. The same values (and stimuli) give the same session.
public struct SceneStart: Sendable {
    /// The whole persistent memory; a scene reads its own part (`memory[Remembers.self]`).
    public var memory: Memory
    /// Complexity, trust rate and richness (the renderer's richness).
    public var profile: Profile
    /// The wall clock at t = 0; calendar rules are skipped without it.
    public var clock: WallClock?
    public var seed: UInt64
    /// The view's size in pixels (worlds that span the view use its aspect ratio).
    public var width: Int
    public var height: Int
    /// A glTF model to show (`--model`); nil for the scene's own.
    public var model: SceneModel?

    public init(memory: Memory = .fresh, profile: Profile = .standard, clock: WallClock? = nil, seed: UInt64 = 1,
                width: Int = 1920, height: Int = 1080, model: SceneModel? = nil) {
        self.memory = memory
        self.profile = profile
        self.clock = clock
        self.seed = seed
        self.width = width
        self.height = height
        self.model = model
    }

    public var richness: Richness { profile.richness }
    /// Width over height.
    public var aspect: Double { Double(width) / Double(height) }
}

/// What a scene's HUD shows: the trust (nil for a scene that keeps none) and its own lines
/// ("mood curious", "stage 3").
public struct SceneHUD: Sendable, Equatable {
    public var trust: Double?
    public var lines: [String]

    public init(trust: Double? = nil, lines: [String] = []) {
        self.trust = trust
        self.lines = lines
    }
}

/// What a key does in a scene (`Scene.keys`).
public enum KeyBinding: Sendable, Equatable {
    /// Sends one stimulus.
    case stimulus(Stimulus)
    /// Starts, or restarts, a time-pressure countdown: a `.pressure(remaining:)` stimulus
    /// every `every` seconds of simulation time, from 1 down to 0 over `seconds`.
    case countdown(seconds: Double, every: Double)
}

/// A running time-pressure countdown (`KeyBinding.countdown`) in a live session.
public struct PressureCountdown: Sendable, Equatable {
    /// The simulation time it started at.
    public let start: Double
    public let seconds: Double
    public let every: Double
    /// Seconds into the countdown of its next tick.
    public private(set) var next = 0.0
    /// Whether its last tick (remaining 0) was handed out.
    public private(set) var isOver = false

    public init(start: Double, seconds: Double, every: Double) {
        precondition(seconds >= 0 && every > 0, "a countdown needs a length and a positive tick")
        self.start = start
        self.seconds = seconds
        self.every = every
    }

    /// The ticks due up to simulation time `now`, each with its exact time.
    public mutating func due(upTo now: Double) -> [StimulusEvent] {
        var ticks: [StimulusEvent] = []
        while !isOver, start + next <= now {
            ticks.append(StimulusEvent(t: start + next, .pressure(remaining: max(0, 1 - next / seconds))))
            if next >= seconds { isOver = true }
            next += every
        }
        return ticks
    }
}
