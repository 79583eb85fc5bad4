import Stimuli
#if canImport(Glibc)
import Glibc
#endif

/// The benchmark's built-in stimulus scripts: over `BenchScripts.duration` seconds of
/// simulation time they take the candlefish through all six moods and the emergence
/// character through all five stages, so the benchmark measures every look.
///
/// The Mind's rules set the pace: trust starts at 20 and rises about 1 per second of gentle
/// movement (playful needs > 50, trusting > 80), and lonely needs 60 s without the pointer.
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

    public static func script(for scene: SceneName) -> Script {
        scene == .candlefish ? candlefish() : emergence()
    }

    /// shy (trust < 30) → curious → playful (moderate speed) → shy (fast) → trusting →
    /// excited (a feed) → lonely (pointer gone for 60 s).
    public static func candlefish() -> Script {
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
        return Script(scene: .candlefish, clock: WallClock(unixSeconds: 1_795_000_000), events: events)
    }

    /// Correct answers raise trust through stages 2 → 5; wrong answers under rising time
    /// pressure bring escalation, corruption and glitch, down to stage 1.
    public static func emergence() -> Script {
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
        return Script(scene: .emergence, clock: WallClock(unixSeconds: 1_795_000_000), events: events)
    }
}
