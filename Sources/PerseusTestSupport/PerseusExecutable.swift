import Foundation

/// Runs the `perseus` command-line tool built beside the test bundle, for tests of what a user
/// sees: exit status, standard output, standard error.
public enum PerseusExecutable {
    /// What one run of `perseus` produced.
    public struct Run: Sendable {
        public let status: Int32
        public let output: String
        public let error: String
    }

    /// The `perseus` binary in the build products directory.
    public static var path: String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = products.appendingPathComponent("perseus")
        if !FileManager.default.fileExists(atPath: candidate.path) {
            // Inside an .xctest bundle directory (macOS layout): go up to the products folder.
            candidate = products.deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("perseus")
        }
        return candidate.path
    }

    /// Whether the binary exists (it is built because the test target depends on it).
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs `perseus ARGUMENTS…` in `directory` and waits for it.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so a large output cannot block the child.
        var errorData = Data()
        let group = DispatchGroup()
        let errorHandle = err.fileHandleForReading
        group.enter()
        let box = DataBox()
        DispatchQueue.global().async { box.data = errorHandle.readDataToEndOfFile(); group.leave() }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        errorData = box.data
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                   error: String(decoding: errorData, as: UTF8.self))
    }

    private final class DataBox: @unchecked Sendable { var data = Data() }
}
