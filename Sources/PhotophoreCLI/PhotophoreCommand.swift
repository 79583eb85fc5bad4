import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The root `photophore` command. Subcommands follow the contract in docs/cli.md.
///
/// With no arguments: the candlefish in a window when a display is available, else a short
/// demo rendered to ./out (and it says where).
public struct PhotophoreCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "photophore",
        abstract: "A software-rendered 3D animation and simulation engine.",
        discussion: "With no arguments: the candlefish in a window, or without a display a short demo video in ./out.",
        subcommands: [PlayCommand.self, RenderCommand.self, SimulateCommand.self, MemoryCommand.self, BenchCommand.self, ImageCommand.self,
                      VersionCommand.self])

    public init() {}

    public func run() throws {
        let hasDisplay = getenv("DISPLAY") != nil || getenv("WAYLAND_DISPLAY") != nil
        if hasDisplay {
            do {
                let play = try PlayCommand.parse(["candlefish"])
                try play.run()
                return
            } catch let failure as Failure where failure.kind == .noDisplay {
                printError("photophore: \(failure.message); rendering a demo instead")
            }
        }
        mkdir("out", 0o755)
        let render = try RenderCommand.parse(["candlefish", "--frames", "0..299", "--size", "1280x720", "-o", "out/candlefish-demo.mp4"])
        try render.run()
        print("photophore: no display, so a 5 s demo was rendered to out/candlefish-demo.mp4; see `photophore --help` for play, render and bench")
    }
}
