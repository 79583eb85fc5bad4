// swift-tools-version:6.1
//
// Photophore: a software-rendered 3D animation and simulation engine.
//
// The modules follow the one direction of flow (a module never imports one to its right):
//
//   stimuli → Mind → Simulation → Scene (draw lists) → Raster (tiles) → Effects (HDR) → Sinks
//
// GLTF (glTF 2.0 models: meshes, materials, skins, animations) stands beside that flow: it
// reads files into plain arrays, with Raster's Matrix4 and Image8 and Sinks' PNG reader,
// for the scenes that draw them.
// Raster knows nothing about scenes; Workloads are the synthetic rasterizer workloads.
// A scene is one `Scene` type (Engine) registered in Engine's SceneRegistry: everything above
// Engine (the window, the command line, the benchmark scripts) and the store (through the
// memory types the registry lists) find scenes there.
import Foundation
import PackageDescription

// Release builds target the best x86-64 level the building machine has: x86-64-v4 (AVX-512)
// where /proc/cpuinfo lists it, else x86-64-v3 (AVX2 + FMA). Swift's SIMD8 code then compiles
// to single 256-bit instructions, and the SIMD16 post-processing rows to single 512-bit ones,
// instead of pairs of SSE halves and libm calls. CPUCheck refuses, with a clear message, to
// run a build on a CPU without what it was built for.
//   PHOTOPHORE_TARGET=x86-64-v3 swift build   builds for AVX2 machines on an AVX-512 one;
//   PHOTOPHORE_PORTABLE=1 swift build         builds for baseline x86-64 (slower, runs anywhere).
let portable = Context.environment["PHOTOPHORE_PORTABLE"] == "1"
let level: String = {
    if let chosen = Context.environment["PHOTOPHORE_TARGET"] {
        guard ["x86-64-v3", "x86-64-v4"].contains(chosen) else { fatalError("PHOTOPHORE_TARGET=\(chosen): use x86-64-v3 or x86-64-v4") }
        return chosen
    }
    let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? []
    let v4 = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
    return v4.allSatisfy(flags.contains) ? "x86-64-v4" : "x86-64-v3"
}()
let simdSwift: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-Xcc", "-march=\(level)"])]
let simdC: [CSetting] = portable ? [] : [.unsafeFlags(["-march=\(level)"])]
/// Exclusivity checking off: only for the per-pixel loops of the rasterizer (Raster), the
/// effects (Effects) and the painters that fill draw lists every frame (Scenes), where the
/// runtime checks of inout access cost measurable time per frame and no input file is
/// parsed. Every module that reads input (GLTF, Stimuli, Store, Sinks' PNG reader) keeps the
/// checks on.
let hotLoopSwift: [SwiftSetting] = simdSwift + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

// tools/build-static.sh builds a self-contained program: with --static-swift-stdlib the Swift
// runtime and Foundation are linked in, and PHOTOPHORE_STATIC=1 links with the toolchain's
// lld and packed relative relocations (glibc 2.36 or newer), which the program then applies
// in a few kilobytes instead of megabytes.
let staticLink: [LinkerSetting] = Context.environment["PHOTOPHORE_STATIC"] == "1"
    ? [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])] : []

let package = Package(
    name: "Photophore",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "photophore", targets: ["photophore"]),
        .executable(name: "photophore-fuzz", targets: ["photophore-fuzz"]),
        .library(name: "Raster", targets: ["Raster"]),
        .library(name: "Effects", targets: ["Effects"]),
        .library(name: "Scenes", targets: ["Scenes"]),
        .library(name: "Sinks", targets: ["Sinks"]),
        .library(name: "GLTF", targets: ["GLTF"]),
        // The engine: the Scene protocol, the registry and the renderer (with Mind and
        // Simulation underneath), for programs with scenes of their own (Examples/).
        .library(name: "Engine", targets: ["Engine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: System libraries (pkg-config, with Debian providers)
        .systemLibrary(name: "CSDL2", pkgConfig: "sdl2", providers: [.apt(["libsdl2-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // JPEG textures of glTF models (libjpeg-turbo's libjpeg API).
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // FFmpeg's headers (libavcodec-dev, libavformat-dev, libavutil-dev): the libraries are
        // not linked but loaded on first use by FFmpegLoader.
        .systemLibrary(name: "CFFmpeg"),

        // MARK: C helpers
        // Compiled without the SIMD flags on purpose: it must run on any x86-64 CPU.
        .target(name: "CPUCheck", cSettings: portable ? [.define("PHOTOPHORE_PORTABLE_BUILD")]
                : level == "x86-64-v4" ? [.define("PHOTOPHORE_NEEDS_AVX512")] : []),
        // Header-only clang vector builtins that import as SIMD8<Float> and compile to one
        // instruction each (min, max, floor, conversions).
        .target(name: "RasterKernels", cSettings: simdC),
        // RGBA → YUV 4:2:0 for the video sinks: plain C loops that clang vectorizes;
        // and PNG encoding: libdeflate for the fast setting, libpng for the small one.
        .target(name: "SinksKernels", cSettings: simdC, linkerSettings: [.linkedLibrary("deflate")]),
        // JPEG decoding for GLTF: libjpeg's longjmp error path kept inside C.
        .target(name: "GLTFKernels", dependencies: ["CJPEG"]),
        // Callgrind's client requests and the gate's planted work (bench instructions, tools/gate-power.sh).
        // Plain C, without the SIMD flags: the planted work must cost the same on every build.
        .target(name: "CProbe"),
        // FFmpeg's functions, forwarded to the libraries it loads on first use (see its header).
        .target(name: "FFmpegLoader", linkerSettings: [.linkedLibrary("dl")]),

        // MARK: Build information
        // The git commit the program is built from, read again whenever it or a source changes (see the plugin).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        .target(name: "BuildInfo", plugins: ["BuildInfoPlugin"]),

        // MARK: Shared helpers
        // The one clock, the one atomic file write and the one number formatter (no Foundation).
        .target(name: "Basics"),
        // The one JSON writer (Codable through one configured JSONEncoder).
        .target(name: "JSONWriter"),

        // MARK: Mind and memory
        // Stimulus events and the script format (JSON) that carries them.
        .target(name: "Stimuli", dependencies: ["Basics"]),
        // Richness and the Look: chosen by profiles and scenes, applied by Effects (both
        // re-export it), so that each is defined once.
        .target(name: "Appearance"),
        // The emotional state machines: pure, deterministic, no Foundation in the update path.
        .target(name: "Mind", dependencies: ["Stimuli", "Appearance"]),
        // The persistent memory: an event log with snapshots in SQLite.
        .target(name: "Store", dependencies: ["JSONWriter", "Mind", .product(name: "GRDB", package: "GRDB.swift")]),

        // MARK: Engine
        .target(
            name: "Raster",
            dependencies: ["RasterKernels", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: hotLoopSwift),
        .target(name: "Workloads", dependencies: ["Raster"], swiftSettings: simdSwift),
        // Charts (memory stats, benchmark plots) drawn with the rasterizer.
        .target(name: "Plot", dependencies: ["Basics", "Raster", .product(name: "RealModule", package: "swift-numerics")], swiftSettings: simdSwift),
        // Benchmark reports, the calibration loop and the regression gate; each scene's script
        // comes from its `Scene` through the registry.
        .target(name: "Benchmarking", dependencies: ["Basics", "JSONWriter", "Stimuli", "Engine", "Simulation", "Raster"], swiftSettings: simdSwift),
        .target(name: "Effects", dependencies: ["Raster", "RasterKernels", "Appearance"], swiftSettings: hotLoopSwift),
        // The worlds: steering, the fish's spine, particles, the emergence reveal and camera.
        .target(
            name: "Simulation",
            dependencies: ["Mind", "Stimuli", "RasterKernels", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: simdSwift),
        // Worlds to draw lists: meshes, sprites and the look each frame asks for.
        .target(
            name: "Scenes",
            dependencies: ["Simulation", "Mind", "Raster", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: hotLoopSwift),
        // The Scene protocol, the scene registry (SceneCatalog/: one folder per scene) and
        // SceneRenderer: Mind → Simulation → Scenes → Raster → Effects, frame by frame.
        .target(name: "Engine", dependencies: ["Basics", "Mind", "Stimuli", "Simulation", "Scenes", "Raster", "RasterKernels", "Effects", "Plot", "GLTF"], swiftSettings: simdSwift),
        .target(name: "Sinks", dependencies: ["Basics", "JSONWriter", "Raster", "CPNG", "CFFmpeg", "FFmpegLoader", "SinksKernels", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: simdSwift),
        // glTF 2.0 models (.glb, .gltf): docs/gltf.md.
        .target(name: "GLTF", dependencies: ["Basics", "Raster", "Sinks", "GLTFKernels"], swiftSettings: simdSwift),
        .target(name: "Window", dependencies: ["Basics", "CSDL2", "Raster", "Plot"], swiftSettings: simdSwift),
        // An image against a reference: the sRGB curves, the linear-light box filter, PSNR,
        // SSIM and the crop sheet (`photophore image compare`).
        .target(name: "ImageMetrics", dependencies: ["Raster"], swiftSettings: simdSwift),
        .target(
            name: "PhotophoreCLI",
            dependencies: [
                "Basics", "JSONWriter", "Raster", "Workloads", "Sinks", "Window", "Stimuli", "Mind", "Store", "Plot", "Benchmarking", "Engine", "Simulation", "GLTF",
                "ImageMetrics", "CPUCheck", "CProbe", "BuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: simdSwift),
        .executableTarget(name: "photophore", dependencies: ["PhotophoreCLI", "CPUCheck"], swiftSettings: simdSwift,
                          linkerSettings: staticLink),

        // Mutated inputs for every file reader (scripts, the store, PNG, glTF): tools/fuzz.sh.
        .executableTarget(
            name: "photophore-fuzz",
            dependencies: ["Basics", "Stimuli", "Mind", "Store", "Sinks", "Raster", "Engine", "GLTF", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: simdSwift),

        // MARK: Tests
        // What the test targets share: the one subprocess runner, the private X server and
        // the repository's paths.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // libwebp's animation decoder, to check the animated WebPs render writes.
        .systemLibrary(name: "CWebPDemux", path: "Tests/CWebPDemux", pkgConfig: "libwebpdemux", providers: [.apt(["libwebp-dev"])]),
        .testTarget(name: "BasicsTests", dependencies: ["Basics", "JSONWriter"]),
        .testTarget(name: "RasterTests", dependencies: ["Raster", "RasterKernels", "Workloads"], swiftSettings: simdSwift),
        .testTarget(name: "SinksTests", dependencies: ["TestSupport", "Sinks", "Raster", "Workloads"], swiftSettings: simdSwift),
        .testTarget(name: "GLTFTests", dependencies: ["TestSupport", "GLTF", "Raster", "Sinks"], swiftSettings: simdSwift),
        .testTarget(name: "WindowTests", dependencies: ["TestSupport", "Window", "Raster", "CSDL2"], swiftSettings: simdSwift),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "photophore", "Sinks", "Raster", "Mind", "Stimuli", "CWebPDemux"], swiftSettings: simdSwift),
        .testTarget(name: "BenchmarkingTests", dependencies: ["Benchmarking", "Stimuli", "Mind", "Engine"], swiftSettings: simdSwift),
        .testTarget(name: "PlotTests", dependencies: ["Plot", "Raster"], swiftSettings: simdSwift),
        .testTarget(name: "EffectsTests", dependencies: ["Effects", "Raster"], swiftSettings: simdSwift),
        .testTarget(name: "ImageMetricsTests", dependencies: ["ImageMetrics", "Raster"], swiftSettings: simdSwift),
        .testTarget(name: "MindTests", dependencies: ["Mind", "Stimuli"]),
        .testTarget(
            name: "SimulationTests",
            dependencies: ["Simulation", "Mind", "Stimuli", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: simdSwift),
        .testTarget(
            name: "ScenesTests",
            dependencies: ["TestSupport", "Engine", "Scenes", "Simulation", "Mind", "Stimuli", "Raster", "Sinks", "Effects", "GLTF"],
            swiftSettings: simdSwift),
        // Depends on the executable so the crash and scripted-run tests can spawn it.
        .testTarget(
            name: "StoreTests",
            dependencies: ["TestSupport", "Store", "Mind", "Stimuli", "Sinks", "Engine", "photophore", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
