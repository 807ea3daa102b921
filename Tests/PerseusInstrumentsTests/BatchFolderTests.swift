import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import Testing
@testable import PerseusInstruments

/// The batched path (BLAS for dense responses, channel-major sparse blocks otherwise) gives the
/// single-spectrum counts; the sparse blocks give them bit for bit, however the spectra are grouped.
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

    /// Spectra with different shapes, one with zero flux, exposures that differ (one of 0 s).
    static func spectra(on folder: ResponseFolder, count: Int) -> (fluxes: [[Double]], exposures: [Double]) {
        let fluxes = (0..<count).map { s -> [Double] in
            if s == 3 { return [Double](repeating: 0, count: folder.modelBinCount) }
            let expression = s.isMultiple(of: 2) ? "tbabs*powerlaw" : "tbabs*(powerlaw+gaussian)"
            var assignments = ["tbabs.nH=\(0.01 + 0.03 * Double(s))", "PhoIndex=\(1.2 + 0.07 * Double(s))", "powerlaw.norm=\(0.002 * Double(s + 1))"]
            if !s.isMultiple(of: 2) { assignments += ["LineE=\(2 + 0.3 * Double(s))", "Sigma=0.01", "gaussian.norm=1e-3"] }
            return try! Fixtures.flux(expression, assignments, on: folder.modelGrid)
        }
        let exposures: [Double] = (0..<count).map { (s: Int) -> Double in s == 5 ? 0 : 1370 * Double(s + 1) }
        return (fluxes, exposures)
    }

    /// Folds `fluxes[range]` in one call.
    static func fold(_ batch: BatchFolder, _ fluxes: [[Double]], _ exposures: [Double], _ range: Range<Int>,
                     workspace: BatchFoldWorkspace?) throws -> [Double] {
        let flat = fluxes[range].flatMap { $0 }
        let e = Array(exposures[range])
        var out = [Double](repeating: .nan, count: range.count * batch.folder.channelCount)
        try flat.withUnsafeBufferPointer { f in
            try e.withUnsafeBufferPointer { e in
                try out.withUnsafeMutableBufferPointer { o in
                    try batch.expectedCounts(photonFluxes: f, spectra: range.count, exposures: e, into: o, workspace: workspace)
                }
            }
        }
        return out
    }

    /// The sparse blocks reproduce `ResponseFolder.expectedCounts` bit for bit: 37 spectra (two
    /// full blocks of 16 and a tail of 5), the same spectra split into calls of 1, 3, 7, 9 and
    /// 17, on a sparse microcalorimeter response and on Chandra's dense one forced through the
    /// sparse path.
    @Test(arguments: ["hitomi-sxs", "chandra-acis-i"])
    func sparseBlocksAreBitIdenticalToSingleFolds(_ name: String) throws {
        let folder = Fixtures.instrument(name).defaultFolder
        let batch = name == "hitomi-sxs" ? folder.batched() : folder.batched(denseThreshold: .infinity)
        #expect(!batch.usesBLAS)
        let (fluxes, exposures) = Self.spectra(on: folder, count: 37)
        let channels = folder.channelCount
        let singles = try fluxes.indices.map { try folder.expectedCounts(photonFlux: fluxes[$0], exposure: exposures[$0]) }
        #expect(singles[3].allSatisfy { $0 == 0 } && singles[5].allSatisfy { $0 == 0 })
        #expect(singles[0].reduce(0, +) > 0)
        let workspace = BatchFoldWorkspace()
        let whole = try Self.fold(batch, fluxes, exposures, 0..<37, workspace: workspace)
        var mismatches = 0
        for s in 0..<37 {
            for c in 0..<channels where whole[s * channels + c].bitPattern != singles[s][c].bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(mismatches) of \(37 * channels) counts differ from the single-spectrum folds")
        // Other groupings, without a workspace and with one reused after a different folder.
        var start = 0
        for (i, size) in [1, 3, 7, 9, 17].enumerated() {
            let range = start..<min(37, start + size)
            let part = try Self.fold(batch, fluxes, exposures, range, workspace: i.isMultiple(of: 2) ? nil : workspace)
            for (k, s) in range.enumerated() {
                #expect(part[(k * channels)..<((k + 1) * channels)].elementsEqual(singles[s], by: { $0.bitPattern == $1.bitPattern }),
                        "spectrum \(s) folded in a call of \(range.count)")
            }
            start = range.upperBound
        }
        // `CountsObserver`'s one-exposure form.
        var out = [Double](repeating: .nan, count: 11 * channels)
        let flat = fluxes[0..<11].flatMap { $0 }
        flat.withUnsafeBufferPointer { f in
            out.withUnsafeMutableBufferPointer { o in batch.expectedCounts(photonFluxes: f, spectra: 11, exposure: 2500, into: o) }
        }
        for s in 0..<11 {
            let single = try folder.expectedCounts(photonFlux: fluxes[s], exposure: 2500)
            #expect(out[(s * channels)..<((s + 1) * channels)].elementsEqual(single, by: { $0.bitPattern == $1.bitPattern }), "spectrum \(s), one exposure")
        }
    }

    /// An infinite flux where a bin cannot contribute (zero effective area) does not reach the
    /// counts of the sparse blocks, as in the single fold; a wrong buffer length is refused.
    @Test func sparseBlocksSkipBinsThatCannotContributeAndCheckLengths() throws {
        let folder = Fixtures.instrument("hitomi-sxs").defaultFolder
        let batch = folder.batched()
        var (fluxes, exposures) = Self.spectra(on: folder, count: 6)
        if let dead = folder.contributes.firstIndex(of: false) {
            fluxes[1][dead] = .infinity
            let out = try Self.fold(batch, fluxes, exposures, 0..<6, workspace: nil)
            #expect(out.allSatisfy { $0.isFinite })
            let single = try folder.expectedCounts(photonFlux: fluxes[1], exposure: exposures[1])
            #expect(out[folder.channelCount..<(2 * folder.channelCount)].elementsEqual(single, by: { $0.bitPattern == $1.bitPattern }))
        }
        exposures.removeLast()
        let flat = fluxes.flatMap { $0 }
        var out = [Double](repeating: 0, count: 6 * folder.channelCount)
        #expect(throws: InstrumentError.self) {
            try flat.withUnsafeBufferPointer { f in
                try exposures.withUnsafeBufferPointer { e in
                    try out.withUnsafeMutableBufferPointer { o in
                        try batch.expectedCounts(photonFluxes: f, spectra: 6, exposures: e, into: o, workspace: nil)
                    }
                }
            }
        }
    }
}
