import CFITSIO
import Foundation

/// Creating HDUs and writing binary-table columns in a file made by `FITSFile.create`.
extension FITSFile {
    /// Writes an empty primary HDU (NAXIS = 0), as OGIP files have, and makes it current.
    public func writeEmptyPrimary() throws(FITSError) {
        try requireWritable()
        try call("writing the primary HDU") { handle, status in
            ffcrim(handle, 8, 0, nil, &status)
        }
        currentHDU = 1
        currentHDUName = "PRIMARY"
    }

    /// Appends a binary table extension with `rows` rows and the given columns, and makes it
    /// current.
    public func createBinaryTable(named name: String, rows: Int, columns: [FITSColumnFormat]) throws(FITSError) {
        try requireWritable()
        guard rows >= 0, !columns.isEmpty else {
            throw .invalidRequest(file: path, hdu: name, problem: "a table needs ≥ 0 rows and at least one column")
        }
        let names = columns.map { strdup($0.name) }
        let formats = columns.map { strdup($0.format) }
        let units = columns.map { strdup($0.unit ?? "") }
        defer { (names + formats + units).forEach { free($0) } }
        var namePointers = names, formatPointers = formats, unitPointers = units
        let number = try call("creating binary table \(name)") { handle, status -> Int32 in
            ffcrtb(handle, perseus_fits_binary_tbl(), Int64(rows), Int32(columns.count),
                   &namePointers, &formatPointers, &unitPointers, name, &status)
            var number: Int32 = 0
            ffghdn(handle, &number)
            return number
        }
        currentHDU = Int(number)
        currentHDUName = name
    }

    /// Writes `values` into column `name` starting at element 1 of row `firstRow` (1-based);
    /// for a fixed-width vector column the values continue across rows.
    public func write<T: FITSElement>(_ values: [T], column name: String, firstRow: Int = 1) throws(FITSError) {
        guard !values.isEmpty else { return }
        let number = try writableColumnNumber(name)
        _ = try values.withUnsafeBufferPointer { buffer throws(FITSError) in
            try call("writing column \(name)", item: "column \(name)") { handle, status in
                ffpcl(handle, T.fitsDataType, Int32(number), Int64(firstRow), 1, Int64(buffer.count),
                      UnsafeMutableRawPointer(mutating: buffer.baseAddress!), &status)
            }
        }
    }

    /// Writes one cell per row of variable-length column `name`: row r + 1 gets
    /// `values[starts[r]..<starts[r + 1]]` (an empty range writes a zero-length array).
    public func writeVariableCells<T: FITSElement>(_ cells: FITSCells<T>, column name: String) throws(FITSError) {
        let number = try writableColumnNumber(name)
        var failedRow = 0
        try cells.values.withUnsafeBufferPointer { buffer throws(FITSError) in
            try call("writing row \(failedRow) of column \(name)", item: "column \(name)") { handle, status in
                for row in 0..<cells.rowCount where cells.count(row) > 0 {
                    ffpcl(handle, T.fitsDataType, Int32(number), Int64(row + 1), 1, Int64(cells.count(row)),
                          UnsafeMutableRawPointer(mutating: buffer.baseAddress! + cells.starts[row]), &status)
                    if status > 0 { failedRow = row + 1; return }
                }
            }
        }
    }

    /// Writes one string per row into character column `name` starting at row `firstRow`.
    public func writeStrings(_ strings: [String], column name: String, firstRow: Int = 1) throws(FITSError) {
        guard !strings.isEmpty else { return }
        let number = try writableColumnNumber(name)
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var array = pointers
        try call("writing column \(name)", item: "column \(name)") { handle, status in
            ffpcls(handle, Int32(number), Int64(firstRow), 1, Int64(strings.count), &array, &status)
        }
    }

    func requireWritable() throws(FITSError) {
        guard isWritable else {
            throw .invalidRequest(file: path, hdu: currentHDUName, problem: "the file was opened read-only")
        }
    }

    private func writableColumnNumber(_ name: String) throws(FITSError) -> Int {
        try requireWritable()
        guard let number = try columnNumber(name) else {
            throw .missingColumn(file: path, hdu: currentHDUName, column: name)
        }
        return number
    }
}
