import Foundation
import PerseusCore
import PerseusIO
import Testing
@testable import PerseusInstruments

/// The compact response decoder refuses malformed data instead of crashing.
@Suite struct CompactResponseTests {
    @Test func logarithmicCodesSpanTheDocumentedRange() {
        #expect(CompactResponse.codeValues[0] == 0)
        #expect(CompactResponse.codeValues[65535] == 1)
        #expect(abs(CompactResponse.codeValues[1] / pow(2, -32) - 1) < 1e-3)
        #expect(abs(CompactResponse.codeValues[40000] / CompactResponse.codeValues[39999] - pow(2, 1.0 / 2048)) < 1e-12)
    }

    @Test(arguments: ["nustar-fpma.response", "hitomi-sxs.response", "chandra-acis-i.response"])
    func truncatedDataIsAnError(_ name: String) throws {
        let bytes = try #require(EmbeddedFiles.bytes(name))
        for length in [3, 40, bytes.count / 2, bytes.count - 1] {
            let truncated = UnsafeRawBufferPointer(rebasing: bytes[0..<length])
            #expect(throws: InstrumentError.self) {
                _ = try CompactResponse.decode(truncated, name: name, identity: InstrumentIdentity())
            }
        }
        var copy = Array(bytes)
        copy[0] = UInt8(ascii: "X")
        copy.withUnsafeBytes { raw in
            #expect {
                _ = try CompactResponse.decode(raw, name: name, identity: InstrumentIdentity())
            } throws: { error in "\(error)".contains("magic is 'XRSP', expected 'PRSP'") }
        }
    }

    @Test func embeddedFilesAreListed() {
        let names = EmbeddedFiles.names
        for file in ["hitomi-sxs.yaml", "nustar-fpma.response", "nustar-fpma-background.yaml", "nustar-fpma-background.bin"] {
            #expect(names.contains(file))
        }
        #expect(EmbeddedFiles.bytes("missing.response") == nil)
    }
}
