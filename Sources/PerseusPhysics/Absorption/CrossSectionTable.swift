import Foundation

/// A photo-absorption cross section per H atom, tabulated against energy, with the rules Perseus
/// uses to evaluate it anywhere above 0.1 keV.
///
/// Units: σ in 1e-22 cm² per H atom, so the transmission of a column nH [1e22 cm⁻²] is
/// exp(−nH σ). Tables come from ``AbsorptionTables`` (embedded, derived from the astromodels
/// 2.6.0 tables computed with XSPEC).
///
/// - Within the table: linear interpolation of ln σ in ln E. The nodes are spaced by
///   ΔE/E = 5.3e-4, so an absorption edge is resolved to that width (one node per edge mixes
///   both sides). Checked against Morrison & McCammon's analytic fit, which the `wabs` table
///   tabulates: at midpoints between nodes away from edges the interpolation agrees to a median
///   6e-7 relative; the tabulated values themselves scatter by up to 6e-4 relative above 15 keV
///   (where σ ~ 1e-25 cm², so the transmission changes by < 1e-6 for nH ≤ 1e22 cm⁻²).
/// - Between 0.1 keV and the first node (0.1000265 keV): the first interval's power law.
/// - Above the last node (19.995 keV): σ_last (E/E_last)^s, s the slope fitted by
///   scripts/derive_absorption.py to ln σ against ln E over 14 keV – E_last (−2.88 for tbabs
///   and phabs, −3.00 for wabs; largest fit residual 0.2%). The transmission deficit 1 − T this
///   leaves above 20 keV is below 1.7e-4 at 20 keV and 5.1e-5 at 30 keV for nH = 1e21 cm⁻²
///   (the script prints the values for each table).
/// - Below 0.1 keV: not defined; callers apply ``LowEnergyAbsorptionRule``.
public struct CrossSectionTable: Sendable {
    /// Model the table belongs to (`tbabs`, `phabs`, `wabs`).
    public let model: String
    /// Abundance table it was computed for (`angr`, `aspl`, `wilm`).
    public let abundanceTable: String
    /// Tabulated energies [keV].
    public let energies: [Double]
    /// σ at those energies [1e-22 cm² per H atom].
    public let sigma: [Double]
    /// Power-law slope of the extension above the last node.
    public let highEnergySlope: Double
    let logEnergies: [Double]
    let logSigma: [Double]

    /// Lower end of the tabulated range [keV].
    public static let lowerLimit = 0.1

    init(model: String, abundanceTable: String, energies: [Double], sigma: [Double], highEnergySlope: Double) {
        self.model = model
        self.abundanceTable = abundanceTable
        self.energies = energies
        self.sigma = sigma
        self.highEnergySlope = highEnergySlope
        logEnergies = energies.map { Foundation.log($0) }
        logSigma = sigma.map { Foundation.log($0) }
    }

    /// σ(E) [1e-22 cm²] for E ≥ 0.1 keV (callers handle lower energies).
    public func crossSection(at energy: Double) -> Double {
        let n = energies.count
        let logE = Foundation.log(energy)
        if energy >= energies[n - 1] {
            return sigma[n - 1] * Foundation.exp(highEnergySlope * (logE - logEnergies[n - 1]))
        }
        let k = intervalIndex(energy)
        return interpolate(logE, from: k, to: k + 1)
    }

    /// ln σ along the line through nodes i and j, evaluated at ln E.
    @inline(__always)
    func interpolate(_ logE: Double, from i: Int, to j: Int) -> Double {
        let t = (logE - logEnergies[i]) / (logEnergies[j] - logEnergies[i])
        return Foundation.exp(logSigma[i] + t * (logSigma[j] - logSigma[i]))
    }

    /// The k with energies[k] ≤ E < energies[k+1], clamped to the first and last intervals.
    func intervalIndex(_ energy: Double) -> Int {
        var low = 0, high = energies.count - 1
        if energy <= energies[0] { return 0 }
        while high - low > 1 {
            let middle = (low + high) / 2
            if energies[middle] <= energy { low = middle } else { high = middle }
        }
        return low
    }
}
