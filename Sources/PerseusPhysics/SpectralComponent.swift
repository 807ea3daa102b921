import PerseusCore

/// Whether a component adds photons or multiplies what it applies to.
public enum ComponentKind: String, Sendable, Equatable {
    /// Returns photons cm⁻² s⁻¹ in each energy bin.
    case additive
    /// Returns a dimensionless factor in each energy bin (e.g. an absorption transmission).
    case multiplicative
}

/// The description of one parameter of a component, following XSPEC's conventions.
///
/// XSPEC gives each parameter a default value, hard limits (the model is undefined outside
/// them) and soft limits (the usual fitting range), and says whether it starts frozen.
public struct ParameterInfo: Sendable, Equatable {
    /// XSPEC's name, e.g. `kT`, `Abundanc`, `Redshift`, `norm`, `nH`, `PhoIndex`, `Tau`.
    public var name: String
    /// Unit as XSPEC prints it, e.g. `keV`, `10^22`, `s/cm^3`, or "" for dimensionless.
    public var unit: String
    public var defaultValue: Double
    public var hardMin: Double
    public var hardMax: Double
    public var softMin: Double
    public var softMax: Double
    /// Whether the parameter is frozen unless the user frees it (e.g. apec's Redshift).
    public var frozenByDefault: Bool

    public init(name: String, unit: String = "", defaultValue: Double,
                hardMin: Double, hardMax: Double, softMin: Double? = nil, softMax: Double? = nil,
                frozenByDefault: Bool = false) {
        self.name = name
        self.unit = unit
        self.defaultValue = defaultValue
        self.hardMin = hardMin
        self.hardMax = hardMax
        self.softMin = softMin ?? hardMin
        self.softMax = softMax ?? hardMax
        self.frozenByDefault = frozenByDefault
    }
}

/// A spectral model component: `apec`, `powerlaw`, `tbabs`, …
///
/// A component describes itself (name, kind, parameters) and prepares an evaluator for a given
/// energy grid. Preparation does the grid-dependent work once (locating lines in bins,
/// interpolating cross sections onto the grid) so that each evaluation at new parameter values
/// is fast. Components are immutable values and safe to share between threads.
public protocol SpectralComponent: Sendable {
    /// XSPEC's name of the model, lower case (`apec`, `tbabs`, `powerlaw`).
    var name: String { get }
    var kind: ComponentKind { get }
    /// Parameters in XSPEC's order. Additive components end with `norm`.
    var parameters: [ParameterInfo] { get }
    /// Prepares an evaluator for `grid`.
    /// - Throws: if the component cannot be evaluated on that grid (e.g. energies outside
    ///   tabulated data), with a message saying which energies and why.
    func prepared(for grid: EnergyGrid) throws -> any PreparedComponent
}

/// A component ready to evaluate on one energy grid.
///
/// `evaluate` must be a pure function of the parameter values: no shared mutable state, so one
/// prepared component can be evaluated from many threads at once.
public protocol PreparedComponent: Sendable {
    /// Writes the component's value in every bin of the grid it was prepared for:
    /// photons cm⁻² s⁻¹ per bin for an additive component (integrated over the bin exactly),
    /// or the dimensionless factor averaged over the bin for a multiplicative one.
    /// - Parameters:
    ///   - parameters: this component's parameter values, in `SpectralComponent.parameters` order,
    ///     already checked against the hard limits.
    ///   - output: one value per bin; overwritten.
    func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>)
}
