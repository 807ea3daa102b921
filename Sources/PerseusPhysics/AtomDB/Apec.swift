import PerseusCore

/// XSPEC's `apec` family: emission of an optically thin plasma in collisional ionisation
/// equilibrium, from the AtomDB emissivity tables (Smith et al. 2001; Foster et al. 2012).
///
/// ## Variants and parameters (XSPEC's names, units, defaults and limits)
/// - `apec`: kT [keV] (1; 0.008 – 64), Abundanc (1; 0 – 5, frozen), Redshift (0; −0.999 – 10,
///   frozen), norm.
/// - `vapec`: kT [keV] (6.5; 0.0808 – 68.447), He, C, N, O, Ne, Mg, Al, Si, S, Ar, Ca, Fe, Ni
///   (1; 0 – 1000, frozen), Redshift, norm.
/// - `bapec`, `bvapec`: as `apec`/`vapec` plus Velocity [km/s] (Gaussian σ; 0; 0 – 1e6, frozen)
///   before norm; lines are always thermally broadened as well (XSPEC's b-variants do so).
///
/// ## Output
/// Photons cm⁻² s⁻¹ in each bin:
/// `norm · 1e14 / (1+z) · Σ_T w_T · [Σ_Z a_Z (continuum_Z + pseudo_Z) + Σ_lines a_Z ε]`,
/// with norm = 1e-14 / (4π [D_A (1+z)]²) ∫ n_e n_H dV [cm⁻⁵]. The tables are per n_e n_H; the
/// 1/(1+z) is the time dilation of the photon rate (XSPEC applies it the same way).
///
/// ## Conventions (following XSPEC 12's `Aped` code, documented choice by choice)
/// - Temperature: the spectra of the two tabulated temperatures bracketing kT are summed with
///   weights linear in kT (`EmissivityTable.bracket`); an exactly tabulated kT uses that one.
///   `ApecOptions.logarithmicTemperatureInterpolation` selects XSPEC's `APECLOGTINTERP` (log kT).
/// - Abundances: the tables assume Anders & Grevesse (1989) (`angr`). Element Z is weighted by
///   A_Z × table[Z]/angr[Z], where table is the selected abundance table (XSPEC's `abund`) and
///   A_Z the model's abundance: H is always 1; He is 1 in `apec` (not scaled by Abundanc) and a
///   parameter in `vapec`; C, N, O, Ne, Mg, Al, Si, S, Ar, Ca, Fe, Ni take Abundanc (or their own
///   parameter in `vapec`); the trace elements Li, Be, B, F, Na, P, Cl, K, Sc, Ti, V, Cr, Mn, Co,
///   Cu, Zn take `ApecOptions.traceAbundance` (XSPEC's `APEC_TRACE_ABUND`, default 1).
/// - Redshift: the spectrum is computed on the source-frame grid E(1+z) (lines therefore appear
///   at E_line/(1+z), continua likewise) and multiplied by 1/(1+z).
/// - Lines are delta functions added to the bin lo < E ≤ hi unless broadened
///   (`LineBroadening`: thermal off by default as XSPEC's `APECTHERMAL`; a fixed velocity σ as
///   `APECVELOCITY`). Continua and pseudo-continua are piecewise linear and integrated exactly;
///   they are zero outside the tables' 0.0105 – 100 keV (XSPEC extends the end values across the
///   one bin that straddles each end; Perseus does not — it affects only that bin).
///
/// The data are `EmissivityTable.embedded()` (compact AtomDB 3.0.9, ≤ 2e-4 from the full tables)
/// unless a table read from the full AtomDB files is given.
public struct Apec: SpectralComponent {
    /// Which member of the family.
    public enum Variant: String, Sendable, CaseIterable {
        case apec, vapec, bapec, bvapec
    }

    public let variant: Variant
    public let abundanceTable: AbundanceTable
    public let options: ApecOptions
    let emission: GroupedEmission

    /// The 12 metals `apec`'s Abundanc scales and the 13 elements `vapec` varies (with He).
    static let apecMetals = [6, 7, 8, 10, 12, 13, 14, 16, 18, 20, 26, 28]
    static let vapecElements = [2] + apecMetals

    /// - Parameters:
    ///   - variant: `apec`, `vapec`, `bapec` or `bvapec`.
    ///   - table: emissivities; `nil` for the embedded compact AtomDB 3.0.9 table.
    ///   - abundanceTable: the solar abundances the abundance parameters refer to (XSPEC's `abund`).
    ///   - options: broadening, trace abundance, temperature interpolation.
    /// - Throws: `AtomDBError` if the embedded table cannot be decoded.
    public init(_ variant: Variant = .apec, table: EmissivityTable? = nil,
                abundanceTable: AbundanceTable = .angr, options: ApecOptions = ApecOptions()) throws(AtomDBError) {
        self.variant = variant
        self.abundanceTable = abundanceTable
        self.options = options
        let data: EmissivityTable
        if let table { data = table } else { data = try EmissivityTable.embedded() }
        let ratio = abundanceTable.ratioToAngr
        var group = [Int](repeating: 0, count: ChemicalElement.maximumAtomicNumber)
        var factor = ratio
        let variable = (variant == .apec || variant == .bapec) ? Apec.apecMetals : Apec.vapecElements
        for z in 1...ChemicalElement.maximumAtomicNumber where z > 2 && !Apec.vapecElements.contains(z) {
            factor[z - 1] *= options.traceAbundance
        }
        switch variant {
        case .apec, .bapec:
            for z in variable { group[z - 1] = 1 }
        case .vapec, .bvapec:
            for (g, z) in variable.enumerated() { group[z - 1] = g + 1 }
        }
        emission = GroupedEmission(table: data, grouping: AbundanceGrouping(groupOfElement: group, elementFactor: factor))
    }

    public var name: String { variant.rawValue }
    public var kind: ComponentKind { .additive }

    /// The emissivity table in use.
    public var table: EmissivityTable { emission.table }

    public var parameters: [ParameterInfo] {
        var list: [ParameterInfo] = []
        switch variant {
        case .apec, .bapec:
            list.append(ParameterInfo(name: "kT", unit: "keV", defaultValue: 1, hardMin: 0.008, hardMax: 64))
            list.append(ParameterInfo(name: "Abundanc", defaultValue: 1, hardMin: 0, hardMax: 5, frozenByDefault: true))
        case .vapec, .bvapec:
            list.append(ParameterInfo(name: "kT", unit: "keV", defaultValue: 6.5, hardMin: 0.0808, hardMax: 68.447))
            for z in Apec.vapecElements {
                list.append(ParameterInfo(name: ChemicalElement.symbols[z - 1], defaultValue: 1, hardMin: 0, hardMax: 1000,
                                          frozenByDefault: true))
            }
        }
        list.append(ParameterInfo(name: "Redshift", defaultValue: 0, hardMin: -0.999, hardMax: 10, frozenByDefault: true))
        if variant == .bapec || variant == .bvapec {
            list.append(ParameterInfo(name: "Velocity", unit: "km/s", defaultValue: 0, hardMin: 0, hardMax: 1e6,
                                      frozenByDefault: true))
        }
        list.append(ParameterInfo(name: "norm", defaultValue: 1, hardMin: 0, hardMax: 1e24))
        return list
    }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        PreparedApec(variant: variant, options: options, emission: PreparedEmission(emission: emission, grid: grid))
    }
}

/// Settings of the apec family that XSPEC takes from `xset` rather than parameters.
public struct ApecOptions: Sendable, Equatable {
    /// Line broadening for `apec`/`vapec` (XSPEC's `APECTHERMAL` and `APECVELOCITY`; default
    /// none). The b-variants always broaden thermally and take the velocity from their parameter.
    public var broadening: LineBroadening
    /// Abundance of the trace elements relative to the abundance table (XSPEC's
    /// `APEC_TRACE_ABUND`, default 1).
    public var traceAbundance: Double
    /// Interpolate between tabulated temperatures in log kT (XSPEC's `APECLOGTINTERP`; default
    /// false: linear in kT).
    public var logarithmicTemperatureInterpolation: Bool

    public init(broadening: LineBroadening = .none, traceAbundance: Double = 1,
                logarithmicTemperatureInterpolation: Bool = false) {
        self.broadening = broadening
        self.traceAbundance = traceAbundance
        self.logarithmicTemperatureInterpolation = logarithmicTemperatureInterpolation
    }
}

/// `Apec` prepared for one grid.
struct PreparedApec: PreparedComponent {
    let variant: Apec.Variant
    let options: ApecOptions
    let emission: PreparedEmission

    func evaluate(parameters p: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        output.update(repeating: 0)
        let kT = p[0]
        let isV = variant == .vapec || variant == .bvapec
        let groupCount = isV ? 14 : 2
        let redshiftIndex = isV ? 14 : 2
        let z = p[redshiftIndex]
        var broadening = options.broadening
        var normIndex = redshiftIndex + 1
        if variant == .bapec || variant == .bvapec {
            broadening = LineBroadening(thermal: true, velocity: p[redshiftIndex + 1])
            normIndex += 1
        }
        let norm = p[normIndex]
        let scale = norm * 1e14 / (1 + z)
        let bracket = emission.table.bracket(kT: kT, logarithmic: options.logarithmicTemperatureInterpolation)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: groupCount) { multipliers in
            multipliers[0] = 1
            for g in 1..<groupCount { multipliers[g] = p[g] }
            var terms = [(record: bracket.lower, weight: scale * bracket.lowerWeight)]
            if bracket.upper != bracket.lower { terms.append((record: bracket.upper, weight: scale * bracket.upperWeight)) }
            emission.accumulate(terms, groupMultipliers: UnsafeBufferPointer(multipliers), redshift: z,
                                broadening: broadening, into: output)
        }
    }
}
