import Mind
import Raster
import Scenes
import Simulation
import Stimuli

/// Emergence as a `Scene`: its mind (Mind's `EmergenceMind`), its world (Simulation's
/// `EmergenceWorld`) and its painter (Scenes' `EmergenceScene`).
public enum Emergence: Scene {
    /// Its memory codec.
    public typealias Remembers = EmergenceMemory

    /// The character's mind and world, and, with `--character`, the model the particles
    /// assemble on and its animation.
    public struct State {
        public var mind: EmergenceMind
        public var world: EmergenceWorld
        public var character: SceneModel?
        public var animator: CharacterAnimator?
    }

    public static let name = SceneName.emergence
    public static let summary = "a character that emerges out of streams of data particles; Y or 1 correct answer, N or 2 wrong answer, P starts or restarts a 30 s pressure countdown"

    /// The length of the time-pressure countdown P starts, in seconds.
    public static let pressureSeconds = 30.0

    /// Y or 1: a correct answer; N or 2: a wrong one; P starts or restarts a 30 s
    /// pressure countdown (a tick every half second).
    public static let keys: [String: KeyBinding] = [
        "Y": .stimulus(.answer(correct: true)), "1": .stimulus(.answer(correct: true)), "Keypad 1": .stimulus(.answer(correct: true)),
        "N": .stimulus(.answer(correct: false)), "2": .stimulus(.answer(correct: false)), "Keypad 2": .stimulus(.answer(correct: false)),
        "P": .countdown(seconds: pressureSeconds, every: 0.5),
    ]

    public static let modelUse = ModelUse.optional

    public static func start(_ s: SceneStart) -> State {
        let mind = EmergenceMind(memory: s.memory.emergence, profile: s.profile)
        return State(mind: mind, world: EmergenceWorld(seed: s.seed, richness: s.richness), character: s.model,
                     animator: s.model.map { CharacterAnimator(model: $0.model, clips: $0.clips, stage: mind.stage) })
    }

    public static func step(_ state: inout State, to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent] {
        let due = events.lazy.map(\.stimulus)
        let pending = state.mind.takeEvents()
        let produced = pending + state.mind.step(to: time, stimuli: due)
        let m = state.mind
        let input = EmergenceInput(stage: m.stage, corruption: m.corruption, pressure: m.pressure, glitch: m.glitch, trust: m.trust)
        state.world.step(dt: FixedStep.dt, input: input, stimuli: due)
        state.animator?.step(to: time, dt: FixedStep.dt, mind: state.mind, stimuli: due)
        return produced
    }

    public static func finish(_ state: inout State) -> [MemoryEvent] { state.mind.finish() }
    public static func memory(of state: State) -> EmergenceMemory { state.mind.memory }

    public static func painter(width: Int, height: Int, richness: Richness, pool: WorkerPool) -> EmergencePainter {
        EmergencePainter(scene: EmergenceScene(width: width, height: height, richness: richness, pool: pool), pool: pool)
    }

    public static func frame(_ state: State, painter: inout EmergencePainter, time: Double, alpha: Double) -> SceneFrame {
        guard let shown = state.character, let animator = state.animator else { return painter.scene.frame(world: state.world, time: time) }
        if painter.character == nil {
            painter.character = CharacterSurface(shown, clips: shown.clips, count: state.world.count, seed: state.world.seed)
        }
        let character = painter.character!
        let surface = character.update(animator.pose(shown.model, faceTargets: character.faceTargets, at: time), pool: painter.pool)
        return painter.scene.frame(world: state.world, time: time, surface: surface)
    }

    public static func hud(_ state: State) -> SceneHUD {
        SceneHUD(trust: state.mind.trust, lines: ["stage \(state.mind.stage)"])
    }

    /// Correct answers raise trust through stages 2 → 5; wrong answers under rising time
    /// pressure bring escalation, corruption and glitch, down to stage 1.
    public static func benchScript() -> Script {
        var events: [StimulusEvent] = []
        var t = 2.0
        for _ in 0..<7 { events.append(StimulusEvent(t: t, .answer(correct: true))); t += 8 }
        var remaining = 1.0
        for _ in 0..<8 {
            events.append(StimulusEvent(t: t, .pressure(remaining: remaining)))
            events.append(StimulusEvent(t: t + 4, .answer(correct: false)))
            remaining = max(0, remaining - 0.14)
            t += 12
        }
        for k in 0..<6 { events.append(StimulusEvent(t: t + Double(k) * 2, .pointer(x: 0.3 + 0.08 * Double(k), y: 0.5))) }
        return Script(scene: name, clock: WallClock(unixSeconds: 1_795_000_000), events: events)
    }
}

/// Emergence's painter: the particle scene, and the character's surface when there is one.
public final class EmergencePainter {
    public let scene: EmergenceScene
    let pool: WorkerPool
    var character: CharacterSurface?

    init(scene: EmergenceScene, pool: WorkerPool) {
        self.scene = scene
        self.pool = pool
    }
}

extension SceneRenderer {
    /// Emergence's stage at the last step; nil for another scene.
    public var emergenceStage: Int? { state(Emergence.self)?.mind.stage }

    /// The emergence world's smoothed glitch amount at the last step; nil for another scene.
    public var emergenceGlitch: Double? { state(Emergence.self)?.world.glitchAmount }
}
