// Tells the program which git commit it was built from.
//
// The manifest cannot: SwiftPM caches its evaluation, so a commit read there goes stale. A
// prebuild command cannot either: SwiftPM runs it only when it re-plans the build (after a
// change to Package.swift or to a target's list of files), not before every build. So this is
// a build command whose inputs are what moves when the answer changes: git's HEAD, its reflog
// and the directories where git replaces the index and the refs (a commit, checkout, reset or
// `git add`), and every file under Sources/ and Plugins/ (an edit not committed yet). It runs tools/build-info.sh, which writes
// GitState.swift only when its content changes, so an unchanged tree rebuilds nothing.
import Foundation
import PackagePlugin

@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let script = package.appending(path: "tools/build-info.sh")
        let output = context.pluginWorkDirectoryURL.appending(path: "GitState.swift")
        var inputs = [script, package.appending(path: "Package.swift")] + gitFiles(package)
        for folder in ["Sources", "Plugins"] {
            inputs += files(under: package.appending(path: folder))
        }
        return [
            .buildCommand(
                displayName: "Reading the git commit for \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path(percentEncoded: false), package.path(percentEncoded: false),
                            output.path(percentEncoded: false)],
                inputFiles: inputs,
                outputFiles: [output]),
        ]
    }

    /// What git changes when HEAD moves or the index changes, for a checkout or a worktree
    /// (where `.git` is a file naming the real git directory). Only what exists is named, and
    /// nothing that git may delete: a missing input stops the build. The git directories
    /// themselves are inputs because git replaces HEAD, the index and refs by renaming a new
    /// file into place, which changes the directory; logs/HEAD grows on every move of HEAD.
    func gitFiles(_ package: URL) -> [URL] {
        let dotGit = package.appending(path: ".git")
        var gitDir = dotGit
        if let link = try? String(contentsOf: dotGit, encoding: .utf8), link.hasPrefix("gitdir:") {
            let path = link.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            gitDir = URL(fileURLWithPath: path, relativeTo: package).standardizedFileURL
        }
        var commonDir = gitDir
        if let common = try? String(contentsOf: gitDir.appending(path: "commondir"), encoding: .utf8) {
            let path = common.trimmingCharacters(in: .whitespacesAndNewlines)
            commonDir = URL(fileURLWithPath: path, relativeTo: gitDir.appending(path: "")).standardizedFileURL
        }
        let candidates = [gitDir, gitDir.appending(path: "HEAD"), gitDir.appending(path: "logs/HEAD"),
                          commonDir, commonDir.appending(path: "refs/heads")]
        return candidates.filter { FileManager.default.fileExists(atPath: $0.path(percentEncoded: false)) }
    }

    func files(under folder: URL) -> [URL] {
        guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return walk.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}
