import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// Exact bin integration: for every additive component the fluxes of fine bins add up to the
/// flux of the coarse bin they tile.
struct BinIntegrationTests {
    static let cases: [(String, [String])] = [
        ("powerlaw", ["PhoIndex=1"]),
        ("powerlaw", ["PhoIndex=2.7"]),
        ("powerlaw", ["PhoIndex=-1.3"]),
        ("zpowerlw", ["PhoIndex=1.8", "Redshift=0.4"]),
        ("bknpower", ["PhoIndx1=-0.05", "BreakE=3.3", "PhoIndx2=1.85"]),
        ("cutoffpl", ["PhoIndex=1.29", "HighECut=4.113"]),
        ("gaussian", ["LineE=3.1", "Sigma=0.07"]),
        ("zgauss", ["LineE=6.7", "Sigma=0.2", "Redshift=0.9"]),
        ("lorentz", ["LineE=2.9", "Width=0.3"]),
        ("bremss", ["kT=0.9"]),
        ("bremss", ["kT=30"]),
    ]

    @Test(arguments: cases.indices)
    func fineBinsSumToTheCoarseBin(caseIndex: Int) throws {
        let (expression, assignments) = Self.cases[caseIndex]
        // Coarse bins of different widths; each tiled by 1000 fine bins (edges shared exactly).
        let coarseEdges = [0.3, 0.9, 2.0, 2.95, 3.2, 3.5, 6.0]
        var fineEdges: [Double] = []
        for k in 0..<(coarseEdges.count - 1) {
            let a = coarseEdges[k], b = coarseEdges[k + 1]
            for j in 0..<1000 { fineEdges.append(a + (b - a) * Double(j) / 1000) }
        }
        fineEdges.append(coarseEdges.last!)
        let coarse = try Support.evaluate(expression, on: try EnergyGrid(edges: coarseEdges), assignments)
        let fine = try Support.evaluate(expression, on: try EnergyGrid(edges: fineEdges), assignments)
        for k in 0..<coarse.count {
            // Pairwise-accurate sum of the fine bins.
            let slice = fine[(k * 1000)..<((k + 1) * 1000)]
            var sum = 0.0, compensation = 0.0
            for value in slice {
                let y = value - compensation
                let t = sum + y
                compensation = (t - sum) - y
                sum = t
            }
            let tolerance = 1e-11 * max(abs(coarse[k]), 1e-300)
            #expect(abs(sum - coarse[k]) <= tolerance, "\(expression) \(assignments): bin \(coarseEdges[k])–\(coarseEdges[k + 1]) keV: \(sum) vs \(coarse[k])")
        }
    }

    @Test func absorbedSpectraAreAdditiveOnlyThroughTheBinRule() throws {
        // Absorption is a per-bin factor (XSPEC's rule), so a coarse absorbed bin is not exactly
        // the sum of fine ones; the difference shrinks with the bin width, and vanishes with nH.
        let coarse = try Support.evaluate("tbabs*powerlaw", on: try EnergyGrid(edges: [1, 2]), ["nH=0"])
        let fine = try Support.evaluate("tbabs*powerlaw", on: try EnergyGrid.linear(from: 1, to: 2, step: 0.001), ["nH=0"])
        #expect(abs(fine.reduce(0, +) - coarse[0]) < 1e-12 * coarse[0])
    }
}
