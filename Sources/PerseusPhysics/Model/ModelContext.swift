/// Everything a component factory may need besides the expression: the abundance table, where
/// the full AtomDB tables live, how absorption is extended below its tabulated range, and the
/// registry that maps names to components.
///
/// A value type: models built from different contexts are independent. Nothing here is read from
/// the environment behind the caller's back; the command-line tool fills `atomDBDirectory` from
/// `--atomdb` or XSPEC's `ATOMDB` variable and passes it in.
public struct ModelContext: Sendable {
    /// The abundance table, lower case: `angr` (Anders & Grevesse 1989, XSPEC's default), `aspl`,
    /// `wilm`, `feld`, `lodd`, … It selects the cross sections of `tbabs` and `phabs` and the
    /// abundances of `apec`/`nei`. Each component reports which tables it supports.
    public var abundanceTable: String
    /// Directory holding the full AtomDB FITS tables (`apec_v3.0.9_line.fits`, …), or nil to use
    /// the compact tables embedded in Perseus. Components that do not use AtomDB ignore it; the
    /// AtomDB components decide what they need from it and report missing files.
    public var atomDBDirectory: String?
    /// What absorption components do with energies below their tables' 0.1 keV.
    public var lowEnergyAbsorption: LowEnergyAbsorptionRule
    /// Whether the lines of `apec`, `vapec`, `nei` and `vnei` are thermally broadened (XSPEC's
    /// `xset APECTHERMAL yes`; default false, XSPEC's default). Each line then has a Gaussian
    /// σ = E √(kT / A m_u c²) at its record's temperature (`LineBroadening`). `bapec`/`bvapec`
    /// always broaden thermally, whatever this says.
    public var thermalBroadening: Bool
    /// The components that expressions may name.
    public var registry: ComponentRegistry

    public init(abundanceTable: String = "angr",
                atomDBDirectory: String? = nil,
                lowEnergyAbsorption: LowEnergyAbsorptionRule = .reject,
                thermalBroadening: Bool = false,
                registry: ComponentRegistry = .standard) {
        self.abundanceTable = abundanceTable.lowercased()
        self.atomDBDirectory = atomDBDirectory
        self.lowEnergyAbsorption = lowEnergyAbsorption
        self.thermalBroadening = thermalBroadening
        self.registry = registry
    }
}

/// How `tbabs`, `phabs` and `wabs` treat energy bins below 0.1 keV, where their embedded cross
/// section tables end.
public enum LowEnergyAbsorptionRule: String, Sendable, Equatable, CaseIterable {
    /// Preparing the component for a grid that reaches below 0.1 keV throws, naming the first
    /// such bin. The default: nothing is invented where there is no data.
    case reject
    /// Below 0.1 keV the cross section is held at its tabulated value at 0.1 keV. The true cross
    /// section per H atom rises towards lower energies down to the H edge at 13.6 eV, so this
    /// under-estimates the absorption there: the transmission is an upper bound. For nH ≥ 1e20
    /// cm⁻² it is already below 0.4% at 0.1 keV (σ = 5.5–6.2e-20 cm² per H atom). Use it when bins below 0.1 keV
    /// do not matter, e.g. a response grid starting at 0 keV whose low channels are ignored.
    case holdBelowTable = "hold"
}
