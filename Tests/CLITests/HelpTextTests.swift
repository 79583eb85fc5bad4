import Testing
import TestSupport

/// Every command's `--help` is plain text: no stray backslashes (a `\\` at the end of a line
/// of a help string is a literal backslash, not a line continuation: `play --help` once
/// printed three), and nothing but ASCII, so it reads the same in any terminal and man page.
@Suite struct HelpTextTests {
    static let commands: [[String]] = [
        [], ["play"], ["render"], ["simulate"], ["version"],
        ["memory"], ["memory", "show"], ["memory", "history"], ["memory", "stats"], ["memory", "export"],
        ["memory", "import"], ["memory", "forget"], ["memory", "repair"], ["memory", "reset"],
        ["bench"], ["bench", "scenes"], ["bench", "workload"], ["bench", "soak"], ["bench", "instructions"],
        ["bench", "scenes-quick"], ["image"], ["image", "compare"],
    ]

    @Test(arguments: commands) func helpIsPlainText(_ command: [String]) throws {
        let r = try run(photophorePath, command + ["--help"], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("USAGE:"))
        #expect(!r.stdout.contains("\\"), "a backslash in \(command.joined(separator: " ")) --help")
        let nonASCII = r.stdout.unicodeScalars.filter { !$0.isASCII }
        #expect(nonASCII.isEmpty, "non-ASCII in \(command.joined(separator: " ")) --help: \(String(String.UnicodeScalarView(nonASCII)))")
    }
}
