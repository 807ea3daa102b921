import PerseusCore

/// Why the content of an OGIP file (RMF, ARF, PHA), or an in-memory response or spectrum about
/// to be written, is not acceptable.
///
/// Problems with the FITS container itself (missing extension, keyword or column, a cfitsio
/// failure, a truncated file) are `FITSError`s. Descriptions name the file, the extension, the
/// row (1-based, as in fv, XSPEC and astropy's `data[row - 1]`), the field and what was expected.
public enum OGIPError: PerseusError, Equatable {
    /// A value is not allowed: NaN, infinite, negative, or otherwise outside its range.
    case invalidValue(file: String, hdu: String, field: String, row: Int, value: Double, expected: String)
    /// Bin edges do not form a valid energy grid (row = bin + 1).
    case invalidEnergyGrid(file: String, hdu: String, columns: String, problem: EnergyGridError)
    /// A channel run of an RMF row starts before the first channel or ends after the last.
    case channelRunOutOfRange(file: String, hdu: String, row: Int, group: Int, firstChannel: Int, count: Int, legal: ClosedRange<Int>)
    /// N_GRP, F_CHAN, N_CHAN and MATRIX of one row disagree.
    case inconsistentRow(file: String, hdu: String, row: Int, problem: String)
    /// Keywords, or keywords and data, disagree.
    case inconsistent(file: String, hdu: String, problem: String)
    /// A matrix and an ARF (or two grids) that must share an energy grid do not.
    case mismatchedEnergyGrids(matrix: String, ancillary: String, problem: String)
    /// The file uses a part of the OGIP formats that Perseus does not read.
    case unsupported(file: String, hdu: String, feature: String)
    /// A row of a type II PHA file that does not exist.
    case rowOutOfRange(file: String, row: Int, rows: Int)
    /// In-memory data that cannot form a valid response or spectrum.
    case invalidData(what: String, problem: String)
    /// The file is FITS but not an RMF, ARF or PHA file.
    case notOGIP(file: String, extensions: [String])
    /// The file is neither FITS nor HDF5.
    case unrecognisedFile(file: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidValue(file, hdu, field, row, value, expected):
            return "\(file)[\(hdu)]: \(field) in row \(row) is \(value); expected \(expected)"
        case let .invalidEnergyGrid(file, hdu, columns, problem):
            return "\(file)[\(hdu)] \(columns): \(problem) (bin i is table row i + 1)"
        case let .channelRunOutOfRange(file, hdu, row, group, first, count, legal):
            return "\(file)[\(hdu)]: row \(row), group \(group): channels \(first)…\(first + count - 1) (F_CHAN = \(first), N_CHAN = \(count)) lie outside the legal channels \(legal.lowerBound)…\(legal.upperBound) given by TLMIN and DETCHANS"
        case let .inconsistentRow(file, hdu, row, problem):
            return "\(file)[\(hdu)]: row \(row): \(problem)"
        case let .inconsistent(file, hdu, problem):
            return "\(file)[\(hdu)]: \(problem)"
        case let .mismatchedEnergyGrids(matrix, ancillary, problem):
            return "\(ancillary) does not match \(matrix): \(problem)"
        case let .unsupported(file, hdu, feature):
            return "\(file)[\(hdu)]: \(feature) is not supported"
        case let .rowOutOfRange(file, row, rows):
            return "\(file): spectrum row \(row) does not exist; the type II file has rows 1…\(rows)"
        case let .invalidData(what, problem):
            return "\(what): \(problem)"
        case let .notOGIP(file, extensions):
            return "\(file): not an OGIP RMF, ARF or PHA file (extensions: \(FITSError.summarise(extensions)))"
        case let .unrecognisedFile(file, detail):
            return "\(file): \(detail)"
        }
    }
}
