import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import Testing
@testable import PerseusInstruments

/// The batched path (BLAS for dense responses, sparse runs otherwise) gives the single-spectrum counts.
@Suite struct BatchFolderTests {
    @Test(arguments: ["nustar-fpma", "chandra-acis-i", "hitomi-sxs"])
    func batchEqualsSingleFolds(_ name: String) throws {
        let folder = Fixtures.instrument(name).defaultFolder
        let batch = folder.batched()
        #expect(batch.usesBLAS == (name != "hitomi-sxs"))
        let spectra = (0..<5).map { s in
            try! Fixtures.flux("tbabs*powerlaw", ["tbabs.nH=0.02", "PhoIndex=\(1.5 + 0.2 * Double(s))", "powerlaw.norm=0.01"], on: folder.modelGrid)
        }
        let exposures = [1e4, 2e4, 3e4, 4e4, 5e4]
        var flat = spectra.flatMap { $0 }
        var out = [Double](repeating: .nan, count: spectra.count * folder.channelCount)
        try flat.withUnsafeMutableBufferPointer { f in
            try exposures.withUnsafeBufferPointer { e in
                try out.withUnsafeMutableBufferPointer { o in
                    try batch.expectedCounts(photonFluxes: UnsafeBufferPointer(f), spectra: spectra.count, exposures: e, into: o)
                }
            }
        }
        for s in 0..<spectra.count {
            let single = try folder.expectedCounts(photonFlux: spectra[s], exposure: exposures[s])
            for c in 0..<folder.channelCount where single[c] > 0 {
                let batched = out[s * folder.channelCount + c]
                #expect(abs(batched / single[c] - 1) < 1e-9, "spectrum \(s) channel \(c): \(batched) vs \(single[c])")
            }
        }
        flat[3] = .infinity
        if batch.usesBLAS {
            #expect(throws: InstrumentError.self) { _ = try batch.expectedCounts(photonFluxes: [flat], exposure: 1) }
        }
    }
}
