import Dispatch
import Synchronization

/// Runs loops over a fixed number of worker threads.
///
/// Work items are handed out dynamically from an atomic counter, so a slow item does not hold
/// up the others. Results must not depend on which thread ran an item: callers give each
/// item disjoint output (its own tile, its own chunk), which keeps frames bit-identical across
/// thread counts.
public final class WorkerPool: Sendable {
    /// The number of threads a loop may use (at least 1).
    public let threads: Int

    public init(threads: Int) {
        precondition(threads >= 1, "at least one thread")
        self.threads = threads
    }

    /// A pool with one thread per online CPU.
    public static func systemWidth() -> WorkerPool {
        WorkerPool(threads: max(1, sysconfCPUCount()))
    }

    /// Calls `body(i)` once for each `i` in `0..<count`, on up to `threads` threads, and
    /// returns when all calls have returned.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        forEach(count) { _, i in body(i) }
    }

    /// Calls `body(worker, i)` once for each `i` in `0..<count`, where `worker` (0 ..<
    /// `threads`) is the same for every call on one thread during this loop: per-worker
    /// scratch memory needs no locks. Which worker runs an item is not fixed.
    public func forEach(_ count: Int, _ body: (_ worker: Int, _ item: Int) -> Void) {
        if count <= 0 { return }
        let width = min(threads, count)
        if width == 1 {
            for i in 0..<count { body(0, i) }
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let box = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: width) { worker in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if i >= count { break }
                    box.value(worker, i)
                }
            }
        }
    }
}

/// Carries a value that is not `Sendable` across threads.
///
/// Invariant: used only where the caller guarantees that concurrent uses touch disjoint
/// memory (one tile, one chunk per work item) and that the value outlives the parallel loop.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

#if canImport(Glibc)
import Glibc
private func sysconfCPUCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#else
import Darwin
private func sysconfCPUCount() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif
