import Foundation

/// A bounded queue drained by a fixed number of worker threads: the producer (the render
/// loop) blocks when `capacity` items wait, so memory stays bounded while encoding overlaps
/// rendering. With one worker, items are handled in submission order.
///
/// The first error a worker throws stops the queue: the remaining items are dropped and the
/// next `submit` or `close` rethrows it. Invariant: `items`, `error`, `closed` and `running`
/// are only touched with `condition` locked, which is what makes it `@unchecked Sendable`.
final class WorkQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Waiting items from `head` on; taken slots are emptied at once, so the queue never keeps
    /// a handled item (a frame's pixels) alive.
    private var items: [Item?] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var error: SinkError?
    private var running: Int

    init(workers: Int, capacity: Int, name: String, handle: @escaping @Sendable (Item) throws(SinkError) -> Void) {
        self.capacity = max(1, capacity)
        self.running = max(1, workers)
        for i in 0..<max(1, workers) {
            let thread = Thread { [self] in self.work(handle) }
            thread.name = "\(name)-\(i)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func work(_ handle: @Sendable (Item) throws(SinkError) -> Void) {
        while true {
            condition.lock()
            while head == items.count && !closed && error == nil { condition.wait() }
            if error != nil || head == items.count {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let item = items[head]!
            items[head] = nil
            head += 1
            if head > 64 { items.removeFirst(head); head = 0 }
            condition.broadcast()
            condition.unlock()
            do throws(SinkError) {
                try handle(item)
            } catch {
                condition.lock()
                if self.error == nil { self.error = error }
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Queues an item, waiting while the queue is full. Rethrows a worker's error.
    func submit(_ item: Item) throws(SinkError) {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && error == nil { condition.wait() }
        if let error { throw error }
        precondition(!closed, "submit after close")
        items.append(item)
        condition.broadcast()
    }

    /// `submit(item)`, running `onFailure` (the sink's clean-up) before a worker's error is
    /// rethrown.
    func submit(_ item: Item, onFailure: () -> Void) throws(SinkError) {
        do throws(SinkError) { try submit(item) } catch {
            onFailure()
            throw error
        }
    }

    /// Waits until every queued item is handled and the workers have ended. Rethrows the
    /// first worker error.
    func close() throws(SinkError) {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        if let error { throw error }
    }

    /// Drops what is queued and waits for the workers to end.
    func abort() {
        condition.lock()
        defer { condition.unlock() }
        if error == nil { error = .runtime("cancelled") }
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
    }
}
