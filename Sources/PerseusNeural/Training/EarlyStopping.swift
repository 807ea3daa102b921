/// Stops training when a validation loss has not improved by more than `minimumDelta` for
/// `patience` consecutive epochs (Prechelt 1998, "Early stopping — but when?").
public struct EarlyStopping: Sendable, Equatable {
    /// What one epoch's validation loss means for training.
    public enum Decision: Sendable, Equatable {
        /// A new best loss: keep (or save) these weights.
        case improved
        /// No improvement, but patience is not exhausted.
        case wait
        /// Patience exhausted: stop and go back to the best weights.
        case stop
    }

    public let patience: Int
    public let minimumDelta: Float
    /// Best validation loss so far and the epoch it was reached.
    public private(set) var bestLoss: Float = .infinity
    public private(set) var bestEpoch: Int = -1
    /// Epochs since the best.
    public private(set) var epochsWithoutImprovement = 0

    public init(patience: Int, minimumDelta: Float = 0) {
        self.patience = patience
        self.minimumDelta = minimumDelta
    }

    /// Records epoch `epoch`'s validation loss. A non-finite loss never counts as an improvement.
    public mutating func update(validationLoss loss: Float, epoch: Int) -> Decision {
        if loss.isFinite && loss < bestLoss - minimumDelta {
            bestLoss = loss
            bestEpoch = epoch
            epochsWithoutImprovement = 0
            return .improved
        }
        epochsWithoutImprovement += 1
        return epochsWithoutImprovement >= patience ? .stop : .wait
    }

    /// The state as numbers (for checkpoints).
    public var state: [String: Double] {
        ["best_loss": Double(bestLoss), "best_epoch": Double(bestEpoch), "epochs_without_improvement": Double(epochsWithoutImprovement)]
    }

    /// Restores a state taken from `state`.
    public mutating func restore(_ state: [String: Double]) {
        bestLoss = Float(state["best_loss"] ?? .infinity)
        bestEpoch = Int(state["best_epoch"] ?? -1)
        epochsWithoutImprovement = Int(state["epochs_without_improvement"] ?? 0)
    }
}
