import Mind
import Stimuli

/// A scene run without drawing, for `simulate`: stepped at 60 Hz through `SceneStepper`,
/// exactly as `render` and the window step it, and reported in the scene's own words
/// (`SceneReport`).
public struct SimulationRun {
    /// The state at the start (before step 0) and at the end (after `Scene.finish`): the
    /// text after "start"/"end", and the report's `start`/`end` members.
    public var start: (line: String, members: [(key: String, value: JSONValue)])
    public var end: (line: String, members: [(key: String, value: JSONValue)])
    /// What happened, in order.
    public var entries: [TimelineEntry]
    /// The last step taken: the run covered `FixedStep.time(lastStep)` seconds.
    public private(set) var lastStep = 0

    /// How far past its planned end a run goes on while the scene is busy
    /// (`SceneReport.isBusy`), in seconds.
    public static let maxOverrunSeconds = 60.0
    /// Simulation seconds between samples (`TimelineStep.isSample`).
    public static let sampleSeconds = 10.0

    /// Runs `scene` from `start` over `events` (sorted by time) to step `steps`, then on
    /// while the scene is busy when `overrun` (at most `maxOverrunSeconds` more). Every step's
    /// memory events, and the closing ones, are handed to `save` as they happen.
    public static func run(_ scene: any Scene.Type, start: SceneStart, events: [StimulusEvent], steps: Int, overrun: Bool,
                           save: ([MemoryEvent]) throws -> Void) throws -> SimulationRun {
        func go<S: Scene>(_ s: S.Type) throws -> SimulationRun {
            try typed(s, start: start, events: events, steps: steps, overrun: overrun, save: save)
        }
        return try go(scene)
    }

    static func typed<S: Scene>(_ scene: S.Type, start: SceneStart, events: [StimulusEvent], steps: Int, overrun: Bool,
                              save: ([MemoryEvent]) throws -> Void) throws -> SimulationRun {
        let report = S.report
        let stepper = SceneStepper(S.self, start: start, events: events)
        var state: S.State { stepper.state(S.self)! }
        var result = SimulationRun(start: report.summary(state), end: ("", []), entries: [])
        let lastStep = steps + (overrun ? Int(maxOverrunSeconds * Double(FixedStep.rate)) : 0)
        var nextSample = sampleSeconds
        var n = 0
        while n <= lastStep {
            if n > steps, !report.isBusy(state) { break }
            let before = S.memory(of: state)
            stepper.simulate(toStep: n)
            let produced = stepper.takeMemoryEvents()
            try save(produced)
            let t = stepper.simulationTime
            let sample = t >= nextSample
            if sample { nextSample += sampleSeconds }
            result.entries += report.timeline(TimelineStep(time: t, state: state, memoryBefore: before, stimuli: stepper.lastStimuli,
                                                           events: produced.compactMap { $0.event(S.Remembers.self) }, isSample: sample))
            result.lastStep = n
            n += 1
        }
        let before = S.memory(of: state)
        let closing = stepper.finish()
        try save(closing)
        result.entries += report.timeline(TimelineStep(time: stepper.simulationTime, state: state, memoryBefore: before, stimuli: [],
                                                       events: closing.compactMap { $0.event(S.Remembers.self) }, isSample: false))
        result.end = report.summary(state)
        return result
    }
}
