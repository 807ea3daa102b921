import Foundation

/// Writes a file under a temporary name beside its destination and renames it into place only
/// when the writer finishes, so an interrupted run never leaves a file that looks complete.
///
/// The temporary name is `.<name>.partial-<pid>-<random>` in the destination's directory, so the
/// final `rename(2)` is atomic on the same file system. If the writer throws, the partial file is
/// removed. An existing destination is refused unless `overwrite` is true.
public struct AtomicOutput: Sendable {
    /// Final path of the output.
    public let destination: URL
    /// Path the content is written to before the rename.
    public let temporary: URL

    /// Prepares an output at `path`.
    /// - Throws: `OutputError` if the file exists and `overwrite` is false, or the directory
    ///   does not exist or is not writable.
    public init(path: String, overwrite: Bool = false) throws(OutputError) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw .isDirectory(path: path) }
            if !overwrite { throw .exists(path: path) }
        }
        let directory = url.deletingLastPathComponent()
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(path: path, directory: directory.path)
        }
        guard manager.isWritableFile(atPath: directory.path) else {
            throw .notWritable(path: path, directory: directory.path)
        }
        destination = url
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())-\(tag)")
    }

    /// Runs `write` with the temporary path, then renames it to the destination.
    /// On any error the temporary file is removed and the error rethrown.
    public func write<T>(_ write: (String) throws -> T) throws -> T {
        do {
            let result = try write(temporary.path)
            try commit()
            return result
        } catch {
            discard()
            throw error
        }
    }

    /// Moves the temporary file into place.
    public func commit() throws(OutputError) {
        if rename(temporary.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw .renameFailed(path: destination.path, reason: reason)
        }
    }

    /// Removes the temporary file if it exists.
    public func discard() {
        try? FileManager.default.removeItem(at: temporary)
    }
}

/// Why an output file cannot be written.
public enum OutputError: PerseusError, Equatable {
    case exists(path: String)
    case isDirectory(path: String)
    case missingDirectory(path: String, directory: String)
    case notWritable(path: String, directory: String)
    case renameFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .exists(path): return "\(path): file exists; pass --overwrite to replace it"
        case let .isDirectory(path): return "\(path): is a directory; expected a file name"
        case let .missingDirectory(path, directory): return "\(path): directory \(directory) does not exist"
        case let .notWritable(path, directory): return "\(path): directory \(directory) is not writable"
        case let .renameFailed(path, reason): return "\(path): could not move the finished file into place: \(reason)"
        }
    }
}
