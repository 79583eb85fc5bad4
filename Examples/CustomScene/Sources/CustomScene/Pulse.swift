import Engine
import Foundation

/// What Pulse remembers between runs: how many beats it was ever given.
struct PulseMemory: SceneMemory {
    var beats = 0

    enum Event: Codable, Equatable, Sendable { case beat(t: Double) }

    static let scene = SceneName("pulse")
    static func kind(of event: Event) -> String { "beat" }
    mutating func apply(_ event: Event) { beats += 1 }
}

/// Pulse's mind: each click is a beat that adds energy, which then fades with a 2 s half-life.
struct PulseMind {
    var memory: PulseMemory
    var energy = 0.0

    mutating func step(dt: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent] {
        energy *= pow(0.5, dt / 2)
        var recorded: [MemoryEvent] = []
        for case let (t, .click) in events.map({ ($0.t, $0.stimulus) }) {
            energy = min(1, energy + 0.35)
            memory.apply(.beat(t: t))
            recorded.append(MemoryEvent(PulseMemory.self, .beat(t: t)))
        }
        return recorded
    }
}

/// A ring of glowing beads that swells and warms with the mind's energy.
enum Pulse: Scene {
    typealias Remembers = PulseMemory
    struct State { var mind: PulseMind; var time = 0.0 }

    static let name = PulseMemory.scene
    static let summary = "a ring of light that beats when you click"
    static let keys: [String: KeyBinding] = ["B": .stimulus(.click(x: 0.5, y: 0.5))]

    static func start(_ s: SceneStart) -> State { State(mind: PulseMind(memory: s.memory[PulseMemory.self])) }
    static func step(_ state: inout State, to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent] {
        defer { state.time = time }
        return state.mind.step(dt: time - state.time, events: events)
    }
    static func finish(_ state: inout State) -> [MemoryEvent] { [] }
    static func memory(of state: State) -> PulseMemory { state.mind.memory }
    static func hud(_ state: State) -> SceneHUD { SceneHUD(lines: ["energy \(Int(state.mind.energy * 100))%"]) }
    static func benchScript() -> Script {
        Script(scene: name, events: (0..<80).map { StimulusEvent(t: Double($0) * 2, .click(x: 0.5, y: 0.5)) })
    }

    static func painter(width: Int, height: Int, richness: Richness, pool: WorkerPool) -> SpriteBatch { SpriteBatch() }

    static func frame(_ state: State, painter beads: inout SpriteBatch, time: Double, alpha: Double) -> SceneFrame {
        beads.reset()
        let e = Float(state.mind.energy), aspect: Float = 16.0 / 9.0
        for i in 0..<48 {
            let a = Float(i) / 48 * 2 * .pi + Float(time) * 0.3
            let r = 0.35 + 0.25 * e + 0.02 * sin(Float(time) * 3 + Float(i))
            beads.add(SIMD3(r * cos(a) / aspect, r * sin(a), 0), half: SIMD2(0.03 / aspect, 0.03), intensity: 0.6 + e)
        }
        var frame = SceneFrame()
        frame.clearColor = SIMD4(0.004, 0.004, 0.012, 1)
        frame.draws = [beads.draw(tint: SIMD3(0.3 + 0.7 * e, 0.5, 1 - 0.6 * e))].compactMap { $0 }
        frame.look.bloomStrength = 0.7
        frame.look.vignette = 0.3
        return frame
    }
}
