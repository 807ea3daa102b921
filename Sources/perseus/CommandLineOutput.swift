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

    /// Peak resident memory of this process so far [MB] (getrusage's ru_maxrss, KiB on Linux).
    static func peakMemoryMegabytes() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576
        #endif
    }
}
