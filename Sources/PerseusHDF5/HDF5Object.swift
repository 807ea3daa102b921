import CHDF5
import Foundation

/// Something inside an HDF5 file that has a path and can carry attributes: a file (its root
/// group), a group or a dataset.
///
/// The underlying identifier is closed when `close()` is called or the object is released. An
/// HDF5 file stays open until the `HDF5File` and every group and dataset opened from it are
/// closed (HDF5's "weak" close degree). Objects may be shared between threads: every libhdf5
/// call is serialised through one process-wide lock (see `HDF5Library`).
public class HDF5Object: @unchecked Sendable {
    let handle: HDF5Handle

    init(handle: HDF5Handle) { self.handle = handle }

    /// Path of the file this object lives in, as given when the file was opened or created.
    public var filePath: String { handle.file }

    /// Absolute path of the object inside the file, e.g. `/` or `/spectra`.
    public var path: String { handle.object }

    /// Whether the object has not been closed.
    public var isOpen: Bool { handle.isOpen }

    /// Closes the object now instead of when it is released. Using it afterwards throws
    /// `HDF5Error.closed`.
    public func close() throws(HDF5Error) { try handle.close() }

    /// The error for a libhdf5 call that just failed on this object. Lock held.
    func failure(_ operation: String, object: String? = nil) -> HDF5Error {
        .callFailed(file: filePath, object: object ?? path, operation: operation, reason: HDF5Library.takeErrorStack())
    }

    /// The absolute path of `name` relative to this object.
    func childPath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return path == "/" ? "/" + name : path + "/" + name
    }
}

/// Runs `body` with `values` as NUL-terminated C strings that stay valid for the call.
func withCStrings<R, E: Error>(_ values: [String], _ body: ([UnsafePointer<CChar>?]) throws(E) -> R) throws(E) -> R {
    let copies = values.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return try body(copies.map { UnsafePointer($0) })
}

/// hsize_t array from Ints.
func hsizes(_ values: [Int]) -> [hsize_t] { values.map { hsize_t($0) } }

/// Shape as text, e.g. "[200, 2048]" or "scalar".
func shapeText(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
