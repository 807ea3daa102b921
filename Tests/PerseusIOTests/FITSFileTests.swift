import Foundation
import Testing
@testable import PerseusIO
import PerseusTestSupport

/// The safe cfitsio layer: keywords, columns, errors.
@Suite struct FITSFileTests {
    @Test func keywordsRoundTripWithTheirTypes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("keywords.fits")
        let file = try FITSFile.create(path)
        try file.writeEmptyPrimary()
        try file.createBinaryTable(named: "DATA", rows: 1, columns: [FITSColumnFormat("X", "1D")])
        try file.writeKeyword("ASTRING", .string("hello world"))
        try file.writeKeyword("LONGSTR", .string(String(repeating: "responses/", count: 12)))
        try file.writeKeyword("ANINT", .integer(-123_456_789_012))
        try file.writeKeyword("AREAL", .real(0.1))
        try file.writeKeyword("TINY", .real(1.234_567_890_123_456_7e-300))
        try file.writeKeyword("ABOOL", .logical(true))
        try file.writeKeyword("QUOTED", .string("42"))
        try file.close()

        let read = try FITSFile.open(path)
        try read.moveToExtension(named: "DATA")
        #expect(try read.string("ASTRING") == "hello world")
        #expect(try read.string("LONGSTR") == String(repeating: "responses/", count: 12))
        #expect(try read.int("ANINT") == -123_456_789_012)
        #expect(try read.double("AREAL") == 0.1)
        #expect(try read.double("TINY") == 1.234_567_890_123_456_7e-300)
        #expect(try read.bool("ABOOL") == true)
        #expect(try read.int("QUOTED") == 42)   // cfitsio converts a quoted number, as XSPEC does
        #expect(try read.optionalInt("ABSENT") == nil)
        #expect(try read.hasKeyword("ABOOL"))
        #expect(try !read.hasKeyword("ABSENT"))
    }

    @Test func missingAndMistypedKeywordsAreTypedErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("k.fits")
        try RawRMF.write(path)
        let file = try FITSFile.open(path)
        try file.moveToExtension(named: "MATRIX")
        #expect(throws: FITSError.missingKeyword(file: path, hdu: "MATRIX", keyword: "EXPOSURE")) { try file.double("EXPOSURE") }
        let error = #expect(throws: FITSError.self) { try file.int("TELESCOP") }
        switch error {
        case let .invalidKeyword(_, hdu, keyword, value, expected)?:
            #expect(hdu == "MATRIX" && keyword == "TELESCOP" && value.contains("TEST") && expected == "an integer")
        default: Issue.record("expected invalidKeyword, got \(String(describing: error))")
        }
        #expect(error?.description.contains(path) == true)
    }

    @Test func fixedAndVariableLengthColumnsReadIntoCells() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("cells.fits")
        try RawTable.write(path, [RawTable(name: "T", rows: 3, columns: [
            (FITSColumnFormat("SCALAR", "1J"), .ints([7, 8, 9])),
            (FITSColumnFormat("VECTOR", "2E"), .floats([1, 2, 3, 4, 5, 6])),
            (FITSColumnFormat("VARIABLE", "1PJ(3)"), .variableInts([[1, 2, 3], [], [4]])),
            (FITSColumnFormat("NAME", "8A"), .strings(["a", "bb", "ccc"])),
        ], keywords: [("TLMIN1", .integer(1)), ("TLMAX1", .string("9"))])])
        let file = try FITSFile.open(path)
        try file.moveToExtension(named: "T")
        #expect(try file.rowCount() == 3)
        #expect(try file.readScalars("SCALAR", as: Int32.self) == [7, 8, 9])
        #expect(try file.readScalars("SCALAR", as: Double.self) == [7, 8, 9])
        let vector: FITSCells<Float> = try file.readCells("VECTOR")
        #expect(vector.values == [1, 2, 3, 4, 5, 6] && vector.starts == [0, 2, 4, 6])
        let variable: FITSCells<Int32> = try file.readCells("VARIABLE")
        #expect(variable.values == [1, 2, 3, 4] && variable.starts == [0, 3, 3, 4])
        let middle: FITSCells<Int32> = try file.readCells("VARIABLE", rows: 1..<3)
        #expect(middle.values == [4] && middle.starts == [0, 0, 1])
        #expect(try file.column("SCALAR").legalMinimum == 1 && file.column("SCALAR").legalMaximum == 9)
        let column = try file.column("VARIABLE")
        #expect(column.isVariableLength && column.repeatCount == 3)
        #expect(try file.readStrings("NAME") == ["a", "bb", "ccc"])
        #expect(try file.readStrings("NAME", rows: 2..<3) == ["ccc"])
        #expect(throws: FITSError.missingColumn(file: path, hdu: "T", column: "ABSENT")) { try file.readScalars("ABSENT", as: Double.self) }
        #expect(throws: FITSError.self) { try file.readScalars("NAME", as: Double.self) }
        #expect(throws: FITSError.self) { try file.readScalars("VECTOR", as: Double.self) }
        #expect(throws: FITSError.self) { try file.readCells("SCALAR", as: Double.self, rows: 2..<5) }
    }

    /// TSCALn/TZEROn are applied by cfitsio (the file is written by astropy, independently).
    @Test(.enabled(if: Environment.hasAstropy, Environment.astropySkip))
    func scaledColumnsAreConvertedByCfitsio() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("scaled.fits")
        try Python.run("""
        import sys, numpy as np
        from astropy.io import fits
        # Stored integers with placeholder keywords, renamed to TSCALn/TZEROn in the bytes so
        # that no library applies the scaling on the way in.
        c1 = fits.Column(name='SCALED', format='I', array=np.array([0, 1, 2, 1000], dtype=np.int16))
        c2 = fits.Column(name='UNSIGNED', format='J', array=np.array([0, 1, 2, 2147483647], dtype=np.int32))
        hdu = fits.BinTableHDU.from_columns([c1, c2], name='T')
        hdu.header['XSCAL1'] = 0.5
        hdu.header['XZERO1'] = 10.0
        hdu.header['XZERO2'] = 2147483648
        fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(sys.argv[1])
        data = open(sys.argv[1], 'rb').read()
        for key in (b'SCAL1', b'ZERO1', b'ZERO2'):
            data = data.replace(b'X' + key + b' ', b'T' + key + b' ')
        open(sys.argv[1], 'wb').write(data)
        """, arguments: [path])
        let file = try FITSFile.open(path)
        try file.moveToExtension(named: "T")
        #expect(try file.readScalars("SCALED", as: Double.self) == [10, 10.5, 11, 510])
        #expect(try file.readScalars("UNSIGNED", as: Int64.self) == [2_147_483_648, 2_147_483_649, 2_147_483_650, 4_294_967_295])
        // A value that does not fit the type asked for is an error, not a wrap-around.
        #expect(throws: FITSError.self) { try file.readScalars("UNSIGNED", as: Int32.self) }
    }

    @Test func openingProblemsNameTheFile() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: FITSError.fileNotFound(file: directory.path("absent.fits"))) { try FITSFile.open(directory.path("absent.fits")) }
        let text = directory.path("text.fits")
        try "not a FITS file at all\n".write(toFile: text, atomically: true, encoding: .utf8)
        let error = #expect(throws: FITSError.self) { try FITSFile.open(text) }
        #expect(error?.description.hasPrefix(text) == true)
        switch error {
        case .library?: break
        default: Issue.record("expected a cfitsio error, got \(String(describing: error))")
        }
        #expect(throws: FITSError.self) { try FITSFile.open(directory.url.path) }
        // Brackets and '!' are taken literally (no cfitsio extended file-name syntax).
        let odd = directory.path("odd[1]!.fits")
        try RawRMF.write(odd)
        let file = try FITSFile.open(odd)
        #expect(try file.hduCount() == 3)
        // create refuses an existing file
        #expect(throws: FITSError.self) { try FITSFile.create(odd) }
    }

    @Test func closedFilesAndReadOnlyFilesRefuseWork() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("c.fits")
        try RawRMF.write(path)
        let file = try FITSFile.open(path)
        #expect(throws: FITSError.self) { try file.writeKeyword("X", .integer(1)) }
        #expect(throws: FITSError.self) { try file.write([1.0], column: "ENERG_LO") }
        try file.close()
        #expect(throws: FITSError.self) { try file.hduCount() }
        #expect(throws: FITSError.self) { try file.moveTo(hdu: 2) }
    }

    @Test func extensionsAreFoundByNameOrClass() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("e.fits")
        try RawRMF.write(path)
        let file = try FITSFile.open(path)
        let summaries = try file.hduSummaries()
        #expect(summaries.map(\.label) == ["PRIMARY", "MATRIX", "EBOUNDS"])
        #expect(summaries[1].hasClass("RESPONSE", "RSP_MATRIX") && summaries[1].hduClass3 == "REDIST")
        let found = try file.moveToExtension("the channel bounds") { $0.hasClass("RESPONSE", "EBOUNDS") }
        #expect(found.number == 3 && file.currentHDUName == "EBOUNDS")
        #expect(throws: FITSError.missingExtension(file: path, expected: "SPECTRUM", present: ["MATRIX", "EBOUNDS"])) {
            try file.moveToExtension(named: "SPECTRUM")
        }
        #expect(throws: FITSError.self) { try file.moveTo(hdu: 9) }
        #expect(throws: FITSError.self) { try file.moveTo(hdu: 0) }
    }

    @Test func lockIsSharedAcrossThreads() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.fits")
        try RawRMF.write(path)
        // Many files read concurrently: every cfitsio call takes the one lock, results agree.
        let sums = try await withThrowingTaskGroup(of: Double.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let file = try FITSFile.open(path)
                    try file.moveToExtension(named: "MATRIX")
                    let cells: FITSCells<Float> = try file.readCells("MATRIX")
                    return cells.values.reduce(0) { $0 + Double($1) }
                }
            }
            var all: [Double] = []
            for try await sum in group { all.append(sum) }
            return all
        }
        #expect(sums.count == 8 && Set(sums).count == 1)
    }
}
