import ArgumentParser

/// The root `photophore` command. Subcommands follow the contract in CLI.md.
public struct PhotophoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "photophore",
        abstract: "A software-rendered 3D animation and simulation engine.",
        subcommands: [RenderCommand.self, BenchCommand.self, VersionCommand.self, SimulateCommand.self, MemoryCommand.self])

    public init() {}
}
