import Engine
import Foundation
import GRDB
import Mind
import Stimuli
import Store
#if canImport(Glibc)
import Glibc
#endif

/// The memory store opener on damaged files: the file (and its write-ahead log) is opened
/// read-only as `photophore memory show|history|stats` open it, and everything is read from
/// it; a damaged one is sometimes handed to `memory repair` too.
struct StoreTarget: FuzzTarget {
    let name = "store"
    let seeds: [FuzzInput]
    let weights: [Int]
    let maxLength = 1 << 20
    let folder: String
    let path: String

    init(scratch: String) throws {
        folder = scratch + "/store"
        path = folder + "/memory.sqlite"
        let seedFolder = scratch + "/store-seeds"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: seedFolder, withIntermediateDirectories: true)
        var seeds: [FuzzInput] = []
        // A checkpointed store: sessions of both scenes, events, and a snapshot every 5 events.
        seeds.append(FuzzInput(bytes: try Self.makeStore(seedFolder + "/log.sqlite", sessions: 3, seed: 1, keepLog: false).bytes))
        // One whose last events are still in the write-ahead log, as after a killed run.
        seeds.append(try Self.makeStore(seedFolder + "/wal.sqlite", sessions: 2, seed: 2, keepLog: true))
        // A store with no events yet, a zero-length file (a first run killed at once), and
        // someone else's SQLite file.
        seeds.append(FuzzInput(bytes: try Self.makeStore(seedFolder + "/fresh.sqlite", sessions: 0, seed: 3, keepLog: false).bytes))
        seeds.append(FuzzInput(bytes: []))
        seeds.append(FuzzInput(bytes: try Self.makeForeign(seedFolder + "/foreign.sqlite")))
        try? FileManager.default.removeItem(atPath: seedFolder)
        self.seeds = seeds
        weights = [8, 8, 2, 1, 1]
    }

    /// A store written through the store API, with a fixed user id so that the bytes (and
    /// so every input) are the same on every run. With `keepLog` a last session is appended
    /// afterwards and the file and its log are copied while the store is still open, before
    /// the log is checkpointed into the file, as after a killed run.
    static func makeStore(_ file: String, sessions: Int, seed: UInt64, keepLog: Bool) throws -> FuzzInput {
        var rng = FuzzRandom(seed: seed)
        var store = try MemoryStore(path: file, writable: true, scenes: SceneRegistry.memories, options: StoreOptions(snapshotInterval: 5))
        for s in 0..<sessions { try appendSession(to: store, number: s, count: 15, rng: &rng) }
        store.close()
        // The user id is a random UUID: make it a fixed one.
        let queue = try DatabaseQueue(path: file)
        try queue.write { db in
            try db.execute(sql: "UPDATE meta SET value = '00000000-0000-4000-8000-000000000000' WHERE key = 'user_id'")
        }
        try queue.close()
        guard keepLog else { return FuzzInput(bytes: Array(FileManager.default.contents(atPath: file) ?? Data())) }
        store = try MemoryStore(path: file, writable: true, scenes: SceneRegistry.memories, options: StoreOptions(snapshotInterval: 5))
        try appendSession(to: store, number: sessions, count: 8, rng: &rng)
        var input = FuzzInput(bytes: Array(FileManager.default.contents(atPath: file) ?? Data()))
        var wal = Array(FileManager.default.contents(atPath: file + "-wal") ?? Data())
        StoreMutator.reseal(&wal, salts: (0x0102_0304, 0x0506_0708)) // SQLite picks random salts
        input.wal = wal
        store.close()
        return input
    }

    /// One session of Mind's own memory events from random stimuli (the first `count`).
    static func appendSession(to store: MemoryStore, number s: Int, count: Int, rng: inout FuzzRandom) throws {
        let memory = store.state
        let profile = Profile(complexity: Complexity.allCases[rng.below(3)], trustRate: TrustRate.allCases[rng.below(3)])
        let clock = s == 1 ? nil : WallClock(unixSeconds: 1.7e9 + Double(rng.below(10_000_000)), utcOffsetSeconds: 3600)
        let session = try store.beginSession(scene: s % 2 == 0 ? .candlefish : .emergence, clock: clock, profile: profile)
        var fish = CandlefishMind(memory: memory.candlefish, profile: profile, clock: clock, foodEatenDelay: 1)
        var emergence = EmergenceMind(memory: memory.emergence, profile: profile)
        var events = fish.takeEvents() + emergence.takeEvents()
        var step = 0
        while step < 240 {
            step += 1 + rng.below(12)
            let x = Double(rng.below(1001)) / 1000, y = Double(rng.below(1001)) / 1000
            let stimuli: [Stimulus] = [[.pointer(x: x, y: y)], [.click(x: x, y: y)], [.leave], [.answer(correct: rng.oneIn(2))], []][rng.below(5)]
            events += fish.step(to: Double(step) / 60, stimuli: stimuli)
            events += emergence.step(to: Double(step) / 60, stimuli: stimuli)
        }
        events += fish.finish() + emergence.finish()
        try store.append(events.prefix(count), session: session)
    }

    static func makeForeign(_ file: String) throws -> [UInt8] {
        let queue = try DatabaseQueue(path: file)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL); INSERT INTO notes(body) VALUES ('a'), ('b')")
        }
        try queue.close()
        return Array(FileManager.default.contents(atPath: file) ?? Data())
    }

    func mutate(_ input: inout FuzzInput, rng: inout FuzzRandom) {
        StoreMutator.mutate(&input, rng: &rng, seeds: seeds, maxLength: maxLength)
    }

    func run(_ input: FuzzInput) -> Outcome {
        for suffix in ["-shm", "-wal", "-journal"] { unlink(path + suffix) }
        writeFile(path, input.bytes)
        if let wal = input.wal { writeFile(path + "-wal", wal) }
        defer { for suffix in ["-shm", "-wal"] { unlink(path + suffix) } }
        do {
            let store = try MemoryStore(path: path, writable: false, scenes: SceneRegistry.memories)
            defer { store.close() }
            _ = store.state
            let events = try store.events()
            _ = SessionSummary.summarise(events)
            _ = try store.sessions()
            _ = try store.snapshotCount()
            return .accepted
        } catch {
            if input.alsoRepair, error.kind == .corrupt {
                defer { clearFolder() }
                do { _ = try MemoryStore.repair(path: path, scenes: SceneRegistry.memories) } catch { return .rejected("repair: " + error.description) }
            }
            return .rejected(error.description)
        }
    }

    /// Removes what `repair` left: the backup and the new store.
    func clearFolder() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] { unlink(folder + "/" + name) }
    }

    func command(for path: String) -> String { "photophore memory show --memory \(path)" }
}
