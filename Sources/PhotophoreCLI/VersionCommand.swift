import ArgumentParser
import Sinks
import Window

/// `photophore version`: the engine and the versions of the C libraries it links.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the versions of Photophore and its libraries.")

    func run() throws {
        print("photophore 0.1.0")
        for (name, version) in Sinks.libraryVersions() + Window.libraryVersions() {
            print("\(name) \(version)")
        }
    }
}
