/// Matrix products on OpenBLAS `sgemm`.
extension Tensor {
    /// The product of `a` (`[…, m, k]`, leading dimensions folded into m) and the matrix `b`
    /// (`[k, n]`): shape `[…, m, n]`.
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank >= 2, b.rank == 2, a.shape[a.rank - 1] == b.shape[0] else {
            throw NeuralError.shapeMismatch(operation: "matmul", detail: "cannot multiply \(describe(a.shape)) by \(describe(b.shape)); expected [..., m, k] × [k, n]")
        }
        let k = b.shape[0], n = b.shape[1], m = a.count / Swift.max(k, 1)
        let outShape = Array(a.shape.dropLast()) + [n]
        let z = TensorStorage(uninitialized: m * n)
        BLAS.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a.storage.pointer, lda: k,
                  b: b.storage.pointer, ldb: n, c: z.pointer, ldc: n)
        return result(shape: outShape, storage: z, inputs: [a, b]) {
            let aShape = a.shape, bShape = b.shape
            let aValues = a.detached(), bValues = b.detached()
            let needA = a.requiresGradient, needB = b.requiresGradient
            return { g in
                var ga: Tensor?, gb: Tensor?
                if needA {   // g·bᵀ
                    let s = TensorStorage(uninitialized: m * k)
                    BLAS.gemm(transposeA: false, transposeB: true, m: m, n: k, k: n, a: g.storage.pointer, lda: n,
                              b: bValues.storage.pointer, ldb: n, c: s.pointer, ldc: k)
                    ga = Tensor(shape: aShape, storage: s)
                }
                if needB {   // aᵀ·g
                    let s = TensorStorage(uninitialized: k * n)
                    BLAS.gemm(transposeA: true, transposeB: false, m: k, n: n, k: m, a: aValues.storage.pointer, lda: k,
                              b: g.storage.pointer, ldb: n, c: s.pointer, ldc: n)
                    gb = Tensor(shape: bShape, storage: s)
                }
                return [ga, gb]
            }
        }
    }
}

/// A fully connected layer's map y = x·Wᵀ + b for x of shape `[N, in]`, weight `[out, in]`
/// (PyTorch's layout) and optional bias `[out]`; result `[N, out]`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    guard x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1] else {
        throw NeuralError.shapeMismatch(operation: "linear", detail: "input \(describe(x.shape)) and weight \(describe(weight.shape)); expected [N, in] and [out, in]")
    }
    let n = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
    if let bias, bias.shape != [outputs] {
        throw NeuralError.shapeMismatch(operation: "linear", detail: "bias \(describe(bias.shape)) for \(outputs) outputs; expected [\(outputs)]")
    }
    let z = TensorStorage(uninitialized: n * outputs)
    if let bias {
        for i in 0..<n { (z.pointer + i * outputs).update(from: bias.storage.pointer, count: outputs) }
    }
    BLAS.gemm(transposeA: false, transposeB: true, m: n, n: outputs, k: inputs, a: x.storage.pointer, lda: inputs,
              b: weight.storage.pointer, ldb: inputs, beta: bias == nil ? 0 : 1, c: z.pointer, ldc: outputs)
    let inputList = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.result(shape: [n, outputs], storage: z, inputs: inputList) {
        let xValues = x.detached(), wValues = weight.detached()
        let needX = x.requiresGradient, needW = weight.requiresGradient, needB = bias?.requiresGradient ?? false
        return { g in
            var gx: Tensor?, gw: Tensor?, gb: Tensor?
            if needX {   // g·W : [N, out]·[out, in]
                let s = TensorStorage(uninitialized: n * inputs)
                BLAS.gemm(transposeA: false, transposeB: false, m: n, n: inputs, k: outputs, a: g.storage.pointer, lda: outputs,
                          b: wValues.storage.pointer, ldb: inputs, c: s.pointer, ldc: inputs)
                gx = Tensor(shape: [n, inputs], storage: s)
            }
            if needW {   // gᵀ·x : [out, N]·[N, in]
                let s = TensorStorage(uninitialized: outputs * inputs)
                BLAS.gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: n, a: g.storage.pointer, lda: outputs,
                          b: xValues.storage.pointer, ldb: inputs, c: s.pointer, ldc: inputs)
                gw = Tensor(shape: [outputs, inputs], storage: s)
            }
            if needB {
                gb = Tensor(shape: [outputs], storage: Kernels.columnSums(g.storage.pointer, rows: n, columns: outputs))
            }
            return [gx, gw, gb]
        }
    }
}

/// Small fused kernels shared by several operations.
enum Kernels {
    /// Column sums of a row-major `rows × columns` matrix, in row order.
    static func columnSums(_ p: UnsafePointer<Float>, rows: Int, columns: Int) -> TensorStorage {
        let out = TensorStorage(zeros: columns)
        for r in 0..<rows {
            Vector.map(p + r * columns, UnsafePointer(out.pointer), out.pointer, columns) { $0 + $1 }
        }
        return out
    }
}
