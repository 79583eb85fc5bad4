import Foundation
import Mind
import Stimuli
import Store
import TestSupport
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

/// The `photophore` executable built beside this test binary.
let photophore = photophoreExecutable

/// Runs `photophore` with a private state folder, so it never touches the person's memory;
/// `via` is a command line that runs it (e.g. `setpriv` and its options).
func photophoreRun(_ arguments: [String], state: String, via: [String] = []) throws -> ProcessOutput {
    let line = via + [photophore] + arguments
    return try run(line[0], Array(line.dropFirst()), environment: ["XDG_STATE_HOME": state])
}

/// The repository's assets/scripts folder.
let scriptsFolder = repositoryRoot + "/assets/scripts"

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
