import Foundation
import PerseusCore

extension PHASpectrum {
    /// Number of spectra in a PHA file: 1 for type I, the number of rows for type II.
    public static func spectrumCount(_ path: String) throws -> Int {
        let reader = try PHAReader(path)
        return reader.isTypeII ? try reader.file.rowCount() : 1
    }

    /// Reads one spectrum from an OGIP PHA file (OGIP/92-007, 92-007a).
    ///
    /// - Parameter row: for a type II file, the row to read, counted from 1 as in XSPEC's
    ///   `file.pha{row}`; required when the file holds more than one spectrum. Must be nil or
    ///   1 for a type I file.
    /// - Throws: `FITSError` for container problems (missing SPECTRUM extension, CHANNEL or
    ///   COUNTS/RATE column, EXPOSURE keyword, …); `OGIPError` for content problems (negative
    ///   or NaN counts, STAT_ERR missing while POISSERR = F, a row that does not exist, …).
    public static func read(_ path: String, row: Int? = nil) throws -> PHASpectrum {
        let reader = try PHAReader(path)
        if !reader.isTypeII {
            guard row == nil || row == 1 else { throw OGIPError.rowOutOfRange(file: path, row: row!, rows: 1) }
            return try reader.typeI()
        }
        let rows = try reader.file.rowCount()
        guard let row else {
            if rows == 1 { return try reader.typeII(rows: 0..<1)[0] }
            throw OGIPError.invalidData(what: path, problem: "a type II PHA file with \(rows) spectra; say which row (1…\(rows)) to read")
        }
        guard row >= 1, row <= rows else { throw OGIPError.rowOutOfRange(file: path, row: row, rows: rows) }
        return try reader.typeII(rows: (row - 1)..<row)[0]
    }

    /// Whether a PHA file is type II (one spectrum per row, OGIP/92-007 §3.2).
    public static func isTypeII(_ path: String) throws -> Bool {
        try PHAReader(path).isTypeII
    }

    /// Reads the spectra in rows `rows` (counted from 1) of a PHA file; a type I file has the
    /// single row 1. Use it to walk a large type II file in batches.
    public static func read(_ path: String, rows: ClosedRange<Int>) throws -> [PHASpectrum] {
        let reader = try PHAReader(path)
        let count = reader.isTypeII ? try reader.file.rowCount() : 1
        guard rows.lowerBound >= 1, rows.upperBound <= count else {
            throw OGIPError.rowOutOfRange(file: path, row: rows.lowerBound < 1 ? rows.lowerBound : rows.upperBound, rows: count)
        }
        return reader.isTypeII ? try reader.typeII(rows: (rows.lowerBound - 1)..<rows.upperBound) : [try reader.typeI()]
    }

    /// Reads every spectrum of a PHA file: one for type I, one per row for type II.
    public static func readAll(_ path: String) throws -> [PHASpectrum] {
        let reader = try PHAReader(path)
        if !reader.isTypeII { return [try reader.typeI()] }
        return try reader.typeII(rows: 0..<reader.file.rowCount())
    }
}

/// Reads the SPECTRUM extension of a PHA file: the layout and shared keywords once, then
/// spectra. Keyword-or-column quantities (OGIP/92-007 §3.1 and the type II section) are taken
/// from the column when there is one, else from the keyword.
struct PHAReader {
    let file: FITSFile
    let path: String
    let hdu: String
    let isTypeII: Bool
    let dataColumn: String
    let isRate: Bool
    let kind: PHASpectrum.Kind
    let identity: InstrumentIdentity
    let channelType: String
    let object: String?
    let channelColumnNumber: Int
    /// Keyword defaults applied to every spectrum of the file.
    var assumed: [String] = []

    init(_ path: String) throws {
        self.path = path
        file = try FITSFile.open(path)
        let summary = try file.moveToExtension(OGIPConventions.spectrumDescription, where: OGIPConventions.isSpectrum)
        hdu = file.currentHDUName
        let hasCounts = try file.hasColumn("COUNTS"), hasRate = try file.hasColumn("RATE")
        let class3 = summary.hduClass3?.uppercased()
        switch (hasCounts, hasRate) {
        case (true, false): isRate = false
        case (false, true): isRate = true
        case (true, true):
            guard let class3, class3 == "COUNT" || class3 == "RATE" else {
                throw OGIPError.inconsistent(file: path, hdu: hdu, problem: "both COUNTS and RATE columns and no HDUCLAS3 = 'COUNT' or 'RATE' to choose between them")
            }
            isRate = class3 == "RATE"
        case (false, false):
            throw FITSError.missingColumn(file: path, hdu: hdu, column: "COUNTS or RATE")
        }
        dataColumn = isRate ? "RATE" : "COUNTS"
        let column = try file.column(dataColumn)
        // Type II when HDUCLAS4 says so or the data cells are vectors (files without HDUCLAS4).
        let vectorCells = column.isVariableLength || column.repeatCount > 1
        let class4 = summary.hduClass4?.uppercased().replacingOccurrences(of: " ", with: "")
        if class4 == "TYPE:I", vectorCells {
            throw OGIPError.inconsistent(file: path, hdu: hdu,
                problem: "HDUCLAS4 = 'TYPE:I' but \(dataColumn) has vector cells (\(column.isVariableLength ? "variable length" : "\(column.repeatCount) values")), as in a type II file")
        }
        isTypeII = vectorCells || class4 == "TYPE:II"
        if let class2 = summary.hduClass2?.uppercased() {
            guard let value = PHASpectrum.Kind(rawValue: class2) else {
                throw FITSError.invalidKeyword(file: path, hdu: hdu, keyword: "HDUCLAS2", value: "'\(class2)'", expected: "'TOTAL', 'NET' or 'BKG'")
            }
            kind = value
        } else {
            kind = .total
            assumed.append("HDUCLAS2 = 'TOTAL'")
        }
        identity = try InstrumentIdentity.read(from: file)
        if let type = try file.optionalString("CHANTYPE") {
            channelType = type
        } else {
            channelType = "PI"
            assumed.append("CHANTYPE = 'PI'")
        }
        object = try file.optionalString("OBJECT")
        channelColumnNumber = try file.column("CHANNEL").number
    }

    // MARK: Shared keyword helpers

    /// DETCHANS, or `fallback` (recorded as assumed) when absent.
    func detectorChannels(fallback: Int, assumed: inout [String]) throws -> Int {
        if let value = try file.optionalInt("DETCHANS") {
            guard value >= 1 else { throw FITSError.invalidKeyword(file: path, hdu: hdu, keyword: "DETCHANS", value: "\(value)", expected: "≥ 1") }
            return value
        }
        assumed.append("DETCHANS = \(fallback) (the number of channels)")
        return fallback
    }

    /// TLMIN of CHANNEL, or the smallest channel present (recorded) when absent.
    func firstChannel(channels: [Int], assumed: inout [String]) throws -> Int {
        if let value = try file.optionalInt("TLMIN\(channelColumnNumber)") { return value }
        let first = channels.min() ?? 1
        assumed.append("TLMIN\(channelColumnNumber) = \(first) (the first channel present)")
        return first
    }

    /// POISSERR, or — when absent — true if there are no statistical errors (XSPEC's rule).
    func poissonErrors(hasStatisticalErrors: Bool, assumed: inout [String]) throws -> Bool {
        if let value = try file.optionalBool("POISSERR") { return value }
        assumed.append("POISSERR = \(hasStatisticalErrors ? "F" : "T") (\(hasStatisticalErrors ? "STAT_ERR present" : "no STAT_ERR"))")
        return !hasStatisticalErrors
    }

    /// A scale keyword (BACKSCAL, AREASCAL) with default 1 (recorded) when absent.
    func scaleKeyword(_ name: String, assumed: inout [String]) throws -> Double {
        if let value = try file.optionalDouble(name) { return value }
        assumed.append("\(name) = 1")
        return 1
    }

    /// A file-name keyword; 'NONE', 'none' and blanks mean no file.
    func fileKeyword(_ name: String) throws -> String? {
        PHAReader.fileName(try file.optionalString(name))
    }

    static func fileName(_ value: String?) -> String? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.uppercased() != "NONE" else { return nil }
        return text
    }

    /// A per-channel flag or error given either as a column or as a keyword: nil for an absent
    /// or zero keyword, otherwise the keyword's value repeated on every channel.
    func keywordFill<T: BinaryInteger>(_ name: String, count: Int, as type: T.Type) throws -> [T]? {
        guard let value = try file.optionalInt(name), value != 0 else { return nil }
        return [T](repeating: T(value), count: count)
    }

    // MARK: Type I

    func typeI() throws -> PHASpectrum {
        var assumed = self.assumed
        let channels = try file.readScalars("CHANNEL", as: Int64.self).map { Int($0) }
        let values: [Double] = try file.readScalars(dataColumn)
        let count = channels.count
        let statistical: [Double]? = try file.hasColumn("STAT_ERR") ? file.readScalars("STAT_ERR") : nil
        var systematic: [Double]? = try file.hasColumn("SYS_ERR") ? file.readScalars("SYS_ERR") : nil
        if systematic == nil, let value = try file.optionalDouble("SYS_ERR"), value != 0 {
            systematic = [Double](repeating: value, count: count)
        }
        let quality: [Int16]? = try file.hasColumn("QUALITY") ? file.readScalars("QUALITY") : keywordFill("QUALITY", count: count, as: Int16.self)
        let grouping: [Int16]? = try file.hasColumn("GROUPING") ? file.readScalars("GROUPING") : keywordFill("GROUPING", count: count, as: Int16.self)
        let backgroundScale: PHASpectrum.Scale = try file.hasColumn("BACKSCAL")
            ? .perChannel(file.readScalars("BACKSCAL")) : .uniform(scaleKeyword("BACKSCAL", assumed: &assumed))
        let areaScale: PHASpectrum.Scale = try file.hasColumn("AREASCAL")
            ? .perChannel(file.readScalars("AREASCAL")) : .uniform(scaleKeyword("AREASCAL", assumed: &assumed))
        let exposure = try file.double("EXPOSURE")
        var correctionScale = 0.0
        if let value = try file.optionalDouble("CORRSCAL") { correctionScale = value } else { assumed.append("CORRSCAL = 0") }
        var spectrum = PHASpectrum(
            values: isRate ? .rates(values) : .counts(values), exposure: exposure, channels: channels,
            firstChannel: try firstChannel(channels: channels, assumed: &assumed),
            detectorChannels: try detectorChannels(fallback: count, assumed: &assumed),
            statisticalErrors: statistical, systematicErrors: systematic, quality: quality, grouping: grouping,
            backgroundScale: backgroundScale, areaScale: areaScale, correctionScale: correctionScale,
            responseFile: try fileKeyword("RESPFILE"), ancillaryFile: try fileKeyword("ANCRFILE"),
            backgroundFile: try fileKeyword("BACKFILE"), correctionFile: try fileKeyword("CORRFILE"),
            poissonErrors: try poissonErrors(hasStatisticalErrors: statistical != nil, assumed: &assumed),
            identity: identity, channelType: channelType, kind: kind, object: object)
        spectrum.assumedKeywords = assumed
        try spectrum.validate(as: "\(path)[\(hdu)]")
        return spectrum
    }

    // MARK: Type II

    /// Cells of an optional numeric column for `rows`, or nil if the column is absent.
    private func optionalCells<T: FITSElement>(_ name: String, rows: Range<Int>) throws -> FITSCells<T>? {
        try file.hasColumn(name) ? file.readCells(name, rows: rows) : nil
    }

    /// Per-row strings of an optional character column, or nil if the column is absent.
    private func optionalStrings(_ name: String, rows: Range<Int>) throws -> [String]? {
        try file.hasColumn(name) ? file.readStrings(name, rows: rows) : nil
    }

    func typeII(rows: Range<Int>) throws -> [PHASpectrum] {
        let channelCells: FITSCells<Int64> = try file.readCells("CHANNEL", rows: rows)
        let dataCells: FITSCells<Double> = try file.readCells(dataColumn, rows: rows)
        let statistical: FITSCells<Double>? = try optionalCells("STAT_ERR", rows: rows)
        let systematic: FITSCells<Double>? = try optionalCells("SYS_ERR", rows: rows)
        let quality: FITSCells<Int16>? = try optionalCells("QUALITY", rows: rows)
        let grouping: FITSCells<Int16>? = try optionalCells("GROUPING", rows: rows)
        let exposure: FITSCells<Double>? = try optionalCells("EXPOSURE", rows: rows)
        let backscal: FITSCells<Double>? = try optionalCells("BACKSCAL", rows: rows)
        let areascal: FITSCells<Double>? = try optionalCells("AREASCAL", rows: rows)
        let corrscal: FITSCells<Double>? = try optionalCells("CORRSCAL", rows: rows)
        let specNum: FITSCells<Int64>? = try optionalCells("SPEC_NUM", rows: rows)
        let rowIDs = try optionalStrings("ROWID", rows: rows)
        let files = try ["RESPFILE", "ANCRFILE", "BACKFILE", "CORRFILE"].map { name in
            (column: try optionalStrings(name, rows: rows), keyword: try fileKeyword(name))
        }
        let exposureKeyword = exposure == nil ? try file.double("EXPOSURE") : 0
        let systematicKeyword = systematic == nil ? try file.optionalDouble("SYS_ERR") ?? 0 : 0
        let qualityKeyword = quality == nil ? try file.optionalInt("QUALITY") ?? 0 : 0
        let groupingKeyword = grouping == nil ? try file.optionalInt("GROUPING") ?? 0 : 0
        var sharedAssumed = assumed
        let backscalKeyword = backscal == nil ? try scaleKeyword("BACKSCAL", assumed: &sharedAssumed) : 1
        let areascalKeyword = areascal == nil ? try scaleKeyword("AREASCAL", assumed: &sharedAssumed) : 1
        var corrscalKeyword = 0.0
        if corrscal == nil {
            if let value = try file.optionalDouble("CORRSCAL") { corrscalKeyword = value } else { sharedAssumed.append("CORRSCAL = 0") }
        }

        var spectra: [PHASpectrum] = []
        for index in 0..<rows.count {
            let row = rows.lowerBound + index + 1
            let what = "\(path)[\(hdu)] row \(row)"
            var assumed = sharedAssumed
            let channels = channelCells[index].map { Int($0) }
            let count = channels.count
            func perChannel<T>(_ cells: FITSCells<T>?, _ name: String) throws -> [T]? {
                guard let cells else { return nil }
                guard cells.count(index) == count else {
                    throw OGIPError.inconsistentRow(file: path, hdu: hdu, row: row, problem: "\(name) has \(cells.count(index)) values for \(count) channels")
                }
                return Array(cells[index])
            }
            func scalar(_ cells: FITSCells<Double>?, _ name: String, keyword: Double) throws -> Double {
                guard let cells else { return keyword }
                guard cells.count(index) == 1 else {
                    throw OGIPError.inconsistentRow(file: path, hdu: hdu, row: row, problem: "\(name) holds \(cells.count(index)) values; expected one")
                }
                return cells[index].first!
            }
            func scale(_ cells: FITSCells<Double>?, _ name: String, keyword: Double) throws -> PHASpectrum.Scale {
                guard let cells else { return .uniform(keyword) }
                if cells.count(index) == 1 { return .uniform(cells[index].first!) }
                guard cells.count(index) == count else {
                    throw OGIPError.inconsistentRow(file: path, hdu: hdu, row: row, problem: "\(name) holds \(cells.count(index)) values; expected 1 or \(count)")
                }
                return .perChannel(Array(cells[index]))
            }
            let values = try perChannel(dataCells, dataColumn)!
            let statisticalErrors = try perChannel(statistical, "STAT_ERR")
            var systematicErrors = try perChannel(systematic, "SYS_ERR")
            if systematic == nil, systematicKeyword != 0 { systematicErrors = [Double](repeating: systematicKeyword, count: count) }
            var qualityFlags = try perChannel(quality, "QUALITY")
            if quality == nil, qualityKeyword != 0 { qualityFlags = [Int16](repeating: Int16(truncatingIfNeeded: qualityKeyword), count: count) }
            var groupingFlags = try perChannel(grouping, "GROUPING")
            if grouping == nil, groupingKeyword != 0 { groupingFlags = [Int16](repeating: Int16(truncatingIfNeeded: groupingKeyword), count: count) }
            func fileName(_ k: Int) -> String? {
                if let column = files[k].column { return PHAReader.fileName(column[index]) }
                return files[k].keyword
            }
            var spectrum = PHASpectrum(
                values: isRate ? .rates(values) : .counts(values),
                exposure: try scalar(exposure, "EXPOSURE", keyword: exposureKeyword), channels: channels,
                firstChannel: try firstChannel(channels: channels, assumed: &assumed),
                detectorChannels: try detectorChannels(fallback: count, assumed: &assumed),
                statisticalErrors: statisticalErrors, systematicErrors: systematicErrors,
                quality: qualityFlags, grouping: groupingFlags,
                backgroundScale: try scale(backscal, "BACKSCAL", keyword: backscalKeyword),
                areaScale: try scale(areascal, "AREASCAL", keyword: areascalKeyword),
                correctionScale: try scalar(corrscal, "CORRSCAL", keyword: corrscalKeyword),
                responseFile: fileName(0), ancillaryFile: fileName(1), backgroundFile: fileName(2), correctionFile: fileName(3),
                poissonErrors: try poissonErrors(hasStatisticalErrors: statisticalErrors != nil, assumed: &assumed),
                identity: identity, channelType: channelType, kind: kind, object: object)
            spectrum.rowIdentifier = rowIDs.map { $0[index] }.flatMap { $0.isEmpty ? nil : $0 }
            spectrum.spectrumNumber = specNum.flatMap { $0.count(index) == 1 ? Int($0[index].first!) : nil }
            spectrum.assumedKeywords = assumed
            try spectrum.validate(as: what)
            spectra.append(spectrum)
        }
        return spectra
    }
}
