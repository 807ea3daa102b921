import Foundation

/// The contiguous Float32 buffer behind a tensor.
///
/// Large buffers come from and return to `BufferCache`, so that a training loop, which frees and
/// reallocates the same activation and gradient sizes at every step, does not pay for fresh pages
/// (a page fault and a page clear per 4 KiB) each time. Operations treat the contents of a
/// tensor's storage as immutable once the tensor has been returned to the caller; the only
/// in-place writers are optimisers (on parameter storage, between steps) and gradient
/// accumulation on storage that is provably unshared (`isKnownUniquelyReferenced`).
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int
    /// Bytes actually allocated (a cache size class for large buffers).
    let capacity: Int

    /// Uninitialised storage for `count` floats (the caller writes every element).
    @usableFromInline
    init(uninitialized count: Int) {
        self.count = count
        let (raw, capacity) = BufferCache.shared.allocate(bytes: max(count, 1) * MemoryLayout<Float>.stride)
        self.capacity = capacity
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Zero-filled storage for `count` floats.
    @usableFromInline
    convenience init(zeros count: Int) {
        self.init(uninitialized: count)
        memset(pointer, 0, max(count, 1) * MemoryLayout<Float>.stride)
    }

    /// Storage holding `value` in every element.
    @usableFromInline
    convenience init(repeating value: Float, count: Int) {
        if value == 0 {
            self.init(zeros: count)
        } else {
            self.init(uninitialized: count)
            pointer.update(repeating: value, count: count)
        }
    }

    /// A copy of `values`.
    @usableFromInline
    convenience init<C: Collection>(copying values: C) where C.Element == Float {
        self.init(uninitialized: values.count)
        var i = 0
        for v in values { pointer[i] = v; i &+= 1 }
    }

    /// A copy of another storage.
    @usableFromInline
    convenience init(copyOf other: TensorStorage) {
        self.init(uninitialized: other.count)
        pointer.update(from: other.pointer, count: other.count)
    }

    deinit { BufferCache.shared.release(UnsafeMutableRawPointer(pointer), capacity: capacity) }

    @inlinable var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}

/// A process-wide cache of large freed tensor buffers, keyed by size class (sizes rounded up to
/// within 12.5%), holding at most `limit` bytes; smaller buffers go straight to `malloc`/`free`.
///
/// This is memory management, like `malloc`'s own free lists, and holds no model state: what
/// comes out of it is uninitialised memory. It exists because glibc serves allocations above
/// 32 MiB (and, before its adaptive threshold grows, above 128 KiB) with fresh `mmap`ed pages,
/// and the page faults and page clearing cost a fifth of a CNN training step when measured.
final class BufferCache: @unchecked Sendable {
    static let shared = BufferCache(limit: 2 << 30)

    /// Buffers below this size are not cached.
    static let minimumBytes = 1 << 16

    let limit: Int
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var cachedBytes = 0

    init(limit: Int) { self.limit = limit }

    /// The allocation size used for a request of `bytes`.
    static func sizeClass(_ bytes: Int) -> Int {
        guard bytes >= minimumBytes else { return bytes }
        let log2 = Int.bitWidth - (bytes - 1).leadingZeroBitCount   // ⌈log₂ bytes⌉
        let granule = 1 << (log2 - 3)
        return (bytes + granule - 1) / granule * granule
    }

    func allocate(bytes: Int) -> (UnsafeMutableRawPointer, Int) {
        let size = BufferCache.sizeClass(bytes)
        if size >= BufferCache.minimumBytes {
            lock.lock()
            if let p = free[size]?.popLast() {
                cachedBytes -= size
                lock.unlock()
                return (p, size)
            }
            lock.unlock()
        }
        guard let p = malloc(size) else { fatalError("PerseusNeural: out of memory allocating \(size) bytes") }
        return (p, size)
    }

    func release(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
        if capacity >= BufferCache.minimumBytes {
            lock.lock()
            if cachedBytes + capacity <= limit {
                free[capacity, default: []].append(pointer)
                cachedBytes += capacity
                lock.unlock()
                return
            }
            lock.unlock()
        }
        Foundation.free(pointer)
    }

    /// Bytes held in the cache.
    var bytesCached: Int {
        lock.lock()
        defer { lock.unlock() }
        return cachedBytes
    }

    /// Returns every cached buffer to the system.
    func trim() {
        lock.lock()
        let all = free.values.flatMap { $0 }
        free.removeAll()
        cachedBytes = 0
        lock.unlock()
        for p in all { Foundation.free(p) }
    }
}

/// The engine's cache of freed tensor buffers (see `BufferCache`).
public enum NeuralMemory {
    /// Bytes of freed tensor buffers kept for reuse.
    public static var cachedBytes: Int { BufferCache.shared.bytesCached }

    /// Returns the cached buffers to the system (e.g. after training, before other work).
    public static func releaseCachedBuffers() { BufferCache.shared.trim() }
}
