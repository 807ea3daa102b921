import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// What Perseus writes, read back by astropy: the columns, keywords and numbers OGIP readers
/// (XSPEC, Sherpa, astropy-based tools) look for.
@Suite(.enabled(if: Environment.hasAstropy, Environment.astropySkip))
struct AstropyInteropTests {
    /// Every binary table of a file: name, columns (name, TFORM), header keywords, data.
    static let dump = """
    import sys, json, warnings, numpy as np
    from astropy.io import fits
    warnings.simplefilter('error')   # a checksum or standard-conformance warning fails the test
    out = {}
    with fits.open(sys.argv[1], checksum=True) as h:
        for hdu in h[1:]:
            cols = {}
            for c in hdu.columns:
                values = hdu.data[c.name]
                if c.format.startswith('P') or c.format.startswith('1P'):
                    values = [np.asarray(v).tolist() for v in values]
                else:
                    values = np.asarray(values).tolist()
                cols[c.name] = {'format': c.format, 'unit': c.unit, 'data': values}
            keys = {k: hdu.header[k] for k in hdu.header if k not in ('COMMENT', 'HISTORY', '')}
            out[hdu.name] = {'columns': cols, 'keywords': keys}
    print(json.dumps(out, default=str))
    """

    static func read(_ path: String) throws -> [String: [String: Any]] {
        try #require(try Python.json(dump, arguments: [path]) as? [String: [String: Any]])
    }

    static func keywords(_ table: [String: Any]?) -> [String: Any] { table?["keywords"] as? [String: Any] ?? [:] }
    static func column(_ table: [String: Any]?, _ name: String) -> [String: Any]? {
        (table?["columns"] as? [String: Any])?[name] as? [String: Any]
    }

    @Test func responseMatrixAsAstropySeesIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("m.rmf")
        let energies = try EnergyGrid(edges: RawRMF.energyEdges)
        let channels = try EnergyGrid(edges: RawRMF.channelEdges)
        let matrix = try ResponseMatrix(energies: energies, channelEnergies: channels, firstChannel: 0, dense: RawRMF.dense,
                                        identity: InstrumentIdentity(telescope: "NuSTAR", instrument: "FPMA", filter: "NONE"),
                                        threshold: 1e-6)
        try matrix.write(to: path)
        let file = try Self.read(path)
        let m = file["MATRIX"], e = file["EBOUNDS"]
        let k = Self.keywords(m)
        #expect(k["HDUCLASS"] as? String == "OGIP" && k["HDUCLAS1"] as? String == "RESPONSE")
        #expect(k["HDUCLAS2"] as? String == "RSP_MATRIX" && k["HDUCLAS3"] as? String == "REDIST" && k["HDUVERS"] as? String == "1.3.0")
        #expect(k["DETCHANS"] as? Int == 5 && k["TLMIN4"] as? Int == 0 && k["TLMAX4"] as? Int == 4)
        #expect(k["TELESCOP"] as? String == "NuSTAR" && k["INSTRUME"] as? String == "FPMA" && k["FILTER"] as? String == "NONE")
        #expect(k["CHANTYPE"] as? String == "PI" && k["LO_THRES"] as? Double == 1e-6)
        #expect(Self.column(m, "F_CHAN")?["format"] as? String == "1PJ(2)")
        #expect(Self.column(m, "MATRIX")?["format"] as? String == "1PE(3)")
        #expect(Self.column(m, "ENERG_LO")?["unit"] as? String == "keV")
        #expect(Self.column(m, "N_GRP")?["data"] as? [Int] == [1, 2, 0, 1])
        #expect(Self.column(m, "F_CHAN")?["data"] as? [[Int]] == [[0], [0, 3], [], [2]])
        #expect(Self.column(m, "N_CHAN")?["data"] as? [[Int]] == [[2], [1, 2], [], [3]])
        let values = (Self.column(m, "MATRIX")?["data"] as? [[Double]])?.flatMap { $0 } ?? []
        #expect(worstDifference(values, matrix.values.map(Double.init)) < 1e-12)
        #expect(Self.column(e, "CHANNEL")?["data"] as? [Int] == [0, 1, 2, 3, 4])
        #expect(Self.column(e, "E_MIN")?["data"] as? [Double] == channels.lo)
        #expect(Self.keywords(e)["HDUCLAS2"] as? String == "EBOUNDS")
        #expect(Self.keywords(m)["CHECKSUM"] != nil && Self.keywords(e)["DATASUM"] != nil)
    }

    @Test func ancillaryResponseAsAstropySeesIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("a.arf")
        let grid = try EnergyGrid(edges: [0.5, 1, 1.5, 2])
        try AncillaryResponse(energies: grid, effectiveArea: [10, 250.5, 30], identity: InstrumentIdentity(telescope: "XRISM", instrument: "RESOLVE"))
            .write(to: path)
        let table = try Self.read(path)["SPECRESP"]
        let k = Self.keywords(table)
        #expect(k["HDUCLAS1"] as? String == "RESPONSE" && k["HDUCLAS2"] as? String == "SPECRESP" && k["TELESCOP"] as? String == "XRISM")
        #expect(Self.column(table, "SPECRESP")?["data"] as? [Double] == [10, 250.5, 30])
        #expect(Self.column(table, "SPECRESP")?["unit"] as? String == "cm**2")
        #expect(Self.column(table, "ENERG_HI")?["data"] as? [Double] == [1, 1.5, 2])
    }

    @Test func typeISpectrumAsAstropySeesIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.pha")
        let spectrum = PHASpectrum(values: .counts([0, 3, 7, 2]), exposure: 5e4, firstChannel: 0, detectorChannels: 4096,
                                   responseFile: "nustar_fpma.rmf", ancillaryFile: "nustar_fpma.arf",
                                   identity: InstrumentIdentity(telescope: "NuSTAR", instrument: "FPMA"))
        try spectrum.write(to: path)
        let table = try Self.read(path)["SPECTRUM"]
        let k = Self.keywords(table)
        let expected: [String: Any] = [
            "HDUCLASS": "OGIP", "HDUCLAS1": "SPECTRUM", "HDUCLAS2": "TOTAL", "HDUCLAS3": "COUNT", "HDUCLAS4": "TYPE:I",
            "HDUVERS": "1.2.1", "TELESCOP": "NuSTAR", "INSTRUME": "FPMA", "FILTER": "NONE", "RESPFILE": "nustar_fpma.rmf",
            "ANCRFILE": "nustar_fpma.arf", "BACKFILE": "NONE", "CORRFILE": "NONE", "CHANTYPE": "PI",
        ]
        for (key, value) in expected { #expect(k[key] as? String == value as? String, "\(key)") }
        #expect(k["EXPOSURE"] as? Double == 5e4 && k["BACKSCAL"] as? Double == 1 && k["AREASCAL"] as? Double == 1)
        #expect(k["CORRSCAL"] as? Double == 0 && k["POISSERR"] as? Bool == true && k["DETCHANS"] as? Int == 4096)
        #expect(k["TLMIN1"] as? Int == 0 && k["TLMAX1"] as? Int == 4095)
        #expect(k["QUALITY"] as? Int == 0 && k["GROUPING"] as? Int == 0 && k["SYS_ERR"] as? Int == 0)
        #expect(Self.column(table, "COUNTS")?["format"] as? String == "1J")
        #expect(Self.column(table, "COUNTS")?["data"] as? [Int] == [0, 3, 7, 2])
        #expect(Self.column(table, "CHANNEL")?["data"] as? [Int] == [0, 1, 2, 3])
    }

    @Test func typeIISpectraAsAstropySeesThem() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("set.pha")
        let spectra = (0..<3).map { index in
            PHASpectrum(values: .counts([Double(index), 1, 2]), exposure: 100 * Double(index + 1), firstChannel: 1,
                        identity: InstrumentIdentity(telescope: "HITOMI", instrument: "SXS"))
        }
        try PHASpectrum.writeTypeII(spectra, to: path)
        let table = try Self.read(path)["SPECTRUM"]
        let k = Self.keywords(table)
        #expect(k["HDUCLAS4"] as? String == "TYPE:II" && k["DETCHANS"] as? Int == 3 && k["TLMIN2"] as? Int == 1)
        #expect(Self.column(table, "SPEC_NUM")?["data"] as? [Int] == [1, 2, 3])
        #expect(Self.column(table, "COUNTS")?["format"] as? String == "3J")
        #expect(Self.column(table, "COUNTS")?["data"] as? [[Int]] == [[0, 1, 2], [1, 1, 2], [2, 1, 2]])
        #expect(Self.column(table, "CHANNEL")?["data"] as? [[Int]] == [[1, 2, 3], [1, 2, 3], [1, 2, 3]])
        #expect(Self.column(table, "EXPOSURE")?["data"] as? [Double] == [100, 200, 300])
        #expect(k["EXPOSURE"] == nil && k["BACKSCAL"] as? Double == 1)
    }
}
