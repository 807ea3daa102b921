import Foundation

/// One entry of the gradient tape: the record of an operation that produced a differentiable
/// tensor, or a leaf standing for a trainable `Parameter`.
///
/// Reverse-mode automatic differentiation here works as on a Wengert list. Each differentiable
/// operation appends an entry holding its inputs' entries and its *pullback*, a closure mapping
/// the gradient of the loss with respect to the operation's output to the gradients with respect
/// to its inputs (it captures whatever the forward pass saved, e.g. the input of a matrix product).
/// Every entry gets a *position* one greater than the largest position among its inputs, so
/// positions increase along the order in which the entries were recorded along every path.
/// `Tensor.backward()` collects the entries reachable from the loss and replays them in decreasing
/// position — each entry strictly after every entry that consumed its output — summing the
/// gradients that reach each entry before passing them on, and finally adds the gradients that
/// reach leaves to their parameters' `gradient`.
///
/// Pullbacks are released once replayed (with the activations they captured), so a recorded
/// computation can be differentiated once, as in PyTorch without `retain_graph`.
@usableFromInline
final class TapeNode {
    /// One more than the largest position of the inputs; 0 for leaves.
    let position: Int
    /// The entries of the inputs, in the order the pullback returns their gradients; `nil` for
    /// inputs that are constants.
    let inputs: [TapeNode?]
    /// Maps the gradient of the output to the inputs' gradients (`nil` where not needed).
    var pullback: ((Tensor) -> [Tensor?])?
    /// Shape of the output, which the gradient must have.
    let shape: [Int]
    /// Sum of the gradients that have reached this entry so far during `backward()`.
    var gradient: TensorStorage?
    /// For leaves: the parameter whose gradient this entry feeds.
    let parameter: Parameter?

    init(inputs: [TapeNode?], shape: [Int], pullback: @escaping (Tensor) -> [Tensor?]) {
        var p = 0
        for case let input? in inputs where input.position >= p { p = input.position + 1 }
        position = p
        self.inputs = inputs
        self.pullback = pullback
        self.shape = shape
        parameter = nil
    }

    init(leaf parameter: Parameter) {
        position = 0
        inputs = []
        pullback = nil
        shape = parameter.shape
        self.parameter = parameter
    }

    /// Removes and returns the collected gradient, saying whether nothing else holds its storage.
    func takeGradient() -> (TensorStorage, Bool)? {
        guard gradient != nil else { return nil }
        let unshared = isKnownUniquelyReferenced(&gradient)
        let g = gradient!
        gradient = nil
        return (g, unshared)
    }

    /// Adds `contribution` to the gradient collected so far, reusing storage that nothing else
    /// holds and copying storage that is shared (a pullback may hand one gradient to several inputs).
    func accumulate(_ contribution: TensorStorage) {
        if gradient == nil {
            gradient = contribution
        } else if isKnownUniquelyReferenced(&gradient) {
            Vector.add(contribution.pointer, into: gradient!.pointer, count: contribution.count)
        } else {
            let sum = TensorStorage(copyOf: gradient!)
            Vector.add(contribution.pointer, into: sum.pointer, count: contribution.count)
            gradient = sum
        }
    }
}

/// Whether operations record themselves on the tape (task-local; on by default).
public enum GradientRecording {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording operations on the tape: results carry no gradient and keep no
/// activations alive. Use for inference and for evaluating validation losses.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// The result of an operation: recorded with the pullback made by `makePullback` when some
    /// input is differentiable and recording is on, otherwise a plain constant.
    static func result(shape: [Int], storage: TensorStorage, inputs: [Tensor],
                       pullback makePullback: () -> (Tensor) -> [Tensor?]) -> Tensor {
        var any = false
        for input in inputs where input.node != nil { any = true; break }
        guard any, GradientRecording.isEnabled else { return Tensor(shape: shape, storage: storage) }
        let node = TapeNode(inputs: inputs.map(\.node), shape: shape, pullback: makePullback())
        return Tensor(shape: shape, storage: storage, node: node)
    }

    /// Computes the gradient of this scalar with respect to every trainable parameter it depends
    /// on, adding it to each parameter's `gradient` (call the optimiser's `zeroGradients()`
    /// between steps, as in PyTorch).
    /// - Throws: `NeuralError.notDifferentiable` if the tensor has more than one element, does not
    ///   depend on any trainable parameter, or was already differentiated.
    public func backward() throws {
        guard count == 1 else {
            throw NeuralError.notDifferentiable(detail: "needs a one-element loss, got shape \(describe(shape)); pass a seed gradient")
        }
        try backward(seed: Tensor(shape: shape, storage: TensorStorage(repeating: 1, count: 1)))
    }

    /// Reverse-mode pass seeded with `seed`, the gradient of some scalar with respect to this tensor.
    public func backward(seed: Tensor) throws {
        guard let root = node else {
            throw NeuralError.notDifferentiable(detail: "the tensor does not depend on any trainable parameter (or was computed without gradients)")
        }
        guard seed.shape == shape else {
            throw NeuralError.shapeMismatch(operation: "backward", detail: "seed gradient \(describe(seed.shape)) for a tensor \(describe(shape))")
        }
        guard root.parameter != nil || root.pullback != nil else {
            throw NeuralError.notDifferentiable(detail: "this computation was already differentiated (its tape entries have been released)")
        }
        // Collect the reachable entries.
        var entries: [TapeNode] = []
        var seen = Set<ObjectIdentifier>()
        var stack: [TapeNode] = [root]
        seen.insert(ObjectIdentifier(root))
        while let entry = stack.popLast() {
            entries.append(entry)
            for case let input? in entry.inputs where seen.insert(ObjectIdentifier(input)).inserted {
                stack.append(input)
            }
        }
        entries.sort { $0.position > $1.position }
        root.accumulate(TensorStorage(copyOf: seed.storage))
        for entry in entries {
            guard let (gradient, unshared) = entry.takeGradient() else { continue }
            if let parameter = entry.parameter {
                parameter.accumulateGradient(gradient, isUnshared: unshared)
                continue
            }
            guard let pullback = entry.pullback else { continue }
            entry.pullback = nil
            let inputGradients = pullback(Tensor(shape: entry.shape, storage: gradient))
            for (input, inputGradient) in zip(entry.inputs, inputGradients) {
                guard let input, let inputGradient else { continue }
                input.accumulate(inputGradient.storage)
            }
        }
    }
}
