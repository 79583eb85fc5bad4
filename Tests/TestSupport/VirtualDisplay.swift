import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private X server (Xvfb) on a free display, for as long as the value lives.
///
/// It does not touch this process's `DISPLAY`: a child is pointed at it through its own
/// environment (`environment`), so tests that run at the same time each keep their own
/// server.
public final class VirtualDisplay: @unchecked Sendable {
    /// The display name, e.g. ":7".
    public let display: String
    public let number: Int
    private let process = Process()

    /// What a child's environment needs to open windows on this display.
    public var environment: [String: String] { ["DISPLAY": display] }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String { "Xvfb did not start (is it installed? tools/setup.sh installs it)" }
    }

    public init(screen: String = "1600x900x24") throws {
        // Xvfb picks a free display itself and writes its number once it accepts clients
        // (-displayfd): choosing one here raced with other suites starting servers at once.
        let ready = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/Xvfb")
        process.arguments = ["-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"]
        process.standardOutput = ready
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = ready.fileHandleForReading.availableData
            if chunk.isEmpty { break } // Xvfb exited first
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw StartError()
        }
        number = n
        display = ":\(n)"
    }

    deinit {
        // Children of the test process inherit its blocked signals, SIGTERM among them, and
        // Xvfb can ignore SIGTERM while a client is closing: kill. It holds nothing to save.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        unlink("/tmp/.X\(number)-lock")
        unlink("/tmp/.X11-unix/X\(number)")
    }
}
