import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Bad input: every case is a typed error naming the file; nothing crashes, nothing is fixed.
@Suite struct BadInputTests {
    /// Reads `path` as whatever it is and returns the error, or nil if it read.
    static func readError(_ path: String) -> (any Error)? {
        do {
            switch try DataFileKind.detect(path) {
            case .rmf: _ = try ResponseMatrix.read(path)
            case .arf: _ = try AncillaryResponse.read(path)
            case .pha: _ = try PHASpectrum.readAll(path)
            case .hdf5: break
            }
            return nil
        } catch {
            return error
        }
    }

    // MARK: Broken RMF content, one thing at a time

    @Test func brokenMatrixContentIsNamed() throws {
        let directory = try TemporaryDirectory()
        var index = 0
        func check(_ expected: String, _ change: @escaping (inout RawTable, inout RawTable) -> Void,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
            index += 1
            let path = directory.path("bad\(index).rmf")
            try RawRMF.write(path, change)
            let error = #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try ResponseMatrix.read(path) }
            let text = error.map { "\($0)" } ?? ""
            #expect(error is OGIPError || error is FITSError, "\(text)", sourceLocation: sourceLocation)
            #expect(text.hasPrefix(path), "\(text)", sourceLocation: sourceLocation)
            #expect(text.contains(expected), "expected “\(expected)” in: \(text)", sourceLocation: sourceLocation)
        }
        try check("MATRIX (channel 5) in row 4 is nan") { m, _ in
            m.replace(column: "MATRIX", with: .variableFloats([[0.5, 0.25], [0.1, 0.3, 0.2], [], [0.2, 0.5, .nan]]))
        }
        try check("MATRIX (channel 1) in row 1 is -0.5") { m, _ in
            m.replace(column: "MATRIX", with: .variableFloats([[-0.5, 0.25], [0.1, 0.3, 0.2], [], [0.2, 0.5, 0.25]]))
        }
        try check("row 4, group 1: channels 3…6") { m, _ in      // N_CHAN runs past DETCHANS = 5
            m.replace(column: "N_CHAN", with: .variableInts([[2], [1, 2], [], [4]]))
            m.replace(column: "MATRIX", with: .variableFloats([[0.5, 0.25], [0.1, 0.3, 0.2], [], [0.2, 0.5, 0.25, 0.01]]))
        }
        try check("row 1, group 1: channels 0…1") { m, _ in      // F_CHAN before TLMIN = 1
            m.replace(column: "F_CHAN", with: .variableInts([[0], [1, 4], [], [3]]))
        }
        try check("row 2: N_GRP = 2 but F_CHAN holds 1") { m, _ in
            m.replace(column: "F_CHAN", with: .variableInts([[1], [1], [], [3]]))
        }
        try check("row 2: N_CHAN adds up to 3 channels but the variable-length MATRIX cell holds 4") { m, _ in
            m.replace(column: "MATRIX", with: .variableFloats([[0.5, 0.25], [0.1, 0.3, 0.2, 0.1], [], [0.2, 0.5, 0.25]]))
        }
        try check("row 4: N_CHAN of groups 1…1 adds up to 3 channels but MATRIX holds 2") { m, _ in
            m.replace(column: "MATRIX", with: .variableFloats([[0.5, 0.25], [0.1, 0.3, 0.2], [], [0.2, 0.5]]))
        }
        try check("N_GRP in row 3 is -1") { m, _ in m.replace(column: "N_GRP", with: .shorts([1, 2, -1, 1])) }
        try check("ENERG_LO/ENERG_HI: energy grid is not increasing at bin 2") { m, _ in
            m.replace(column: "ENERG_LO", with: .doubles([1, 2, 1.5, 4]))
        }
        try check("keyword DETCHANS is missing") { m, _ in m.remove(keyword: "DETCHANS") }
        try check("column N_GRP is missing") { m, _ in m.remove(column: "N_GRP") }
        try check("no EBOUNDS") { _, b in b.name = "OTHER"; b.keywords = [] }
        try check("no MATRIX") { m, _ in m.name = "RESPONSE"; m.keywords = [] }
        try check("[EBOUNDS]: DETCHANS = 5 but the matrix extension says 6") { m, _ in m.set("DETCHANS", .integer(6)) }
        try check("5 channel rows but DETCHANS = 6") { m, b in m.set("DETCHANS", .integer(6)); b.set("DETCHANS", .integer(6)) }
        try check("TLMIN4 = 1 and TLMAX4 = 9 give 9 channels but DETCHANS = 5") { m, _ in m.set("TLMAX4", .integer(9)) }
        try check("CHANNEL in row 3 is 7") { _, b in b.replace(column: "CHANNEL", with: .ints([1, 2, 7, 4, 5])) }
        try check("E_MIN/E_MAX") { _, b in b.replace(column: "E_MAX", with: .doubles([1.5, 2.5, 2.5, 4.5, 5.5])) }
        try check("declares a redistribution matrix") { m, _ in
            m.replace(column: "MATRIX", with: .variableFloats([[50, 0.25], [0.1, 0.3, 0.2], [], [0.2, 0.5, 0.25]]))
        }
        try check("keyword DETCHANS = 'five'") { m, _ in m.set("DETCHANS", .string("five")) }
    }

    @Test func severalMatrixExtensionsAreReportedAsUnsupported() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("two.rmf")
        try RawTable.write(path, [RawRMF.matrix(), RawRMF.matrix(), RawRMF.bounds()])
        let error = #expect(throws: OGIPError.self) { try ResponseMatrix.read(path) }
        #expect(error?.description.contains("2 matrix extensions") == true)
    }

    // MARK: Damaged files

    /// A copy of a real RMF cut short at several points: header, main table, heap, last block.
    @Test(.enabled(if: Environment.hasReference, Environment.referenceSkip),
          arguments: ["responses/chandra/acisi_aimpt_cy19.rmf", "responses/hitomi/ah_sxs_5ev_20130806.rmf",
                      "responses/chandra/acisi_aimpt_cy19.arf"])
    func truncatedCopiesFailWithTheFileNamed(_ relative: String) throws {
        let directory = try TemporaryDirectory()
        let original = ReferenceData.path(relative)
        let size = try FileManager.default.attributesOfItem(atPath: original)[.size] as! Int
        for fraction in [0.0005, 0.1, 0.5, 0.9] {
            let cut = max(100, Int(Double(size) * fraction))
            let path = try directory.copy(original, as: "cut-\(cut)-\((relative as NSString).lastPathComponent)")
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: UInt64(cut))
            try handle.close()
            let error = Self.readError(path)
            #expect(error != nil, "\(path) truncated to \(cut) of \(size) bytes was read without error")
            #expect("\(error.map { "\($0)" } ?? "")".hasPrefix(path))
            #expect(error is FITSError || error is OGIPError)
        }
        // Cutting only the padding of the last 2880-byte block leaves all data: still refused
        // when the header promises more than the file holds.
        let last = try directory.copy(original, as: "last-block")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: last))
        try handle.truncate(atOffset: UInt64(size - 2880))
        try handle.close()
        if let error = Self.readError(last) { #expect("\(error)".hasPrefix(last)) }
    }

    /// Targeted corruption of a real RMF, located with astropy: a NaN written over one matrix
    /// value, a descriptor pointing outside the heap, and NAXIS2 made huge.
    @Test(.enabled(if: Environment.hasReferenceAndAstropy, Environment.referenceAndAstropySkip))
    func corruptedBytesAreCaught() throws {
        let directory = try TemporaryDirectory()
        let original = ReferenceData.path("responses/chandra/acisi_aimpt_cy19.rmf")
        let nan = try directory.copy(original, as: "nan.rmf")
        let descriptor = try directory.copy(original, as: "descriptor.rmf")
        let rows = try directory.copy(original, as: "rows.rmf")
        try Python.run("""
        import sys, struct
        from astropy.io import fits
        nan, descriptor, rows = sys.argv[1:4]
        with fits.open(nan) as h:
            info = h.fileinfo(1); hdr = h[1].header
            data_start = info['datLoc']; naxis1 = hdr['NAXIS1']; theap = hdr.get('THEAP', naxis1 * hdr['NAXIS2'])
            cols = h[1].columns
            # byte offset of the MATRIX descriptor inside a row (columns before it)
            offset = 0
            for c in cols:
                if c.name == 'MATRIX': break
                offset += c.dtype.itemsize if not c.format.startswith('P') else 8
            row = 99  # 0-based: row 100
        with open(nan, 'r+b') as f:
            f.seek(data_start + row * naxis1 + offset)
            length, heap_offset = struct.unpack('>ii', f.read(8))
            f.seek(data_start + theap + heap_offset + 4 * 5)   # sixth value of row 100
            f.write(struct.pack('>f', float('nan')))
        with open(descriptor, 'r+b') as f:
            f.seek(data_start + row * naxis1 + offset)
            f.write(struct.pack('>ii', 500, 2**30))
        with open(rows, 'r+b') as f:
            data = f.read()
            start = data.index(b'NAXIS2  =', data.index(b"XTENSION= 'BINTABLE'"))
            f.seek(start)
            f.write(b'NAXIS2  =           9999999999')
        """, arguments: [nan, descriptor, rows])
        let nanError = #expect(throws: OGIPError.self) { try ResponseMatrix.read(nan) }
        #expect(nanError?.description.contains("row 100 is nan") == true, "\(String(describing: nanError))")
        let descriptorError = #expect(throws: FITSError.self) { try ResponseMatrix.read(descriptor) }
        #expect(descriptorError?.description.contains("row 100: array descriptor") == true, "\(String(describing: descriptorError))")
        let rowsError = #expect(throws: FITSError.self) { try ResponseMatrix.read(rows) }
        #expect(rowsError?.description.contains("truncated") == true, "\(String(describing: rowsError))")
    }

    /// Random bytes overwritten at seeded positions of real files: each damaged copy reads or
    /// fails with an error naming it — never a crash.
    @Test(.enabled(if: Environment.hasReference, Environment.referenceSkip),
          arguments: ["responses/chandra/acisi_aimpt_cy19.rmf", "responses/nustar/nustar_fpma.arf"])
    func randomDamageNeverCrashes(_ relative: String) throws {
        let directory = try TemporaryDirectory()
        let original = ReferenceData.path(relative)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: original))
        var outcomes = (read: 0, failed: 0)
        for trial in 0..<24 {
            var stream = RandomStream(seed: 2024, purpose: .testing, index: UInt64(trial))
            var damaged = bytes
            let burst = 1 + Int(stream.uniformInt(below: 16))
            // half the trials hit the headers (first 20 blocks), half anywhere
            let limit = trial.isMultiple(of: 2) ? min(bytes.count, 2880 * 20) : bytes.count
            let start = Int(stream.uniformInt(below: UInt64(limit - burst)))
            for k in 0..<burst { damaged[start + k] = UInt8(truncatingIfNeeded: stream.next()) }
            let path = directory.path("damaged-\(trial)")
            try damaged.write(to: URL(fileURLWithPath: path))
            if let error = Self.readError(path) {
                outcomes.failed += 1
                #expect("\(error)".hasPrefix(path), "\(error)")
            } else {
                outcomes.read += 1
            }
        }
        #expect(outcomes.read + outcomes.failed == 24)
    }

    @Test func wrongKindsOfFilesAreNamed() throws {
        let directory = try TemporaryDirectory()
        let empty = directory.path("empty.rmf")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(throws: OGIPError.self) { try DataFileKind.detect(empty) }
        #expect(throws: FITSError.self) { try ResponseMatrix.read(empty) }
        let pha = directory.path("s.pha")
        try PHASpectrum(values: .counts([1]), exposure: 1).write(to: pha)
        #expect(throws: FITSError.self) { try ResponseMatrix.read(pha) }
        #expect(throws: FITSError.self) { try AncillaryResponse.read(pha) }
        let rmf = directory.path("m.rmf")
        try RawRMF.write(rmf)
        #expect(throws: FITSError.self) { try PHASpectrum.read(rmf) }
    }
}
