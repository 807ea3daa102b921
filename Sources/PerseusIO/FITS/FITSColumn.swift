import CFITSIO

/// A column of a binary table as declared in its header (TTYPEn, TFORMn, TUNITn).
public struct FITSColumn: Sendable, Equatable {
    /// Column number (1-based).
    public let number: Int
    /// TTYPEn.
    public let name: String
    /// cfitsio's code for the stored type (TSHORT for 'I', TLONG for 'J', TFLOAT for 'E', …).
    public let storedType: Int32
    /// Whether the column holds variable-length arrays ('P' or 'Q' descriptors).
    public let isVariableLength: Bool
    /// Elements per cell for a fixed-width column; for a variable-length column, the maximum
    /// length declared in TFORMn (e.g. 763 for 'PE(763)'), or 0 when none is declared.
    public let repeatCount: Int
    /// Bytes per stored element (per descriptor for variable-length columns).
    public let width: Int
    /// TUNITn, if present.
    public let unit: String?
    /// TLMINn and TLMAXn: the legal range of the column's values (for a channel column, the
    /// first and last channel numbers), if declared.
    public let legalMinimum: Double?
    public let legalMaximum: Double?

    /// Whether the stored values are character strings ('A').
    public var isString: Bool { storedType == Int32(TSTRING) }
    /// Whether the stored values are logical ('L') or bits ('X').
    public var isLogicalOrBit: Bool { storedType == Int32(TLOGICAL) || storedType == Int32(TBIT) }

    /// Bytes per element in the heap of a variable-length column.
    var elementBytes: Int {
        switch storedType {
        case Int32(TBYTE), Int32(TSBYTE), Int32(TLOGICAL), Int32(TSTRING), Int32(TBIT): return 1
        case Int32(TSHORT), Int32(TUSHORT): return 2
        case Int32(TINT), Int32(TUINT), Int32(TLONG), Int32(TULONG), Int32(TFLOAT): return 4
        default: return 8
        }
    }
}

/// The format of a column to create: name, TFORM and unit.
public struct FITSColumnFormat: Sendable, Equatable {
    public let name: String
    /// TFORMn, e.g. "1E", "4096J", "1PE(763)".
    public let format: String
    /// TUNITn, or nil for none.
    public let unit: String?

    public init(_ name: String, _ format: String, unit: String? = nil) {
        self.name = name
        self.format = format
        self.unit = unit
    }
}

/// Every cell of one column, stored in one flat array: cell `row` (0-based) is
/// `values[starts[row]..<starts[row + 1]]`. Fixed-width and variable-length columns read
/// into the same shape.
public struct FITSCells<Element>: Sendable where Element: Sendable {
    /// All values, row after row.
    public var values: [Element]
    /// Offset of each row's first value in `values`, plus a final entry equal to `values.count`.
    public var starts: [Int]

    public init(values: [Element], starts: [Int]) {
        self.values = values
        self.starts = starts
    }

    /// Number of rows.
    public var rowCount: Int { starts.count - 1 }
    /// Number of values in row `row` (0-based).
    public func count(_ row: Int) -> Int { starts[row + 1] - starts[row] }
    /// Values of row `row` (0-based).
    public subscript(row: Int) -> ArraySlice<Element> { values[starts[row]..<starts[row + 1]] }
}
