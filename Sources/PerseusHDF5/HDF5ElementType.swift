import CHDF5

/// The element type of a dataset or attribute, as Perseus sees it.
///
/// Numeric types are stored little-endian (the machine's native order on every platform Perseus
/// runs on) and read back through HDF5's conversion, so files written on a big-endian machine
/// read the same. `description` uses NumPy's names (`float32`, `int64`, …) so messages match what
/// h5py users see.
public enum HDF5ElementType: Sendable, Hashable, CustomStringConvertible {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64
    /// UTF-8 text, variable-length or fixed-length.
    case string(HDF5StringLayout)
    /// A type Perseus does not map (compound, enum, array, opaque, …), described in words.
    case other(String)

    public var description: String {
        switch self {
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .int16: return "int16"
        case .uint16: return "uint16"
        case .int32: return "int32"
        case .uint32: return "uint32"
        case .int64: return "int64"
        case .uint64: return "uint64"
        case .float32: return "float32"
        case .float64: return "float64"
        case .string(.variable): return "variable-length string"
        case let .string(.fixed(bytes)): return "fixed-length string (\(bytes) bytes)"
        case let .other(text): return text
        }
    }

    /// Whether the type is one of the integer or floating-point types.
    public var isNumeric: Bool {
        switch self {
        case .string, .other: return false
        default: return true
        }
    }

    /// Size of one element in bytes (for strings: the fixed length, or the size of a pointer).
    public var byteCount: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        case .string(.variable): return MemoryLayout<UnsafePointer<CChar>>.size
        case let .string(.fixed(bytes)): return bytes
        case .other: return 0
        }
    }

    /// The native in-memory HDF5 type for a numeric element type (a predefined identifier that
    /// must not be closed). Call with the lock held.
    var nativeNumericType: hid_t? {
        switch self {
        case .int8: return perseus_h5t_native_int8()
        case .uint8: return perseus_h5t_native_uint8()
        case .int16: return perseus_h5t_native_int16()
        case .uint16: return perseus_h5t_native_uint16()
        case .int32: return perseus_h5t_native_int32()
        case .uint32: return perseus_h5t_native_uint32()
        case .int64: return perseus_h5t_native_int64()
        case .uint64: return perseus_h5t_native_uint64()
        case .float32: return perseus_h5t_native_float()
        case .float64: return perseus_h5t_native_double()
        case .string, .other: return nil
        }
    }

    /// A new datatype identifier for this type (the caller closes it with `H5Tclose`), or a
    /// negative value on failure. Strings are UTF-8; fixed-length strings are null-padded
    /// (NumPy's `S` dtype), variable-length ones null-terminated (h5py's `str`). Lock held.
    func makeTypeID() -> hid_t {
        switch self {
        case let .string(layout):
            let type = H5Tcopy(perseus_h5t_c_s1())
            guard type >= 0 else { return type }
            let size: Int
            switch layout {
            case .variable: size = perseus_h5t_variable()
            case let .fixed(bytes): size = max(bytes, 1)
            }
            if H5Tset_size(type, size) < 0
                || H5Tset_cset(type, H5T_CSET_UTF8) < 0
                || H5Tset_strpad(type, layout == .variable ? H5T_STR_NULLTERM : H5T_STR_NULLPAD) < 0 {
                H5Tclose(type)
                return -1
            }
            return type
        case .other:
            return -1
        default:
            return H5Tcopy(nativeNumericType!)
        }
    }

    /// Classifies a stored datatype. Lock held.
    init(typeID: hid_t) {
        let typeClass = H5Tget_class(typeID)
        let size = H5Tget_size(typeID)
        if typeClass == H5T_INTEGER {
            let signed = H5Tget_sign(typeID) == H5T_SGN_2
            switch (size, signed) {
            case (1, true): self = .int8
            case (1, false): self = .uint8
            case (2, true): self = .int16
            case (2, false): self = .uint16
            case (4, true): self = .int32
            case (4, false): self = .uint32
            case (8, true): self = .int64
            case (8, false): self = .uint64
            default: self = .other("\(size)-byte integer")
            }
        } else if typeClass == H5T_FLOAT {
            switch size {
            case 4: self = .float32
            case 8: self = .float64
            default: self = .other("\(size)-byte float")
            }
        } else if typeClass == H5T_STRING {
            self = H5Tis_variable_str(typeID) > 0 ? .string(.variable) : .string(.fixed(bytes: size))
        } else {
            let names: [(H5T_class_t, String)] = [
                (H5T_COMPOUND, "compound"), (H5T_ENUM, "enum"), (H5T_ARRAY, "array"), (H5T_VLEN, "variable-length sequence"),
                (H5T_OPAQUE, "opaque"), (H5T_BITFIELD, "bitfield"), (H5T_REFERENCE, "reference"), (H5T_TIME, "time"),
            ]
            self = .other(names.first { $0.0 == typeClass }?.1 ?? "unknown type")
        }
    }
}

/// How a string type stores its text.
public enum HDF5StringLayout: Sendable, Hashable {
    /// Each element points to its own heap-allocated text (h5py's `str` dtype).
    case variable
    /// Each element occupies exactly `bytes` bytes, padded with NULs (NumPy's `S<bytes>` dtype).
    case fixed(bytes: Int)
}

/// A Swift number type that maps one-to-one onto an HDF5 numeric type.
public protocol HDF5Numeric: BitwiseCopyable, Sendable {
    /// The HDF5 element type this Swift type is stored as.
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Int8: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int8 } }
extension UInt8: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .uint8 } }
extension Int16: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int16 } }
extension UInt16: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .uint16 } }
extension Int32: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int32 } }
extension UInt32: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .uint32 } }
extension Int64: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int64 } }
extension UInt64: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .uint64 } }
extension Float: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .float32 } }
extension Double: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .float64 } }
