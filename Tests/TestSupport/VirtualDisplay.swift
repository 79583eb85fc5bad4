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
        var timedOut = false
        public var description: String {
            timedOut ? "Xvfb started but did not give its display number within \(Int(VirtualDisplay.startLimit)) s (is the machine overloaded?)"
                : "Xvfb did not start (is it installed? tools/setup.sh installs it)"
        }
    }

    /// How long Xvfb may take to accept clients. It takes well under a second; the limit only
    /// keeps a server that never answers from holding a test (and CI) up.
    static let startLimit: Double = 120

    public init(screen: String = "1600x900x24") throws {
        // Xvfb picks a free display itself and writes its number once it accepts clients
        // (-displayfd): choosing one here raced with other suites starting servers at once.
        let ready = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/Xvfb")
        process.arguments = ["-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"]
        process.standardOutput = ready
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Reads the number with a time limit: poll first, so that the read never blocks.
        var text = ""
        let fd = ready.fileHandleForReading.fileDescriptor
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.startLimit * 1e9)
        var timedOut = false
        while !text.contains("\n") {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline { timedOut = true; break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let waited = poll(&poller, 1, Int32(min((deadline - now) / 1_000_000, 1000) + 1))
            if waited < 0 && errno == EINTR { continue }
            if waited < 0 { break } // the pipe is unusable: fail below, as for an exit
            if waited == 0 { continue }
            // Readable: this returns what is there at once, and nothing at end of file.
            let chunk = ready.fileHandleForReading.availableData
            if chunk.isEmpty { break } // Xvfb exited first
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw StartError(timedOut: timedOut)
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
