import CFITSIO

/// A numeric type that cfitsio can read table cells into and write them from.
///
/// cfitsio converts between the type stored in the file and the type asked for, applying
/// TSCALn/TZEROn; a value that does not fit the type asked for is an error (status 412), never
/// a silent wrap-around.
public protocol FITSElement: Sendable, Equatable {
    /// cfitsio's datatype code for this Swift type (TDOUBLE, TFLOAT, TINT, …).
    static var fitsDataType: Int32 { get }
    /// The zero value used to fill buffers before cfitsio writes into them.
    static var fitsZero: Self { get }
}

extension Double: FITSElement {
    public static var fitsDataType: Int32 { Int32(TDOUBLE) }
    public static var fitsZero: Double { 0 }
}
extension Float: FITSElement {
    public static var fitsDataType: Int32 { Int32(TFLOAT) }
    public static var fitsZero: Float { 0 }
}
extension Int64: FITSElement {
    public static var fitsDataType: Int32 { Int32(TLONGLONG) }
    public static var fitsZero: Int64 { 0 }
}
extension Int32: FITSElement {
    public static var fitsDataType: Int32 { Int32(TINT) }   // C int is 32 bits on every supported platform
    public static var fitsZero: Int32 { 0 }
}
extension Int16: FITSElement {
    public static var fitsDataType: Int32 { Int32(TSHORT) }
    public static var fitsZero: Int16 { 0 }
}
extension UInt8: FITSElement {
    public static var fitsDataType: Int32 { Int32(TBYTE) }
    public static var fitsZero: UInt8 { 0 }
}
