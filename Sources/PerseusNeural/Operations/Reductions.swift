/// Sums and means over all elements or over chosen axes.
extension Tensor {
    /// Normalises axes (negative counts from the end) and checks them.
    func normalised(axes: [Int], _ operation: String) throws -> [Int] {
        var out: [Int] = []
        for axis in axes {
            let a = axis < 0 ? axis + rank : axis
            guard a >= 0, a < rank else {
                throw NeuralError.invalidArgument(operation: operation, detail: "axis \(axis) is out of range for shape \(describe(shape))")
            }
            guard !out.contains(a) else {
                throw NeuralError.invalidArgument(operation: operation, detail: "axis \(axis) is repeated")
            }
            out.append(a)
        }
        return out.sorted()
    }

    /// The sum of all elements, as a scalar tensor (accumulated in double precision over fixed
    /// blocks, so it does not depend on the thread count).
    public func sum() -> Tensor {
        let z = TensorStorage(repeating: Float(Vector.sum(storage.pointer, count)), count: 1)
        let inputShape = shape
        return Tensor.result(shape: [], storage: z, inputs: [self]) {
            { g in [Tensor(shape: inputShape, storage: TensorStorage(repeating: g.storage.pointer[0], count: Tensor.count(of: inputShape)))] }
        }
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Sums over `axes`; with `keepingDimensions` the summed axes stay as size 1.
    /// - Throws: `NeuralError.invalidArgument` for an axis out of range or repeated.
    public func sum(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let axes = try normalised(axes: axes, "sum(axes:)")
        var kept = shape
        for a in axes { kept[a] = 1 }
        let outShape = keepingDimensions ? kept : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        let z = Broadcast.sum(storage, from: shape, to: kept)
        let inputShape = shape
        return Tensor.result(shape: outShape, storage: z, inputs: [self]) {
            { g in [Tensor(shape: inputShape, storage: Broadcast.expand(g.storage, from: kept, to: inputShape))] }
        }
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepingDimensions: Bool = false) throws -> Tensor {
        try sum(axes: [axis], keepingDimensions: keepingDimensions)
    }

    /// Means over `axes`.
    public func mean(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let normal = try normalised(axes: axes, "mean(axes:)")
        let n = normal.reduce(1) { $0 * shape[$1] }
        return try sum(axes: normal, keepingDimensions: keepingDimensions) * (1 / Float(Swift.max(n, 1)))
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepingDimensions: Bool = false) throws -> Tensor {
        try mean(axes: [axis], keepingDimensions: keepingDimensions)
    }
}
