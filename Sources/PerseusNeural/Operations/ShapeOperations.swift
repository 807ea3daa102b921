/// Reshaping, flattening, concatenation, splitting, slicing and transposition.
extension Tensor {
    /// The same elements under a new shape; one dimension may be −1 and is then inferred.
    /// - Throws: `NeuralError.shapeMismatch` if the element counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        let inferred = target.indices.filter { target[$0] == -1 }
        guard inferred.count <= 1, !target.contains(where: { $0 < -1 }) else {
            throw NeuralError.invalidArgument(operation: "reshape", detail: "shape \(describe(newShape)) may contain at most one −1 and no other negative size")
        }
        if let i = inferred.first {
            let known = target.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0 else {
                throw NeuralError.shapeMismatch(operation: "reshape", detail: "cannot reshape \(describe(shape)) (\(count) elements) to \(describe(newShape))")
            }
            target[i] = count / known
        }
        guard Tensor.count(of: target) == count else {
            throw NeuralError.shapeMismatch(operation: "reshape", detail: "cannot reshape \(describe(shape)) (\(count) elements) to \(describe(newShape))")
        }
        let inputShape = shape
        return Tensor.result(shape: target, storage: storage, inputs: [self]) {
            { g in [Tensor(shape: inputShape, storage: g.storage)] }
        }
    }

    /// Collapses the dimensions from `startAxis` on into one: `[N, C, L]` → `[N, C·L]` for the
    /// default start axis 1.
    public func flattened(from startAxis: Int = 1) throws -> Tensor {
        guard startAxis >= 0, startAxis < Swift.max(rank, 1) else {
            throw NeuralError.invalidArgument(operation: "flatten", detail: "start axis \(startAxis) is out of range for shape \(describe(shape))")
        }
        if rank == 0 { return try reshaped([1]) }
        return try reshaped(Array(shape[..<startAxis]) + [shape[startAxis...].reduce(1, *)])
    }

    /// Elements `range` along `axis` (all other axes whole).
    public func slice(_ range: Range<Int>, axis: Int) throws -> Tensor {
        let a = try normalised(axes: [axis], "slice").first!
        guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
            throw NeuralError.invalidArgument(operation: "slice", detail: "range \(range) is outside 0..<\(shape[a]) along axis \(axis) of \(describe(shape))")
        }
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        let length = shape[a], width = range.count
        var outShape = shape
        outShape[a] = width
        let z = TensorStorage(uninitialized: outer * width * inner)
        let src = storage.pointer, dst = z.pointer
        for o in 0..<outer {
            (dst + o * width * inner).update(from: src + (o * length + range.lowerBound) * inner, count: width * inner)
        }
        let inputShape = shape
        return Tensor.result(shape: outShape, storage: z, inputs: [self]) {
            { g in
                let full = TensorStorage(zeros: outer * length * inner)
                for o in 0..<outer {
                    (full.pointer + (o * length + range.lowerBound) * inner).update(from: g.storage.pointer + o * width * inner, count: width * inner)
                }
                return [Tensor(shape: inputShape, storage: full)]
            }
        }
    }

    /// Splits along `axis` into consecutive pieces of the given sizes (which must add up to the
    /// axis length).
    public func split(sizes: [Int], axis: Int) throws -> [Tensor] {
        let a = try normalised(axes: [axis], "split").first!
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[a] else {
            throw NeuralError.invalidArgument(operation: "split", detail: "sizes \(sizes) do not add up to \(shape[a]) along axis \(axis) of \(describe(shape))")
        }
        var start = 0
        var pieces: [Tensor] = []
        for size in sizes {
            pieces.append(try slice(start..<(start + size), axis: a))
            start += size
        }
        return pieces
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else {
            throw NeuralError.invalidArgument(operation: "concatenate", detail: "needs at least one tensor")
        }
        let a = try first.normalised(axes: [axis], "concatenate").first!
        for t in tensors {
            var s1 = t.shape, s0 = first.shape
            guard s1.count == s0.count else {
                throw NeuralError.shapeMismatch(operation: "concatenate", detail: "shapes \(describe(first.shape)) and \(describe(t.shape)) differ in rank")
            }
            s1[a] = 0; s0[a] = 0
            guard s1 == s0 else {
                throw NeuralError.shapeMismatch(operation: "concatenate", detail: "shapes \(describe(first.shape)) and \(describe(t.shape)) differ outside axis \(axis)")
            }
        }
        let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
        let widths = tensors.map { $0.shape[a] }
        let total = widths.reduce(0, +)
        var outShape = first.shape
        outShape[a] = total
        let z = TensorStorage(uninitialized: outer * total * inner)
        var offset = 0
        for (t, w) in zip(tensors, widths) {
            for o in 0..<outer {
                (z.pointer + (o * total + offset) * inner).update(from: t.storage.pointer + o * w * inner, count: w * inner)
            }
            offset += w
        }
        return result(shape: outShape, storage: z, inputs: tensors) {
            let needs = tensors.map(\.requiresGradient)
            let shapes = tensors.map(\.shape)
            return { g in
                var grads: [Tensor?] = []
                var offset = 0
                for (k, w) in widths.enumerated() {
                    if needs[k] {
                        let piece = TensorStorage(uninitialized: outer * w * inner)
                        for o in 0..<outer {
                            (piece.pointer + o * w * inner).update(from: g.storage.pointer + (o * total + offset) * inner, count: w * inner)
                        }
                        grads.append(Tensor(shape: shapes[k], storage: piece))
                    } else {
                        grads.append(nil)
                    }
                    offset += w
                }
                return grads
            }
        }
    }

    /// The transpose of a matrix (`[m, n]` → `[n, m]`).
    public func transposed() throws -> Tensor {
        guard rank == 2 else {
            throw NeuralError.invalidArgument(operation: "transpose", detail: "needs a matrix, got shape \(describe(shape))")
        }
        let z = Tensor.transpose(storage, rows: shape[0], columns: shape[1])
        let (m, n) = (shape[0], shape[1])
        return Tensor.result(shape: [n, m], storage: z, inputs: [self]) {
            { g in [Tensor(shape: [m, n], storage: Tensor.transpose(g.storage, rows: n, columns: m))] }
        }
    }

    static func transpose(_ s: TensorStorage, rows: Int, columns: Int) -> TensorStorage {
        let z = TensorStorage(uninitialized: s.count)
        let src = s.pointer, dst = z.pointer
        let block = 32
        for i0 in stride(from: 0, to: rows, by: block) {
            for j0 in stride(from: 0, to: columns, by: block) {
                for i in i0..<Swift.min(i0 + block, rows) {
                    for j in j0..<Swift.min(j0 + block, columns) { dst[j * rows + i] = src[i * columns + j] }
                }
            }
        }
        return z
    }

    /// The rows (entries along axis 0) at `indices`, in that order; not differentiable (used to
    /// assemble mini-batches from a data set).
    public func rows(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else {
            throw NeuralError.invalidArgument(operation: "rows", detail: "needs a tensor of rank ≥ 1")
        }
        let n = shape[0], width = count / Swift.max(n, 1)
        if let bad = indices.first(where: { $0 < 0 || $0 >= n }) {
            throw NeuralError.invalidArgument(operation: "rows", detail: "index \(bad) is outside 0..<\(n)")
        }
        var outShape = shape
        outShape[0] = indices.count
        let z = TensorStorage(uninitialized: indices.count * width)
        for (k, i) in indices.enumerated() { (z.pointer + k * width).update(from: storage.pointer + i * width, count: width) }
        return Tensor(shape: outShape, storage: z)
    }
}
