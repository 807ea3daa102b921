import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Type I PHA files: round trips, checks, keyword defaults.
@Suite struct PHASpectrumTests {
    static func counts(seed: UInt64 = 7, channels: Int = 64) -> [Double] {
        var stream = RandomStream(seed: seed, purpose: .testing)
        return (0..<channels).map { Double(stream.poisson(mean: 20 * exp(-Double($0) / 20))) }
    }

    static let identity = InstrumentIdentity(telescope: "XRISM", instrument: "RESOLVE", filter: "OPEN")

    /// Unset TELESCOP/INSTRUME/FILTER are written as the OGIP placeholders.
    @Test func unsetIdentityIsWrittenAsPlaceholders() throws {
        let directory = try TemporaryDirectory()
        try PHASpectrum(values: .counts([1, 2]), exposure: 1).write(to: directory.path("p.pha"))
        let back = try PHASpectrum.read(directory.path("p.pha"))
        #expect(back.identity == InstrumentIdentity(telescope: "UNKNOWN", instrument: "UNKNOWN", filter: "NONE"))
    }

    static func full() -> PHASpectrum {
        let n = 64
        var spectrum = PHASpectrum(
            values: .counts(counts()), exposure: 12_345.678, firstChannel: 0, detectorChannels: 4096,
            systematicErrors: [Double](repeating: 0.03, count: n),
            quality: (0..<n).map { $0 < 3 ? 5 : 0 },
            grouping: (0..<n).map { $0 % 4 == 0 ? 1 : -1 },
            backgroundScale: .uniform(0.0123), areaScale: .perChannel((0..<n).map { 1 - 0.001 * Double($0) }),
            correctionScale: 0.5, responseFile: "nustar_fpma.rmf", ancillaryFile: "nustar_fpma.arf",
            backgroundFile: "bkg.pha", correctionFile: nil,
            identity: InstrumentIdentity(telescope: "NuSTAR", instrument: "FPMA", filter: "NONE", detector: "DET0"),
            channelType: "PI", kind: .total, object: "Coma")
        spectrum.channels = Array(100..<(100 + n))
        return spectrum
    }

    @Test func countsRoundTripExactly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.pha")
        let spectrum = Self.full()
        try spectrum.write(to: path)
        let back = try PHASpectrum.read(path)
        #expect(back == spectrum)
        #expect(back.assumedKeywords.isEmpty)
        #expect(try PHASpectrum.spectrumCount(path) == 1)
        #expect(try PHASpectrum.readAll(path) == [spectrum])
        #expect(throws: OGIPError.rowOutOfRange(file: path, row: 2, rows: 1)) { try PHASpectrum.read(path, row: 2) }
        #expect(throws: OutputError.self) { try spectrum.write(to: path) }
        // the COUNTS column is 32-bit integer, as OGIP/92-007 specifies
        let file = try FITSFile.open(path)
        try file.moveToExtension(named: "SPECTRUM")
        #expect(try file.column("COUNTS").storedType == 41 && file.string("HDUCLAS4") == "TYPE:I")
    }

    @Test func ratesWithStatisticalErrorsAndExpectedCountsRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let rates = (0..<32).map { 0.01 * Double($0) + 1e-7 }
        let net = PHASpectrum(values: .rates(rates.map { $0 - 0.05 }), exposure: 1e5, firstChannel: 1,
                              statisticalErrors: rates.map { sqrt($0 / 1e5) }, poissonErrors: false,
                              identity: Self.identity, kind: .net)
        try net.write(to: directory.path("net.pha"))
        #expect(try PHASpectrum.read(directory.path("net.pha")) == net)
        // noise-free expected counts are not whole numbers: stored as 8-byte reals, not rounded
        let expected = PHASpectrum(values: .counts(rates.map { $0 * 123.4 }), exposure: 10, identity: Self.identity)
        try expected.write(to: directory.path("expected.pha"))
        let back = try PHASpectrum.read(directory.path("expected.pha"))
        #expect(back == expected && back.totalCounts == expected.totalCounts)
    }

    @Test func invalidSpectraAreRefusedBeforeWriting() throws {
        let directory = try TemporaryDirectory()
        var cases: [(String, PHASpectrum)] = []
        var s = Self.full(); s.values = .counts(s.values.values.enumerated().map { $0.offset == 5 ? -1 : $0.element })
        cases.append(("negative counts", s))
        s = Self.full(); s.values = .counts(s.values.values.enumerated().map { $0.offset == 9 ? .nan : $0.element })
        cases.append(("NaN counts", s))
        s = Self.full(); s.exposure = 0
        cases.append(("zero exposure", s))
        s = Self.full(); s.poissonErrors = false
        cases.append(("no STAT_ERR without Poisson errors", s))
        s = Self.full(); s.channels[10] = s.channels[9]
        cases.append(("repeated channel", s))
        s = Self.full(); s.detectorChannels = 10
        cases.append(("DETCHANS below the channel count", s))
        s = Self.full(); s.channels = s.channels.map { $0 + 5000 }
        cases.append(("channels beyond TLMAX", s))
        s = Self.full(); s.backgroundScale = .uniform(0)
        cases.append(("BACKSCAL 0", s))
        s = Self.full(); s.quality = [0, 1]
        cases.append(("short QUALITY", s))
        s = Self.full(); s.grouping = s.grouping!.map { _ in 2 }
        cases.append(("GROUPING 2", s))
        for (name, spectrum) in cases {
            let path = directory.path("bad.pha")
            #expect(throws: OGIPError.self, "\(name)") { try spectrum.write(to: path) }
            #expect(!FileManager.default.fileExists(atPath: path), "\(name): nothing must be written")
        }
    }

    /// A minimal third-party file: absent optional keywords take XSPEC's defaults and are
    /// listed; NaN counts, a missing EXPOSURE or data column are errors naming the file.
    @Test func minimalFilesRecordTheirDefaultsAndBadOnesFail() throws {
        let directory = try TemporaryDirectory()
        func spectrum(_ counts: [Double], keywords: [(String, FITSKeywordValue)]) -> RawTable {
            RawTable(name: "SPECTRUM", rows: counts.count, columns: [
                (FITSColumnFormat("CHANNEL", "1I"), .shorts((1...Int16(counts.count)).map { $0 })),
                (FITSColumnFormat("COUNTS", "1D"), .doubles(counts)),
            ], keywords: keywords)
        }
        let minimal = directory.path("minimal.pha")
        try RawTable.write(minimal, [spectrum([1, 2, 3], keywords: [("EXPOSURE", .real(100)), ("TELESCOP", .string("ASCA"))])])
        let read = try PHASpectrum.read(minimal)
        #expect(read.values == .counts([1, 2, 3]) && read.exposure == 100 && read.poissonErrors)
        #expect(read.firstChannel == 1 && read.detectorChannels == 3 && read.identity.telescope == "ASCA")
        #expect(read.assumedKeywords.contains("AREASCAL = 1") && read.assumedKeywords.contains("BACKSCAL = 1"))
        #expect(read.assumedKeywords.contains { $0.hasPrefix("POISSERR = T") })

        let noExposure = directory.path("noexposure.pha")
        try RawTable.write(noExposure, [spectrum([1, 2, 3], keywords: [])])
        #expect(throws: FITSError.missingKeyword(file: noExposure, hdu: "SPECTRUM", keyword: "EXPOSURE")) { try PHASpectrum.read(noExposure) }

        let nan = directory.path("nan.pha")
        try RawTable.write(nan, [spectrum([1, .nan, 3], keywords: [("EXPOSURE", .real(100))])])
        let error = #expect(throws: OGIPError.self) { try PHASpectrum.read(nan) }
        #expect(error?.description.contains("nan.pha[SPECTRUM]") == true && error?.description.contains("COUNTS in row 2") == true)

        let negative = directory.path("negative.pha")
        try RawTable.write(negative, [spectrum([1, -4, 3], keywords: [("EXPOSURE", .real(100))])])
        #expect(throws: OGIPError.self) { try PHASpectrum.read(negative) }

        let noData = directory.path("nodata.pha")
        try RawTable.write(noData, [RawTable(name: "SPECTRUM", rows: 1, columns: [(FITSColumnFormat("CHANNEL", "1J"), .ints([1]))],
                                             keywords: [("EXPOSURE", .real(1))])])
        #expect(throws: FITSError.missingColumn(file: noData, hdu: "SPECTRUM", column: "COUNTS or RATE")) { try PHASpectrum.read(noData) }

        let unknownClass = directory.path("class.pha")
        try RawTable.write(unknownClass, [spectrum([1], keywords: [("EXPOSURE", .real(1)), ("HDUCLAS2", .string("WEIRD"))])])
        #expect(throws: FITSError.self) { try PHASpectrum.read(unknownClass) }
    }
}
