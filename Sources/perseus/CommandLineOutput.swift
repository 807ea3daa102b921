import Foundation

/// Helpers for what the command-line tool prints.
enum CommandLineOutput {
    /// Prints `perseus: error: MESSAGE` on one line to standard error and exits with status 1.
    static func fail(_ message: String) -> Never {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("perseus: error: \(oneLine)\n".utf8))
        exit(1)
    }

    /// Prints a warning to standard error.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("perseus: warning: \(message)\n".utf8))
    }

    /// Serialises a JSON object with sorted keys and prints it on standard output.
    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
