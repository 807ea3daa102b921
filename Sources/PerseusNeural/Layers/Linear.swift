import PerseusCore

/// Fully connected layer y = x·Wᵀ + b on `[N, inputs]`, with weight `[outputs, inputs]` and bias
/// `[outputs]` initialised as PyTorch's `nn.Linear` (U(±1/√inputs)).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public var isTraining = true

    /// A layer with fresh weights drawn from `stream`.
    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, stream: inout RandomStream) {
        weight = Parameter(uniformInitialisation(shape: [outputs, inputs], fanIn: inputs, stream: &stream))
        self.bias = bias ? Parameter(uniformInitialisation(shape: [outputs], fanIn: inputs, stream: &stream)) : nil
    }

    /// Number of input and output features.
    public var inputs: Int { weight.shape[1] }
    public var outputs: Int { weight.shape[0] }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try linear(input, weight: weight.tensor, bias: bias?.tensor)
    }
}
