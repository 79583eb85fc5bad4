import Foundation
import Raster
import Sinks
import Testing
import TestSupport

/// The workloads' frame 0 against Mesa llvmpipe's rendering of the same workload, drawn by
/// the small OpenGL program in benchmarks/gl-reference (built here with make).
///
/// Tolerances: spheres must match within 2 steps everywhere (edges, fill rule and lighting
/// agree). Glow may differ by a few steps where many sprites pile up: an 8-bit GL
/// framebuffer rounds after every additive blend, while Photophore keeps HDR and rounds once
/// (docs/workloads.md, "Rules for both", asks for exactly that), so the difference grows with overdraw.
@Suite(.serialized) struct GLMatchTests {
    static let referenceDir = repositoryRoot + "/benchmarks/gl-reference"

    static func buildReference() throws -> String {
        let make = try run("/usr/bin/make", ["-s", "-C", referenceDir, "glbench"])
        #expect(make.status == 0, "building the llvmpipe reference failed (needs libosmesa6-dev, run tools/setup.sh): \(make.stderr)")
        return referenceDir + "/glbench"
    }

    static func compare(_ workload: String, size: String, extra: [String] = []) throws -> (max: Int, over1: Int, over3: Int, pixels: Int) {
        let glbench = try buildReference()
        let dir = temporaryDirectory()
        let gl = try run(glbench, [workload, "--size", size, "--frames", "1", "--output", dir + "/gl.png"] + extra,
                         environment: ["LP_NUM_THREADS": "2"])
        #expect(gl.status == 0, "\(gl.stderr)")
        #expect(gl.stderr.contains("llvmpipe"), "the reference must run on llvmpipe: \(gl.stderr)")
        let pp = try run(photophorePath, ["bench", "workload", workload, "--size", size, "--frames", "1", "--output", dir + "/pp.png"] + extra)
        #expect(pp.status == 0, "\(pp.stderr)")
        let a = try PNG.read(dir + "/gl.png"), b = try PNG.read(dir + "/pp.png")
        #expect(a.width == b.width && a.height == b.height)
        var maxDiff = 0, over1 = 0, over3 = 0
        for i in 0..<(a.width * a.height) {
            var d = 0
            for c in 0..<3 { d = max(d, abs(Int(a.pixels[i * 4 + c]) - Int(b.pixels[i * 4 + c]))) }
            maxDiff = max(maxDiff, d)
            if d > 1 { over1 += 1 }
            if d > 3 { over3 += 1 }
        }
        return (maxDiff, over1, over3, a.width * a.height)
    }

    @Test(arguments: ["1280x720", "333x219"])
    func spheresMatchLlvmpipe(size: String) throws {
        let r = try Self.compare("spheres", size: size)
        #expect(r.max <= 2, "max difference \(r.max)")
    }

    @Test func spheresMatchLlvmpipeWithOtherTessellation() throws {
        let r = try Self.compare("spheres", size: "640x360", extra: ["--grid", "3x2", "--segments", "24x12"])
        #expect(r.max <= 2, "max difference \(r.max)")
    }

    @Test(arguments: ["1280x720", "333x219"])
    func glowMatchesLlvmpipe(size: String) throws {
        let r = try Self.compare("glow", size: size)
        #expect(r.max <= 6, "max difference \(r.max)")
        #expect(Double(r.over3) / Double(r.pixels) < 0.001, "\(r.over3) pixels differ by more than 3")
    }

    // 4 samples a pixel on both sides (llvmpipe's only count above 1), at llvmpipe's sample
    // positions, shaded once per pixel at its centre. Coverage and depth are exact per sample
    // on both sides, so only the colour's rounding may differ: llvmpipe stores each sample
    // clamped and rounded to 8 bits and rounds the mean of those; Photophore clamps each
    // sample's linear float colour, averages, and rounds once. The two means are within half
    // a step, so the resolve adds at most 1 step to the 1-sample bounds, and seldom makes a
    // pixel differ by more than 1 (the share). A sample covered differently moves its pixel
    // by a quarter of the edge's contrast, tens of steps; so does clamping after averaging
    // where the spheres' blue passes 1.

    @Test(arguments: ["1280x720", "333x219"])
    func spheresMatchLlvmpipeAt4Samples(size: String) throws {
        let r = try Self.compare("spheres", size: size, extra: ["--samples", "4"])
        #expect(r.max <= 3, "max difference \(r.max)")
        #expect(Double(r.over1) / Double(r.pixels) < 0.01, "\(r.over1) pixels differ by more than 1")
    }

    @Test(arguments: ["1280x720", "333x219"])
    func glowMatchesLlvmpipeAt4Samples(size: String) throws {
        let r = try Self.compare("glow", size: size, extra: ["--samples", "4"])
        #expect(r.max <= 7, "max difference \(r.max)")
        #expect(Double(r.over3) / Double(r.pixels) < 0.001, "\(r.over3) pixels differ by more than 3")
    }
}
