/// Everything AtomDB tabulates for one temperature of a plasma in collisional ionisation
/// equilibrium: lines per ion, continuum and pseudo-continuum per element (or per ion where the
/// tables provide them), plus the evaluation-ready forms derived from them.
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

    /// Pseudo-continuum nodes whose hats are at most this wide [keV] are evaluated as narrow
    /// features; wider ones are merged into `smooth`.
    static let narrowFeatureWidth = 0.02

    /// Narrow pseudo-continuum features (evaluation form).
    let narrow: NarrowFeatureList
    /// Continua and wide pseudo-continuum parts on common nodes (evaluation form).
    let smooth: SmoothEmission

    public init(kT: Double, electronTemperature: Double, lines: LineList,
                continua: [EmissionCurve], pseudoContinua: [EmissionCurve]) {
        self.kT = kT
        self.electronTemperature = electronTemperature
        self.lines = lines
        self.continua = continua
        self.pseudoContinua = pseudoContinua
        // The evaluation forms use the element totals (ion 0), as XSPEC's apec does; per-ion
        // curves, where a table has them, stay available in `continua`/`pseudoContinua`.
        var narrow = NarrowFeatureList()
        var smoothCurves = continua.filter { $0.ion == 0 }
        for curve in pseudoContinua where curve.ion == 0 {
            let e = curve.energies, v = curve.values, n = e.count
            guard n >= 2 else { continue }
            var wide = [Double](repeating: 0, count: n)
            var anyWide = false
            for j in 0..<n where v[j] != 0 {
                let a = j > 0 ? e[j] - e[j - 1] : 0
                let b = j < n - 1 ? e[j + 1] - e[j] : 0
                if a + b <= TemperatureRecord.narrowFeatureWidth {
                    narrow.centres.append(e[j])
                    narrow.leftWidths.append(a)
                    narrow.rightWidths.append(b)
                    narrow.values.append(v[j])
                    narrow.elements.append(UInt8(curve.element))
                } else {
                    wide[j] = v[j]
                    anyWide = true
                }
            }
            guard anyWide else { continue }
            // The wide hats summed: the same nodes with the narrow values zeroed; interior zero
            // nodes between zeros change nothing and are dropped.
            var we: [Double] = [], wv: [Double] = []
            for j in 0..<n {
                let isolatedZero = wide[j] == 0 && (j == 0 || wide[j - 1] == 0) && (j == n - 1 || wide[j + 1] == 0)
                if !isolatedZero { we.append(e[j]); wv.append(wide[j]) }
            }
            if we.count >= 2 {
                smoothCurves.append(EmissionCurve(element: curve.element, ion: curve.ion, energies: we, values: wv))
            }
        }
        narrow.sortByCentre()
        self.narrow = narrow
        self.smooth = SmoothEmission(curves: smoothCurves)
    }
}
