import PerseusCore

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
