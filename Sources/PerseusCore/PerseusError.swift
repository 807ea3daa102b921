/// A descriptive error that the command-line tool can print on one line.
///
/// Every module defines its own error enums and makes them conform. The `description` names
/// the file, the field and what was expected wherever those are known, e.g.
/// `nustar.rmf: MATRIX row 17: N_CHAN sums to 4100 channels but DETCHANS is 4096`.
public protocol PerseusError: Error, CustomStringConvertible, Sendable {}

/// An error for invalid arguments that do not belong to a more specific domain.
public struct InvalidArgument: PerseusError, Equatable {
    /// What was wrong and what was expected.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
