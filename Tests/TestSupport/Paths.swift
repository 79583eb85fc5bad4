import Foundation

/// The repository's root folder: this file is Tests/TestSupport/Paths.swift in it.
public let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The `photophore` program built beside the test bundle (the package's tests depend on it),
/// else the release build in the repository.
public let photophoreExecutable: String = {
    let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("photophore").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return repositoryRoot + "/.build/release/photophore"
}()
