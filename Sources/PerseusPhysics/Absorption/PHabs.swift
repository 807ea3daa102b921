import PerseusCore

/// XSPEC's `phabs`: photo-electric absorption by cold gas, with cross sections per element
/// (XSPEC's default `vern`: Verner et al. 1996) weighted by the abundance table.
///
///     M(E) = exp(−nH σ(E))
///
/// σ(E) excludes Thomson scattering, as in XSPEC. Parameter (XSPEC model.dat): `nH` [10²² cm⁻²]
/// (default 1, hard 0…1e6, soft 0…1e5). Perseus embeds the cross sections computed with XSPEC
/// for the `angr` (default) and `aspl` abundance tables; any other table is an error listing
/// them. Tables span 0.1–20 keV with the extensions described in ``CrossSectionTable``.
///
/// Per bin, as in XSPEC (`gphoto` evaluates each element's cross section at both bin edges and
/// averages): exp(−nH · ½[σ(E₁) + σ(E₂)]).
public struct PHabs: SpectralComponent {
    public let table: CrossSectionTable
    public let lowEnergyAbsorption: LowEnergyAbsorptionRule

    /// - Throws: ``AbsorptionError/unsupportedAbundanceTable(model:requested:available:)``.
    public init(abundanceTable: String = "angr", lowEnergyAbsorption: LowEnergyAbsorptionRule = .reject) throws(AbsorptionError) {
        guard let table = AbsorptionTables.table(model: "phabs", abundanceTable: abundanceTable) else {
            throw .unsupportedAbundanceTable(model: "phabs", requested: abundanceTable.lowercased(),
                                             available: AbsorptionTables.abundanceTables(for: "phabs"))
        }
        self.table = table
        self.lowEnergyAbsorption = lowEnergyAbsorption
    }

    /// The component for a model context's abundance table and low-energy rule.
    public init(context: ModelContext) throws(AbsorptionError) {
        try self.init(abundanceTable: context.abundanceTable, lowEnergyAbsorption: context.lowEnergyAbsorption)
    }

    public var name: String { "phabs" }
    public var kind: ComponentKind { .multiplicative }
    public var parameters: [ParameterInfo] { [.hydrogenColumn] }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        try BinAveragedAbsorption(table: table, grid: grid, rule: lowEnergyAbsorption)
    }
}
