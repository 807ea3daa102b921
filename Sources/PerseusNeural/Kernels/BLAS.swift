import COpenBLAS

/// Row-major wrappers around OpenBLAS's single-precision matrix products.
///
/// The neural engine does its own threading: OpenBLAS is always called single-threaded (its
/// thread count is lowered to 1 for the duration of each call and restored after), and large
/// products are split into row or column panels computed in parallel on the compute threads.
/// Keeping OpenBLAS's own workers idle matters: after each call they spin for a while, and on a
/// small machine that spinning competes with the engine's elementwise and convolution threads
/// (measured: two threads ran the VAE benchmark slower than one before this change).
enum BLAS {
    /// Products below this many multiply–adds run on one thread.
    static let parallelThreshold = 1 << 19

    /// C[m×n] = α·op(A)·op(B) + β·C with op(X) = Xᵀ when the flag is set; row-major storage with
    /// leading dimensions `lda`, `ldb`, `ldc`.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // OpenBLAS returns early for k = 0 without scaling C; do it here.
            for i in 0..<m {
                let row = c + i * ldc
                if beta == 0 { row.update(repeating: 0, count: n) } else if beta != 1 { for j in 0..<n { row[j] *= beta } }
            }
            return
        }
        let threads = ComputeThreads.count
        if threads > 1 && m * n * k >= parallelThreshold && max(m, n) >= 32 * threads {
            // Split the larger output dimension into panels (multiples of 16).
            let alongRows = m >= n
            let extent = alongRows ? m : n
            let panels = threads
            var bounds = [0]
            for p in 1...panels { bounds.append(min(extent, (extent * p / panels + 15) / 16 * 16)) }
            bounds[panels] = extent
            parallelBlocks(panels) { range, _ in
                for p in range {
                    let lo = bounds[p], hi = bounds[p + 1]
                    guard hi > lo else { continue }
                    if alongRows {
                        let aPanel = transposeA ? a + lo : a + lo * lda
                        sgemm(transposeA, transposeB, hi - lo, n, k, alpha, aPanel, lda, b, ldb, beta, c + lo * ldc, ldc)
                    } else {
                        let bPanel = transposeB ? b + lo * ldb : b + lo
                        sgemm(transposeA, transposeB, m, hi - lo, k, alpha, a, lda, bPanel, ldb, beta, c + lo, ldc)
                    }
                }
            }
            return
        }
        let previous = openblas_get_num_threads()
        if previous != 1 { openblas_set_num_threads(1) }
        sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        if previous != 1 { openblas_set_num_threads(previous) }
    }

    @inline(__always)
    private static func sgemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                              _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                              _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
