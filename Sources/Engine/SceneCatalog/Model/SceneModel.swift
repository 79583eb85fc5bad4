import GLTF

/// A glTF model a scene shows, loaded (and checked) before the session starts: the `model`
/// scene's subject (`--model`), emergence's character (`--character`).
public struct SceneModel: Sendable {
    /// The loaded model.
    public var model: GLTFModel
    /// The file's name, for the HUD and messages.
    public var name: String
    /// The clip the `model` scene plays from the start, by name; nil for the rest pose.
    public var clip: String?
    /// Seconds per turn of the `model` scene's turntable; 0 holds it still.
    public var orbitSeconds: Double
    /// Which clips and morph targets emergence's mind plays on its character.
    public var clips: CharacterClips

    /// The range of `orbitSeconds`, and its default.
    public static let orbitRange: ClosedRange<Double> = 0...3600
    public static let defaultOrbitSeconds = 12.0

    public init(model: GLTFModel, name: String, clip: String? = nil, orbitSeconds: Double = defaultOrbitSeconds, clips: CharacterClips = .standard) {
        self.model = model
        self.name = name
        self.clip = clip
        self.orbitSeconds = orbitSeconds
        self.clips = clips
    }

    /// Loads `path` and checks the clip names against it: one line naming the file and what
    /// to do when it cannot be used.
    public static func load(_ path: String, clip: String? = nil, orbitSeconds: Double = defaultOrbitSeconds,
                            clips: CharacterClips = .standard) throws(GLTFError) -> SceneModel {
        let model = try GLTFModel.load(contentsOf: path)
        guard model.triangleCount > 0 else { throw GLTFError(file: path, at: "meshes", "no triangles to draw; give a model with a triangle mesh") }
        if let clip, model.animation(named: clip) == nil {
            throw GLTFError(file: path, at: "animations", "no clip named \(clip); it has \(clipList(model))")
        }
        return SceneModel(model: model, name: path, clip: clip, orbitSeconds: orbitSeconds, clips: clips)
    }

    /// "Idle, Walking and Wave", or "no clips".
    static func clipList(_ model: GLTFModel) -> String {
        let names = model.animations.map(\.name)
        if names.isEmpty { return "no clips" }
        return names.count < 2 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
