import CHDF5
import Foundation

/// An open HDF5 file. As a group it is the file's root group (`/`).
///
/// ```swift
/// let file = try HDF5File(creating: "out.h5")              // refuses to replace a file
/// let d = try file.createDataset("x", type: .float32, shape: [0, 8], options: .compressed(extendible: true))
/// try d.appendRows([Float](repeating: 1, count: 16))        // two rows
/// try file.close()
/// ```
public final class HDF5File: HDF5Group, @unchecked Sendable {
    /// What `HDF5File(creating:)` does when the file already exists.
    public enum CreateMode: Sendable {
        /// Refuse (`HDF5Error.fileExists`).
        case exclusive
        /// Replace the existing file.
        case truncate
    }

    /// How an existing file is opened.
    public enum AccessMode: Sendable {
        case readOnly, readWrite
    }

    /// Creates a new, empty HDF5 file at `path`.
    /// - Throws: `HDF5Error.fileExists` (exclusive mode), `.openFailed` with HDF5's reason
    ///   (missing directory, no permission, …).
    public init(creating path: String, mode: CreateMode = .exclusive) throws(HDF5Error) {
        if mode == .exclusive && FileManager.default.fileExists(atPath: path) { throw .fileExists(path: path) }
        let id = try HDF5Library.withLock { () throws(HDF5Error) -> hid_t in
            let flags = mode == .exclusive ? perseus_h5f_acc_excl() : perseus_h5f_acc_trunc()
            let id = H5Fcreate(path, flags, perseus_h5p_default(), perseus_h5p_default())
            guard id >= 0 else {
                throw HDF5Error.openFailed(path: path, mode: mode == .exclusive ? "create" : "create or replace",
                                           reason: HDF5Library.takeErrorStack())
            }
            return id
        }
        super.init(handle: HDF5Handle(id: id, kind: .file, file: path, object: "/"))
    }

    /// Opens an existing HDF5 file.
    /// - Throws: `HDF5Error.fileNotFound`, `.notHDF5` (no HDF5 signature), or `.openFailed`
    ///   with HDF5's reason (e.g. a truncated file, a file locked by another writer).
    public init(opening path: String, mode: AccessMode = .readOnly) throws(HDF5Error) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .fileNotFound(path: path)
        }
        let id = try HDF5Library.withLock { () throws(HDF5Error) -> hid_t in
            let modeText = mode == .readOnly ? "read-only" : "read-write"
            let isHDF5 = H5Fis_hdf5(path)
            if isHDF5 == 0 { throw HDF5Error.notHDF5(path: path) }
            if isHDF5 < 0 {
                throw HDF5Error.openFailed(path: path, mode: modeText, reason: HDF5Library.takeErrorStack())
            }
            let flags = mode == .readOnly ? perseus_h5f_acc_rdonly() : perseus_h5f_acc_rdwr()
            let id = H5Fopen(path, flags, perseus_h5p_default())
            guard id >= 0 else {
                throw HDF5Error.openFailed(path: path, mode: modeText, reason: HDF5Library.takeErrorStack())
            }
            return id
        }
        super.init(handle: HDF5Handle(id: id, kind: .file, file: path, object: "/"))
    }

    /// Writes all buffered data and metadata of the file to disk.
    public func flush() throws(HDF5Error) {
        try handle.withID { (id) throws(HDF5Error) in
            guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else { throw failure("flushing the file") }
        }
    }
}
