import Basics
import Engine
import Raster

/// The bench loop that `bench` (the gate's frame times) and `bench scenes-quick` share:
/// renders frames of a scene and measures what each costs in playback.
///
/// A frame's time is the scene, the rasterizer and the effects. With `catchUp`, the
/// simulation is stepped to the frame before its timer starts: sampled frames lie many steps
/// apart, while a 60 fps player takes one step per frame.
public enum SceneBench {
    /// What one frame cost.
    public struct FrameCost: Sendable, Equatable {
        /// The whole frame, milliseconds.
        public var ms: Double
        /// Its stages (`SceneRenderer.timings`), milliseconds.
        public var scene: Double, raster: Double, effects: Double
        /// Work counters: deterministic for the same scene, settings and frame.
        public var triangles: Int, fragments: Int
        /// Blocks drawn per sample (edges; `FrameStats.splitBlocks`).
        public var splitBlocks = 0
    }

    /// A regression planted to prove the gate (tools/gate-selftest.sh, tools/gate-power.sh).
    public enum Plant: Equatable, Sendable {
        /// Renders every frame twice and counts both.
        case work
        /// Spins for an extra half of each frame's time.
        case time
        /// Spins, inside the stage, for this percentage of the stage's own time in each frame.
        case stage(FrameStage, Double)
    }

    /// Renders frame `frameAt(k)` for each k in `0..<frames` and returns their costs in order.
    public static func run(_ renderer: SceneRenderer, frames: Int, fps: Int, frameAt: (Int) -> Int, catchUp: Bool = true,
                           plant: Plant? = nil) -> [FrameCost] {
        var image = Image8(width: renderer.settings.width, height: renderer.settings.height)
        var costs: [FrameCost] = []
        costs.reserveCapacity(frames)
        if case let .stage(planted, pct)? = plant {
            var began: UInt64 = 0
            renderer.stageHook = StageHook(
                begin: { stage in if stage == planted { began = Monotonic.nanoseconds() } },
                end: { stage in
                    guard stage == planted else { return }
                    let spent = Monotonic.nanoseconds() - began
                    let until = began + spent + UInt64(Double(spent) * pct / 100)
                    while Monotonic.nanoseconds() < until {}
                })
        }
        defer { if case .stage? = plant { renderer.stageHook = nil } }
        for k in 0..<frames {
            let frame = frameAt(k)
            if catchUp {
                let (n, alpha) = FixedStep.position(frame: frame, fps: fps)
                renderer.simulate(toStep: alpha > 0 ? n + 1 : n)
            }
            let start = Monotonic.nanoseconds()
            renderer.render(frame: frame, into: &image)
            let t = renderer.timings
            var cost = FrameCost(ms: 0, scene: Double(t.scene) / 1e6, raster: Double(t.raster) / 1e6, effects: Double(t.effects) / 1e6,
                                 triangles: renderer.stats.triangles, fragments: renderer.stats.fragments)
            cost.splitBlocks = renderer.stats.splitBlocks
            switch plant {
            case .work?:
                renderer.render(frame: frame, into: &image)
                cost.triangles += renderer.stats.triangles
                cost.fragments += renderer.stats.fragments
            case .time?:
                let spent = Monotonic.nanoseconds() - start
                while Monotonic.nanoseconds() - start < spent + spent / 2 {}
            case .stage?, nil:
                break
            }
            cost.ms = Double(Monotonic.nanoseconds() - start) / 1e6
            costs.append(cost)
        }
        return costs
    }
}
