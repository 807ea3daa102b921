import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Pairing an RMF with an ARF: the grids must agree.
@Suite struct ResponsePairTests {
    static let energies = try! EnergyGrid(edges: RawRMF.energyEdges)
    static let channels = try! EnergyGrid(edges: RawRMF.channelEdges)

    @Test func matchingGridsPairAndFoldWithAreaAndExposure() throws {
        let matrix = try ResponseMatrix(energies: Self.energies, channelEnergies: Self.channels, dense: RawRMF.dense)
        let arf = try AncillaryResponse(energies: Self.energies, effectiveArea: [100, 200, 300, 400])
        let pair = try ResponsePair(matrix: matrix, ancillary: arf)
        let flux = [1e-3, 2e-3, 0, 4e-3]
        let counts = try pair.expectedCounts(photonFlux: flux, exposure: 1000)
        let dense = matrix.dense()
        for j in 0..<5 {
            let expected = (0..<4).reduce(0.0) { $0 + dense[$1][j] * flux[$1] * arf.effectiveArea[$1] * 1000 }
            #expect(abs(counts[j] - expected) < 1e-9)
        }
        #expect(throws: OGIPError.self) { try pair.expectedCounts(photonFlux: flux, exposure: -1) }
        #expect(throws: OGIPError.self) { try pair.expectedCounts(photonFlux: [1], exposure: 1) }
    }

    @Test func differentGridsAreRefusedWithTheFirstDifference() throws {
        let matrix = try ResponseMatrix(energies: Self.energies, channelEnergies: Self.channels, dense: RawRMF.dense)
        let shifted = try EnergyGrid(edges: [1, 2, 3.1, 4, 5])
        let arf = try AncillaryResponse(energies: shifted, effectiveArea: [1, 1, 1, 1])
        let error = #expect(throws: OGIPError.self) { try ResponsePair(matrix: matrix, ancillary: arf) }
        #expect(error?.description.contains("energy bin 1 (row 2)") == true)
        // a tolerance that covers the shift, or the bin-count rule, accepts it — explicitly
        _ = try ResponsePair(matrix: matrix, ancillary: arf, agreement: .edges(relativeTolerance: 0.05))
        _ = try ResponsePair(matrix: matrix, ancillary: arf, agreement: .binCount)
        let fewer = try AncillaryResponse(energies: try EnergyGrid(edges: [1, 2, 3]), effectiveArea: [1, 1])
        #expect(throws: OGIPError.self) { try ResponsePair(matrix: matrix, ancillary: fewer, agreement: .binCount) }
    }

    /// The real Hitomi pair in ../shared/data does not match: 16384 RMF bins, 32768 ARF bins.
    @Test(.enabled(if: Environment.hasReference, Environment.referenceSkip))
    func hitomiPreLaunchRmfAndSxsArfAreAMismatch() throws {
        let rmf = ReferenceData.path("responses/hitomi/ah_sxs_5ev_20130806.rmf")
        let arf = ReferenceData.path("responses/hitomi/hitomi_sxs.arf")
        let error = #expect(throws: OGIPError.self) { try ResponsePair.read(matrix: rmf, ancillary: arf) }
        #expect(error == .mismatchedEnergyGrids(matrix: rmf, ancillary: arf, problem: "\(arf) has 32768 energy bins but \(rmf) has 16384"))
        // even XSPEC's bin-count rule refuses it
        #expect(throws: OGIPError.self) { try ResponsePair.read(matrix: rmf, ancillary: arf, agreement: .binCount) }
    }

    /// The real matching pairs load together.
    @Test(.enabled(if: Environment.hasReference, Environment.referenceSkip),
          arguments: [("responses/nustar/nustar_fpma.rmf", "responses/nustar/nustar_fpma.arf"),
                      ("responses/chandra/acisi_aimpt_cy19.rmf", "responses/chandra/acisi_aimpt_cy19.arf"),
                      ("responses/hitomi/ah100040030_sxs_cl2_HP_small.rmf", "responses/hitomi/ah100040030sxs_p0px1010_ptsrc.arf")])
    func realPairsMatch(rmf: String, arf: String) throws {
        let pair = try ResponsePair.read(matrix: ReferenceData.path(rmf), ancillary: ReferenceData.path(arf))
        #expect(pair.matrix.energyCount == pair.ancillary?.energies.count)
    }
}
