import Foundation

/// Gaussian broadening of emission lines, as XSPEC's apec family applies it.
///
/// Each line at energy E gets σ = E · √(kT / (A m_u c²) + (v / c)²) in the source frame, where
/// kT is the tabulated temperature of the record the line comes from (XSPEC uses the two
/// bracketing records' temperatures, not the requested kT), A the element's atomic weight
/// (`ChemicalElement.atomicMasses`) and v the velocity dispersion (Gaussian σ, km/s). Thermal
/// broadening is off by default (XSPEC's `APECTHERMAL` default); the b-variants (`bapec`,
/// `bvapec`) always broaden thermally and add their `Velocity` parameter. The pseudo-continuum is
/// not broadened (XSPEC's `APECBROADPSEUDO` default). Each Gaussian is integrated exactly over
/// every bin that reaches within ±6σ of the line (the flux beyond those bins, < 2e-9, is dropped;
/// XSPEC adds its remainder beyond ~4.9σ to the outermost bin).
public struct LineBroadening: Sendable, Equatable {
    /// Whether lines are broadened by the ions' thermal motion.
    public var thermal: Bool
    /// Velocity dispersion (Gaussian σ) [km/s], added in quadrature; 0 for none.
    public var velocity: Double

    public init(thermal: Bool = false, velocity: Double = 0) {
        self.thermal = thermal
        self.velocity = velocity
    }

    /// No broadening: lines are delta functions (XSPEC's apec default).
    public static let none = LineBroadening()

    /// Whether any broadening applies.
    public var isActive: Bool { thermal || velocity > 0 }

    /// Speed of light [km/s].
    static let speedOfLight = 299_792.458
    /// Atomic mass unit × c² [keV].
    static let atomicMassEnergy = 931_494.10242
    /// XSPEC's conversion from K to keV (`keVtoK` = 1.1604505e7 K/keV).
    static let kelvinPerKeV = 1.1604505e7

    /// σ/E for element `atomicNumber` in a record at `kelvin` [K].
    func relativeWidth(atomicNumber: Int, kelvin: Double) -> Double {
        let v = velocity / LineBroadening.speedOfLight
        var variance = v * v
        if thermal {
            let kT = kelvin / LineBroadening.kelvinPerKeV
            variance += kT / (ChemicalElement.atomicMasses[atomicNumber - 1] * LineBroadening.atomicMassEnergy)
        }
        return variance.squareRoot()
    }
}
