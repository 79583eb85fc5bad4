import ArgumentParser
import Basics
import Sinks
#if canImport(Glibc)
import Glibc
#endif

/// A failure the user can act on. Each case maps to an exit code documented in docs/cli.md:
/// 0 success · 1 runtime failure (I/O, encoder, store) · 2 bad usage or bad input file ·
/// 3 benchmark gate failed · 4 no display for `play` · 5 the gate cannot compare here (its
/// baseline comes from another machine kind or build: nothing was compared) · 6 `bench
/// --compare` undecided (a scene still UNKNOWN after `--max-runs`).
///
/// `message` is one line that says what went wrong and what to do.
public struct Failure: Error, CustomStringConvertible {
    public enum Kind: Int32, Sendable {
        case runtime = 1
        case usage = 2
        case gate = 3
        case noDisplay = 4
        /// The baseline was recorded on another machine kind or build; nothing was compared.
        /// Only for that case: a baseline that cannot be read, or that lacks a scene or a
        /// setting of the run, is `usage`.
        case otherMachine = 5
        /// `bench --compare`: a scene's verdict is still UNKNOWN after `--max-runs`.
        case undecided = 6
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func usage(_ message: String) -> Failure { Failure(.usage, message) }
    public static func runtime(_ message: String) -> Failure { Failure(.runtime, message) }

    public var description: String { message }
}

extension PhotophoreCommand {
    /// Parses the arguments, runs the command and exits with the code docs/cli.md documents.
    /// Every failure prints one line on stderr.
    ///
    /// Synchronous on purpose: no command is async, and an async main parks the main thread in
    /// dispatch's sigsuspend on a read-only signal mask, which Valgrind 3.19 cannot run
    /// (`bench instructions` runs this program under callgrind).
    public static func runAndExit(arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch let failure as Failure {
            printError("photophore: \(failure.message)")
            Glibc.exit(failure.kind.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            // One line, as docs/cli.md promises: the error itself and, unless it already says
            // what to give instead, where the usage is.
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if let refused = refusedValue(message) {
                printError("photophore: \(refused)")
            } else {
                printError("photophore: \(message) (see \(helpCommand(arguments ?? Array(CommandLine.arguments.dropFirst()))))")
            }
            // ArgumentParser's usage errors (64) become docs/cli.md's 2.
            Glibc.exit(code == .validationFailure ? Failure.Kind.usage.rawValue : code.rawValue)
        }
    }
}

/// ArgumentParser's "The value 'V' is invalid for '--opt <name>': why" as "--opt V: why", the
/// form of every other range error; nil for any other message (or a value refused without a
/// reason, which gets the pointer to `--help` instead).
func refusedValue(_ message: String) -> String? {
    let head = "The value '"
    guard message.hasPrefix(head), let middle = message.range(of: "' is invalid for '"),
          let end = message[middle.upperBound...].range(of: "': ") else { return nil }
    let value = message[message.index(message.startIndex, offsetBy: head.count)..<middle.lowerBound]
    let option = message[middle.upperBound..<end.lowerBound].split(separator: " ").first.map(String.init) ?? ""
    return "\(option) \(value): \(message[end.upperBound...])"
}

/// `photophore [subcommand...] --help` for the deepest subcommand the arguments name.
func helpCommand(_ arguments: [String]) -> String {
    var words = ["photophore"]
    var command: ParsableCommand.Type = PhotophoreCommand.self
    for word in arguments {
        guard let next = command.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
        words.append(word)
        command = next
    }
    return (words + ["--help"]).joined(separator: " ")
}

/// Writes one line to standard error.
public func printError(_ line: String) {
    let text = line.hasSuffix("\n") ? line : line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

/// Claims the files a command reads and writes before it writes any (`PathClaims`): two
/// that name the same file, where one of them is written, are refused with exit 2 and one
/// line naming both. Then every output's folder is cleared of the temporary files that a
/// killed run left there (`removeStalePartials`).
func claimPaths(_ claim: (inout PathClaims) throws -> Void) throws {
    var claims = PathClaims()
    do { try claim(&claims) } catch let clash as PathClaims.Clash {
        throw Failure.usage(clash.description)
    } catch let error as SinkError {
        throw error.failure
    }
    for folder in claims.outputFolders { removeStalePartials(inFolderOf: folder + "/") }
}

extension PathClaims {
    /// The memory store of a run: written with `--remember`, read with `--memory` alone,
    /// untouched otherwise.
    mutating func memory(_ options: MemoryOptions, remember: Bool) throws(Clash) {
        let name = "the memory store \(options.memory ?? options.path)"
        if remember { try output(options.path, as: name) } else if options.memory != nil { try input(options.path, as: name) }
    }
}
