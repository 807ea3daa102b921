import Foundation
import PerseusCore
import PerseusIO
import Testing
@testable import PerseusInstruments

/// The XRISM Resolve RMF generated as a 5 eV FWHM Gaussian.
@Suite struct GaussianRedistributionTests {
    @Test func rowsAreNormalisedGaussiansOfFiveElectronVoltFWHM() throws {
        let matrix = Fixtures.xrism.response.matrix
        #expect(matrix.firstChannel == 600 && matrix.channelCount == 23400)   // 0.3–12 keV in 0.5 eV
        for energy in [1.0, 6.7, 11.0] {
            let row = matrix.energies.lo.firstIndex { $0 >= energy }!
            let values = matrix.denseRow(row)
            let sum = values.reduce(0, +)
            #expect(abs(sum - 1) < 1e-6, "row at \(energy) keV sums to \(sum)")
            let centres = matrix.channelEnergies.centers
            let mean = zip(values, centres).map { $0 * $1 }.reduce(0, +) / sum
            let variance = zip(values, centres).map { $0 * ($1 - mean) * ($1 - mean) }.reduce(0, +) / sum
            // Bin (0.5 eV) and channel (0.5 eV) widths add w²/12 each to the Gaussian's σ².
            let sigma = 0.005 / (2 * (2 * log(2.0)).squareRoot())
            let expected = sigma * sigma + 2 * 0.0005 * 0.0005 / 12
            #expect(abs(variance / expected - 1) < 1e-3)
            #expect(abs(mean - matrix.energies.centers[row]) < 1e-7)
        }
    }

    @Test func invalidParametersAreRefused() throws {
        let grid = try EnergyGrid.linear(from: 1, to: 2, step: 0.001)
        #expect(throws: InstrumentError.self) {
            _ = try GaussianRedistribution.matrix(energies: grid, fwhm: 0, channelWidth: 0.0005, range: 1...2,
                                                  identity: InstrumentIdentity(), origin: "test")
        }
        #expect(throws: InstrumentError.self) {
            _ = try GaussianRedistribution.matrix(energies: grid, fwhm: 0.005, channelWidth: 0.0005, range: 1.0001...1.0002,
                                                  identity: InstrumentIdentity(), origin: "test")
        }
    }
}
