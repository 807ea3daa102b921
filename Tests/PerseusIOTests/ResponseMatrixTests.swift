import Foundation
import PerseusCore
import Testing
@testable import PerseusIO

/// The sparse response matrix: construction, folding, dense export, RMF round trips.
@Suite struct ResponseMatrixTests {
    static let energies = try! EnergyGrid(edges: RawRMF.energyEdges)
    static let channels = try! EnergyGrid(edges: RawRMF.channelEdges)

    static func matrix(firstChannel: Int = 1) throws -> ResponseMatrix {
        try ResponseMatrix(energies: energies, channelEnergies: channels, firstChannel: firstChannel, dense: RawRMF.dense,
                           identity: InstrumentIdentity(telescope: "TEST", instrument: "UNIT", filter: "NONE"))
    }

    @Test func denseConstructionKeepsNonZeroRuns() throws {
        let m = try Self.matrix()
        #expect(m.energyCount == 4 && m.channelCount == 5)
        #expect(m.runs(ofRow: 0).map(\.channel) == [0] && m.runs(ofRow: 1).map(\.channel) == [0, 3])
        #expect(m.runs(ofRow: 2).isEmpty)
        #expect(m.storedCount == 8 && m.nonzeroCount == 8)
        #expect(m.dense() == RawRMF.dense.map { $0.map { Double(Float($0)) } })
        let sums = m.rowSums()
        #expect(abs(sums[0] - 0.75) < 1e-7 && sums[2] == 0 && abs(sums[3] - 0.95) < 1e-7)
    }

    /// fold(p)[j] = Σ_i M[i][j] p[i], checked against the dense product.
    @Test func foldEqualsTheDenseProduct() throws {
        let m = try Self.matrix()
        let photons = [3.0, 5.0, 7.0, 11.0]
        let counts = try m.fold(photons)
        let dense = m.dense()
        for j in 0..<5 {
            let expected = (0..<4).reduce(0.0) { $0 + dense[$1][j] * photons[$1] }
            #expect(abs(counts[j] - expected) < 1e-12)
        }
        #expect(throws: OGIPError.self) { try m.fold([1, 2, 3]) }
        // The buffer form overwrites whatever the output held.
        var out = [Double](repeating: 99, count: 5)
        photons.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { m.fold(p, into: $0) } }
        #expect(out == counts)
    }

    @Test func invariantsAreChecked() throws {
        let e = Self.energies, c = Self.channels
        // run beyond the last channel
        #expect(throws: OGIPError.self) {
            try ResponseMatrix(energies: e, channelEnergies: c, rowRunStarts: [0, 1, 1, 1, 1],
                               runs: [ChannelRun(channel: 4, count: 2, valueOffset: 0)], values: [0.1, 0.1])
        }
        // run reading past the values
        #expect(throws: OGIPError.self) {
            try ResponseMatrix(energies: e, channelEnergies: c, rowRunStarts: [0, 1, 1, 1, 1],
                               runs: [ChannelRun(channel: 0, count: 3, valueOffset: 0)], values: [0.1, 0.1])
        }
        // wrong number of row offsets
        #expect(throws: OGIPError.self) {
            try ResponseMatrix(energies: e, channelEnergies: c, rowRunStarts: [0, 0, 0], runs: [], values: [])
        }
        // NaN and negative values
        for bad in [Float.nan, -0.1, Float.infinity] {
            #expect(throws: OGIPError.self) {
                try ResponseMatrix(energies: e, channelEnergies: c, rowRunStarts: [0, 1, 1, 1, 1],
                                   runs: [ChannelRun(channel: 0, count: 1, valueOffset: 0)], values: [bad])
            }
        }
        // an RMF whose row sums to 300 must be declared a full response
        var big = RawRMF.dense
        big[1][2] = 300
        #expect(throws: OGIPError.self) { try ResponseMatrix(energies: e, channelEnergies: c, dense: big) }
        let rsp = try ResponseMatrix(energies: e, channelEnergies: c, dense: big, isFullResponse: true)
        #expect(rsp.isFullResponse)
    }

    @Test(arguments: [0, 1])
    func writtenMatrixReadsBackEqual(firstChannel: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("m.rmf")
        let m = try Self.matrix(firstChannel: firstChannel)
        try m.write(to: path)
        let back = try ResponseMatrix.read(path)
        #expect(back == m)
        #expect(back.firstChannel == firstChannel && back.source == path)
        // existing files are refused unless overwrite is asked for
        #expect(throws: OutputError.exists(path: path)) { try m.write(to: path) }
        try m.write(to: path, overwrite: true)
        // no temporary files are left behind
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(left == ["m.rmf"])
    }

    @Test func fullResponseRoundTripsAsSpecrespMatrix() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("m.rsp")
        let dense = RawRMF.dense.map { $0.map { $0 * 250 } }
        let m = try ResponseMatrix(energies: Self.energies, channelEnergies: Self.channels, dense: dense, isFullResponse: true)
        try m.write(to: path)
        let file = try FITSFile.open(path)
        #expect(try file.hduSummaries().map(\.label) == ["PRIMARY", "SPECRESP MATRIX", "EBOUNDS"])
        let back = try ResponseMatrix.read(path)
        #expect(back.isFullResponse && back.dense() == m.dense())
    }

    /// A raw file with several groups per row, an N_GRP = 0 row, and the fixed-length form.
    @Test func rawVariableAndFixedLengthFormsAgree() throws {
        let directory = try TemporaryDirectory()
        let variable = directory.path("variable.rmf"), fixed = directory.path("fixed.rmf")
        try RawRMF.write(variable)
        try RawRMF.write(fixed) { matrix, _ in
            // fixed-length: two groups of F_CHAN/N_CHAN per row (unused entries −1/0) and
            // MATRIX padded to three values, as in the Hitomi SXS 5 eV RMF
            matrix.columns[3] = (FITSColumnFormat("F_CHAN", "2J"), .ints([1, -1, 1, 4, -1, -1, 3, -1]))
            matrix.columns[4] = (FITSColumnFormat("N_CHAN", "2J"), .ints([2, 0, 1, 2, 0, 0, 3, 0]))
            matrix.columns[5] = (FITSColumnFormat("MATRIX", "3E"), .floats([0.5, 0.25, 0, 0.1, 0.3, 0.2, 0, 0, 0, 0.2, 0.5, 0.25]))
        }
        let a = try ResponseMatrix.read(variable), b = try ResponseMatrix.read(fixed)
        #expect(a == b)
        #expect(a.dense() == RawRMF.dense.map { $0.map { Double(Float($0)) } })
        #expect(a.identity.telescope == "TEST" && a.channelType == "PI" && !a.isFullResponse)
    }

    @Test func missingTLMINMeansChannelsStartAtOne() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("m.rmf")
        try RawRMF.write(path) { matrix, _ in matrix.remove(keyword: "TLMIN4") }
        #expect(try ResponseMatrix.read(path).firstChannel == 1)
        // ... and then EBOUNDS numbered from 0 contradicts it
        try RawRMF.write(directory.path("zero.rmf")) { matrix, bounds in
            matrix.remove(keyword: "TLMIN4")
            bounds.replace(column: "CHANNEL", with: .ints([0, 1, 2, 3, 4]))
        }
        #expect(throws: OGIPError.self) { try ResponseMatrix.read(directory.path("zero.rmf")) }
    }

    @Test func classificationRule() {
        typealias R = ResponseNormalisation
        #expect(R.isFullResponse(hduClass3: "FULL", extensionName: "MATRIX", largestRowSum: 1) == true)
        #expect(R.isFullResponse(hduClass3: "REDIST", extensionName: "MATRIX", largestRowSum: 1.0013) == false)
        #expect(R.isFullResponse(hduClass3: "DETECTOR", extensionName: "MATRIX", largestRowSum: 0.5) == false)
        #expect(R.isFullResponse(hduClass3: "REDIST", extensionName: "MATRIX", largestRowSum: 250) == nil)
        #expect(R.isFullResponse(hduClass3: nil, extensionName: "SPECRESP MATRIX", largestRowSum: 0.9) == true)
        #expect(R.isFullResponse(hduClass3: nil, extensionName: "MATRIX", largestRowSum: 250) == true)
        #expect(R.isFullResponse(hduClass3: nil, extensionName: "MATRIX", largestRowSum: 0.99) == false)
    }
}
