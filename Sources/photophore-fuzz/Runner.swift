import Basics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One input: the file's bytes, and for the store the write-ahead log beside it.
struct FuzzInput {
    var bytes: [UInt8]
    var wal: [UInt8]? = nil
    /// Store only: also run `memory repair` on it when it does not open.
    var alsoRepair = false
}

/// What a reader did with an input. A crash or a hang never comes back here.
enum Outcome {
    case accepted
    case rejected(String)
    /// The reader broke a promise of its own (a script that its writer does not round-trip).
    case failed(String)
}

/// A file reader under test: its seeds, how it mutates them, and how it reads a file.
protocol FuzzTarget {
    var name: String { get }
    var seeds: [FuzzInput] { get }
    /// How often each seed is chosen, relative to the others (large seeds are slow).
    var weights: [Int] { get }
    var maxLength: Int { get }
    func mutate(_ input: inout FuzzInput, rng: inout FuzzRandom)
    /// Writes the input where the reader will read it, and reads it.
    func run(_ input: FuzzInput) -> Outcome
    /// Writes the input as files a person can hand to `photophore` to reproduce.
    func write(_ input: FuzzInput, to path: String) throws
    /// The command that reads such a file, for the reproduction hint.
    func command(for path: String) -> String
}

extension FuzzTarget {
    /// Input `index`: the seeds themselves first, then mutations of a seed chosen by weight.
    func input(index: Int, seed: UInt64) -> FuzzInput {
        if index < seeds.count { return seeds[index] }
        var rng = FuzzRandom(seed: seed, target: name, index: index)
        var pick = rng.below(weights.reduce(0, +))
        var k = 0
        while pick >= weights[k] { pick -= weights[k]; k += 1 }
        var input = seeds[k]
        mutate(&input, rng: &rng)
        return input
    }

    func write(_ input: FuzzInput, to path: String) throws {
        try Data(input.bytes).write(to: URL(fileURLWithPath: path))
        if let wal = input.wal { try Data(wal).write(to: URL(fileURLWithPath: path + "-wal")) }
    }
}

/// The counts of one target's run.
struct Tally {
    var inputs = 0
    var rejected = 0
    var accepted = 0
    var slowest: (index: Int, seconds: Double) = (-1, 0)
    var seconds = 0.0
    /// The kinds of rejection, to show how deep inputs get: how many, and the first input.
    var reasons: [String: (count: Int, first: Int)] = [:]

    mutating func count(_ reason: String, _ n: Int, first: Int) {
        let old = reasons[reason] ?? (0, first)
        reasons[reason] = (old.count + n, min(old.first, first))
    }
}

enum Runner {
    /// Digits become "#" so that one kind of error counts once whatever its numbers.
    static func reasonKind(_ message: String, hiding scratch: String) -> String {
        var s = ""
        var lastHash = false
        for ch in message.replacingOccurrences(of: scratch, with: "").prefix(100) {
            if ch.isNumber { if !lastHash { s.append("#") }; lastHash = true } else { s.append(ch); lastHash = false }
        }
        return s
    }

    /// What keeps an error message from being one clear line, if anything.
    static func flaw(of message: String) -> String? {
        if message.isEmpty { return "an empty message" }
        if message.unicodeScalars.count > 1000 { return "a message of \(message.unicodeScalars.count) characters" }
        for s in message.unicodeScalars where s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029 {
            return "a message that holds the control character U+\(String(s.value, radix: 16, uppercase: true))"
        }
        return nil
    }

    /// Runs the inputs at `indices`. Progress (every 10 s) is scaled by `progressScale` when
    /// this is one of several jobs, to estimate the whole run.
    static func run(_ target: FuzzTarget, seed: UInt64, indices: [Int], progress: Bool, report: Bool = false, scratch: String = "",
                    progressScale: Int = 1) -> Tally {
        var tally = Tally()
        let begin = Monotonic.nanoseconds()
        var lastReport = begin
        for index in indices {
            currentIndex.store(index, ordering: .relaxed)
            currentStartCPU.store(cpuNanos(), ordering: .releasing)
            currentStart.store(Monotonic.nanoseconds(), ordering: .releasing)
            let input = target.input(index: index, seed: seed)
            let c0 = cpuNanos()
            let outcome = target.run(input)
            let c1 = cpuNanos()
            currentStart.store(0, ordering: .releasing)
            let t1 = Monotonic.nanoseconds()
            let seconds = Double(c1 &- c0) / 1e9 // CPU time: the machine's other work does not count
            if seconds > tally.slowest.seconds { tally.slowest = (index, seconds) }
            tally.inputs += 1
            switch outcome {
            case .accepted: tally.accepted += 1
            case let .failed(message):
                FileHandle.standardError.write(Data("photophore-fuzz: FAILURE: target \(target.name): \(message)\n".utf8))
                writeReproduction()
                exit(4)
            case let .rejected(message):
                tally.rejected += 1
                // An error must be one clear line: an empty one, one broken by a newline or a
                // control character, or a screenful is a finding too.
                if let flaw = Runner.flaw(of: message) {
                    FileHandle.standardError.write(Data("photophore-fuzz: FAILURE: target \(target.name) refused an input with \(flaw): \(message.prefix(2000).debugDescription)\n".utf8))
                    writeReproduction()
                    exit(4)
                }
                tally.count(report ? message : reasonKind(message, hiding: scratch), 1, first: index)
            }
            if progress, t1 - lastReport > 10_000_000_000 {
                lastReport = t1
                let elapsed = Double(t1 - begin) / 1e9
                let done = tally.inputs * progressScale, rate = Double(done) / elapsed
                FileHandle.standardError.write(Data("  \(target.name): \(done)/\(indices.count * progressScale) inputs, \(NumberText.fixed(elapsed, 0)) s, \(NumberText.fixed(rate, 0))/s\n".utf8))
            }
        }
        currentIndex.store(-1, ordering: .relaxed)
        tally.seconds = Double(Monotonic.nanoseconds() - begin) / 1e9
        return tally
    }
}
