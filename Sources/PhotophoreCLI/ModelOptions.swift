import ArgumentParser
import Engine
import GLTF

/// `--model`/`--character`, `--clip` and `--orbit`: a glTF model for the scenes
/// that show one (`Scene.modelUse`), loaded and checked before anything is drawn.
struct ModelOptions: ParsableArguments {
    @Option(name: [.customLong("model"), .customLong("character")], help: ArgumentHelp(
        "A glTF 2.0 model (.glb, or .gltf with its files) for the model scene to show (--character is the same option, for scenes with a character).",
        valueName: "FILE.glb"))
    var model: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The model scene: the clip it plays from the start, by name (default: the rest pose).", valueName: "NAME"))
    var clip: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The model scene: seconds per turn of the turntable, 0 to 3600; 0 holds it still (default: 12).",
                                                        valueName: "SECONDS"),
            transform: Parse.number(SceneModel.orbitRange, "seconds"))
    var orbit: Double = 12

    /// The model for `scene`, or nil; refuses options the scene does not use.
    func resolve(for scene: any Scene.Type) throws -> SceneModel? {
        let name = scene.name.rawValue
        if scene.modelUse != .required, clip != nil || orbit != 12 {
            throw Failure.usage("--clip and --orbit are for the model scene; \(name) does not take them")
        }
        guard let model else {
            if scene.modelUse == .required { throw Failure.usage("the \(name) scene needs a model: give --model FILE.glb (a glTF 2.0 file)") }
            return nil
        }
        if scene.modelUse == .none {
            throw Failure.usage("--model \(model): \(name) shows no model; --model is for the model scene")
        }
        do { return try SceneModel.load(model, clip: clip, orbitSeconds: orbit) } catch { throw Failure.usage(error.description) }
    }
}
