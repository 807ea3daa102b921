import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
import Testing
@testable import PerseusInstruments

/// Expected counts from folding equal a direct dense computation.
@Suite struct FoldingTests {
    /// counts[c] = T Σ_i A[i] F[i] Σ_{native j in output channel c} M[i][j], computed from the
    /// native matrix's dense rows with the channel arithmetic written out here, independently of
    /// the folder's sparse machinery.
    static func denseCounts(instrument: Instrument, folder: ResponseFolder, flux: [Double], exposure: Double) -> [Double] {
        let matrix = instrument.response.matrix
        let area = instrument.response.ancillary?.effectiveArea
        let channels = folder.channels
        var counts = [Double](repeating: 0, count: channels.count)
        let firstRow = matrix.energies.lo.firstIndex { $0 == folder.modelGrid.lo[0] }!
        for i in 0..<folder.modelGrid.count {
            let row = matrix.denseRow(firstRow + i)
            let a = area?[firstRow + i] ?? 1
            guard a > 0 else { continue }
            for c in 0..<channels.count {
                var m = 0.0
                for k in 0..<channels.binning {
                    let number = (channels.firstChannel + c) * channels.binning + k
                    m += row[number - matrix.firstChannel]
                }
                counts[c] += exposure * a * flux[i] * m
            }
        }
        return counts
    }

    @Test(arguments: [("chandra-acis-i", 0.5...7.0), ("nustar-fpma", 3.0...80.0), ("xrism-resolve", 6.0...7.0), ("hitomi-sxs", 6.2...6.9)])
    func foldingEqualsDenseComputation(_ name: String, _ band: ClosedRange<Double>) throws {
        let instrument = Fixtures.instrument(name)
        let folder = try instrument.folder(band: band)
        let flux = try Fixtures.flux("tbabs*(powerlaw + gaussian)", ["tbabs.nH=0.05", "PhoIndex=1.7", "powerlaw.norm=0.01",
                                                                    "LineE=\(band.lowerBound + 0.3 * (band.upperBound - band.lowerBound))",
                                                                    "Sigma=0.01", "gaussian.norm=1e-3"], on: folder.modelGrid)
        let exposure = 4.5e4
        let folded = try folder.expectedCounts(photonFlux: flux, exposure: exposure)
        let direct = Self.denseCounts(instrument: instrument, folder: folder, flux: flux, exposure: exposure)
        #expect(folded.count == direct.count)
        var worst = 0.0
        for (a, b) in zip(folded, direct) where b > 0 { worst = max(worst, abs(a / b - 1)) }
        #expect(worst < 1e-6, "largest relative difference \(worst)")   // Float matrix values, Double sums
        #expect(folded.reduce(0, +) > 100)
    }

    /// A 4-bin, 6-channel matrix with hand-computed counts: band selection, binning by 2, a bin
    /// with zero effective area holding an infinite flux (must not produce NaN).
    @Test func handComputedExample() throws {
        let energies = try EnergyGrid(edges: [0, 1, 2, 3, 4])
        let channels = try EnergyGrid(edges: [0, 0.5, 1, 1.5, 2, 2.5, 3])
        let dense: [[Double]] = [
            [0.5, 0.5, 0, 0, 0, 0],
            [0, 0.2, 0.6, 0.2, 0, 0],
            [0, 0, 0, 0.3, 0.4, 0.3],
            [0, 0, 0, 0, 0.1, 0.9],
        ]
        let matrix = try ResponseMatrix(energies: energies, channelEnergies: channels, firstChannel: 0, dense: dense)
        let arf = try AncillaryResponse(energies: energies, effectiveArea: [0, 10, 20, 30])
        let folder = try ResponseFolder(response: try ResponsePair(matrix: matrix, ancillary: arf), band: 0.5...3.0, binning: 2,
                                        instrument: "toy")
        // Channels 1 and 2 of the binned grid: native 2–3 (1.0–2.0 keV) and 4–5 (2.0–3.0 keV);
        // native 1 (0.5–1.0) is in band but its pair (native 0) is not, so output channel 0 is dropped.
        #expect(folder.channels.firstChannel == 1)
        #expect(folder.channels.count == 2)
        #expect(folder.channels.energies.lo == [1.0, 2.0])
        // Bin 0 has no area; bins 1–3 reach the channels: the model grid is bins 1–3.
        #expect(folder.modelGrid.lo == [1, 2, 3])
        let counts = try folder.expectedCounts(photonFlux: [1, 2, 3], exposure: 2)
        // channel 1: bin1 (0.6+0.2)*10*1 + bin2 (0.3)*20*2 = 8 + 12 = 20, ×2 s = 40
        // channel 2: bin2 (0.4+0.3)*20*2 + bin3 (0.1+0.9)*30*3 = 28 + 90 = 118, ×2 s = 236
        #expect(abs(counts[0] - 40) < 1e-5 && abs(counts[1] - 236) < 1e-5)   // matrix values are Float

        // Bin 2 has no area but lies between contributing bins: it stays in the grid and is skipped.
        let withHole = try AncillaryResponse(energies: energies, effectiveArea: [0, 10, 0, 30])
        let holed = try ResponseFolder(response: try ResponsePair(matrix: matrix, ancillary: withHole), band: 0.5...3.0, binning: 2,
                                       instrument: "toy")
        #expect(holed.modelGrid.lo == [1, 2, 3])
        let finite = try holed.expectedCounts(photonFlux: [1, .infinity, 3], exposure: 1)
        #expect(finite.allSatisfy { $0.isFinite })
        #expect(abs(finite[0] - 8) < 1e-5 && abs(finite[1] - 90) < 1e-5)
    }

    @Test func wrongLengthsAndExposuresAreErrors() throws {
        let folder = Fixtures.chandra.defaultFolder
        #expect(throws: InstrumentError.self) { _ = try folder.expectedCounts(photonFlux: [1, 2, 3], exposure: 1) }
        let flux = [Double](repeating: 1e-3, count: folder.modelBinCount)
        #expect(throws: InstrumentError.self) { _ = try folder.expectedCounts(photonFlux: flux, exposure: -1) }
        #expect(throws: InstrumentError.self) { _ = try folder.expectedCounts(photonFlux: flux, exposure: .nan) }
        do {
            _ = try folder.expectedCounts(photonFlux: [1], exposure: 1)
        } catch {
            #expect(error.description.contains("1 flux bins given; the model grid has \(folder.modelBinCount)"))
        }
    }

    /// The folder is Sendable and folds concurrently to the same result.
    @Test func concurrentFoldsAgree() async throws {
        let folder = Fixtures.nustar.defaultFolder
        let flux = try Fixtures.flux("powerlaw", ["PhoIndex=2", "powerlaw.norm=0.01"], on: folder.modelGrid)
        let reference = try folder.expectedCounts(photonFlux: flux, exposure: 1e5)
        let results = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 { group.addTask { try folder.expectedCounts(photonFlux: flux, exposure: 1e5) } }
            var all: [[Double]] = []
            for try await r in group { all.append(r) }
            return all
        }
        for r in results { #expect(r == reference) }
    }
}
