import PerseusCore

/// XSPEC's `tbabs`: absorption by the interstellar medium (gas, grains, H₂) after Wilms, Allen &
/// McCray (2000, ApJ 542, 914), with Verner et al. (1996) photo-ionisation cross sections.
///
///     M(E) = exp(−nH σ(E))
///
/// Parameter (XSPEC model.dat): `nH` [10²² cm⁻²] (default 1, hard 0…1e6, soft 0…1e5).
///
/// σ(E) per H atom depends on the abundance table: Perseus embeds the cross sections XSPEC
/// computes for `angr` (its default), `aspl` and `wilm` (the TBabs authors' recommendation); the
/// context's table selects one, and any other table is an error listing these. The tables span
/// 0.1–20 keV; above, σ is extended by a fitted power law and below, ``LowEnergyAbsorptionRule``
/// applies (see ``CrossSectionTable``).
///
/// Per bin, as in XSPEC's tbabs 2.3 (`photavg`): the factor is exp(−nH · ½[σ(E₁) + σ(E₂)]) with
/// E₁, E₂ the bin edges. XSPEC's tbabs sets σ = 0 at and above 100 keV; Perseus keeps the
/// power-law extension there (σ ≈ 1.6e-27 cm² at 100 keV for `angr`: the transmissions differ
/// by 1.6e-5 × nH/10²² cm⁻² at 100 keV and by less above).
public struct TBabs: SpectralComponent {
    public let table: CrossSectionTable
    public let lowEnergyAbsorption: LowEnergyAbsorptionRule

    /// - Throws: ``AbsorptionError/unsupportedAbundanceTable(model:requested:available:)``.
    public init(abundanceTable: String = "angr", lowEnergyAbsorption: LowEnergyAbsorptionRule = .reject) throws(AbsorptionError) {
        guard let table = AbsorptionTables.table(model: "tbabs", abundanceTable: abundanceTable) else {
            throw .unsupportedAbundanceTable(model: "tbabs", requested: abundanceTable.lowercased(),
                                             available: AbsorptionTables.abundanceTables(for: "tbabs"))
        }
        self.table = table
        self.lowEnergyAbsorption = lowEnergyAbsorption
    }

    /// The component for a model context's abundance table and low-energy rule.
    public init(context: ModelContext) throws(AbsorptionError) {
        try self.init(abundanceTable: context.abundanceTable, lowEnergyAbsorption: context.lowEnergyAbsorption)
    }

    public var name: String { "tbabs" }
    public var kind: ComponentKind { .multiplicative }
    public var parameters: [ParameterInfo] { [.hydrogenColumn] }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        try BinAveragedAbsorption(table: table, grid: grid, rule: lowEnergyAbsorption)
    }
}
