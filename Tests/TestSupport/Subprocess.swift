import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Seconds a child of the tests may run unless its caller says otherwise.
public let defaultTimeout: Double = 900

/// What a finished child process left: its exit status and everything it wrote.
public struct ProcessOutput: Sendable {
    public var status: Int32
    /// Standard output as bytes (for a video or a hash tool's output) and as text.
    public var stdoutBytes: Data
    public var stderrBytes: Data
    /// Whether the child was killed because it ran past the time limit.
    public var timedOut: Bool

    public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrBytes, as: UTF8.self) }
}

/// Runs a program to completion and collects its output: the one way the tests start a child
/// process and wait for it.
///
/// Both pipes are drained at once, each on its own thread, so a child that fills one of them
/// (a chatty stderr while stdout is still open) never blocks. A program named without a `/`
/// is looked up on the PATH. `environment` is added to this process's own environment (a
/// value replaces the inherited one); standard input is empty. After `timeout` seconds the
/// child is killed and `timedOut` is set, so a hang fails a test instead of stalling the run.
/// The default limit is far above what any child of the tests takes on a slow, loaded machine
/// (the longest take seconds); it is there so that no child can hang the suite.
@discardableResult
public func run(_ program: String, _ arguments: [String], environment: [String: String] = [:], cwd: String? = nil,
                timeout: Double? = defaultTimeout) throws -> ProcessOutput {
    let p = Process()
    if program.hasPrefix("/") {
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
    } else {
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + arguments
    }
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    p.standardInput = FileHandle.nullDevice
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    // Each pipe is drained on a thread of its own, not on Dispatch's shared pool: with the
    // tests' own work on that pool, a reader queued behind it would leave the child blocked on
    // a full pipe.
    group.enter()
    Thread { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }.start()
    group.enter()
    Thread { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }.start()
    var timedOut = false
    if let timeout {
        timedOut = group.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(p.processIdentifier, SIGKILL)
            group.wait()
        }
    } else {
        group.wait()
    }
    p.waitUntilExit()
    return ProcessOutput(status: p.terminationStatus, stdoutBytes: outData, stderrBytes: errData, timedOut: timedOut)
}
