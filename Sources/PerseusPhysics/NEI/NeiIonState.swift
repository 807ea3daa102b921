/// The ion populations of an `nei` plasma at one (kT, τ) and the factors they put on AtomDB's
/// equilibrium line emissivities.
///
/// For each evolved element (Z ≥ 3 with non-zero abundance) the Z + 1 fractions of charge
/// q = 0 … Z sum to 1 (particle number is conserved: `IonizationModes` checks and renormalises
/// every solution to sum to 1 within 1e-9). H and He are not evolved: XSPEC's nei takes them
/// fully ionised at every τ, and Perseus keeps their emission at equilibrium (factor 1), which
/// at kT ≥ 0.0808 keV (nei's lower limit) is fully ionised but for ≤ 4e-5 of their atoms (CHIANTI:
/// He⁺ 3e-5, H⁰ 3e-7 at 9.4e5 K); the difference only touches their EUV lines (< 0.09 keV).
public struct NeiIonState: Sendable {
    /// Electron temperature [keV] and ionisation timescale [s cm⁻³].
    public let kT: Double
    public let tau: Double
    /// Fractions after τ from the neutral state.
    public let nonEquilibrium: IonFractions
    /// Collisional-equilibrium fractions at kT from the same rates.
    public let equilibrium: IonFractions
    /// Factor on the lines of ion (Z, spectroscopic ion number i = q + 1), at index
    /// (Z − 1) · `PreparedEmission.ionStride` + i − 1; 1 for H, He and elements not evolved.
    public let lineFactors: [Double]
    /// Factor on the extrapolated lines of each ion (`NeiSupplementaryLines`), same indexing:
    /// the population excess over equilibrium, max(0, f_NEI − f_eq) — their equilibrium share
    /// is already in the element's pseudo-continuum, which AtomDB fills with the lines it does
    /// not list; 0 for H, He and elements not evolved.
    public let supplementFactors: [Double]

    /// - Throws: `IonizationError` for τ negative or not finite, or a solver failure.
    init(modes: IonizationModes, tau: Double, scaling: NeiIonScaling) throws {
        kT = modes.kT
        self.tau = tau
        var fractions = IonFractions(elements: modes.elements)
        try modes.fractions(tau: tau, convention: .rateEquations, into: &fractions)
        var balance = IonFractions(elements: modes.elements)
        var factors = [Double](repeating: 1, count: ChemicalElement.maximumAtomicNumber * PreparedEmission.ionStride)
        var excess = [Double](repeating: 0, count: ChemicalElement.maximumAtomicNumber * PreparedEmission.ionStride)
        for (j, element) in modes.elements.enumerated() {
            let equilibrium = modes.solutions[j].modes.equilibrium
            let offset = fractions.offsets[j], z = element.atomicNumber
            for q in 0...z {
                balance.values[offset + q] = equilibrium[q]
                factors[(z - 1) * PreparedEmission.ionStride + q] =
                    scaling.factor(nonEquilibrium: fractions.values[offset + q], equilibrium: equilibrium[q])
                excess[(z - 1) * PreparedEmission.ionStride + q] = max(0, fractions.values[offset + q] - equilibrium[q])
            }
        }
        nonEquilibrium = fractions
        self.equilibrium = balance
        lineFactors = factors
        supplementFactors = excess
    }

    /// The factor on the lines of `element`'s ion of charge `charge` (0 = neutral).
    public func lineFactor(element: ChemicalElement, charge: Int) -> Double {
        lineFactors[(element.atomicNumber - 1) * PreparedEmission.ionStride + charge]
    }
}
