import CFITSIO
import Foundation

/// Reading binary-table columns of the current HDU.
///
/// Values are converted by cfitsio to the Swift type asked for, applying TSCALn/TZEROn. No null
/// substitution is done: an integer equal to TNULLn is returned as stored, a NaN float as NaN;
/// the OGIP layer decides what is valid. Variable-length descriptors are checked against the
/// heap before anything is allocated, so a corrupt descriptor yields an error, never a huge
/// allocation or a read outside the file.
extension FITSFile {
    /// cfitsio's status for a column name that is not in the table (COL_NOT_FOUND).
    static let columnNotFound: Int32 = 219

    /// Number of rows of the current binary table (NAXIS2).
    public func rowCount() throws(FITSError) -> Int {
        try requireBinaryTable()
        let rows = try call("reading the number of rows") { handle, status -> Int64 in
            var rows: Int64 = 0
            ffgnrwll(handle, &rows, &status)
            return rows
        }
        guard let count = Int(exactly: rows), count >= 0 else {
            throw .invalidKeyword(file: path, hdu: currentHDUName, keyword: "NAXIS2", value: "\(rows)", expected: "a row count ≥ 0")
        }
        return count
    }

    /// Whether the current binary table has a column called `name` (case-insensitive).
    public func hasColumn(_ name: String) throws(FITSError) -> Bool {
        try columnNumber(name) != nil
    }

    /// The declaration of column `name` (case-insensitive).
    /// - Throws: `FITSError.missingColumn` if there is no such column.
    public func column(_ name: String) throws(FITSError) -> FITSColumn {
        guard let number = try columnNumber(name) else {
            throw .missingColumn(file: path, hdu: currentHDUName, column: name)
        }
        let (type, repeatCount, width) = try call("reading the format of column \(name)", item: "column \(name)") {
            handle, status -> (Int32, Int64, Int64) in
            var type: Int32 = 0
            var repeatCount: Int64 = 0
            var width: Int64 = 0
            ffgtclll(handle, Int32(number), &type, &repeatCount, &width, &status)
            return (type, repeatCount, width)
        }
        guard repeatCount >= 0, width >= 0 else {
            throw .invalidColumn(file: path, hdu: currentHDUName, column: name, problem: "TFORM\(number) declares a negative size")
        }
        var declared = Int(repeatCount)
        if type < 0 {
            // cfitsio reports repeat = 1 for descriptors; the maximum length is the number in
            // parentheses of TFORMn ('1PE(4027)'), 0 when the writer declared none.
            let form = try optionalString("TFORM\(number)") ?? ""
            declared = 0
            if let open = form.firstIndex(of: "("), let close = form.lastIndex(of: ")"), open < close {
                declared = Int(form[form.index(after: open)..<close].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        let unit = try optionalString("TUNIT\(number)")
        return FITSColumn(number: number, name: try optionalString("TTYPE\(number)") ?? name,
                          storedType: abs(type), isVariableLength: type < 0,
                          repeatCount: declared, width: Int(width),
                          unit: unit?.isEmpty == true ? nil : unit,
                          legalMinimum: try optionalDouble("TLMIN\(number)"), legalMaximum: try optionalDouble("TLMAX\(number)"))
    }

    /// Every cell of numeric column `name`, fixed-width or variable-length, as one flat array.
    ///
    /// - Throws: `FITSError.missingColumn`; `.invalidColumn` for a string, logical or bit
    ///   column, or for variable-length descriptors that point outside the heap or exceed the
    ///   maximum length declared in TFORMn; `.library` if cfitsio fails (for example a value
    ///   that does not fit `T`, or a read beyond the end of a truncated file).
    ///
    /// - Parameter rows: the rows to read (0-based, a sub-range of `0..<rowCount()`); all
    ///   rows when nil. Cell 0 of the result is then the first row of the range.
    public func readCells<T: FITSElement>(_ name: String, as type: T.Type = T.self, rows range: Range<Int>? = nil) throws(FITSError) -> FITSCells<T> {
        let column = try column(name)
        guard !column.isString, !column.isLogicalOrBit else {
            throw .invalidColumn(file: path, hdu: currentHDUName, column: name,
                                 problem: "holds \(column.isString ? "character strings" : "logical values"); expected numbers")
        }
        let selected = try rowRange(range)
        let rows = selected.count
        guard rows > 0 else { return FITSCells(values: [], starts: [0]) }
        if column.isVariableLength {
            return try readVariableCells(column, rows: selected)
        }
        let (total, overflow) = rows.multipliedReportingOverflow(by: column.repeatCount)
        guard !overflow else {
            throw .invalidColumn(file: path, hdu: currentHDUName, column: name, problem: "\(rows) rows × \(column.repeatCount) elements overflows")
        }
        var values = [T](repeating: T.fitsZero, count: total)
        if total > 0 {
            try values.withUnsafeMutableBufferPointer { buffer throws(FITSError) in
                try call("reading column \(name)", item: "column \(name)") { handle, status in
                    var anyNull: Int32 = 0
                    ffgcv(handle, T.fitsDataType, Int32(column.number), Int64(selected.lowerBound + 1), 1, Int64(total), nil,
                          UnsafeMutableRawPointer(buffer.baseAddress!), &anyNull, &status)
                }
            }
        }
        let starts = (0...rows).map { $0 * column.repeatCount }
        return FITSCells(values: values, starts: starts)
    }

    /// One value per row of column `name`, which must have exactly one element per cell.
    public func readScalars<T: FITSElement>(_ name: String, as type: T.Type = T.self, rows range: Range<Int>? = nil) throws(FITSError) -> [T] {
        let cells: FITSCells<T> = try readCells(name, rows: range)
        for row in 0..<cells.rowCount where cells.count(row) != 1 {
            throw .invalidColumn(file: path, hdu: currentHDUName, column: name,
                                 problem: "row \((range?.lowerBound ?? 0) + row + 1) holds \(cells.count(row)) values; expected one per row")
        }
        return cells.values
    }

    /// Every cell of character column `name`, trailing blanks removed.
    public func readStrings(_ name: String, rows range: Range<Int>? = nil) throws(FITSError) -> [String] {
        let column = try column(name)
        guard column.isString, !column.isVariableLength else {
            throw .invalidColumn(file: path, hdu: currentHDUName, column: name, problem: "expected a fixed-width character column")
        }
        let selected = try rowRange(range)
        let rows = selected.count
        guard rows > 0 else { return [] }
        let capacity = max(column.repeatCount, column.width) + 1
        var storage = (0..<rows).map { _ in UnsafeMutablePointer<CChar>.allocate(capacity: capacity) }
        defer { storage.forEach { $0.deallocate() } }
        for pointer in storage { pointer.initialize(repeating: 0, count: capacity) }
        var nullString = [CChar](repeating: 0, count: 1)
        try storage.withUnsafeMutableBufferPointer { buffer throws(FITSError) in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self)
            try call("reading column \(name)", item: "column \(name)") { handle, status in
                var anyNull: Int32 = 0
                ffgcvs(handle, Int32(column.number), Int64(selected.lowerBound + 1), 1, Int64(rows), &nullString, base, &anyNull, &status)
            }
        }
        return storage.map { pointer in
            var text = String(cString: pointer)
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
    }

    // MARK: - Internals

    /// Column number of `name`, or nil if absent.
    func columnNumber(_ name: String) throws(FITSError) -> Int? {
        try requireBinaryTable()
        var template = Array(name.utf8CString)
        var number: Int32 = 0
        let status = try attempt { handle, status in
            ffgcno(handle, 0 /* CASEINSEN */, &template, &number, &status)
        }
        if status == FITSFile.columnNotFound || status == 237 /* COL_NOT_UNIQUE */ { return nil }
        if status > 0 {
            throw .invalidRequest(file: path, hdu: currentHDUName, problem: "cannot look up column \(name) (cfitsio status \(status))")
        }
        return Int(number)
    }

    /// `range` checked against the table, or all rows when nil.
    func rowRange(_ range: Range<Int>?) throws(FITSError) -> Range<Int> {
        let count = try rowCount()
        guard let range else { return 0..<count }
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw .invalidRequest(file: path, hdu: currentHDUName, problem: "rows \(range.lowerBound + 1)…\(range.upperBound) requested but the table has \(count)")
        }
        return range
    }

    func requireBinaryTable() throws(FITSError) {
        let type = try call("reading the HDU type") { handle, status -> Int32 in
            var type: Int32 = 0
            ffghdt(handle, &type, &status)
            return type
        }
        guard type == perseus_fits_binary_tbl() else {
            throw .notBinaryTable(file: path, hdu: currentHDUName)
        }
    }

    /// Size in bytes of the heap of the current table: PCOUNT minus the gap between the end of
    /// the main table and THEAP.
    private func heapBytes() throws(FITSError) -> Int {
        let pcount = try optionalInt("PCOUNT") ?? 0
        let rowBytes = try optionalInt("NAXIS1") ?? 0
        let rows = try optionalInt("NAXIS2") ?? 0
        let table = rowBytes.multipliedReportingOverflow(by: rows)
        let heapStart = try optionalInt("THEAP") ?? table.partialValue
        let gap = heapStart - table.partialValue
        guard !table.overflow, pcount >= 0, gap >= 0, gap <= pcount else {
            throw .invalidKeyword(file: path, hdu: currentHDUName, keyword: "PCOUNT/THEAP", value: "\(pcount)/\(heapStart)",
                                  expected: "a heap that starts after the main table and lies inside the data unit")
        }
        return pcount - gap
    }

    private func readVariableCells<T: FITSElement>(_ column: FITSColumn, rows selected: Range<Int>) throws(FITSError) -> FITSCells<T> {
        let name = column.name
        let rows = selected.count
        let firstRow = selected.lowerBound + 1
        var lengths = [Int64](repeating: 0, count: rows)
        var offsets = [Int64](repeating: 0, count: rows)
        try call("reading the array descriptors of column \(name)", item: "column \(name)") { handle, status in
            ffgdessll(handle, Int32(column.number), Int64(firstRow), Int64(rows), &lengths, &offsets, &status)
        }
        let heap = try heapBytes()
        let elementBytes = column.elementBytes
        var starts = [Int](repeating: 0, count: rows + 1)
        var total = 0
        for row in 0..<rows {
            let length = lengths[row], offset = offsets[row]
            let end = offset.multipliedReportingOverflow(by: 1).partialValue
                + length.multipliedReportingOverflow(by: Int64(elementBytes)).partialValue
            guard length >= 0, offset >= 0, length <= Int64(Int32.max), end <= Int64(heap) else {
                throw .invalidColumn(file: path, hdu: currentHDUName, column: name,
                                     problem: "row \(firstRow + row): array descriptor (\(length) elements at heap byte \(offset)) points outside the \(heap)-byte heap")
            }
            if column.repeatCount > 0, length > Int64(column.repeatCount) {
                throw .invalidColumn(file: path, hdu: currentHDUName, column: name,
                                     problem: "row \(firstRow + row) holds \(length) elements but TFORM\(column.number) declares at most \(column.repeatCount)")
            }
            total += Int(length)
            starts[row + 1] = total
        }
        guard total <= heap / max(1, elementBytes) else {
            throw .invalidColumn(file: path, hdu: currentHDUName, column: name,
                                 problem: "array descriptors claim \(total) elements but the heap holds at most \(heap / max(1, elementBytes)) (shared heap areas are not supported)")
        }
        var values = [T](repeating: T.fitsZero, count: total)
        var failedRow = 0
        try values.withUnsafeMutableBufferPointer { buffer throws(FITSError) in
            try call("reading row \(failedRow) of column \(name)", item: "column \(name)") { handle, status in
                for row in 0..<rows where lengths[row] > 0 {
                    var anyNull: Int32 = 0
                    ffgcv(handle, T.fitsDataType, Int32(column.number), Int64(firstRow + row), 1, lengths[row], nil,
                          UnsafeMutableRawPointer(buffer.baseAddress! + starts[row]), &anyNull, &status)
                    if status > 0 { failedRow = firstRow + row; return }
                }
            }
        }
        return FITSCells(values: values, starts: starts)
    }
}
