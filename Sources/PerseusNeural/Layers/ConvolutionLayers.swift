import PerseusCore

/// 1-D convolution layer on `[N, inputs, L]` (PyTorch `nn.Conv1d`, groups = 1): weight
/// `[outputs, inputs, kernel]`, bias `[outputs]`, both initialised U(±1/√(inputs·kernel)).
public final class Conv1d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int, dilation: Int
    public var isTraining = true

    public init(_ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                bias: Bool = true, stream: inout RandomStream) {
        let fanIn = inputs * kernel
        weight = Parameter(uniformInitialisation(shape: [outputs, inputs, kernel], fanIn: fanIn, stream: &stream))
        self.bias = bias ? Parameter(uniformInitialisation(shape: [outputs], fanIn: fanIn, stream: &stream)) : nil
        self.stride = stride; self.padding = padding; self.dilation = dilation
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try conv1d(input, weight: weight.tensor, bias: bias?.tensor, stride: stride, padding: padding, dilation: dilation)
    }
}

/// 1-D transposed convolution layer (PyTorch `nn.ConvTranspose1d`, groups = 1): weight
/// `[inputs, outputs, kernel]`, bias `[outputs]`, both initialised U(±1/√(outputs·kernel)) as
/// PyTorch does (its fan-in of this weight layout is dimension 1 times the kernel).
public final class ConvTranspose1d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int, outputPadding: Int, dilation: Int
    public var isTraining = true

    public init(_ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                dilation: Int = 1, bias: Bool = true, stream: inout RandomStream) {
        let fanIn = outputs * kernel
        weight = Parameter(uniformInitialisation(shape: [inputs, outputs, kernel], fanIn: fanIn, stream: &stream))
        self.bias = bias ? Parameter(uniformInitialisation(shape: [outputs], fanIn: fanIn, stream: &stream)) : nil
        self.stride = stride; self.padding = padding; self.outputPadding = outputPadding; self.dilation = dilation
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try convTranspose1d(input, weight: weight.tensor, bias: bias?.tensor, stride: stride, padding: padding,
                            outputPadding: outputPadding, dilation: dilation)
    }
}

/// 2-D convolution layer on `[N, inputs, H, W]` (PyTorch `nn.Conv2d`, groups = 1): weight
/// `[outputs, inputs, KH, KW]`, bias `[outputs]`, initialised U(±1/√(inputs·KH·KW)).
public final class Conv2d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    public var isTraining = true

    public init(_ inputs: Int, _ outputs: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                dilation: (Int, Int) = (1, 1), bias: Bool = true, stream: inout RandomStream) {
        let fanIn = inputs * kernel.0 * kernel.1
        weight = Parameter(uniformInitialisation(shape: [outputs, inputs, kernel.0, kernel.1], fanIn: fanIn, stream: &stream))
        self.bias = bias ? Parameter(uniformInitialisation(shape: [outputs], fanIn: fanIn, stream: &stream)) : nil
        self.stride = stride; self.padding = padding; self.dilation = dilation
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try conv2d(input, weight: weight.tensor, bias: bias?.tensor, stride: stride, padding: padding, dilation: dilation)
    }
}
