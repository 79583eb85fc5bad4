import ArgumentParser
import BuildInfo
import Sinks
import Window

/// `photophore version`: the engine, the commit and kind of build, and the versions of the C
/// libraries it loads.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the versions of Photophore and its libraries, and the commit it was built from.")

    func run() throws {
        print("photophore \(BuildInfo.version)")
        if let commit = BuildInfo.commit {
            let date = BuildInfo.commitDate.map { " of \($0)" } ?? ""
            // Of the files the program is built from: Package.swift, Sources/ and Plugins/.
            let state = BuildInfo.modified ? "with changes to its sources not committed" : "sources as committed"
            print("commit \(commit)\(date), \(state)")
        } else {
            print("commit unknown (not built from a git checkout)")
        }
        print(BuildInfo.selfContained
              ? "build self-contained (Swift runtime and Foundation linked in)"
              : "build uses the Swift toolchain's shared libraries (tools/build-static.sh builds the self-contained one)")
        for (name, version) in Sinks.libraryVersions() + Window.libraryVersions() {
            print("\(name) \(version)")
        }
    }
}
