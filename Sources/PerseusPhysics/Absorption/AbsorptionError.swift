import PerseusCore

/// Why an absorption component cannot be built or prepared.
public enum AbsorptionError: PerseusError, Equatable {
    /// No cross sections of `model` for the requested abundance table.
    case unsupportedAbundanceTable(model: String, requested: String, available: [String])
    /// The grid reaches below the tables' 0.1 keV and the rule is ``LowEnergyAbsorptionRule/reject``.
    case belowTable(model: String, bin: Int, lowerEdge: Double)

    public var description: String {
        switch self {
        case let .unsupportedAbundanceTable(model, requested, available):
            return "\(model) has no cross sections for abundance table '\(requested)'; available: \(available.joined(separator: ", "))"
        case let .belowTable(model, bin, lowerEdge):
            return "\(model) cross sections are tabulated from 0.1 keV but energy bin \(bin) starts at \(lowerEdge) keV; "
                + "restrict the grid to ≥ 0.1 keV, or choose the 'hold' rule for energies below the table "
                + "(ModelContext.lowEnergyAbsorption = .holdBelowTable, or --low-energy-absorption hold)"
        }
    }
}
