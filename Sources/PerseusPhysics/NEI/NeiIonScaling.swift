import PerseusCore

/// How `nei` turns ion populations into factors on AtomDB's equilibrium line emissivities: each
/// ion's lines are multiplied by its non-equilibrium fraction over its equilibrium fraction at
/// the same kT, r = f_NEI / f_eq, bounded above by `maximumRatio`.
///
/// ## The guard for rare ions, and why it is loose
/// r divides by f_eq, which for an ion far from its temperature range is tiny (Fe XVII at 8 keV:
/// ~1e-15) or underflows to 0. The rule is
///     r = min(f_NEI / f_eq, maximumRatio),   and for f_eq = 0: maximumRatio if f_NEI > 0, else 1.
/// At equilibrium (τ → ∞) every ratio is 1, below any cap, so the spectrum is apec's to rounding
/// whatever the cap.
///
/// A tight cap would be wrong: it is measured that large ratios are as trustworthy as small
/// ones. Two facts from the tables (`scripts/nei_limits.py`, sections 4 and 2):
/// - AtomDB lists a line only while its equilibrium emissivity is ≥ 1e-20 photons cm³ s⁻¹, and
///   at its tabulated temperatures (log T = 6–8) it lists no line of an ion whose CHIANTI
///   equilibrium fraction is below 1e-8. Ions rarer than that have no lines to amplify.
/// - The ratio form assumes an ion's tabulated emissivity is its equilibrium population times a
///   smooth per-ion emissivity. The apparent per-ion emissivity (tabulated emissivity over the
///   CHIANTI fraction, Boltzmann factor removed) stays within 0.34–4.5 of its value at the ion's
///   peak (5–95% of 2236 ion-temperature pairs) for fractions from 1e-1 down to 1e-8: no
///   blow-up from a mismatch between AtomDB's balance and CHIANTI's in the wings.
///
/// `NeiIonScaling.default` therefore caps at 1e8 = 1/(the rarest listed population): it only
/// keeps underflowed or between-node fractions from producing huge factors. Measured over 40
/// random (kT, τ) in Ichinohe & Yamada's range (kT 1–10 keV, τ 1e9–1e11, SXS grid): caps of 1e8
/// and 1e6 leave every bin bit-identical to no cap; 1e4 would change the 1.8–9 keV flux by up to
/// 6% (17% in a bin), 1e3 by up to 33% (91%), removing legitimate emission (e.g. Si XII at 3 keV
/// and τ = 1e10, r ≈ 1.3e4, whose lines AtomDB lists at 3 keV).
public struct NeiIonScaling: Sendable, Equatable {
    /// Largest factor applied to an ion's equilibrium line emissivities (finite, ≥ 1).
    public let maximumRatio: Double

    /// - Parameter maximumRatio: the cap on f_NEI / f_eq, finite and ≥ 1 (the factor at equilibrium).
    /// - Throws: `InvalidArgument` otherwise.
    public init(maximumRatio: Double) throws(InvalidArgument) {
        guard maximumRatio.isFinite, maximumRatio >= 1 else {
            throw InvalidArgument("nei ion scaling: maximumRatio = \(maximumRatio); expected a finite number >= 1 (the factor at equilibrium)")
        }
        self.maximumRatio = maximumRatio
    }

    private init(checked maximumRatio: Double) { self.maximumRatio = maximumRatio }

    /// The rule `Nei` uses unless told otherwise: cap 1e8.
    public static let `default` = NeiIonScaling(checked: 1e8)

    /// The factor on the lines of an ion with non-equilibrium fraction `fNEI` and equilibrium
    /// fraction `fEquilibrium` (both at the model's kT).
    @inline(__always)
    public func factor(nonEquilibrium fNEI: Double, equilibrium fEquilibrium: Double) -> Double {
        if fEquilibrium > 0 { return min(fNEI / fEquilibrium, maximumRatio) }
        return fNEI > 0 ? maximumRatio : 1
    }
}
