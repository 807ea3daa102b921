import Foundation
import PerseusCore

/// A dense, row-major (C-order), contiguous array of Float32 values with a shape, which records
/// the operations applied to it when it depends on a trainable `Parameter`, so that `backward()`
/// can compute gradients by reverse-mode automatic differentiation.
///
/// Tensors are values: operations return new tensors and never modify their inputs. The one
/// exception is a parameter's tensor (`Parameter.tensor`), whose contents an optimiser updates in
/// place between training steps, as in PyTorch.
///
/// Layout conventions follow PyTorch so that weights and shapes carry over: a batch of vectors is
/// `[N, features]`, a batch of 1-D signals `[N, channels, length]`, a batch of images
/// `[N, channels, height, width]`; a linear layer's weight is `[out, in]`.
public struct Tensor: @unchecked Sendable {
    /// The size of each dimension; the empty shape is a scalar.
    public let shape: [Int]
    @usableFromInline let storage: TensorStorage
    /// The tape entry of the operation that produced this tensor, if it is differentiable.
    @usableFromInline let node: TapeNode?

    @usableFromInline
    init(shape: [Int], storage: TensorStorage, node: TapeNode? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    // MARK: Creation

    /// A tensor of the given shape holding `values` in row-major order.
    /// - Throws: `NeuralError.shapeMismatch` if `values.count` is not the product of `shape`, or
    ///   `.invalidArgument` if a dimension is negative.
    public init(shape: [Int], values: [Float]) throws {
        try Tensor.validate(shape: shape, operation: "Tensor(shape:values:)")
        let count = Tensor.count(of: shape)
        guard values.count == count else {
            throw NeuralError.shapeMismatch(operation: "Tensor(shape:values:)",
                                            detail: "shape \(describe(shape)) holds \(count) values, got \(values.count)")
        }
        self.init(shape: shape, storage: TensorStorage(copying: values))
    }

    /// A tensor of the given shape converting `values` (row-major) to Float32.
    public init(shape: [Int], values: [Double]) throws {
        try self.init(shape: shape, values: values.map { Float($0) })
    }

    /// A scalar (rank-0) tensor.
    public init(_ scalar: Float) {
        self.init(shape: [], storage: TensorStorage(repeating: scalar, count: 1))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) throws {
        try Tensor.validate(shape: shape, operation: "Tensor(zeros:)")
        self.init(shape: shape, storage: TensorStorage(zeros: Tensor.count(of: shape)))
    }

    /// A tensor with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) throws {
        try Tensor.validate(shape: shape, operation: "Tensor(repeating:shape:)")
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: Tensor.count(of: shape)))
    }

    /// A tensor of independent standard-normal deviates (times `standardDeviation`) drawn from
    /// `stream`, in row-major order.
    public init(normal shape: [Int], standardDeviation: Float = 1, stream: inout RandomStream) throws {
        try Tensor.validate(shape: shape, operation: "Tensor(normal:)")
        let storage = TensorStorage(uninitialized: Tensor.count(of: shape))
        for i in 0..<storage.count { storage.pointer[i] = standardDeviation * Float(stream.normal()) }
        self.init(shape: shape, storage: storage)
    }

    /// A tensor of independent uniform deviates in [lower, upper) drawn from `stream`.
    public init(uniform shape: [Int], in range: Range<Float>, stream: inout RandomStream) throws {
        try Tensor.validate(shape: shape, operation: "Tensor(uniform:)")
        let storage = TensorStorage(uninitialized: Tensor.count(of: shape))
        let lower = Double(range.lowerBound), width = Double(range.upperBound - range.lowerBound)
        for i in 0..<storage.count { storage.pointer[i] = Float(lower + width * stream.uniform()) }
        self.init(shape: shape, storage: storage)
    }

    // MARK: Properties

    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// Number of elements (the product of the shape).
    @inlinable public var count: Int { storage.count }
    /// The elements in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }
    /// The single element of a one-element tensor, or `nil` if it has more than one.
    public var scalar: Float? { count == 1 ? storage.pointer[0] : nil }
    /// Whether gradients flow back through this tensor to some trainable parameter.
    @inlinable public var requiresGradient: Bool { node != nil }

    /// The same values, cut off from the tape (no gradient flows through the result).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// Calls `body` with the elements (read-only).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// A tensor built by filling a fresh buffer of `count(shape)` elements.
    public init(shape: [Int], filling body: (UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        try Tensor.validate(shape: shape, operation: "Tensor(shape:filling:)")
        let storage = TensorStorage(uninitialized: Tensor.count(of: shape))
        try body(storage.buffer)
        self.init(shape: shape, storage: storage)
    }

    // MARK: Shape helpers

    @usableFromInline
    static func count(of shape: [Int]) -> Int { shape.reduce(1, *) }

    @usableFromInline
    static func validate(shape: [Int], operation: String) throws {
        if let bad = shape.first(where: { $0 < 0 }) {
            throw NeuralError.invalidArgument(operation: operation, detail: "dimension \(bad) in shape \(describe(shape)) is negative")
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(describe(shape))[\(shown)\(count > 8 ? ", …" : "")]"
    }
}
