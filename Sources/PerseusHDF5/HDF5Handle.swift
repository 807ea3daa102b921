import CHDF5

/// Owns one HDF5 identifier (`hid_t`) and closes it exactly once: explicitly with `close()`, or
/// when the last reference goes away (`deinit`). All use of the identifier goes through
/// `withID`, which holds the process-wide HDF5 lock, so the handle may be shared between threads.
final class HDF5Handle: @unchecked Sendable {
    /// What the identifier refers to, which decides the close function.
    enum Kind: Sendable { case file, group, dataset, attribute }

    /// The identifier; −1 once closed. Read and written only with `HDF5Library.lock` held.
    private var id: hid_t
    let kind: Kind
    /// Path of the file the object lives in (for error messages).
    let file: String
    /// Path of the object inside the file, e.g. "/spectra" (for error messages).
    let object: String

    init(id: hid_t, kind: Kind, file: String, object: String) {
        self.id = id
        self.kind = kind
        self.file = file
        self.object = object
    }

    /// Whether `close()` has not been called yet.
    var isOpen: Bool { HDF5Library.withLock { id >= 0 } }

    /// Runs `body` with the open identifier, holding the HDF5 lock.
    /// - Throws: `HDF5Error.closed` if the handle was closed, or whatever `body` throws.
    func withID<R>(_ body: (hid_t) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        try HDF5Library.withLock { () throws(HDF5Error) -> R in
            guard id >= 0 else { throw HDF5Error.closed(file: file, object: object) }
            return try body(id)
        }
    }

    /// Closes the identifier now. Closing twice is harmless.
    /// - Throws: `HDF5Error.callFailed` if libhdf5 reports an error while closing (for a file
    ///   this is where buffered data is written, so the error matters).
    func close() throws(HDF5Error) {
        try HDF5Library.withLock { () throws(HDF5Error) in
            guard id >= 0 else { return }
            let status = closeLocked()
            if status < 0 {
                throw HDF5Error.callFailed(file: file, object: object, operation: "closing",
                                           reason: HDF5Library.takeErrorStack())
            }
        }
    }

    private func closeLocked() -> herr_t {
        let status: herr_t
        switch kind {
        case .file: status = H5Fclose(id)
        case .group: status = H5Gclose(id)
        case .dataset: status = H5Dclose(id)
        case .attribute: status = H5Aclose(id)
        }
        id = -1
        return status
    }

    deinit {
        HDF5Library.withLock {
            if id >= 0 {
                if closeLocked() < 0 { _ = HDF5Library.takeErrorStack() }
            }
        }
    }
}
