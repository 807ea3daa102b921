import PerseusCore

/// An affine coupling layer of RealNVP (Dinh, Sohl-Dickstein & Bengio 2017).
///
/// With a binary mask m (1 = passed through unchanged and used as the condition):
///
///     y = m⊙x + (1 − m)⊙(x⊙exp(s(m⊙x)) + t(m⊙x)),   log|det ∂y/∂x| = Σⱼ (1 − mⱼ)·s(m⊙x)ⱼ
///
/// The scale s and shift t each come from one hidden layer with ReLU: s = tanh(W₂·relu(W₁·(m⊙x)))
/// (the tanh keeps the scales bounded, as in the widely used RealNVP reference implementations),
/// t = V₂·relu(V₁·(m⊙x)). Both are multiplied by (1 − m), so only the transformed coordinates
/// contribute to the log-determinant. The inverse is x = m⊙y + (1 − m)⊙(y − t)⊙exp(−s).
public final class AffineCoupling: Module {
    /// 1 where a coordinate passes through, 0 where it is transformed.
    public let mask: [Float]
    public let scaleNetwork: Sequential
    public let shiftNetwork: Sequential
    public var isTraining = true
    let keep: Tensor
    let change: Tensor

    /// A coupling on `mask.count` coordinates with `hidden` units in each network.
    public init(mask: [Bool], hidden: Int, stream: inout RandomStream) {
        let d = mask.count
        self.mask = mask.map { $0 ? 1 : 0 }
        keep = Tensor(shape: [d], storage: TensorStorage(copying: self.mask))
        change = Tensor(shape: [d], storage: TensorStorage(copying: self.mask.map { 1 - $0 }))
        scaleNetwork = Sequential([Linear(d, hidden, stream: &stream), Activation(.relu), Linear(hidden, d, stream: &stream),
                                   Activation(.tanh)])
        shiftNetwork = Sequential([Linear(d, hidden, stream: &stream), Activation(.relu), Linear(hidden, d, stream: &stream)])
    }

    public var children: [(name: String, module: any Module)] { [("scale", scaleNetwork), ("shift", shiftNetwork)] }

    private func check(_ x: Tensor) throws {
        guard x.rank == 2, x.shape[1] == mask.count else {
            throw NeuralError.shapeMismatch(operation: "AffineCoupling", detail: "input \(describe(x.shape)); expected [N, \(mask.count)]")
        }
    }

    /// y and the per-sample log|det ∂y/∂x| (shape `[N]`) for x `[N, d]`.
    public func callAsFunction(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        try check(x)
        let kept = try x * keep
        let s = try scaleNetwork(kept) * change
        let t = try shiftNetwork(kept) * change
        let y = try kept + change * (x * exp(s) + t)
        return (y, try s.sum(axis: 1))
    }

    /// x from y (the inverse map).
    public func inverse(_ y: Tensor) throws -> Tensor {
        try check(y)
        let kept = try y * keep
        let s = try scaleNetwork(kept) * change
        let t = try shiftNetwork(kept) * change
        return try kept + change * ((y - t) * exp(-s))
    }
}

/// A RealNVP normalising flow: affine couplings with alternating masks (even coordinates pass
/// through in blocks 0, 2, …, odd ones in blocks 1, 3, …) onto a standard normal base density.
/// log p(x) = log N(f(x); 0, I) + Σ_blocks log|det|.
public final class RealNVP: Module {
    public let blocks: [AffineCoupling]
    public let dimensions: Int
    public var isTraining = true

    public init(dimensions: Int, blocks: Int, hidden: Int, stream: inout RandomStream) {
        self.dimensions = dimensions
        var list: [AffineCoupling] = []
        for b in 0..<blocks {
            let mask = (0..<dimensions).map { ($0 % 2 == 0) == (b % 2 == 0) }
            list.append(AffineCoupling(mask: mask, hidden: hidden, stream: &stream))
        }
        self.blocks = list
    }

    public var children: [(name: String, module: any Module)] {
        blocks.enumerated().map { ("blocks.\($0.offset)", $0.element as any Module) }
    }

    /// The latent point f(x) and the summed log-determinant `[N]`.
    public func callAsFunction(_ x: Tensor) throws -> (output: Tensor, logDeterminant: Tensor) {
        var z = x
        var logDet: Tensor?
        for block in blocks {
            let (y, ld) = try block(z)
            z = y
            logDet = try logDet.map { try $0 + ld } ?? ld
        }
        return (z, try logDet ?? Tensor(zeros: [x.shape[0]]))
    }

    /// log p(x) per sample, `[N]`.
    public func logLikelihood(_ x: Tensor) throws -> Tensor {
        let (z, logDet) = try self(x)
        return try standardNormalLogDensity(z) + logDet
    }

    /// Mean negative log-likelihood over the batch (the training loss).
    public func negativeLogLikelihood(_ x: Tensor) throws -> Tensor {
        -(try logLikelihood(x).mean())
    }

    /// `count` samples from the flow: z ~ N(0, I) from `stream`, mapped back through the blocks.
    public func sample(count: Int, stream: inout RandomStream) throws -> Tensor {
        var x = try Tensor(normal: [count, dimensions], stream: &stream)
        try withoutGradients {
            for block in blocks.reversed() { x = try block.inverse(x) }
        }
        return x
    }
}
