import CHDF5
import Foundation

/// The process-wide gate through which every call into libhdf5 passes.
///
/// libhdf5 is not safe to call from two threads at once unless it was configured with
/// `--enable-threadsafe` — the default build, and many distributed ones, are not ("serial" in
/// Debian's package name means non-MPI; Debian 12's 1.10.8 happens to report
/// `H5is_library_threadsafe` true), and a thread-safe build only serialises every call behind
/// one global mutex anyway. Perseus therefore serialises **all** HDF5 calls through the single
/// recursive lock below, whatever the build: every type
/// in this module takes it around each group of C calls, including the `close` calls made from
/// `deinit`. It is recursive because a handle can be released (and closed) while another call
/// already holds the lock on the same thread. The lock is an immutable `static let`; there is
/// no other shared state.
///
/// HDF5 would normally print its error stack to standard error whenever a call fails. Perseus
/// switches that off (`H5Eset_auto2(H5E_DEFAULT, NULL, NULL)`) on each entry to the lock — the
/// setting is per thread in thread-safe builds — and instead reads the stack with `H5Ewalk2`
/// to put the library's own explanation into the thrown `HDF5Error`.
public enum HDF5Library {
    /// The one lock that serialises every libhdf5 call in the process.
    static let lock = NSRecursiveLock()

    /// Initialises the library once (`H5open`) before the first call.
    private static let initialised: Bool = {
        H5open() >= 0
    }()

    /// Runs `body` holding the HDF5 lock, with automatic error printing switched off.
    static func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        _ = initialised
        H5Eset_auto2(perseus_h5e_default(), nil, nil)
        return try body()
    }

    /// The messages on the current thread's HDF5 error stack, most general first, joined into
    /// one line; clears the stack. Call with the lock held, straight after the failing call.
    static func takeErrorStack() -> String {
        final class Messages { var lines: [String] = [] }
        let messages = Messages()
        let box = Unmanaged.passRetained(messages)
        defer { box.release() }
        let walker: H5E_walk2_t = { _, description, context in
            guard let description, let context else { return 0 }
            let messages = Unmanaged<Messages>.fromOpaque(context).takeUnretainedValue()
            let function = description.pointee.func_name.map { String(cString: $0) } ?? "?"
            let text = description.pointee.desc.map { String(cString: $0) } ?? ""
            var minor = ""
            var buffer = [CChar](repeating: 0, count: 256)
            if H5Eget_msg(description.pointee.min_num, nil, &buffer, buffer.count) > 0 {
                minor = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            var line = "\(function)(): \(text)"
            if !minor.isEmpty && !text.localizedCaseInsensitiveContains(minor) { line += " (\(minor))" }
            messages.lines.append(line)
            return 0
        }
        H5Ewalk2(perseus_h5e_default(), H5E_WALK_DOWNWARD, walker, box.toOpaque())
        H5Eclear2(perseus_h5e_default())
        guard !messages.lines.isEmpty else { return "HDF5 gave no explanation" }
        // The first entry is the API call, the last the innermost cause; the ones between
        // repeat the same failure in more general words.
        if messages.lines.count == 1 { return messages.lines[0] }
        return "\(messages.lines[0]) — caused by \(messages.lines[messages.lines.count - 1])"
    }

    /// The version of the libhdf5 in use, e.g. "1.10.8".
    public static var version: String {
        withLock {
            var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
            H5get_libversion(&major, &minor, &release)
            return "\(major).\(minor).\(release)"
        }
    }
}
