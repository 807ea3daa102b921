import ArgumentParser
import Foundation
import Perseus

/// Options shared by the commands that use an instrument: which one, the user's own files.
struct InstrumentOptions: ParsableArguments {
    @Option(name: .customLong("instrument-file"),
            help: ArgumentHelp("An instrument file (YAML, docs/instruments.md) or a directory of them, added to the built-in instruments (repeatable).", valueName: "PATH"))
    var instrumentFiles: [String] = []

    /// The built-in instruments plus those of --instrument-file.
    func registry() throws -> InstrumentRegistry {
        var registry = try InstrumentRegistry.standard()
        for path in instrumentFiles { try registry.add(path: path) }
        return registry
    }
}

extension InstrumentRegistry {
    /// The instruments added from files (not built in).
    var addedNames: [String] { names.filter { !Self.builtInNames.contains($0) } }
}
