/// Everything AtomDB tabulates for one temperature of a plasma in collisional ionisation
/// equilibrium: lines per ion, continuum and pseudo-continuum per element (or per ion where the
/// tables provide them).
public struct TemperatureRecord: Sendable {
    /// Temperature kT [keV] as listed in the tables' PARAMETERS extension (the value XSPEC uses
    /// to choose and weight the bracketing temperatures).
    public let kT: Double
    /// Electron temperature [K] from the HDU's TEMPERATURE keyword (used for thermal broadening,
    /// as XSPEC does).
    public let electronTemperature: Double
    /// Emission lines, sorted by energy, each with its element and ion.
    public let lines: LineList
    /// Continua (bremsstrahlung, recombination, two-photon), one per element (`ion` 0) or per ion.
    public let continua: [EmissionCurve]
    /// Pseudo-continua (the summed weak lines AtomDB does not list individually), per element or ion.
    public let pseudoContinua: [EmissionCurve]

    public init(kT: Double, electronTemperature: Double, lines: LineList,
                continua: [EmissionCurve], pseudoContinua: [EmissionCurve]) {
        self.kT = kT
        self.electronTemperature = electronTemperature
        self.lines = lines
        self.continua = continua
        self.pseudoContinua = pseudoContinua
    }
}
