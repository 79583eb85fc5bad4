import Foundation
import TestSupport

/// The `photophore` binary built beside the test bundle.
let photophorePath = photophoreExecutable

typealias RunResult = ProcessOutput

func photophore(_ arguments: String...) throws -> RunResult {
    try run(photophorePath, arguments)
}

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "photophore-cli-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
