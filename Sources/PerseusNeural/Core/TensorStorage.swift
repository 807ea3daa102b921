import Foundation

/// The contiguous Float32 buffer behind a tensor.
///
/// Storage is allocated with `malloc`/`calloc` (so that large zero-filled buffers come from fresh,
/// already-zero pages) and freed when the last tensor using it goes away. Operations treat the
/// contents of a tensor's storage as immutable once the tensor has been returned to the caller;
/// the only in-place writers are optimisers (on parameter storage, between steps) and gradient
/// accumulation on storage that is provably unshared (`isKnownUniquelyReferenced`).
@usableFromInline
final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int

    /// Uninitialised storage for `count` floats (the caller writes every element).
    @usableFromInline
    init(uninitialized count: Int) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard let raw = malloc(bytes) else { fatalError("PerseusNeural: out of memory allocating \(bytes) bytes") }
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Zero-filled storage for `count` floats.
    @usableFromInline
    init(zeros count: Int) {
        self.count = count
        guard let raw = calloc(max(count, 1), MemoryLayout<Float>.stride) else {
            fatalError("PerseusNeural: out of memory allocating \(count) floats")
        }
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
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

    deinit { free(pointer) }

    @inlinable var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
