import ArgumentParser

/// `perseus bench …`: performance benchmarks, each comparing against its named peer in the same
/// run where one exists. Build with `swift build -c release` before timing anything.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run performance benchmarks (release build) against their peers.",
        subcommands: [
            BenchPoissonCommand.self,
            BenchDatasetWriteCommand.self,
            BenchNeuralCommand.self,
            BenchModelsCommand.self,
            BenchRMFCommand.self,
            BenchFoldCommand.self,
            BenchIonizationCommand.self,
            BenchFitEngineCommand.self,
        ]
    )
}
