/// An elementwise activation as a layer.
public final class Activation: Layer {
    /// The available functions.
    public enum Function: String, Sendable, CaseIterable {
        case relu, gelu, softplus, tanh, sigmoid, identity
    }

    public let function: Function
    public var isTraining = true

    public init(_ function: Function) { self.function = function }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        switch function {
        case .relu: return relu(input)
        case .gelu: return gelu(input)
        case .softplus: return softplus(input)
        case .tanh: return tanh(input)
        case .sigmoid: return sigmoid(input)
        case .identity: return input
        }
    }
}
