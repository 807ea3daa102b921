import Foundation

/// Updates parameters from their accumulated gradients.
///
/// Optimisers follow PyTorch's update rules exactly (`torch.optim.SGD`, `Adam`, `AdamW`), so
/// hyperparameters carry over. Parameters that are frozen or have received no gradient since the
/// last `zeroGradients()` are skipped, as PyTorch skips parameters whose `grad` is `None`.
///
/// An optimiser's state (step count, moment estimates, learning rate) is saved in checkpoints
/// through `state` and `restore(_:)`; per-parameter entries are keyed by the parameter's index in
/// `parameters` (as PyTorch's `state_dict` does), e.g. `3.exp_avg`.
public protocol Optimiser: AnyObject {
    /// The parameters updated, in a fixed order.
    var parameters: [Parameter] { get }
    /// Current learning rate (schedulers change it).
    var learningRate: Float { get set }
    /// Number of `step()` calls so far.
    var steps: Int { get }
    /// One update of every parameter with a gradient.
    func step()
    /// The optimiser's state as named tensors (scalars as one-element tensors).
    var state: [String: Tensor] { get }
    /// Restores a state taken from `state` of an optimiser of the same kind over parameters of
    /// the same shapes.
    func restore(_ state: [String: Tensor]) throws
    /// A short name of the algorithm ("SGD", "Adam", "AdamW") recorded in checkpoints.
    var algorithm: String { get }
}

extension Optimiser {
    /// Forgets every parameter's accumulated gradient (call before each backward pass).
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }
}

/// Reads a scalar entry of an optimiser state.
func stateScalar(_ state: [String: Tensor], _ key: String, _ algorithm: String) throws -> Float {
    guard let t = state[key], let v = t.scalar else {
        throw NeuralError.invalidArgument(operation: "\(algorithm).restore", detail: "state has no scalar '\(key)'")
    }
    return v
}

/// Reads a per-parameter buffer of an optimiser state, checking its shape.
func stateBuffer(_ state: [String: Tensor], _ key: String, shape: [Int], _ algorithm: String) throws -> TensorStorage? {
    guard let t = state[key] else { return nil }
    guard t.shape == shape else {
        throw NeuralError.shapeMismatch(operation: "\(algorithm).restore", detail: "'\(key)' has shape \(describe(t.shape)), the parameter \(describe(shape))")
    }
    return TensorStorage(copyOf: t.storage)
}
