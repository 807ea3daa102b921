import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Type II PHA files: one spectrum per row.
@Suite struct PHATypeIITests {
    static func spectra(count: Int = 5, channels: Int = 48) -> [PHASpectrum] {
        (0..<count).map { index in
            var stream = RandomStream(seed: 11, purpose: .testing, index: UInt64(index))
            let counts = (0..<channels).map { Double(stream.poisson(mean: 5 + Double($0 % 7))) }
            var spectrum = PHASpectrum(values: .counts(counts), exposure: 1000 * Double(index + 1), firstChannel: 0,
                                       detectorChannels: channels, backgroundScale: .uniform(0.1 * Double(index + 1)),
                                       responseFile: "hitomi.rmf", ancillaryFile: index.isMultiple(of: 2) ? "a.arf" : "b.arf",
                                       identity: InstrumentIdentity(telescope: "HITOMI", instrument: "SXS", filter: "NONE"))
            spectrum.spectrumNumber = index + 1
            spectrum.rowIdentifier = "sample-\(index)"
            return spectrum
        }
    }

    @Test func typeIIRoundTripsWithPerRowColumns() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("set.pha")
        let spectra = Self.spectra()
        try PHASpectrum.writeTypeII(spectra, to: path)
        #expect(try PHASpectrum.spectrumCount(path) == 5)
        #expect(try PHASpectrum.readAll(path) == spectra)
        #expect(try PHASpectrum.read(path, row: 3) == spectra[2])
        #expect(throws: OGIPError.rowOutOfRange(file: path, row: 6, rows: 5)) { try PHASpectrum.read(path, row: 6) }
        #expect(throws: OGIPError.self) { try PHASpectrum.read(path) }   // which row?
        #expect(try PHASpectrum.read(path, rows: 2...4) == Array(spectra[1...3]))
        #expect(throws: OGIPError.self) { try PHASpectrum.read(path, rows: 4...6) }
        #expect(try PHASpectrum.isTypeII(path))
        // EXPOSURE, BACKSCAL and ANCRFILE vary: columns; RESPFILE is common: keyword
        let file = try FITSFile.open(path)
        try file.moveToExtension(named: "SPECTRUM")
        #expect(try file.hasColumn("EXPOSURE") && file.hasColumn("BACKSCAL") && file.hasColumn("ANCRFILE") && file.hasColumn("ROWID"))
        #expect(try !file.hasColumn("RESPFILE") && file.string("RESPFILE") == "hitomi.rmf")
        #expect(try !file.hasColumn("AREASCAL") && file.double("AREASCAL") == 1)
        #expect(try file.string("HDUCLAS4") == "TYPE:II" && file.int("TLMIN2") == 0 && file.int("TLMAX2") == 47)
    }

    @Test func sharedPropertiesMustAgree() throws {
        let directory = try TemporaryDirectory()
        var spectra = Self.spectra(count: 3)
        spectra[1].identity.instrument = "SXI"
        #expect(throws: OGIPError.self) { try PHASpectrum.writeTypeII(spectra, to: directory.path("a.pha")) }
        spectra = Self.spectra(count: 3)
        spectra[2].values = .rates(spectra[2].values.values)
        #expect(throws: OGIPError.self) { try PHASpectrum.writeTypeII(spectra, to: directory.path("b.pha")) }
        spectra = Self.spectra(count: 3)
        spectra[0].quality = [Int16](repeating: 0, count: 48)
        #expect(throws: OGIPError.self) { try PHASpectrum.writeTypeII(spectra, to: directory.path("c.pha")) }
        #expect(throws: OGIPError.self) { try PHASpectrum.writeTypeII([], to: directory.path("d.pha")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty)
    }

    /// A type II file written independently by astropy, with keywords-as-columns (EXPOSURE,
    /// BACKSCAL per row) and per-channel AREASCAL, read row by row.
    @Test(.enabled(if: Environment.hasAstropy, Environment.astropySkip))
    func astropyWrittenTypeIIFileReads() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("astropy2.pha")
        try Python.run("""
        import sys, numpy as np
        from astropy.io import fits
        n, rows = 16, 3
        counts = np.arange(rows * n, dtype=np.int32).reshape(rows, n)
        cols = [fits.Column(name='SPEC_NUM', format='I', array=np.arange(1, rows + 1)),
                fits.Column(name='CHANNEL', format='%dI' % n, array=np.tile(np.arange(1, n + 1), (rows, 1))),
                fits.Column(name='COUNTS', format='%dJ' % n, array=counts),
                fits.Column(name='EXPOSURE', format='E', array=np.array([10., 20., 30.])),
                fits.Column(name='BACKSCAL', format='E', array=np.array([1., 0.5, 0.25])),
                fits.Column(name='AREASCAL', format='%dE' % n, array=np.full((rows, n), 0.75)),
                fits.Column(name='BACKFILE', format='8A', array=['b1.pha', 'NONE', 'b3.pha'])]
        h = fits.BinTableHDU.from_columns(cols, name='SPECTRUM')
        for k, v in [('HDUCLASS', 'OGIP'), ('HDUCLAS1', 'SPECTRUM'), ('HDUCLAS2', 'TOTAL'), ('HDUCLAS3', 'COUNT'),
                     ('HDUCLAS4', 'TYPE:II'), ('TELESCOP', 'CHANDRA'), ('INSTRUME', 'ACIS'), ('POISSERR', True),
                     ('DETCHANS', n), ('TLMIN2', 1), ('TLMAX2', n), ('CHANTYPE', 'PI'), ('CORRSCAL', 0.0), ('RESPFILE', 'r.rmf')]:
            h.header[k] = v
        fits.HDUList([fits.PrimaryHDU(), h]).writeto(sys.argv[1])
        """, arguments: [path])
        let all = try PHASpectrum.readAll(path)
        #expect(all.count == 3)
        #expect(all.map(\.exposure) == [10, 20, 30])
        #expect(all.map(\.backgroundScale) == [.uniform(1), .uniform(0.5), .uniform(0.25)])
        #expect(all[1].areaScale == .perChannel([Double](repeating: 0.75, count: 16)))
        #expect(all.map(\.backgroundFile) == ["b1.pha", nil, "b3.pha"])
        #expect(all[2].values == .counts((32..<48).map(Double.init)) && all[2].channels == Array(1...16))
        #expect(all[0].responseFile == "r.rmf" && all[0].spectrumNumber == 1 && all[0].firstChannel == 1)
        #expect(try PHASpectrum.read(path, row: 2) == all[1])
    }
}
