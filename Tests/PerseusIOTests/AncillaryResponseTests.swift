import Foundation
import PerseusCore
import Testing
@testable import PerseusIO

/// ARF construction, checks and round trips.
@Suite struct AncillaryResponseTests {
    static let grid = try! EnergyGrid.linear(from: 0.5, to: 2.5, step: 0.25)

    @Test func roundTripIsExact() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("a.arf")
        // 0.1-keV steps are not float32-exact: the writer must fall back to 8-byte reals.
        let grid = try EnergyGrid.linear(from: 0.3, to: 1.3, step: 0.1)
        let area = (0..<grid.count).map { 100 + 10 * sin(Double($0)) }
        let arf = try AncillaryResponse(energies: grid, effectiveArea: area,
                                        identity: InstrumentIdentity(telescope: "XRISM", instrument: "RESOLVE", filter: "OPEN"))
        try arf.write(to: path)
        let back = try AncillaryResponse.read(path)
        #expect(back == arf)
        #expect(back.source == path)
        #expect(throws: OutputError.self) { try arf.write(to: path) }
    }

    @Test func invalidAreasAreRefused() throws {
        for bad in [-1.0, .nan, .infinity] {
            var area = [Double](repeating: 10, count: Self.grid.count)
            area[3] = bad
            #expect(throws: OGIPError.self) { try AncillaryResponse(energies: Self.grid, effectiveArea: area) }
        }
        #expect(throws: OGIPError.self) { try AncillaryResponse(energies: Self.grid, effectiveArea: [1, 2]) }
    }

    /// Bad values and grids in a file are reported with file, row and field.
    @Test func badFilesNameTheRow() throws {
        let directory = try TemporaryDirectory()
        func table(lo: [Double], hi: [Double], area: [Double]) -> RawTable {
            RawTable(name: "SPECRESP", rows: lo.count, columns: [
                (FITSColumnFormat("ENERG_LO", "1E", unit: "keV"), .doubles(lo)),
                (FITSColumnFormat("ENERG_HI", "1E", unit: "keV"), .doubles(hi)),
                (FITSColumnFormat("SPECRESP", "1E", unit: "cm**2"), .doubles(area)),
            ], keywords: [("HDUCLASS", .string("OGIP")), ("HDUCLAS1", .string("RESPONSE")), ("HDUCLAS2", .string("SPECRESP"))])
        }
        let negative = directory.path("negative.arf")
        try RawTable.write(negative, [table(lo: [1, 2, 3], hi: [2, 3, 4], area: [5, -1, 5])])
        #expect(throws: OGIPError.invalidValue(file: negative, hdu: "SPECRESP", field: "SPECRESP", row: 2, value: -1,
                                               expected: "a finite effective area ≥ 0 cm²")) { try AncillaryResponse.read(negative) }
        let nan = directory.path("nan.arf")
        try RawTable.write(nan, [table(lo: [1, 2, 3], hi: [2, 3, 4], area: [5, 5, .nan])])
        let nanError = #expect(throws: OGIPError.self) { try AncillaryResponse.read(nan) }
        #expect(nanError?.description.contains("row 3") == true)
        let decreasing = directory.path("decreasing.arf")
        try RawTable.write(decreasing, [table(lo: [1, 3, 2], hi: [2, 4, 3], area: [5, 5, 5])])
        let gridError = #expect(throws: OGIPError.self) { try AncillaryResponse.read(decreasing) }
        #expect(gridError?.description.contains("ENERG_LO/ENERG_HI") == true)
        let vector = directory.path("typeII.arf")
        try RawTable.write(vector, [RawTable(name: "SPECRESP", rows: 1, columns: [
            (FITSColumnFormat("ENERG_LO", "1E"), .doubles([1])), (FITSColumnFormat("ENERG_HI", "1E"), .doubles([2])),
            (FITSColumnFormat("SPECRESP", "2E"), .doubles([1, 2])),
        ], keywords: [])])
        #expect(throws: OGIPError.self) { try AncillaryResponse.read(vector) }
        let missing = directory.path("missing.arf")
        try RawTable.write(missing, [RawTable(name: "SPECRESP", rows: 1, columns: [
            (FITSColumnFormat("ENERG_LO", "1E"), .doubles([1])), (FITSColumnFormat("ENERG_HI", "1E"), .doubles([2])),
        ], keywords: [])])
        #expect(throws: FITSError.missingColumn(file: missing, hdu: "SPECRESP", column: "SPECRESP")) { try AncillaryResponse.read(missing) }
    }
}
