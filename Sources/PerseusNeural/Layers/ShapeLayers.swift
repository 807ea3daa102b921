/// Flattens every axis after the first: `[N, …]` → `[N, ∏…]`.
public final class Flatten: Layer {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.flattened(from: 1) }
}

/// Reshapes each sample: `[N, …]` → `[N] + shape`.
public final class Reshape: Layer {
    public let shape: [Int]
    public var isTraining = true
    public init(_ shape: [Int]) { self.shape = shape }
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1 else {
            throw NeuralError.shapeMismatch(operation: "Reshape", detail: "input must have a batch axis")
        }
        return try input.reshaped([input.shape[0]] + shape)
    }
}
