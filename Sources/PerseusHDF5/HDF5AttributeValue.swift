/// The value of an attribute: a scalar or a one-dimensional array of text, integers or doubles.
///
/// On disk: strings are variable-length UTF-8 (h5py returns `str`, or an object array of `str`),
/// `int`/`ints` are 64-bit signed integers, `uint`/`uints` 64-bit unsigned, `double`/`doubles`
/// IEEE 64-bit floats. Scalars use HDF5's scalar dataspace, arrays a one-dimensional one.
public enum HDF5AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case strings([String])
    case int(Int64)
    case ints([Int64])
    case uint(UInt64)
    case uints([UInt64])
    case double(Double)
    case doubles([Double])

    /// The kind of value in words, for error messages ("a scalar string", "an array of 3 doubles").
    public var kindDescription: String {
        switch self {
        case .string: return "a scalar string"
        case let .strings(values): return "an array of \(values.count) strings"
        case .int: return "a scalar integer"
        case let .ints(values): return "an array of \(values.count) integers"
        case .uint: return "a scalar unsigned integer"
        case let .uints(values): return "an array of \(values.count) unsigned integers"
        case .double: return "a scalar double"
        case let .doubles(values): return "an array of \(values.count) doubles"
        }
    }

    public var description: String {
        switch self {
        case let .string(value): return value.debugDescription
        case let .strings(values): return values.description
        case let .int(value): return String(value)
        case let .ints(values): return values.description
        case let .uint(value): return String(value)
        case let .uints(values): return values.description
        case let .double(value): return String(value)
        case let .doubles(values): return values.description
        }
    }
}
