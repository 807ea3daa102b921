import COpenBLAS
import Dispatch

/// The number of threads the neural engine uses for matrix products (split into panels),
/// elementwise loops, im2col/col2im and per-sample convolution work.
///
/// The setting is OpenBLAS's process-wide thread count (`OPENBLAS_NUM_THREADS` at start-up, then
/// `openblas_set_num_threads`); Perseus keeps no copy of its own. The engine itself calls OpenBLAS
/// single-threaded (see `BLAS`) and does the threading. Results do not depend on the thread count:
/// split points are fixed, reductions add partial sums over fixed-size blocks in a fixed order,
/// and convolution weight gradients are summed over fixed groups of samples.
public enum ComputeThreads {
    /// The current thread count (≥ 1).
    public static var count: Int { max(1, Int(openblas_get_num_threads())) }

    /// Sets the thread count for BLAS and for Perseus's own parallel loops.
    public static func set(_ threads: Int) {
        openblas_set_num_threads(Int32(max(1, threads)))
    }

    /// The OpenBLAS core type in use (e.g. "Haswell", "SkylakeX").
    public static var blasCoreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

/// Runs `body` over `0..<count` split into contiguous ranges, in parallel when the work is large.
///
/// `grain` is the smallest range worth a thread of its own. Ranges are split at multiples of
/// `alignment` so that vector loops see whole vectors except at the very end.
@inline(__always)
func parallelRanges(_ count: Int, grain: Int, alignment: Int = 16, _ body: (Range<Int>) -> Void) {
    let threads = ComputeThreads.count
    let pieces = min(threads, count / max(grain, 1))
    if pieces <= 1 {
        body(0..<count)
        return
    }
    let rough = (count + pieces - 1) / pieces
    let step = (rough + alignment - 1) / alignment * alignment
    let chunks = (count + step - 1) / step
    withoutActuallyEscaping(body) { body in
        // The caller guarantees the ranges touch disjoint memory.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let start = c * step
            body(start..<min(count, start + step))
        }
    }
}

/// Runs `body(i)` for every i in `0..<count`, spread over the compute threads (each thread takes
/// a contiguous block of indices). Use for independent per-sample or per-channel work.
@inline(__always)
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    let threads = min(ComputeThreads.count, count)
    if threads <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        // The caller guarantees that different indices touch disjoint memory.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = count * t / threads, end = count * (t + 1) / threads
            for i in start..<end { body(i) }
        }
    }
}

/// Splits `0..<count` into one contiguous block per compute thread and runs `body(block, index)`
/// on each in parallel, with OpenBLAS limited to one thread meanwhile (so that each worker's
/// matrix products run on its own core instead of competing for BLAS's thread pool). Returns the
/// number of blocks; `index` runs over `0..<blocks` and can select per-block workspace.
@discardableResult
func parallelBlocks(_ count: Int, _ body: (Range<Int>, Int) -> Void) -> Int {
    let threads = min(ComputeThreads.count, count)
    if threads <= 1 {
        body(0..<count, 0)
        return 1
    }
    let blasThreads = openblas_get_num_threads()
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(blasThreads) }
    withoutActuallyEscaping(body) { body in
        // The caller guarantees that different blocks touch disjoint memory.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            body((count * t / threads)..<(count * (t + 1) / threads), t)
        }
    }
    return threads
}
