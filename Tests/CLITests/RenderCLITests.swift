import Foundation
import Raster
import Sinks
import Testing
import TestSupport

@Suite("photophore render")
struct RenderCLITests {
    @Test("renders one PNG frame; the same seed gives the same file whatever the threads")
    func rendersPNG() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, threads) in [("a", "1"), ("b", "2")] {
            let r = try photophore("render", "candlefish", "--frame", "40", "--size", "160x90", "--seed", "5",
                                   "--threads", threads, "-o", "\(dir)/\(name).png")
            #expect(r.status == 0, "\(r.stderr)")
        }
        let a = try PNG.read("\(dir)/a.png"), b = try PNG.read("\(dir)/b.png")
        #expect(a.width == 160 && a.height == 90)
        #expect(a == b)
        let c = try photophore("render", "candlefish", "--frame", "40", "--size", "160x90", "--seed", "6", "-o", "\(dir)/c.png")
        #expect(c.status == 0)
        #expect(try PNG.read("\(dir)/c.png") != a)
    }

    @Test("emergence with a script")
    func emergenceScript() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = #"{"scene": "emergence", "events": [{"t": 0.2, "type": "answer", "correct": false}]}"#
        try script.write(toFile: "\(dir)/s.json", atomically: true, encoding: .utf8)
        let r = try photophore("render", "emergence", "--frame", "90", "--size", "160x90", "--script", "\(dir)/s.json",
                               "--richness", "minimal", "-o", "\(dir)/e.png")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/e.png"))
    }

    @Test("outputs that do not fit the frames asked for are usage errors that say what to do",
          arguments: [(["-o", "out.mp4"], "--frames"), (["-o", "frames/"], "--frames"), (["--frames", "0..9", "-o", "x.png"], "one PNG holds one frame"),
                      (["--frames", "0..9", "-o", "x.avi"], "unknown output type"), (["--frames", "9..0", "-o", "x.mp4"], "--frames")])
    func mismatchedOutputs(args: [String], says: String) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(photophorePath, ["render", "candlefish"] + args, cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains(says), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "nothing is written")
    }

    @Test("bad input: a bad script, a scene mismatch, a bad richness or size exit 2; an unwritable path exits 1")
    func badInput() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"{"scene": "candlefish", "events": [{"t": -1, "type": "leave"}]}"#.write(toFile: "\(dir)/bad.json", atomically: true, encoding: .utf8)
        let bad = try photophore("render", "candlefish", "--script", "\(dir)/bad.json", "-o", "\(dir)/x.png")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("event 0"))
        let mismatch = try photophore("render", "emergence", "--script", "\(dir)/bad.json", "-o", "\(dir)/x.png")
        #expect(mismatch.status == 2)
        #expect(try photophore("render", "candlefish", "--richness", "ultra", "-o", "\(dir)/x.png").status == 2)
        #expect(try photophore("render", "candlefish", "--size", "0x10", "-o", "\(dir)/x.png").status == 2)
        #expect(try photophore("render", "candlefish", "--script", "\(dir)/missing.json", "-o", "\(dir)/x.png").status == 2)
        let io = try photophore("render", "candlefish", "--size", "64x36", "-o", "\(dir)/no/such/dir/x.png")
        #expect(io.status == 1)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/x.png"))
    }
}
