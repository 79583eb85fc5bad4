import Foundation
import Testing
import TestSupport

/// `photophore bench instructions` from outside: its refusals, and a real count where this
/// build can run under callgrind (an x86-64-v3 or portable build with Valgrind installed).
@Suite struct BenchInstructionsCLITests {
    @Test func theInnerRunRefusesToRunOutsideValgrind() throws {
        let r = try run(photophorePath, ["bench", "instructions", "candlefish", "--inside-valgrind"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("for the run bench instructions starts under callgrind"), "\(r.stderr)")
    }

    @Test func badSettingsAreRefusedBeforeAnythingRuns() throws {
        for (args, says) in [(["--frames", "0"], "--frames 0"), (["nosuch"], "unknown scene 'nosuch'"),
                             (["--richness", "lush"], "--richness lush"), (["--plant-regression", "raster"], "--plant-regression raster")] {
            let r = try run(photophorePath, ["bench", "instructions"] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(says), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }

    @Test func aPlantNeedsABaseline() throws {
        let r = try run(photophorePath, ["bench", "instructions", "--plant-regression", "raster:10"])
        #expect(r.status == 2)
    }

    /// An AVX-512 build is refused with what to do; any other build counts for real, and the
    /// same count twice gives the same numbers.
    @Test func countsOrSaysWhichBuildCan() throws {
        let dir = temporaryDirectory()
        let args = ["bench", "instructions", "candlefish", "--size", "64x36", "--frames", "1", "--json", dir + "/a.json"]
        let r = try run(photophorePath, args)
        if r.stderr.contains("AVX-512 build") {
            #expect(r.status == 2)
            #expect(r.stderr.contains("x86-64-v3"))
            return
        }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("candlefish raster"), "\(r.stdout)")
        let again = try run(photophorePath, ["bench", "instructions", "candlefish", "--size", "64x36", "--frames", "1",
                                             "--baseline", dir + "/a.json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("+0.00%"), "\(again.stdout)")
    }
}
