import ArgumentParser
import Foundation
import Perseus

/// The `perseus` command-line tool.
struct PerseusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perseus",
        abstract: "Forward-model X-ray and gamma-ray observations and benchmark anomaly detectors.",
        version: PerseusVersion.string,
        subcommands: [
            BenchCommand.self,
            ModelCommand.self,
            InspectCommand.self,
            InstrumentsCommand.self,
            FakeItCommand.self,
            MergeCommand.self,
            ScenariosCommand.self,
            SimulateCommand.self,
            IonizationCommand.self,
        ]
    )
}

@main
enum PerseusMain {
    static func main() {
        do {
            var command = try PerseusCommand.parseAsRoot()
            try command.run()
        } catch let error as any PerseusError {
            CommandLineOutput.fail("\(error)")
        } catch let error as CocoaError {
            CommandLineOutput.fail(error.localizedDescription)
        } catch {
            PerseusCommand.exit(withError: error)
        }
    }
}
