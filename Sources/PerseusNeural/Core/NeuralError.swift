import PerseusCore

/// Why a tensor operation, a layer, an optimiser or a checkpoint refused its input.
///
/// Descriptions name the operation (or file and field) and say what was expected, e.g.
/// `matmul: inner dimensions differ: [32, 7200] × [7000, 128]`.
public enum NeuralError: PerseusError, Equatable {
    /// Shapes that the operation cannot combine.
    case shapeMismatch(operation: String, detail: String)
    /// An argument outside the operation's domain (a negative stride, an axis out of range, …).
    case invalidArgument(operation: String, detail: String)
    /// `backward()` on a tensor that does not depend on any differentiable input, or twice.
    case notDifferentiable(detail: String)
    /// A checkpoint file that cannot be read, written or matched to the model.
    case checkpoint(path: String, field: String, detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, detail): return "\(operation): \(detail)"
        case let .invalidArgument(operation, detail): return "\(operation): \(detail)"
        case let .notDifferentiable(detail): return "backward: \(detail)"
        case let .checkpoint(path, field, detail): return "\(path): \(field): \(detail)"
        }
    }
}

/// Formats a shape as `[2, 3, 4]` for error messages.
@usableFromInline
func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
