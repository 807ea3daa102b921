import Foundation

/// Runs Python cross-checks from tests (astropy, h5py, numpy, sherpa are test-time peers only).
public enum Python {
    /// Whether `python3` can import every module in `modules`.
    public static func canImport(_ modules: String...) -> Bool {
        (try? run("import " + modules.joined(separator: ", "))) != nil
    }

    /// Runs `code` with `python3 -c`, passing `arguments` as `sys.argv[1...]`, and returns its
    /// standard output.
    /// - Throws: `PythonFailure` with the last line of standard error if the exit status is not 0.
    @discardableResult
    public static func run(_ code: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errorData, as: UTF8.self)
            throw PythonFailure(message: text.split(separator: "\n").suffix(3).joined(separator: " | "))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `code` and decodes its standard output as one JSON value.
    public static func json(_ code: String, arguments: [String] = []) throws -> Any {
        let text = try run(code, arguments: arguments)
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }
}

/// A Python cross-check that exited with an error.
public struct PythonFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "python3 failed: \(message)" }
}
