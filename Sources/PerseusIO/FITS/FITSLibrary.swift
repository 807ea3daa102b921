import CFITSIO
import Foundation

/// Process-wide access to cfitsio.
///
/// cfitsio is not guaranteed to be thread-safe (it keeps one global error-message stack even
/// when built reentrant, and a non-reentrant build shares buffers between files). Perseus
/// therefore runs every cfitsio call, together with the reading of the error messages it leaves
/// behind, while holding this one recursive lock. Different `FITSFile` objects may be used from
/// different threads; their cfitsio calls simply take turns. A bulk read (a whole column) is one
/// call, so the lock costs nothing measurable.
enum FITSLibrary {
    /// The lock every cfitsio call is made under (recursive so that helpers may nest).
    static let lock = NSRecursiveLock()

    /// Runs `body` while holding the cfitsio lock.
    static func serialised<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// cfitsio's one-line explanation of a status code, e.g. "keyword not found in header".
    /// Call with the lock held.
    static func statusText(_ status: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 32)   // FLEN_STATUS = 31
        ffgerr(status, &buffer)
        return string(from: buffer)
    }

    /// Removes and returns every message on cfitsio's error stack, oldest first.
    /// Call with the lock held.
    static func drainMessages() -> [String] {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 96)   // FLEN_ERRMSG = 81
        while ffgmsg(&buffer) > 0 {
            let text = string(from: buffer).trimmingCharacters(in: .whitespaces)
            if !text.isEmpty { messages.append(text) }
            if messages.count > 50 { ffcmsg(); break }
        }
        return messages
    }

    /// Discards cfitsio's error stack (after an expected, handled failure such as a missing
    /// optional keyword). Call with the lock held.
    static func clearMessages() { ffcmsg() }

    /// The text before the first NUL of a C buffer.
    static func string(from buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
