import Basics
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar with an ETA on a terminal, silent when standard error is not one, and a
/// one-line summary at the end either way:
///
///     render  [##########··········]  300/600  50%  48.2 fps  ETA 0:06
///     rendered 600 frames in 12.4 s (48.4 fps), 14.2 MB
///
/// The bar is redrawn at most ten times a second. Not thread-safe: call from the render loop.
public final class ProgressReporter {
    public let total: Int
    public let label: String
    /// Whether the bar is drawn (standard error is a terminal, unless told otherwise).
    public let interactive: Bool
    public private(set) var done = 0
    private let fd: Int32
    private let start: Double
    private var lastDraw = -1.0
    private var drawn = false

    public init(total: Int, label: String = "render", fd: Int32 = 2, interactive: Bool? = nil) {
        self.total = max(0, total)
        self.label = label
        self.fd = fd
        self.interactive = interactive ?? (isatty(fd) == 1)
        self.start = Monotonic.seconds()
    }


    /// Seconds since the reporter was created.
    public var elapsed: Double { Monotonic.seconds() - start }

    /// Counts `frames` more frames done and redraws the bar if it is time.
    public func advance(_ frames: Int = 1) {
        done += frames
        guard interactive else { return }
        let t = elapsed
        if t - lastDraw >= 0.1 || done >= total {
            lastDraw = t
            emit("\r" + bar(elapsed: t) + "\u{1B}[K")
            drawn = true
        }
    }

    /// The bar line for the current state (without the carriage return).
    public func bar(elapsed t: Double, width: Int = 24) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let fps = t > 0 ? Double(done) / t : 0
        var line = "\(label)  [" + String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled) + "]"
        line += "  \(done)/\(total)  \(Int((fraction * 100).rounded(.down)))%"
        line += "  " + NumberText.fixed(fps, 1) + " fps"
        if done > 0 && done < total && fps > 0 {
            line += "  ETA " + Self.clock(Double(total - done) / fps)
        }
        return line
    }

    /// Clears the bar, prints the summary line on standard error and returns it.
    @discardableResult
    public func finish(bytes: Int? = nil, output: String? = nil) -> String {
        let line = summary(elapsed: elapsed, bytes: bytes, output: output)
        emit((drawn ? "\r\u{1B}[K" : "") + line + "\n")
        return line
    }

    /// "rendered 600 frames in 12.4 s (48.4 fps), 14.2 MB → out.mp4"
    public func summary(elapsed t: Double, bytes: Int?, output: String?) -> String {
        let fps = t > 0 ? Double(done) / t : 0
        var line = "rendered \(done) frame\(done == 1 ? "" : "s") in \(NumberText.fixed(t, 1)) s (\(NumberText.fixed(fps, 1)) fps)"
        if let bytes { line += ", " + Self.size(bytes) }
        if let output { line += " → \(output)" }
        return line
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        let sec = s % 60
        if s >= 3600 { return "\(s / 3600):" + (((s / 60) % 60) < 10 ? "0" : "") + "\((s / 60) % 60):" + (sec < 10 ? "0" : "") + "\(sec)" }
        return "\(s / 60):" + (sec < 10 ? "0" : "") + "\(sec)"
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        if bytes < 1_000_000 { return NumberText.fixed(Double(bytes) / 1e3, 1) + " kB" }
        if bytes < 1_000_000_000 { return NumberText.fixed(Double(bytes) / 1e6, 1) + " MB" }
        return NumberText.fixed(Double(bytes) / 1e9, 2) + " GB"
    }

    private func emit(_ text: String) {
        var bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}
