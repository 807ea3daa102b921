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
        let c = Swift.max(channels, 0)
        scale = affine ? Parameter(Tensor(shape: [c], storage: TensorStorage(repeating: 1, count: c))) : nil
        shift = affine ? Parameter(Tensor(shape: [c], storage: TensorStorage(zeros: c))) : nil
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
