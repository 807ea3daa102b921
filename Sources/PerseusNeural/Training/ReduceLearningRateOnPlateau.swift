/// Lowers an optimiser's learning rate when a monitored loss stops improving, as PyTorch's
/// `ReduceLROnPlateau` (mode "min", relative threshold): a value counts as better than the best
/// so far when it is below best·(1 − threshold); after more than `patience` epochs without
/// improvement the rate is multiplied by `factor` (not below `minimumLearningRate`, and only if
/// the change exceeds `epsilon`), then `cooldown` epochs pass before bad epochs count again.
public struct ReduceLearningRateOnPlateau: Sendable, Equatable {
    public var factor: Float
    public var patience: Int
    public var threshold: Float
    public var cooldown: Int
    public var minimumLearningRate: Float
    public var epsilon: Float
    /// Best loss seen so far.
    public private(set) var best: Float = .infinity
    /// Consecutive epochs without improvement.
    public private(set) var badEpochs = 0
    /// Epochs of cooldown remaining.
    public private(set) var cooldownRemaining = 0
    /// Number of reductions made.
    public private(set) var reductions = 0

    public init(factor: Float = 0.1, patience: Int = 10, threshold: Float = 1e-4, cooldown: Int = 0,
                minimumLearningRate: Float = 0, epsilon: Float = 1e-8) {
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minimumLearningRate = minimumLearningRate
        self.epsilon = epsilon
    }

    /// Records one epoch's loss; returns true if the learning rate was lowered.
    @discardableResult
    public mutating func step(loss: Float, optimiser: any Optimiser) -> Bool {
        if loss < best * (1 - threshold) || (best == .infinity && loss.isFinite) {
            best = loss
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownRemaining > 0 {
            cooldownRemaining -= 1
            badEpochs = 0
        }
        guard badEpochs > patience else { return false }
        cooldownRemaining = cooldown
        badEpochs = 0
        let old = optimiser.learningRate
        let new = max(old * factor, minimumLearningRate)
        guard old - new > epsilon else { return false }
        optimiser.learningRate = new
        reductions += 1
        return true
    }

    /// The scheduler's state as numbers (for checkpoints).
    public var state: [String: Double] {
        ["best": Double(best), "bad_epochs": Double(badEpochs), "cooldown_remaining": Double(cooldownRemaining),
         "reductions": Double(reductions)]
    }

    /// Restores a state taken from `state`.
    public mutating func restore(_ state: [String: Double]) {
        best = Float(state["best"] ?? .infinity)
        badEpochs = Int(state["bad_epochs"] ?? 0)
        cooldownRemaining = Int(state["cooldown_remaining"] ?? 0)
        reductions = Int(state["reductions"] ?? 0)
    }
}
