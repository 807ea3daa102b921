import PerseusCore

/// Batch normalisation over channel axis 1 (PyTorch `BatchNorm1d`/`BatchNorm2d`): learnable scale
/// γ (initially 1) and shift β (initially 0), running statistics updated in training mode and
/// used in inference mode. See `batchNorm(_:scale:shift:statistics:training:momentum:epsilon:)`.
public final class BatchNorm: Layer {
    public let scale: Parameter?
    public let shift: Parameter?
    public let statistics: RunningStatistics
    public let momentum: Float
    public let epsilon: Float
    public var isTraining = true

    public init(_ channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
        scale = affine ? Parameter(try! Tensor(repeating: 1, shape: [channels])) : nil
        shift = affine ? Parameter(try! Tensor(zeros: [channels])) : nil
        statistics = RunningStatistics(channels: channels)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        (scale.map { [("weight", $0)] } ?? []) + (shift.map { [("bias", $0)] } ?? [])
    }

    public var ownStatistics: [(name: String, statistics: RunningStatistics)] { [("running", statistics)] }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try batchNorm(input, scale: scale?.tensor, shift: shift?.tensor, statistics: statistics,
                      training: isTraining, momentum: momentum, epsilon: epsilon)
    }
}

/// Inverted dropout in training mode, identity in inference mode. Masks come from
/// `RandomStream(seed:purpose: .dropout, index: call)` where `call` counts this layer's training
/// calls, so a run is reproducible from its seed (seed and counter are saved in checkpoints, so
/// a resumed run continues the same sequence of masks).
public final class Dropout: Layer {
    public let probability: Float
    public private(set) var seed: UInt64
    /// Number of training-mode calls so far (the index of the next mask's stream).
    public var calls: UInt64 = 0
    public var isTraining = true

    public init(probability: Float, seed: UInt64) {
        self.probability = probability
        self.seed = seed
    }

    public var ownCounters: [(name: String, value: UInt64)] { [("seed", seed), ("calls", calls)] }

    public func setOwnCounter(_ name: String, to value: UInt64) throws {
        switch name {
        case "seed": seed = value
        case "calls": calls = value
        default:
            throw NeuralError.invalidArgument(operation: "Dropout.setOwnCounter", detail: "no counter '\(name)'; expected 'seed' or 'calls'")
        }
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard isTraining else { return input }
        var stream = RandomStream(seed: seed, purpose: .dropout, index: calls)
        calls += 1
        return try dropout(input, probability: probability, stream: &stream)
    }
}

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

/// Pooling as a layer: max or average, over `[N, C, L]` (1-D) or `[N, C, H, W]` (2-D).
public final class Pooling: Layer {
    public enum Kind: Sendable { case maximum, average }
    public let kind: Kind
    public let kernel: [Int]
    public let stride: [Int]
    public let padding: [Int]
    public var isTraining = true

    /// 1-D pooling.
    public init(_ kind: Kind, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kind = kind
        self.kernel = [kernel]; self.stride = [stride ?? kernel]; self.padding = [padding]
    }

    /// 2-D pooling.
    public init(_ kind: Kind, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        self.kind = kind
        let s = stride ?? kernel
        self.kernel = [kernel.0, kernel.1]; self.stride = [s.0, s.1]; self.padding = [padding.0, padding.1]
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        if kernel.count == 1 {
            return kind == .maximum ? try maxPool1d(input, kernel: kernel[0], stride: stride[0], padding: padding[0])
                                    : try avgPool1d(input, kernel: kernel[0], stride: stride[0], padding: padding[0])
        }
        let k = (kernel[0], kernel[1]), s = (stride[0], stride[1]), p = (padding[0], padding[1])
        return kind == .maximum ? try maxPool2d(input, kernel: k, stride: s, padding: p)
                                : try avgPool2d(input, kernel: k, stride: s, padding: p)
    }
}

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

/// Layers applied in order; submodules are named "0", "1", ….
public final class Sequential: Layer {
    public let layers: [any Layer]
    public var isTraining = true

    public init(_ layers: [any Layer]) { self.layers = layers }

    public var children: [(name: String, module: any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element as any Module) }
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input
        for layer in layers { x = try layer(x) }
        return x
    }
}

/// A residual connection: main(x) + shortcut(x) (identity shortcut when none is given),
/// optionally followed by an activation.
public final class Residual: Layer {
    public let main: any Layer
    public let shortcut: (any Layer)?
    public let activation: (any Layer)?
    public var isTraining = true

    public init(_ main: any Layer, shortcut: (any Layer)? = nil, activation: (any Layer)? = nil) {
        self.main = main
        self.shortcut = shortcut
        self.activation = activation
    }

    public var children: [(name: String, module: any Module)] {
        var out: [(name: String, module: any Module)] = [("main", main)]
        if let shortcut { out.append(("shortcut", shortcut)) }
        if let activation { out.append(("activation", activation)) }
        return out
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let sum = try main(input) + (shortcut.map { try $0(input) } ?? input)
        return try activation.map { try $0(sum) } ?? sum
    }
}
