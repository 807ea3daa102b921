/// Ion fractions of a collisional plasma at constant electron temperature: in equilibrium, and
/// out of equilibrium after an ionisation timescale τ = n_e t — the physics under XSPEC's `nei`.
///
/// Units: kT in keV (valid 8.617e-4 … 86.17 keV, i.e. T = 10^4 … 10^9 K, the range of the
/// embedded rates and of AtomDB's apec tables); τ in s cm⁻³ (any finite τ ≥ 0); fractions are
/// Z + 1 numbers per element, neutral first, summing to 1.
///
/// Rates: CHIANTI 10 total ionisation and recombination rate coefficients (Dere et al. 1997;
/// Del Zanna et al. 2021), tabulated by HYDRAD up to 10^8 K and extended to 10^9 K with the
/// CHIANTI 10.1 fits (`IonizationRateTable`). Equilibrium fractions reproduce the CHIANTI
/// balances shipped with those tables. The time-dependent solution is exact for constant T
/// (eigenmodes of the rate matrix, `IonizationModes`), from the neutral state XSPEC's `nei`
/// assumes (`InitialIonization.neutral`) or from equilibrium at another temperature.
///
/// For many τ at one kT (or all elements at once), make `modes(kT:elements:)` once and reuse it.
public struct IonizationSolver: Sendable {
    /// The rate table used.
    public let table: IonizationRateTable

    /// A solver on the rate table embedded in the binary.
    /// - Throws: `IonizationError.corruptRateTable` if the embedded table does not decode.
    public init() throws {
        table = try IonizationRateTable.load()
    }

    /// A solver on a given rate table.
    public init(table: IonizationRateTable) {
        self.table = table
    }

    /// Eigen-decomposition of the rate equations of `elements` at kT [keV], to be evaluated at
    /// any τ. Cost ~ Σ (Z+1)² per element set; see `IonizationModes`.
    public func modes(kT: Double, elements: [ChemicalElement] = ChemicalElement.all) throws -> IonizationModes {
        try IonizationModes(kT: kT, elements: elements, table: table)
    }

    /// Collisional-ionisation-equilibrium fractions of `element` at kT [keV].
    public func equilibrium(element: ChemicalElement, kT: Double) throws -> [Double] {
        let (s, a) = try table.rates(element: element, kT: kT)
        return ElementIonModes.equilibrium(ionization: s, recombination: a)
    }

    /// Non-equilibrium fractions of `element` at kT [keV] after τ [s cm⁻³] from `initial`
    /// (XSPEC `nei`: `.neutral`).
    public func fractions(element: ChemicalElement, kT: Double, tau: Double,
                          initial: InitialIonization = .neutral) throws -> [Double] {
        try IonizationModes.check(tau: tau)
        return try modes(kT: kT, elements: [element]).fractions(of: element, tau: tau, initial: initial)
    }

    /// Rate coefficients of `element` at kT [keV]: S_q (q → q+1) and α_q (q+1 → q) [cm³ s⁻¹].
    public func rates(element: ChemicalElement, kT: Double) throws -> (ionization: [Double], recombination: [Double]) {
        try table.rates(element: element, kT: kT)
    }
}
