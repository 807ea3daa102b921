import Foundation
@testable import PerseusIO

/// Writes arbitrary (also deliberately invalid) binary tables through the FITS layer, so
/// tests can build OGIP files with exactly one thing wrong.
struct RawTable {
    enum Data {
        case doubles([Double])
        case floats([Float])
        case ints([Int32])
        case shorts([Int16])
        case variableInts([[Int32]])
        case variableFloats([[Float]])
        case strings([String])
    }

    var name: String
    var rows: Int
    var columns: [(format: FITSColumnFormat, data: Data)]
    var keywords: [(String, FITSKeywordValue)]

    /// Removes a column by name.
    mutating func remove(column: String) { columns.removeAll { $0.format.name == column } }
    /// Removes a keyword by name.
    mutating func remove(keyword: String) { keywords.removeAll { $0.0 == keyword } }
    /// Sets (adds or replaces) a keyword.
    mutating func set(_ keyword: String, _ value: FITSKeywordValue) {
        remove(keyword: keyword)
        keywords.append((keyword, value))
    }
    /// Replaces the data of a column.
    mutating func replace(column: String, with data: Data) {
        if let i = columns.firstIndex(where: { $0.format.name == column }) { columns[i].data = data }
    }

    static func write(_ path: String, _ tables: [RawTable]) throws {
        let file = try FITSFile.create(path)
        try file.writeEmptyPrimary()
        for table in tables {
            try file.createBinaryTable(named: table.name, rows: table.rows, columns: table.columns.map(\.format))
            for (format, data) in table.columns {
                switch data {
                case let .doubles(v): try file.write(v, column: format.name)
                case let .floats(v): try file.write(v, column: format.name)
                case let .ints(v): try file.write(v, column: format.name)
                case let .shorts(v): try file.write(v, column: format.name)
                case let .strings(v): try file.writeStrings(v, column: format.name)
                case let .variableInts(rows):
                    try file.writeVariableCells(FITSCells(values: rows.flatMap { $0 }, starts: starts(rows)), column: format.name)
                case let .variableFloats(rows):
                    try file.writeVariableCells(FITSCells(values: rows.flatMap { $0 }, starts: starts(rows)), column: format.name)
                }
            }
            for (name, value) in table.keywords { try file.writeKeyword(name, value) }
        }
        try file.close()
    }

    private static func starts<T>(_ rows: [[T]]) -> [Int] {
        var starts = [0]
        for row in rows { starts.append(starts.last! + row.count) }
        return starts
    }
}

/// A small valid RMF in raw form (4 energies × 5 channels numbered from 1, variable-length
/// columns, one row with two groups and one with N_GRP = 0), for tests that break one thing.
enum RawRMF {
    static let energyEdges: [Double] = [1, 2, 3, 4, 5]
    static let channelEdges: [Double] = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]

    static func matrix() -> RawTable {
        RawTable(name: "MATRIX", rows: 4, columns: [
            (FITSColumnFormat("ENERG_LO", "1E", unit: "keV"), .doubles(Array(energyEdges.dropLast()))),
            (FITSColumnFormat("ENERG_HI", "1E", unit: "keV"), .doubles(Array(energyEdges.dropFirst()))),
            (FITSColumnFormat("N_GRP", "1I"), .shorts([1, 2, 0, 1])),
            (FITSColumnFormat("F_CHAN", "1PJ(2)"), .variableInts([[1], [1, 4], [], [3]])),
            (FITSColumnFormat("N_CHAN", "1PJ(2)"), .variableInts([[2], [1, 2], [], [3]])),
            (FITSColumnFormat("MATRIX", "1PE(3)"), .variableFloats([[0.5, 0.25], [0.1, 0.3, 0.2], [], [0.2, 0.5, 0.25]])),
        ], keywords: [
            ("HDUCLASS", .string("OGIP")), ("HDUCLAS1", .string("RESPONSE")), ("HDUCLAS2", .string("RSP_MATRIX")),
            ("HDUCLAS3", .string("REDIST")), ("DETCHANS", .integer(5)), ("TLMIN4", .integer(1)), ("CHANTYPE", .string("PI")),
            ("TELESCOP", .string("TEST")), ("INSTRUME", .string("RAW")),
        ])
    }

    static func bounds() -> RawTable {
        RawTable(name: "EBOUNDS", rows: 5, columns: [
            (FITSColumnFormat("CHANNEL", "1J"), .ints([1, 2, 3, 4, 5])),
            (FITSColumnFormat("E_MIN", "1E", unit: "keV"), .doubles(Array(channelEdges.dropLast()))),
            (FITSColumnFormat("E_MAX", "1E", unit: "keV"), .doubles(Array(channelEdges.dropFirst()))),
        ], keywords: [("HDUCLASS", .string("OGIP")), ("HDUCLAS1", .string("RESPONSE")), ("HDUCLAS2", .string("EBOUNDS")),
                      ("DETCHANS", .integer(5))])
    }

    /// The dense matrix the raw tables describe, [energy][channel index].
    static let dense: [[Double]] = [
        [0.5, 0.25, 0, 0, 0],
        [0.1, 0, 0, 0.3, 0.2],
        [0, 0, 0, 0, 0],
        [0, 0, 0.2, 0.5, 0.25],
    ]

    /// Writes the RMF after applying `change` to its MATRIX and EBOUNDS tables.
    static func write(_ path: String, _ change: (inout RawTable, inout RawTable) -> Void = { _, _ in }) throws {
        var matrix = matrix(), bounds = bounds()
        change(&matrix, &bounds)
        try RawTable.write(path, [matrix, bounds])
    }
}
