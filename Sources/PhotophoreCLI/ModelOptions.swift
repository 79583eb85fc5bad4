import ArgumentParser
import Engine
import GLTF

/// `--model`/`--character`, `--clip`, `--orbit` and `--clips`: a glTF model for the scenes
/// that show one (`Scene.modelUse`), loaded and checked before anything is drawn.
struct ModelOptions: ParsableArguments {
    @Option(name: [.customLong("model"), .customLong("character")], help: ArgumentHelp(
        "A glTF 2.0 model (.glb, or .gltf with its files) for the scene to show: the model scene's subject, emergence's character (--character is the same option).",
        valueName: "FILE.glb"))
    var model: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The model scene: the clip it plays from the start, by name (default: the rest pose).", valueName: "NAME"))
    var clip: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Emergence: the character's clips and morph targets for the mind's states, as ROLE=NAME pairs, comma-separated (roles: \(ClipRoles.names); default: RobotExpressive's names, docs/gltf.md).",
        valueName: "ROLE=NAME,..."))
    var clips: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The model scene: seconds per turn of the turntable, 0 to 3600; 0 holds it still (default: 12).",
                                                        valueName: "SECONDS"),
            transform: Parse.number(SceneModel.orbitRange, "seconds"))
    var orbit: Double?

    /// The model for `scene`, or nil; refuses options the scene does not use.
    func resolve(for scene: any Scene.Type) throws -> SceneModel? {
        let name = scene.name.rawValue
        if scene.modelUse != .required, clip != nil || orbit != nil {
            throw Failure.usage("--clip and --orbit are for the model scene; \(name) does not take them")
        }
        if scene.modelUse != .optional, clips != nil {
            throw Failure.usage("--clips is for a scene with a character (emergence); \(name) does not take it")
        }
        let roles = try clips.map(ClipRoles.parse) ?? .standard
        guard let model else {
            if clips != nil { throw Failure.usage("--clips names a character's clips: give --character FILE.glb too") }
            if scene.modelUse == .required { throw Failure.usage("the \(name) scene needs a model: give --model FILE.glb (a glTF 2.0 file)") }
            return nil
        }
        if scene.modelUse == .none {
            throw Failure.usage("--model \(model): \(name) shows no model; --model is for the model scene and --character for emergence")
        }
        do { return try SceneModel.load(model, clip: clip, orbitSeconds: orbit ?? SceneModel.defaultOrbitSeconds, clips: roles) } catch { throw Failure.usage(error.description) }
    }
}

/// `--clips`: ROLE=NAME pairs over RobotExpressive's defaults.
enum ClipRoles {
    nonisolated(unsafe) static let keys: [(String, WritableKeyPath<CharacterClips, String>)] = [
        ("idle", \.idle), ("correct", \.correct), ("wrong", \.wrong), ("stage", \.stageUp), ("corrupted", \.corrupted),
        ("final", \.final), ("wrong-face", \.wrongFace), ("stage-face", \.stageUpFace), ("corrupted-face", \.corruptedFace),
    ]
    static var names: String { keys.map(\.0).joined(separator: ", ") }

    static func parse(_ text: String) throws -> CharacterClips {
        var clips = CharacterClips.standard
        for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].isEmpty, let key = keys.first(where: { $0.0 == parts[0] }) else {
                throw Failure.usage("--clips \(text): give ROLE=NAME pairs, comma-separated, with ROLE one of \(names)")
            }
            clips[keyPath: key.1] = String(parts[1])
        }
        return clips
    }
}
