import Engine
import GLTF
import Mind
import Raster
import Stimuli
import Testing
import TestSupport

/// Emergence with a glTF character (`--character`): the particles assemble on its skinned
/// surface, and the mind chooses its clips and faces.
@Suite("Emergence with a character")
struct EmergenceCharacterTests {
    static let robot = repositoryRoot + "/assets/models/RobotExpressive.glb"

    static func settings(_ events: [StimulusEvent] = [], threads: Int = 2, fps: Int = 60, character: Bool = true) throws -> RenderSettings {
        RenderSettings(scene: .emergence, width: 320, height: 180, seed: 5,
                       script: events.isEmpty ? nil : Script(scene: .emergence, events: events),
                       richness: .minimal, threads: threads, fps: fps,
                       model: character ? try SceneModel.load(robot) : nil)
    }

    static let answers = (0..<8).map { StimulusEvent(t: 0.5 + Double($0) * 0.25, .answer(correct: true)) }

    @Test("the character changes the picture; the same frame is the same bytes on any thread count, alone or in a run, at any fps")
    func deterministic() throws {
        let one = try SceneRenderer(Self.settings(Self.answers, threads: 1)).render(frame: 240)
        let r = try SceneRenderer(Self.settings(Self.answers, threads: 2))
        var inRun: Image8?
        for f in 236...242 { let img = r.render(frame: f); if f == 240 { inRun = img } }
        #expect(one == inRun)
        // Frame 120 at 30 fps is the same moment (4 s) as frame 240 at 60: the same pose and
        // particles (the dither and grain, keyed by the frame number, differ by a level or so).
        #expect(meanAbsDiff(try SceneRenderer(Self.settings(Self.answers, fps: 30)).render(frame: 120), one) < 1)
        let figure = try SceneRenderer(Self.settings(Self.answers, character: false)).render(frame: 240)
        #expect(meanAbsDiff(one, figure) > 0.5, "the robot is not the built-in figure")
    }

    /// Idle while nothing happens; Yes after a correct answer and Jump when the stage rises
    /// (one-shots), Dance at the final stage; No and the sad face after a wrong answer; the
    /// collapse (Death), held, and the angry face while corruption is high.
    @Test("the mind chooses the clips and the faces")
    func clipsFollowTheMind() throws {
        let robot = try SceneModel.load(Self.robot)
        func clipName(_ stepper: SceneStepper) -> String? {
            stepper.state(Emergence.self)!.animator!.current.map { robot.model.animations[$0.clip].name }
        }
        func run(_ events: [StimulusEvent], to seconds: Double) -> SceneStepper {
            let s = SceneStepper(Emergence.self, start: SceneStart(seed: 5, width: 320, height: 180, model: robot), events: events)
            s.simulate(toStep: Int(seconds * 60))
            return s
        }
        #expect(clipName(run([], to: 3)) == "Idle")
        // From a fresh memory the first right answer raises the stage (Jump); the second does not.
        #expect(clipName(run([StimulusEvent(t: 0.3, .answer(correct: true))], to: 0.5)) == "Jump")
        #expect(clipName(run([StimulusEvent(t: 0.3, .answer(correct: true)), StimulusEvent(t: 0.55, .answer(correct: true))], to: 0.7)) == "Yes")
        // Eight right answers reach stage 5 at the seventh (2 s): Jump; then Dance loops.
        #expect(clipName(run(Self.answers, to: 2.1)) == "Jump")
        #expect(clipName(run(Self.answers, to: 8)) == "Dance")
        let wrong = run([StimulusEvent(t: 1, .answer(correct: false))], to: 2)
        #expect(clipName(wrong) == "No")
        #expect(wrong.state(Emergence.self)!.animator!.faces.x > 0.9, "the sad face shows after a wrong answer")
        #expect(run([StimulusEvent(t: 1, .answer(correct: false))], to: 6).state(Emergence.self)!.animator!.faces.x < 0.05,
                "and fades after it")
        let corrupted = run((0..<4).map { StimulusEvent(t: 1 + Double($0) * 2, .answer(correct: false)) }, to: 12)
        #expect(clipName(corrupted) == "Death" && corrupted.state(Emergence.self)!.animator!.current!.hold)
        #expect(corrupted.state(Emergence.self)!.animator!.faces.z > 0.9, "angry at full corruption")
    }

    /// The particles follow the skin: a frame in the dance differs from one a moment later,
    /// where the built-in figure (which stands still) barely changes.
    @Test("the particles follow the animated skin")
    func particlesFollowTheSkin() throws {
        let r = try SceneRenderer(Self.settings(Self.answers))
        let a = r.render(frame: 600), b = r.render(frame: 615)
        let f = try SceneRenderer(Self.settings(Self.answers, character: false))
        let fa = f.render(frame: 600), fb = f.render(frame: 615)
        #expect(meanAbsDiff(a, b) > 1.5 * meanAbsDiff(fa, fb), "dance \(meanAbsDiff(a, b)), figure \(meanAbsDiff(fa, fb))")
    }
}
