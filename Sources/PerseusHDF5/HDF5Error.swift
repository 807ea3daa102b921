import PerseusCore

/// Why an HDF5 operation failed. Every case names the file and the object (group, dataset or
/// attribute path inside the file) and says what was expected; `reason` texts come from the
/// HDF5 library's own error stack.
public enum HDF5Error: PerseusError, Equatable {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but is not an HDF5 file (no HDF5 signature).
    case notHDF5(path: String)
    /// `create(..., mode: .exclusive)` found the file already there.
    case fileExists(path: String)
    /// libhdf5 could not open or create the file (e.g. truncated, no permission).
    case openFailed(path: String, mode: String, reason: String)
    /// No object at `object`; `expected` says what was looked for ("a dataset", "a group").
    case objectNotFound(file: String, object: String, expected: String)
    /// An object exists at `object` but is of another kind than `expected`.
    case wrongObjectKind(file: String, object: String, expected: String, found: String)
    /// Creating an object whose name is taken.
    case objectExists(file: String, object: String)
    /// The stored element type differs from the one the caller asked for.
    case typeMismatch(file: String, object: String, expected: String, found: String)
    /// The stored shape (or a buffer's size) differs from the one the caller asked for.
    case shapeMismatch(file: String, object: String, expected: String, found: String)
    /// A row range or index beyond the dataset's extent.
    case outOfRange(file: String, object: String, requested: String, available: String)
    /// No attribute `attribute` on `object`.
    case attributeNotFound(file: String, object: String, attribute: String)
    /// The attribute's stored type or rank differs from the one asked for.
    case attributeType(file: String, object: String, attribute: String, expected: String, found: String)
    /// An argument the call cannot accept (chunk shape, compression level, string too long, …).
    case invalidArgument(file: String, object: String, message: String)
    /// A libhdf5 call failed; `operation` says what Perseus was doing.
    case callFailed(file: String, object: String, operation: String, reason: String)
    /// The handle was closed explicitly and is used again.
    case closed(file: String, object: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file; expected an HDF5 file"
        case let .notHDF5(path):
            return "\(path): not an HDF5 file (no HDF5 signature found)"
        case let .fileExists(path):
            return "\(path): file exists; refusing to replace it"
        case let .openFailed(path, mode, reason):
            return "\(path): cannot open as HDF5 (\(mode)): \(reason)"
        case let .objectNotFound(file, object, expected):
            return "\(file): no object '\(object)'; expected \(expected)"
        case let .wrongObjectKind(file, object, expected, found):
            return "\(file): '\(object)' is \(found); expected \(expected)"
        case let .objectExists(file, object):
            return "\(file): '\(object)' already exists"
        case let .typeMismatch(file, object, expected, found):
            return "\(file): '\(object)' holds \(found) elements; expected \(expected)"
        case let .shapeMismatch(file, object, expected, found):
            return "\(file): '\(object)' has shape \(found); expected \(expected)"
        case let .outOfRange(file, object, requested, available):
            return "\(file): '\(object)': \(requested) is out of range; the dataset has \(available)"
        case let .attributeNotFound(file, object, attribute):
            return "\(file): '\(object)' has no attribute '\(attribute)'"
        case let .attributeType(file, object, attribute, expected, found):
            return "\(file): '\(object)' attribute '\(attribute)' is \(found); expected \(expected)"
        case let .invalidArgument(file, object, message):
            return "\(file): '\(object)': \(message)"
        case let .callFailed(file, object, operation, reason):
            return "\(file): '\(object)': \(operation) failed: \(reason)"
        case let .closed(file, object):
            return "\(file): '\(object)' was already closed"
        }
    }
}
