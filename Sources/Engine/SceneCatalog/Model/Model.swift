import GLTF
import Mind
import Raster
import Scenes
import Stimuli

/// Model: any glTF 2.0 model on a turntable, framed from its bounds and lit by the engine
/// (key, fill and rim lights and ambient, then the look's bloom and tone mapping), for
/// product shots and CDN loops. `--model FILE.glb` chooses it, `--clip NAME` the clip it
/// plays, `--orbit SECONDS` the turntable's pace. The pointer turns it; a click plays the
/// next clip. Without a model it shows a stand-in gem.
public enum Model: Scene {
    public typealias Remembers = ModelMemory

    /// The model shown and its turntable.
    public struct State {
        public var shown: SceneModel
        public var turntable: ModelTurntable
    }

    public static let name = SceneName.model
    public static let summary = "a glTF model on a turntable (--model FILE.glb); move the pointer across to turn it, click for the next clip"
    public static let modelUse = ModelUse.required

    public static func start(_ s: SceneStart) -> State {
        let shown = s.model ?? ModelStandIn.model
        let clip = shown.clip.flatMap { name in shown.model.animations.firstIndex { $0.name == name } }
        return State(shown: shown, turntable: ModelTurntable(memory: s.memory[ModelMemory.self], orbitSeconds: shown.orbitSeconds,
                                                              clip: clip, clipCount: shown.model.animations.count))
    }

    public static func step(_ state: inout State, to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent] {
        state.turntable.step(to: time, dt: FixedStep.dt, stimuli: events.lazy.map(\.stimulus)).map { MemoryEvent(ModelMemory.self, $0) }
    }

    public static func finish(_ state: inout State) -> [MemoryEvent] {
        state.turntable.finish().map { MemoryEvent(ModelMemory.self, $0) }
    }

    public static func memory(of state: State) -> ModelMemory { state.turntable.memory }

    public static func painter(width: Int, height: Int, richness: Richness, pool: WorkerPool) -> ModelPainter {
        ModelPainter(width: width, height: height, richness: richness)
    }

    public static func frame(_ state: State, painter: inout ModelPainter, time: Double, alpha: Double) -> SceneFrame {
        painter.frame(state, time: time, alpha: alpha)
    }

    public static func hud(_ state: State) -> SceneHUD {
        let file = state.shown.name.split(separator: "/").last.map(String.init) ?? state.shown.name
        let clip = state.turntable.clip.map { state.shown.model.animations[$0].name } ?? "rest pose"
        return SceneHUD(lines: [file, clip])
    }

    /// A slow turn by the pointer, let go, clicks through the clips, and the turntable alone.
    public static func benchScript() -> Script {
        var events: [StimulusEvent] = []
        var t = 1.0
        for k in 0..<40 { events.append(StimulusEvent(t: t + Double(k) * 0.1, .pointer(x: 0.3 + 0.01 * Double(k), y: 0.5))) }
        t += 5
        events.append(StimulusEvent(t: t, .leave))
        for k in 0..<12 { events.append(StimulusEvent(t: t + 2 + Double(k) * 10, .click(x: 0.5, y: 0.5))) }
        return Script(scene: name, clock: WallClock(unixSeconds: 1_795_000_000), events: events)
    }
}
