// Tells the program which git commit it was built from.
//
// The manifest cannot do this: SwiftPM caches its evaluation, so a commit read there goes
// stale. A prebuild command runs before every build instead; it runs tools/build-info.sh,
// which writes GitState.swift (commit, date, modified tree) into this plugin's output
// directory, rewriting it only when something changed so an unchanged tree rebuilds nothing.
import Foundation
import PackagePlugin

@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let outputs = context.pluginWorkDirectoryURL.appending(path: "generated")
        let package = context.package.directoryURL
        return [
            .prebuildCommand(
                displayName: "Reading the git commit for \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [package.appending(path: "tools/build-info.sh").path(percentEncoded: false),
                            package.path(percentEncoded: false),
                            outputs.appending(path: "GitState.swift").path(percentEncoded: false)],
                outputFilesDirectory: outputs),
        ]
    }
}
