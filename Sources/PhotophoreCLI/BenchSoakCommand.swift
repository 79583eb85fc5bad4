import ArgumentParser
import Benchmarking
import Engine
import Foundation
import Mind
import Raster
import Stimuli
import Store

/// `photophore bench soak`: the long-run memory check. Renders the candlefish for many
/// frames through the built-in script, writing every memory event the session produces to a
/// scratch store, and samples the resident set size. Growth after warm-up beyond the limit
/// exits with code 3, as the frame-time gate does.
struct BenchSoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Check that memory stays flat over a long run with store writes.")

    @Option(parsing: .unconditional, help: "Frames to render, 1000 to 1000000 (default: 10000).", transform: Parse.int(1000...1_000_000))
    var frames = 10_000

    @Option(parsing: .unconditional, help: "Render size, WIDTHxHEIGHT, each side 1 to 8192 (default: 640x360).", transform: Parse.size)
    var size = Size(width: 640, height: 360)

    @Option(help: "minimal, standard or rich.")
    var richness = "rich"

    @Option(parsing: .unconditional, help: "Worker threads, 1 to 256 (default: one per CPU).", transform: Parse.int(Limits.threads))
    var threads: Int?

    @Option(name: .customLong("min-writes"), parsing: .unconditional,
            help: "Fail unless at least this many events were written, 0 to 10000000 (default: 1000).", transform: Parse.int(0...10_000_000))
    var minWrites = 1_000

    @Option(name: .customLong("limit-mb"), parsing: .unconditional,
            help: "Allowed growth of the resident set after warm-up, 0 to 4096 MiB (default: 1).", transform: Parse.number(0...4096, "MiB"))
    var limitMB = 1.0

    func run() throws {
        guard let richness = Richness(rawValue: richness) else { throw Failure.usage("--richness \(self.richness): use minimal, standard or rich") }
        let threadCount = threads ?? Limits.defaultThreads

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("photophore-soak-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = BenchScripts.candlefish()
        let store: MemoryStore
        let session: Int64
        do {
            store = try MemoryStore(path: dir + "/memory.sqlite", writable: true, scenes: SceneRegistry.memories)
            session = try store.beginSession(scene: .candlefish, clock: script.clock, profile: .standard)
        } catch { throw Failure.runtime("soak: cannot open a scratch store in \(dir): \(error)") }
        defer { store.close() }

        let fps = max(1, frames / Int(BenchScripts.duration))
        let renderer: SceneRenderer
        do {
            renderer = try SceneRenderer(RenderSettings(scene: .candlefish, width: size.width, height: size.height, seed: 1,
                                                        script: script, richness: richness, threads: threadCount, fps: fps))
        } catch { throw Failure.usage("\(error)") }
        var image = Image8(width: size.width, height: size.height)
        let warmup = frames / 10
        var writes = 0
        var samples: [(frame: Int, mb: Double)] = []
        for k in 0..<frames {
            renderer.render(frame: k, into: &image)
            let events = renderer.takeMemoryEvents()
            do { try store.append(events, session: session) } catch { throw Failure.runtime("soak: store write failed: \(error)") }
            writes += events.count
            if k + 1 >= warmup && (k + 1 - warmup) % 500 == 0 || k == frames - 1 {
                samples.append((k + 1, MemoryProbe.residentMB()))
            }
        }
        let base = samples.first!.mb
        let peak = samples.map(\.mb).max()!
        let growth = peak - base
        func mb(_ v: Double) -> String { JSONValue.format((v * 100).rounded() / 100) }
        print("soak: \(frames) frames at \(size) \(richness.rawValue), \(writes) store writes; resident \(mb(base)) MiB after warm-up, peak \(mb(peak)) MiB, end \(mb(samples.last!.mb)) MiB; growth \(mb(growth)) MiB (limit \(mb(limitMB)))")
        if writes < minWrites {
            throw Failure(.gate, "soak: only \(writes) store writes, fewer than --min-writes \(minWrites)")
        }
        if growth > limitMB {
            throw Failure(.gate, "soak: memory grew by \(mb(growth)) MiB after warm-up, over the \(mb(limitMB)) MiB limit")
        }
    }
}
