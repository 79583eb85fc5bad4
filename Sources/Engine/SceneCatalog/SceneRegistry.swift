import Mind
import Stimuli

/// The scenes the program knows. The renderer, the window, the store and the command line
/// look scenes up here and never switch on a name.
///
/// Adding a scene: a folder beside this file with a type conforming to `Scene`, and one
/// line in `scenes` below (docs/scenes-and-engine.md, "Adding a scene").
public enum SceneRegistry {
    /// Every registered scene, in the order help texts list them.
    public static let scenes: [any Scene.Type] = [
        Candlefish.self,
        Emergence.self,
        Lanterns.self,
        Model.self,
    ]

    /// The scenes `bench` runs when none is named: the ones `benchmarks/baseline.json` was
    /// recorded with (a scene joins when a baseline with it is recorded).
    public static let benchmarked: [SceneName] = [.candlefish, .emergence]

    /// The scene called `name`, or nil.
    public static func scene(named name: SceneName) -> (any Scene.Type)? { scenes.first { $0.name == name } }

    /// The scene called `text`, or nil.
    public static func scene(named text: String) -> (any Scene.Type)? { SceneName(rawValue: text).flatMap(scene(named:)) }

    /// The registered names, in order.
    public static var names: [SceneName] { scenes.map { $0.name } }

    /// "candlefish, emergence or lanterns": the names as a help text or an error lists them.
    public static var nameList: String {
        let n = names.map(\.rawValue)
        return n.count < 2 ? n.joined() : n.dropLast().joined(separator: ", ") + " or " + n.last!
    }

    /// The memory types of every registered scene: what the store reads and writes with.
    public static var memories: SceneMemories { SceneMemories(scenes.map { $0.memoryType }) }
}

extension Scene {
    /// The scene's memory type, for lists of them (`SceneRegistry.memories`).
    public static var memoryType: any SceneMemory.Type { Remembers.self }
}
