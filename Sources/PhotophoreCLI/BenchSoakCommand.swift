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

    @Option(help: "Frames to render.")
    var frames = 10_000

    @Option(help: "Render size, WIDTHxHEIGHT.")
    var size = Size(width: 640, height: 360)

    @Option(help: "minimal, standard or rich.")
    var richness = "rich"

    @Option(help: "Worker threads (default: one per CPU).")
    var threads: Int?

    @Option(name: .customLong("min-writes"), help: "Fail unless at least this many events were written.")
    var minWrites = 1_000

    @Option(name: .customLong("limit-mb"), help: "Allowed growth of the resident set after warm-up, in MiB.")
    var limitMB = 1.0

    func run() throws {
        let size = try self.size.validated()
        guard let richness = Richness(rawValue: richness) else { throw Failure.usage("--richness \(self.richness): use minimal, standard or rich") }
        guard (1000...1_000_000).contains(frames) else { throw Failure.usage("--frames \(frames): use 1000 to 1000000") }
        let threadCount = threads ?? WorkerPool.systemWidth().threads

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("photophore-soak-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = BenchScripts.candlefish()
        let store: MemoryStore
        let session: Int64
        do {
            store = try MemoryStore(path: dir + "/memory.sqlite", writable: true)
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
