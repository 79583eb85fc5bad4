import ArgumentParser

/// `photophore bench`: the frame-budget benchmarks (docs/cli.md, bench).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure frame times.",
        subcommands: [BenchScenesCommand.self, BenchWorkloadCommand.self, BenchSoakCommand.self, BenchInstructionsCommand.self, BenchScenesQuickCommand.self],
        defaultSubcommand: BenchScenesCommand.self)
}
