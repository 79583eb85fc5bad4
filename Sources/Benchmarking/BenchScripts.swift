import Engine
import Stimuli

/// The benchmark's stimulus scripts: each scene's own (`Scene.benchScript`), over
/// `BenchScripts.duration` seconds of simulation time, taking it through every look it has
/// (the candlefish through all six moods, the emergence character through all five stages).
public enum BenchScripts {
    /// Simulation seconds the scripts cover.
    public static let duration = 160.0

    /// The timeline's frame rate: the simulation's fixed 60 Hz step, one frame per step.
    public static let fps = 60

    /// Frames of the scripted timeline at `fps`: frames 0 ..< 9600, times 0 ..< 160 s.
    public static let timelineFrames = Int(duration) * fps

    /// The timeline frame that sample `k` of an `n`-frame benchmark renders:
    /// k · timelineFrames / n (integer division), spread evenly over the whole timeline and
    /// never past its end, so every run sees every mood, whatever n is. With n above
    /// `timelineFrames` some frames are rendered more than once.
    public static func sampledFrame(_ k: Int, of n: Int) -> Int {
        precondition(n > 0 && (0..<n).contains(k), "sample \(k) of \(n)")
        return Int((Int64(k) * Int64(timelineFrames)) / Int64(n))
    }

    /// The simulation time of sample `k` of `n`, in seconds: within 0 ..< duration.
    public static func sampledTime(_ k: Int, of n: Int) -> Double {
        Double(sampledFrame(k, of: n)) / Double(fps)
    }

    /// The scene's own benchmark script (`Scene.benchScript`), found in the registry.
    public static func script(for scene: SceneName) -> Script {
        SceneRegistry.scene(named: scene)?.benchScript() ?? Script(scene: scene)
    }

    /// The candlefish's script: `Candlefish.benchScript()`.
    public static func candlefish() -> Script { Candlefish.benchScript() }

    /// Emergence's script: `Emergence.benchScript()`.
    public static func emergence() -> Script { Emergence.benchScript() }
}
