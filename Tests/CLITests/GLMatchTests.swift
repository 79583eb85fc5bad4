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
    // positions, shaded once per pixel; glbench's colour is `centroid`, as Photophore shades.
    // Coverage and depth are exact per sample on both sides. What may differ:
    // - where a partly covered pixel is shaded: GL leaves the centroid's point to the
    //   implementation (Photophore takes the mean of the covered samples), which moves a
    //   Gouraud colour by a few steps along every edge, inner mesh edges too (the share);
    // - the resolve: llvmpipe averages samples clamped and rounded to 8 bits, Photophore
    //   averages linear floats (HDR, the spheres' blue passes 1) and rounds once.
    // A sample covered differently moves its pixel by a quarter of a silhouette's contrast,
    // some 50 steps against the dark background: the max catches it.

    @Test(arguments: ["1280x720", "333x219"])
    func spheresMatchLlvmpipeAt4Samples(size: String) throws {
        let r = try Self.compare("spheres", size: size, extra: ["--samples", "4"])
        #expect(r.max <= 32, "max difference \(r.max)")
        #expect(Double(r.over3) / Double(r.pixels) < 0.03, "\(r.over3) pixels differ by more than 3")
    }

    @Test(arguments: ["1280x720", "333x219"])
    func glowMatchesLlvmpipeAt4Samples(size: String) throws {
        let r = try Self.compare("glow", size: size, extra: ["--samples", "4"])
        #expect(r.max <= 7, "max difference \(r.max)")
        #expect(Double(r.over3) / Double(r.pixels) < 0.001, "\(r.over3) pixels differ by more than 3")
    }
}
