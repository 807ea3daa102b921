import PerseusCore

/// The per-bin factor of `tbabs` and `phabs`: exp(−nH σ̄) with σ̄ the mean of the cross section
/// at the bin's two edges.
///
/// This is what XSPEC does: `tbnew.c` (`photavg`) and the Verner-based `phabs` cross sections
/// (`gphoto`) both evaluate σ at the lower and upper edge of each bin and average the two before
/// exponentiating. σ̄ is computed once per grid; an evaluation is one exponential per bin.
struct BinAveragedAbsorption: PreparedComponent {
    /// σ̄ per bin [1e-22 cm²].
    let meanSigma: [Double]
    /// Range of σ̄ (lets the exponential skip its out-of-range pass).
    let sigmaRange: ClosedRange<Double>

    init(table: CrossSectionTable, grid: EnergyGrid, rule: LowEnergyAbsorptionRule) throws(AbsorptionError) {
        try AbsorptionSampling.check(grid: grid, model: table.model, rule: rule)
        meanSigma = (0..<grid.count).map { i in
            0.5 * (AbsorptionSampling.sigma(table, at: grid.lo[i]) + AbsorptionSampling.sigma(table, at: grid.hi[i]))
        }
        sigmaRange = meanSigma.min()!...meanSigma.max()!
    }

    func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        let nH = parameters[0]
        meanSigma.withUnsafeBufferPointer { sigma in
            SIMDMath.exp(scale: -nH, sigma.baseAddress!, into: output.baseAddress!, count: sigma.count,
                          inputRange: sigmaRange)
        }
    }
}

/// Shared rules for sampling a cross-section table on a grid.
enum AbsorptionSampling {
    /// Throws if the grid reaches below 0.1 keV under the reject rule.
    static func check(grid: EnergyGrid, model: String, rule: LowEnergyAbsorptionRule) throws(AbsorptionError) {
        if rule == .reject, grid.lo[0] < CrossSectionTable.lowerLimit {
            throw .belowTable(model: model, bin: 0, lowerEdge: grid.lo[0])
        }
    }

    /// σ(E), held at its 0.1 keV value below 0.1 keV (only reached under the hold rule).
    static func sigma(_ table: CrossSectionTable, at energy: Double) -> Double {
        table.crossSection(at: Swift.max(energy, CrossSectionTable.lowerLimit))
    }
}
