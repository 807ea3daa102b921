import Foundation

/// A trainable tensor owned by a module: its value, the gradient accumulated by `backward()`, and
/// whether it is frozen.
///
/// Parameters are reference types so that a module, its optimiser and a checkpoint all see the
/// same weights. `tensor` returns a tensor that shares the parameter's storage: an optimiser step
/// changes the values seen through tensors obtained before it (as in PyTorch).
public final class Parameter: @unchecked Sendable {
    /// Shape of the value.
    public let shape: [Int]
    let storage: TensorStorage
    /// The gradient accumulated since the last `zeroGradient()`, or `nil` if none has arrived.
    var gradientStorage: TensorStorage?
    /// A frozen parameter is used as a constant: no gradient reaches it and optimisers skip it.
    public var isFrozen = false

    /// A parameter initialised to a copy of `value`.
    public init(_ value: Tensor) {
        shape = value.shape
        storage = TensorStorage(copyOf: value.storage)
    }

    /// Number of scalar weights.
    public var count: Int { storage.count }

    /// The value, recorded on the tape as a leaf when the parameter is trainable and gradients
    /// are being recorded.
    public var tensor: Tensor {
        let record = !isFrozen && GradientRecording.isEnabled
        return Tensor(shape: shape, storage: storage, node: record ? TapeNode(leaf: self) : nil)
    }

    /// A copy of the current value (not recorded, and unaffected by later optimiser steps).
    public var value: Tensor { Tensor(shape: shape, storage: TensorStorage(copyOf: storage)) }

    /// A copy of the accumulated gradient, or `nil` if no gradient has arrived since the last reset.
    public var gradient: Tensor? {
        gradientStorage.map { Tensor(shape: shape, storage: TensorStorage(copyOf: $0)) }
    }

    /// Forgets the accumulated gradient.
    public func zeroGradient() { gradientStorage = nil }

    /// Replaces the value with a copy of `newValue`.
    /// - Throws: `NeuralError.shapeMismatch` if the shapes differ.
    public func assign(_ newValue: Tensor) throws {
        guard newValue.shape == shape else {
            throw NeuralError.shapeMismatch(operation: "Parameter.assign", detail: "parameter has shape \(describe(shape)), value has \(describe(newValue.shape))")
        }
        storage.pointer.update(from: newValue.storage.pointer, count: count)
    }

    /// Replaces the accumulated gradient (used when restoring or testing); `nil` clears it.
    public func setGradient(_ newGradient: Tensor?) throws {
        guard let newGradient else { gradientStorage = nil; return }
        guard newGradient.shape == shape else {
            throw NeuralError.shapeMismatch(operation: "Parameter.setGradient", detail: "parameter has shape \(describe(shape)), gradient has \(describe(newGradient.shape))")
        }
        gradientStorage = TensorStorage(copyOf: newGradient.storage)
    }

    /// Adds a gradient arriving from `backward()`. The parameter keeps storage only it holds, so
    /// that clipping and optimisers may modify it in place.
    func accumulateGradient(_ contribution: TensorStorage, isUnshared: Bool) {
        if gradientStorage == nil {
            gradientStorage = isUnshared ? contribution : TensorStorage(copyOf: contribution)
        } else {
            Vector.add(contribution.pointer, into: gradientStorage!.pointer, count: count)
        }
    }
}

