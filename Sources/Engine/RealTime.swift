extension HUDFacts {
    /// The live HUD's text: scene, simulation time and trust, the frames `clock` dropped, the
    /// scene's own lines (mood, stage…), and a line while paused. `number(v, decimals)` writes
    /// a number with that many decimals.
    public func text(clock: RealTimeClock, number: (Double, Int) -> String) -> [String] {
        var text = ["\(scene.rawValue)  t \(number(time, 1)) s" + (trust.map { "  trust \(number($0, 1))" } ?? ""),
                    "dropped \(clock.droppedFrames) frames"]
        text += lines
        if clock.isPaused { text.append("paused (space)") }
        return text
    }
}

/// Simulation time for a live session, driven by the wall clock ("fix your timestep").
///
/// The world always steps at the fixed 60 Hz of `FixedStep`; this only decides how far it
/// should have got by now. A slow frame does not slow the world down: the next frame lands
/// further on, the steps in between are still taken (by `SceneRenderer`), and the frames in
/// between are dropped. After a stall longer than `maxCatchUp` (a suspended machine, a
/// dragged window, a debugger) the world moves on by `maxCatchUp` only and the rest of the
/// stall is skipped, so a long stall never turns into a burst of catch-up work.
///
/// Pure and deterministic: the caller passes every wall time in (seconds on any monotonic
/// clock), so tests pin the clock.
public struct RealTimeClock: Sendable, Equatable {
    /// The most simulation time one `advance` adds, in seconds (15 steps at 60 Hz).
    public static let maxCatchUp = 0.25

    /// Frames per second of the picture; frame k is shown at simulation time k / fps.
    public let fps: Int
    /// The wall time at which simulation time was 0, moved on by pauses and skipped stalls.
    public private(set) var origin: Double
    /// The wall time of the last `advance`.
    public private(set) var lastWall: Double
    /// Simulation time now, in seconds.
    public private(set) var simulationTime = 0.0
    public private(set) var isPaused = false
    /// Frames that were due but never shown because the world had moved past them.
    public private(set) var droppedFrames = 0
    /// Wall seconds skipped after stalls longer than `maxCatchUp`.
    public private(set) var skippedSeconds = 0.0
    /// The last frame `shown(frame:)` reported, or -1.
    public private(set) var lastShownFrame = -1

    /// Starts at simulation time 0 at wall time `start`.
    public init(start: Double, fps: Int = 60) {
        precondition(fps > 0, "fps must be positive")
        self.fps = fps
        origin = start
        lastWall = start
    }

    /// Moves simulation time on to wall time `now` (frozen while paused; at most
    /// `maxCatchUp` at once). A `now` earlier than the last one counts as no time passing.
    public mutating func advance(to now: Double) {
        guard now.isFinite, now > lastWall else { return }
        defer { lastWall = now }
        if isPaused {
            origin += now - lastWall
            return
        }
        let elapsed = now - lastWall
        if elapsed > Self.maxCatchUp {
            let skipped = elapsed - Self.maxCatchUp
            origin += skipped
            skippedSeconds += skipped
        }
        simulationTime = max(simulationTime, now - origin)
    }

    /// Pauses or resumes at wall time `now`: simulation time stands still in between.
    public mutating func setPaused(_ paused: Bool, at now: Double) {
        advance(to: now)
        isPaused = paused
    }

    /// The simulation time of something that happened at wall time `wall` (an input event),
    /// within 0 ... `simulationTime`: an event never lands in the future of the world.
    public func simulationTime(ofWall wall: Double) -> Double {
        guard wall.isFinite else { return simulationTime }
        return min(simulationTime, max(0, wall - origin))
    }

    /// The frame due now: the last one whose time k / fps is at or before `simulationTime`.
    public var frame: Int {
        // A hair of tolerance, so that t = k / fps computed in floating point is frame k.
        Int((simulationTime * Double(fps) + 1e-9).rounded(.down))
    }

    /// Records that frame `k` was shown; every frame skipped since the last one counts as
    /// dropped.
    public mutating func shown(frame k: Int) {
        if lastShownFrame >= 0, k > lastShownFrame + 1 { droppedFrames += k - lastShownFrame - 1 }
        lastShownFrame = max(lastShownFrame, k)
    }
}
