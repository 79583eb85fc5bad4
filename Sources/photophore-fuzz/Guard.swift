import Basics
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What is running now, for the crash handlers and the watchdog: they cannot take locks or
/// allocate, so the run publishes the input index and its start time in atomics and the
/// command that reproduces it in a buffer written before any input runs.
let currentIndex = Atomic<Int>(-1)
/// When the current input started, in wall time and in the process's CPU time; 0 between inputs.
let currentStart = Atomic<UInt64>(0)
let currentStartCPU = Atomic<UInt64>(0)
nonisolated(unsafe) var reproduceLine = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 0)
nonisolated(unsafe) var previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

/// CPU time of the whole process (every thread): what an input costs, whatever else the
/// machine is doing. (Elapsed time is `Monotonic`'s.)
func cpuNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Writes the bytes with write(2) only: safe inside a signal handler.
func writeRaw(_ p: UnsafePointer<UInt8>, _ n: Int) {
    var done = 0
    while done < n {
        let r = write(2, p + done, n - done)
        if r <= 0 { return }
        done += r
    }
}

func writeRaw(_ s: StaticString) { writeRaw(s.utf8Start, s.utf8CodeUnitCount) }

/// Writes a non-negative integer in decimal without allocating.
func writeRaw(_ value: Int) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of stack
    withUnsafeMutableBytes(of: &digits) { raw in
        var v = UInt(max(0, value))
        var i = raw.count
        repeat { i -= 1; raw[i] = UInt8(48 + v % 10); v /= 10 } while v > 0 && i > 0
        writeRaw(raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, raw.count - i)
    }
}

/// Writes "... input N ...; reproduce with: <command> --only N" using the prepared line.
func writeReproduction() {
    let index = currentIndex.load(ordering: .relaxed)
    writeRaw(" at input ")
    writeRaw(index)
    writeRaw("; reproduce with: ")
    writeRaw(UnsafePointer(reproduceLine.baseAddress!), reproduceLine.count)
    writeRaw(" --only ")
    writeRaw(index)
    writeRaw(" --write-input FILE\n")
}

enum Guard {
    /// Prepares the reproduction line for a target (called before each target starts).
    static func describe(_ command: String) {
        let bytes = Array(command.utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
        let old = reproduceLine
        reproduceLine = buffer
        old.deallocate()
    }

    /// A crash (a trap, a bad access, an abort) names the input before the process dies
    /// the way it would have: the previous handler (Swift's backtracer, or the default)
    /// runs next, so the exit status still shows the signal.
    static func installCrashHandlers() {
        let stackSize = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
        stack.ss_size = stackSize
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { sig, _, _ in
                writeRaw("\nphotophore-fuzz: CRASH (signal ")
                writeRaw(Int(sig))
                writeRaw(")")
                writeReproduction()
                // Let the handler that was there before take it from here.
                sigaction(sig, previousActions + Int(sig), nil)
                if sig == SIGTRAP || sig == SIGABRT { raise(sig) }
            }
            action.sa_flags = SA_SIGINFO | SA_ONSTACK | Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, previousActions + Int(sig))
        }
    }

    /// An input that computes for longer than `limit` seconds of CPU time is a hang, and so
    /// is one that waits (without computing) for 12 times as long: the watchdog names it and
    /// ends the process with exit status 3. CPU time, not wall time, so that a machine busy
    /// with other work does not make a slow input look hung.
    static func startWatchdog(limit: Double) {
        let limitNanos = UInt64(limit * 1e9)
        let thread = Thread {
            while true {
                usleep(50_000)
                let start = currentStart.load(ordering: .acquiring), startCPU = currentStartCPU.load(ordering: .acquiring)
                guard start != 0 else { continue }
                let busy = cpuNanos() &- startCPU > limitNanos
                if busy || Monotonic.nanoseconds() &- start > 12 * limitNanos {
                    writeRaw("\nphotophore-fuzz: HANG: one input ")
                    writeRaw(busy ? "computed for longer than " : "waited for longer than ")
                    let tenths = Int((busy ? limit : 12 * limit) * 10)
                    writeRaw(tenths / 10)
                    writeRaw(".")
                    writeRaw(tenths % 10)
                    writeRaw(" s")
                    writeReproduction()
                    _exit(3)
                }
            }
        }
        thread.start()
    }
}
