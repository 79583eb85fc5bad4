// photophore-fuzz: no crash and no hang in any file reader, on a million damaged inputs each.
//
// Input i of a target is a pure function of (seed, target, i) (FuzzRandom), so a failure is
// reproduced alone with `--only I`, and written out as a file with `--write-input FILE`.
import Basics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Prints a line at once, so progress and results interleave in order in CI logs.
func say(_ line: String) {
    Swift.print(line)
    fflush(nil)
}

let usage = """
    usage: photophore-fuzz [--target script|store|png|gltf|all] [--inputs N] [--seed S] [--jobs J] [--hang-seconds S]
                           [--only I [--write-input FILE]] [--read FILE] [--root DIR]
      --inputs N        inputs per target (default 1000000); the first ones are the seeds as they are
      --seed S          which mutations (default 1); input I of a target depends only on S and I
      --jobs J          processes per target (default 1), each running every J-th input
      --only I          run input I alone and print what the reader did
      --write-input F   with --only: write input I to F (a store's log to F-wal) before reading it
      --read FILE       run the target's reader on FILE
      --hang-seconds S  an input that computes for longer (CPU time), or waits 12 times as long, is a hang (default 5)
      --root DIR        the repository, for its seeds (default: the current folder)
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("photophore-fuzz: \(message)\n".utf8))
    exit(2)
}

var targetNames = ["script", "store", "png", "gltf"]
var inputs = 1_000_000
var seed: UInt64 = 1
var jobs = 1
var only: Int?
var writeInput: String?
var readPath: String?
var hangSeconds = 5.0
var root = FileManager.default.currentDirectoryPath
/// Internal, for --jobs: this process runs inputs k, k + n, k + 2n... and writes its tally to a file.
var shard: (k: Int, n: Int, result: String)?
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let option = arguments.removeFirst()
    if option == "--help" || option == "-h" { print(usage); exit(0) }
    guard let value = arguments.first else { fail("\(option) needs a value\n\(usage)") }
    arguments.removeFirst()
    switch option {
    case "--target":
        guard value == "all" || targetNames.contains(value) else { fail("--target \(value): use script, store, png, gltf or all") }
        if value != "all" { targetNames = [value] }
    // No inputs would be a run that passes without reading anything.
    case "--inputs": guard let n = Int(value), n >= 1 else { fail("--inputs \(value): give a count of 1 or more, such as 1000000") }; inputs = n
    case "--seed": guard let s = UInt64(value) else { fail("--seed \(value): give a non-negative integer") }; seed = s
    case "--jobs": guard let j = Int(value), (1...64).contains(j) else { fail("--jobs \(value): give 1 to 64") }; jobs = j
    case "--only": guard let i = Int(value), i >= 0 else { fail("--only \(value): give an input index") }; only = i
    case "--write-input": writeInput = value
    case "--read": readPath = value
    case "--hang-seconds": guard let s = Double(value), s > 0 else { fail("--hang-seconds \(value): give seconds > 0") }; hangSeconds = s
    case "--root": root = value
    case "--shard":
        let parts = value.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, let k = Int(parts[0]), let n = Int(parts[1]), n > 0, (0..<n).contains(k) else { fail("--shard \(value): internal, K:N:FILE") }
        shard = (k, n, parts[2])
    default: fail("unknown option \(option)\n\(usage)")
    }
}
if (only != nil || readPath != nil || writeInput != nil) && targetNames.count != 1 { fail("--only, --read and --write-input need one --target") }
if writeInput != nil && only == nil { fail("--write-input needs --only I") }
if shard != nil && targetNames.count != 1 { fail("--shard needs one --target") }

/// Scratch files live in memory when a tmpfs is there: a store input is a file write per input.
/// A job's folder is inside its parent's, which removes it even when the job crashed.
let scratchBase = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
let scratch = shard.map { ($0.result as NSString).deletingLastPathComponent + "/job-\($0.k)" } ?? scratchBase + "/photophore-fuzz-\(getpid())"
// A run that crashed or hung could not remove its folder: remove those of processes gone.
for name in (try? FileManager.default.contentsOfDirectory(atPath: scratchBase)) ?? [] where name.hasPrefix("photophore-fuzz-") {
    if let pid = Int32(name.dropFirst("photophore-fuzz-".count)), kill(pid, 0) != 0, errno == ESRCH {
        try? FileManager.default.removeItem(atPath: scratchBase + "/" + name)
    }
}
do { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) } catch {
    fail("cannot create the scratch folder \(scratch): \(error.localizedDescription)")
}
func cleanExit(_ code: Int32) -> Never {
    try? FileManager.default.removeItem(atPath: scratch)
    exit(code)
}

func makeTarget(_ name: String, root: String, scratch: String) -> FuzzTarget {
    do {
        switch name {
        case "script": return ScriptTarget(root: root)
        case "store": return try StoreTarget(scratch: scratch)
        case "gltf": return try GLTFTarget(root: root, scratch: scratch)
        default: return try PNGTarget(root: root, scratch: scratch)
        }
    } catch {
        fail("cannot make the \(name) seeds: \(error)")
    }
}

/// Runs `jobs` copies of this program on one target, each on every `jobs`-th input, and
/// adds up their tallies. A copy that crashed or hung has said which input; its exit
/// status becomes this one's. A copy that wrote no tally, or one that cannot be read, is a
/// failure too: its inputs did not run as far as anyone can tell.
@MainActor func runJobs(_ name: String) -> Tally {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var children: [(Process, String)] = []
    for k in 0..<jobs {
        let result = scratch + "/result-\(name)-\(k)"
        let p = Process()
        p.executableURL = exe
        p.arguments = ["--target", name, "--inputs", String(inputs), "--seed", String(seed), "--hang-seconds", String(hangSeconds),
                       "--root", root, "--shard", "\(k):\(jobs):\(result)"]
        do { try p.run() } catch { fail("cannot start \(exe.path): \(error.localizedDescription)") }
        children.append((p, result))
    }
    var tally = Tally()
    var status: Int32 = 0
    var unreadable: [Int] = []
    for (k, (p, result)) in children.enumerated() {
        p.waitUntilExit()
        if p.terminationStatus != 0 && status == 0 { status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus }
        guard let text = try? String(contentsOfFile: result, encoding: .utf8) else { unreadable.append(k); continue }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let head = lines[0].split(separator: " ").map(String.init)
        guard head.count == 6, let n = Int(head[0]) else { unreadable.append(k); continue }
        tally.inputs += n
        tally.rejected += Int(head[1]) ?? 0
        tally.accepted += Int(head[2]) ?? 0
        let slowest = (index: Int(head[3]) ?? -1, seconds: Double(head[4]) ?? 0)
        if slowest.seconds > tally.slowest.seconds { tally.slowest = slowest }
        tally.seconds = max(tally.seconds, Double(head[5]) ?? 0)
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t", maxSplits: 2).map(String.init)
            guard fields.count == 3, let count = Int(fields[0]), let first = Int(fields[1]) else { continue }
            tally.count(fields[2], count, first: first)
        }
    }
    if status != 0 {
        FileHandle.standardError.write(Data("photophore-fuzz: a \(name) job failed (exit status \(status)); its message above names the input\n".utf8))
        cleanExit(status)
    }
    if let k = unreadable.first {
        FileHandle.standardError.write(Data("photophore-fuzz: \(name) job \(k) of \(jobs) exited without a readable tally, so its inputs cannot be counted as run; run again, or with --jobs 1 to see it fail alone\n".utf8))
        cleanExit(1)
    }
    return tally
}

Guard.installCrashHandlers()
Guard.startWatchdog(limit: hangSeconds)

if let readPath {
    let target = makeTarget(targetNames[0], root: root, scratch: scratch)
    guard let data = FileManager.default.contents(atPath: readPath) else { fail("cannot read \(readPath)") }
    let wal = FileManager.default.contents(atPath: readPath + "-wal").map { Array($0) }
    Guard.describe("photophore-fuzz --target \(target.name) --read \(readPath)")
    currentIndex.store(0, ordering: .relaxed)
    currentStartCPU.store(cpuNanos(), ordering: .releasing)
    currentStart.store(Monotonic.nanoseconds(), ordering: .releasing)
    switch target.run(FuzzInput(bytes: Array(data), wal: wal)) {
    case .accepted: say("\(target.name): \(readPath) was read")
    case let .rejected(message): say("\(target.name): \(readPath) was refused: \(message)")
    case let .failed(message): say("\(target.name): \(readPath) FAILED: \(message)"); cleanExit(4)
    }
    cleanExit(0)
}

if let shard {
    let target = makeTarget(targetNames[0], root: root, scratch: scratch)
    Guard.describe("photophore-fuzz --target \(target.name) --seed \(seed)")
    let tally = Runner.run(target, seed: seed, indices: Array(stride(from: shard.k, to: inputs, by: shard.n)), progress: shard.k == 0,
                           scratch: scratch, progressScale: shard.n)
    var text = "\(tally.inputs) \(tally.rejected) \(tally.accepted) \(tally.slowest.index) \(tally.slowest.seconds) \(tally.seconds)\n"
    for (reason, r) in tally.reasons { text += "\(r.count)\t\(r.first)\t\(reason)\n" }
    writeFile(shard.result, Array(text.utf8))
    cleanExit(0)
}

var total = 0
for name in targetNames {
    if let only {
        let target = makeTarget(name, root: root, scratch: scratch)
        Guard.describe("photophore-fuzz --target \(name) --seed \(seed)")
        let input = target.input(index: only, seed: seed)
        if let writeInput {
            do { try target.write(input, to: writeInput) } catch { fail("cannot write \(writeInput): \(error.localizedDescription)") }
            say("wrote input \(only) of \(name) (seed \(seed)) to \(writeInput)\(input.wal != nil ? " and \(writeInput)-wal" : ""); read it with: \(target.command(for: writeInput))")
        }
        let tally = Runner.run(target, seed: seed, indices: [only], progress: false, report: true)
        say("\(name) input \(only): \(tally.accepted == 1 ? "accepted" : "refused: \(tally.reasons.keys.first ?? "")") in \(NumberText.fixed(tally.slowest.seconds, 3)) s")
        continue
    }
    let tally: Tally
    if jobs > 1 {
        say("\(name): \(inputs) inputs, seed \(seed), \(jobs) jobs")
        tally = runJobs(name)
    } else {
        let target = makeTarget(name, root: root, scratch: scratch)
        Guard.describe("photophore-fuzz --target \(name) --seed \(seed)")
        say("\(name): \(inputs) inputs from \(target.seeds.count) seeds, seed \(seed)")
        tally = Runner.run(target, seed: seed, indices: Array(0..<inputs), progress: true, scratch: scratch)
    }
    // Every input asked for must have run: a job that stopped early, or a tally that lost
    // some, would otherwise pass for a clean run.
    guard tally.inputs == inputs else {
        FileHandle.standardError.write(Data("photophore-fuzz: \(name) ran \(tally.inputs) inputs of the \(inputs) asked for; the jobs' tallies do not add up, so the run proves nothing: run again\n".utf8))
        cleanExit(1)
    }
    total += tally.inputs
    say("\(name): \(tally.inputs) inputs in \(NumberText.fixed(tally.seconds, 1)) s (\(NumberText.fixed(Double(tally.inputs) / max(tally.seconds, 1e-9), 0))/s): no crash, no hang; \(tally.rejected) refused, \(tally.accepted) accepted; slowest input \(tally.slowest.index) took \(NumberText.fixed(tally.slowest.seconds * 1000, 1)) ms of CPU")
    // The most frequent kinds of refusal, each with the first input that met it.
    for (reason, r) in tally.reasons.sorted(by: { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }).prefix(10) {
        say("    \(String(r.count).padding(toLength: 8, withPad: " ", startingAt: 0)) (e.g. \(r.first))  \(reason)")
    }
}
if only == nil { say("photophore-fuzz: \(total) inputs over \(targetNames.joined(separator: ", ")): no crash, no hang") }
cleanExit(0)
