import Foundation
import Mind
import Stimuli
import Store
#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary folder, removed by `cleanup()`.
struct TempDir {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path + "/photophore-store-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    func file(_ name: String) -> String { path + "/" + name }

    func cleanup() {
        // Undo any immutable flag a test left, then remove.
        _ = try? run("/usr/bin/chattr", ["-R", "-i", path])
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The result of a child process.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion.
@discardableResult
func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// The `photophore` executable built beside this test binary.
let photophore: String = {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return exe.deletingLastPathComponent().appendingPathComponent("photophore").path
}()

/// Runs `photophore` with a private state folder, so it never touches the person's memory;
/// `via` is a command line that runs it (e.g. `setpriv` and its options).
func photophoreRun(_ arguments: [String], state: String, via: [String] = []) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    env["XDG_STATE_HOME"] = state
    let line = via + [photophore] + arguments
    return try run(line[0], Array(line.dropFirst()), environment: env)
}

/// The repository's assets/scripts folder.
let scriptsFolder: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("assets/scripts").path
}()

func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

/// Makes a file or folder unwritable even for root (immutable flag), else by permissions.
/// Returns false when neither is possible here.
func makeReadOnly(_ path: String) -> Bool {
    if geteuid() == 0 {
        guard let r = try? run("/usr/bin/chattr", ["+i", path]), r.status == 0 else { return false }
        return true
    }
    var isDir: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    return chmod(path, isDir.boolValue ? 0o500 : 0o400) == 0
}

func makeWritable(_ path: String) {
    if geteuid() == 0 { _ = try? run("/usr/bin/chattr", ["-i", path]) }
    var isDir: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
    chmod(path, isDir.boolValue ? 0o700 : 0o600)
}

/// A random live session's memory events, as Mind emits them.
func randomSessionEvents(seed: UInt64, start: Memory) -> (events: [MemoryEvent], end: Memory) {
    var rng = SplitMix64(seed: seed)
    let profile = Profile(complexity: Complexity.allCases[Int(rng.next() % 3)], trustRate: TrustRate.allCases[Int(rng.next() % 3)])
    let clock = rng.next() % 3 == 0 ? nil : WallClock(unixSeconds: 1.7e9 + Double(rng.next() % 10_000_000), utcOffsetSeconds: 3600)
    var fish = CandlefishMind(memory: start.candlefish, profile: profile, clock: clock, foodEatenDelay: 1)
    var emergence = EmergenceMind(memory: start.emergence, profile: profile)
    var events = fish.takeEvents() + emergence.takeEvents()
    var t = 0.0
    var step = 0
    while t < 6 {
        var stimuli: [Stimulus] = []
        switch rng.next() % 12 {
        case 0...5: stimuli.append(.pointer(x: rng.nextUnit(), y: rng.nextUnit()))
        case 6: stimuli.append(.click(x: rng.nextUnit(), y: rng.nextUnit()))
        case 7: stimuli.append(.leave)
        case 8: stimuli.append(.answer(correct: rng.next() % 2 == 0))
        case 9: stimuli.append(.pressure(remaining: rng.nextUnit()))
        default: break
        }
        step += 1 + Int(rng.next() % 6)
        t = Double(step) / 60
        events += fish.step(to: t, stimuli: stimuli)
        events += emergence.step(to: t, stimuli: stimuli)
    }
    events += fish.finish() + emergence.finish()
    var end = Memory()
    end.candlefish = fish.memory
    end.emergence = emergence.memory
    return (events, end)
}
