import Mind
import Raster
import Scenes
import Simulation
import Stimuli

/// Lanterns: paper lanterns released over a dark lake. Click to release one where you
/// click, or press L; the lake warms while the pointer is over it, and the lanterns you
/// released in earlier sessions still drift high in the sky.
///
/// The smallest complete scene: its mind, memory, world and painter are all in this folder.
public enum Lanterns: Scene {
    /// Its memory codec.
    public typealias Remembers = LanternsMemory

    /// The lake's mind and its sky.
    public struct State {
        public var mind: LanternsMind
        public var world: LanternsWorld
    }

    public static let name = SceneName.lanterns
    public static let summary = "paper lanterns rising over a dark lake; click or L releases one"
    public static let keys: [String: KeyBinding] = ["L": .stimulus(.key("release"))]

    public static func start(_ s: SceneStart) -> State {
        let memory = s.memory[LanternsMemory.self]
        return State(mind: LanternsMind(memory: memory), world: LanternsWorld(seed: s.seed, remembered: memory.released))
    }

    public static func step(_ state: inout State, to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent] {
        let produced = state.mind.step(to: time, stimuli: events.lazy.map(\.stimulus))
        state.world.step(dt: FixedStep.dt, launches: state.mind.launches)
        return produced
    }

    public static func finish(_ state: inout State) -> [MemoryEvent] { state.mind.finish() }
    public static func memory(of state: State) -> LanternsMemory { state.mind.memory }

    public static func painter(width: Int, height: Int, richness: Richness, pool: WorkerPool) -> LanternsPainter {
        LanternsPainter(width: width, height: height, richness: richness)
    }

    public static func frame(_ state: State, painter: inout LanternsPainter, time: Double, alpha: Double) -> SceneFrame {
        painter.frame(world: state.world, warmth: state.mind.warmth, time: time, alpha: alpha)
    }

    public static func hud(_ state: State) -> SceneHUD {
        SceneHUD(lines: ["lanterns \(state.world.lanterns.count) in the sky", "released \(state.mind.memory.released)"])
    }

    /// A release every 5 s across the lake, the pointer over it and away again.
    public static func benchScript() -> Script {
        var events: [StimulusEvent] = []
        for k in 0..<32 {
            let t = 1 + Double(k) * 5
            events.append(StimulusEvent(t: t, .pointer(x: 0.2 + 0.6 * Double(k % 7) / 6, y: 0.6)))
            events.append(StimulusEvent(t: t + 0.5, .click(x: 0.1 + 0.8 * Double((k * 5) % 9) / 8, y: 0.7)))
            if k % 4 == 3 { events.append(StimulusEvent(t: t + 2, .leave)) }
        }
        return Script(scene: name, clock: WallClock(unixSeconds: 1_795_000_000), events: events)
    }
}
