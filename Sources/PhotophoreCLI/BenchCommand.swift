import ArgumentParser

/// `photophore bench`: the frame-budget benchmarks (CLI.md, Benchmarks).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure frame times.",
        subcommands: [BenchScenesCommand.self, BenchWorkloadCommand.self, BenchSoakCommand.self, BenchScenesQuickCommand.self],
        defaultSubcommand: BenchScenesCommand.self)
}
