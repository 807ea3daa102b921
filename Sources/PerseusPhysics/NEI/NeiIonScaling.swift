/// How `nei` turns ion populations into factors on AtomDB's equilibrium line emissivities: each
/// ion's lines are multiplied by its non-equilibrium fraction over its equilibrium fraction at
/// the same kT, r = f_NEI / f_eq, bounded above by `maximumRatio`.
///
/// ## Why a bound, and why this one
/// AtomDB's apec tables list a line only while its emissivity is ≥ 1e-20 photons cm³ s⁻¹, and
/// they were computed with AtomDB's own ionisation balance, not the CHIANTI rates of
/// `IonizationSolver`. Where an ion is rare in equilibrium at kT (f_eq ≪ 1) both facts bite:
/// the table holds few or none of its lines, and the two balances can differ by large factors
/// (in the exponential wings of an ion's distribution a small shift of its temperature range
/// is a large ratio). r = f_NEI/f_eq then multiplies whatever is left by up to 1/f_eq, e.g.
/// 10¹³ for Fe XVII at 8 keV, amplifying the balance mismatch as much.
///
/// The rule `r = min(f_NEI / f_eq, maximumRatio)` caps that amplification. At equilibrium
/// (τ → ∞) every ratio is 1, below any cap, so the spectrum is apec's to rounding whatever the
/// cap; an ion with f_eq = 0 (below the floating-point range) gets r = `maximumRatio` if
/// populated, else 1. `NeiIonScaling.default` uses 1e3, chosen by measurement (see the
/// `nei` documentation in `Nei`): the cap changes the 1.8–9 keV line flux by less than … of the
/// Ichinohe & Yamada (2019) range.
public struct NeiIonScaling: Sendable, Equatable {
    /// Largest factor applied to an ion's equilibrium line emissivities (≥ 1; `.infinity` for
    /// the plain ratio).
    public var maximumRatio: Double

    /// - Parameter maximumRatio: the cap on f_NEI / f_eq, ≥ 1 (`.infinity`: none).
    public init(maximumRatio: Double) {
        precondition(maximumRatio >= 1, "the cap on f_NEI/f_eq must be at least 1 (equilibrium)")
        self.maximumRatio = maximumRatio
    }

    /// The rule `Nei` uses unless told otherwise.
    public static let `default` = NeiIonScaling(maximumRatio: 1e3)

    /// The factor on the lines of an ion with non-equilibrium fraction `fNEI` and equilibrium
    /// fraction `fEquilibrium` (both at the model's kT).
    @inline(__always)
    public func factor(nonEquilibrium fNEI: Double, equilibrium fEquilibrium: Double) -> Double {
        if fEquilibrium > 0 { return min(fNEI / fEquilibrium, maximumRatio) }
        return fNEI > 0 ? maximumRatio : 1
    }
}
