import Basics

/// An output could not be written. `kind` says whether the user asked for something impossible
/// (`.usage`, exit code 2) or the writing itself failed (`.runtime`, exit code 1); `message` is
/// one line that names the path, what went wrong and what to do.
public struct SinkError: Error, CustomStringConvertible, Sendable {
    /// Usage (the request cannot be met, exit 2) or runtime (the writing failed, exit 1).
    public enum Kind: Sendable { case usage, runtime }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    static func usage(_ message: String) -> SinkError { SinkError(.usage, message) }
    static func runtime(_ message: String) -> SinkError { SinkError(.runtime, message) }

    public var description: String { message }
}

extension SinkError {
    /// A failed whole-file write, as a runtime failure.
    init(_ error: WriteError) { self.init(.runtime, error.description) }
}
