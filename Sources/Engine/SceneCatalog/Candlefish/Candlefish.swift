import Mind
import Raster
import Scenes
import Simulation
import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// The candlefish as a `Scene`: its mind (Mind's `CandlefishMind`), its world
/// (Simulation's `CandlefishWorld`) and its painter (Scenes' `CandlefishScene`).
public enum Candlefish: Scene {
    /// Its memory codec.
    public typealias Remembers = CandlefishMemory

    /// The fish's mind and world. Food the world saw eaten in a step reaches the mind at
    /// the next step.
    public struct State {
        public var mind: CandlefishMind
        public var world: CandlefishWorld
        var eatenPending = 0
    }

    public static let name = SceneName.candlefish
    public static let summary = "a deep-sea fish that reacts to the person watching it; move the pointer, click to feed"

    public static func start(_ s: SceneStart) -> State {
        State(mind: CandlefishMind(memory: s.memory.candlefish, profile: s.profile, clock: s.clock),
              world: CandlefishWorld(seed: s.seed, aspect: s.aspect, richness: s.richness))
    }

    public static func step(_ state: inout State, to time: Double, events: ArraySlice<StimulusEvent>) -> [MemoryEvent] {
        let pending = state.mind.takeEvents()
        let produced = pending + state.mind.step(to: time, events: events, foodEaten: state.eatenPending)
        let m = state.mind
        let input = CandlefishInput(mood: m.mood, expression: m.expression, pointer: m.pointer,
                                    pointerSpeed: m.pointerSpeed, favouriteSpot: m.favouriteSpot)
        state.eatenPending = state.world.step(dt: FixedStep.dt, input: input, stimuli: events.lazy.map(\.stimulus))
        return produced
    }

    public static func finish(_ state: inout State) -> [MemoryEvent] { state.mind.finish() }
    public static func memory(of state: State) -> CandlefishMemory { state.mind.memory }

    public static func painter(width: Int, height: Int, richness: Richness, pool: WorkerPool) -> CandlefishScene {
        CandlefishScene(width: width, height: height, richness: richness)
    }

    public static func frame(_ state: State, painter: inout CandlefishScene, time: Double, alpha: Double) -> SceneFrame {
        painter.frame(world: state.world, mood: state.mind.mood, expression: state.mind.expression, time: time, alpha: alpha)
    }

    public static func hud(_ state: State) -> SceneHUD {
        SceneHUD(trust: state.mind.trust, lines: ["mood \(state.mind.mood.rawValue)"])
    }

    /// shy (trust < 30) → curious → playful (moderate speed) → shy (fast) → trusting →
    /// excited (a feed) → lonely (pointer gone for 60 s).
    ///
    /// The Mind's rules set the pace: trust starts at 20 and rises about 1 per second of
    /// gentle movement (playful needs > 50, trusting > 80), and lonely needs 60 s without
    /// the pointer.
    public static func benchScript() -> Script {
        var events: [StimulusEvent] = []
        // A circular pointer path; speed in view heights per second is radius · ω.
        var angle = 0.0
        func move(from t0: Double, to t1: Double, speed: Double) {
            let radius = 0.2, step = 0.05
            var t = t0
            while t < t1 {
                angle += speed / radius * step
                events.append(StimulusEvent(t: t, .pointer(x: 0.5 + radius * cos(angle) * 0.56, y: 0.5 + radius * sin(angle))))
                t += step
            }
        }
        move(from: 0.5, to: 34, speed: 0.2)     // gentle: shy while trust < 30, then curious
        move(from: 34, to: 46, speed: 1.0)      // moderate: playful
        move(from: 46, to: 49, speed: 3.5)      // fast: shy
        move(from: 49, to: 90, speed: 0.2)      // gentle: trust passes 80, trusting
        events.append(StimulusEvent(t: 90.5, .click(x: 0.55, y: 0.45)))  // a feed: excited
        move(from: 91, to: 94, speed: 0.2)
        events.append(StimulusEvent(t: 94.5, .leave))  // lonely after 60 s alone
        return Script(scene: name, clock: WallClock(unixSeconds: 1_795_000_000), events: events)
    }
}

extension SceneRenderer {
    /// The candlefish's state at the last step; nil for another scene.
    var candlefish: Candlefish.State? { state(Candlefish.self) }

    /// The candlefish's mood at the last step; nil for another scene.
    public var fishMood: Mood? { candlefish?.mind.mood }

    /// The candlefish's spine joints (head first, world units, without the wave) at the last
    /// step; nil for another scene. For tests and tools that check the fish's pose.
    public var fishSpine: [SIMD2<Double>]? { candlefish?.world.spine.joints }

    /// The candlefish's expression at the last step; nil for another scene.
    public var fishExpression: Expression? { candlefish?.mind.expression }
}
