import Foundation
import PerseusCore

/// AtomDB's emission tables for a plasma in collisional ionisation equilibrium (APEC): for each
/// tabulated temperature, the emission lines (per ion) and the continuum and pseudo-continuum
/// (per element), all per unit n_e n_H and for Anders & Grevesse (1989) abundances.
///
/// ## Where the data come from
/// - `EmissivityTable.embedded()`: the compact table derived from AtomDB 3.0.9 by
///   `scripts/derive_atomdb.py` and compiled into the binary (see `CompactAtomDBDecoder` for
///   what it keeps; it reproduces the full tables' apec spectra to better than 0.1%).
/// - `EmissivityTable.read(_:)` with `AtomDBFiles`: the full FITS tables
///   (`apec_v3.0.9_line.fits`, `apec_v3.0.9_coco.fits`), when the user points Perseus at an
///   AtomDB installation with `--atomdb DIR` or the `ATOMDB` environment variable.
///
/// ## In memory
/// `records[i]` holds temperature `temperatures[i]`: a `LineList` (energy-sorted lines with
/// element and ion), the element continua and pseudo-continua as `EmissionCurve`s, and two
/// derived forms used for fast evaluation (narrow pseudo-continuum features, and all smooth
/// parts resampled onto common nodes). Keeping lines per ion lets `nei` scale each ion's lines
/// by its non-equilibrium population; the AtomDB 3.0.9 CIE continuum file has element totals
/// only (`rmJ` = 0), so continua are per element.
public struct EmissivityTable: Sendable {
    /// Where the table came from, for messages (e.g. "embedded AtomDB 3.0.9 (compact)").
    public let origin: String
    /// One record per tabulated temperature, in increasing kT.
    public let records: [TemperatureRecord]
    /// Tabulated kT [keV], increasing.
    public let temperatures: [Double]
    /// Lines below this energy [keV] are not listed individually (their flux is in the
    /// pseudo-continuum); 0 for the full tables.
    public let individualLineThreshold: Double
    /// AtomDB's upper and lower level indices of each transition, indexed by the lines'
    /// `LineList.transitions` values; empty when the source does not give them.
    public let transitionLevels: [TransitionLevels]

    /// - Throws: `AtomDBError.inconsistentTable` if the records are empty or kT does not increase,
    ///   or if `transitionLevels` is given but does not cover every line's transition.
    public init(origin: String, records: [TemperatureRecord], individualLineThreshold: Double = 0,
                transitionLevels: [TransitionLevels] = []) throws(AtomDBError) {
        guard !records.isEmpty else { throw .inconsistentTable(origin: origin, problem: "no temperatures") }
        for i in 1..<records.count where !(records[i].kT > records[i - 1].kT) {
            throw .inconsistentTable(origin: origin,
                                     problem: "kT does not increase at temperature \(i): \(records[i].kT) after \(records[i - 1].kT) keV")
        }
        if !transitionLevels.isEmpty {
            for (t, record) in records.enumerated() {
                guard record.lines.hasTransitions, record.lines.transitions.allSatisfy({ Int($0) < transitionLevels.count }) else {
                    throw .inconsistentTable(origin: origin,
                                             problem: "temperature \(t + 1): a line's transition has no level indices (\(transitionLevels.count) given)")
                }
            }
        }
        self.origin = origin
        self.records = records
        self.transitionLevels = transitionLevels
        self.temperatures = records.map(\.kT)
        self.individualLineThreshold = individualLineThreshold
    }

    /// The two tabulated temperatures bracketing `kT` and their weights, as XSPEC's apec
    /// computes them (`Aped::SumSpectra`): linear in kT between the neighbouring tabulated
    /// values (XSPEC's default; its `APECLOGTINTERP` option switches to log kT, offered here as
    /// `logarithmic`). A tabulated kT is used alone; outside the table the end value is used
    /// alone (XSPEC warns; the models' hard limits keep kT inside).
    public func bracket(kT: Double, logarithmic: Bool = false) -> TemperatureBracket {
        let t = temperatures
        let n = t.count
        if !(kT >= t[0]) { return TemperatureBracket(lower: 0, lowerWeight: 1, upper: 0, upperWeight: 0) }
        if kT >= t[n - 1] { return TemperatureBracket(lower: n - 1, lowerWeight: 1, upper: n - 1, upperWeight: 0) }
        var low = 0, high = n - 1   // t[low] <= kT < t[high]
        while high - low > 1 {
            let mid = (low + high) / 2
            if t[mid] <= kT { low = mid } else { high = mid }
        }
        if kT == t[low] { return TemperatureBracket(lower: low, lowerWeight: 1, upper: low, upperWeight: 0) }
        let w: Double
        if logarithmic {
            w = (Foundation.log(kT) - Foundation.log(t[low])) / (Foundation.log(t[high]) - Foundation.log(t[low]))
        } else {
            w = (kT - t[low]) / (t[high] - t[low])
        }
        return TemperatureBracket(lower: low, lowerWeight: 1 - w, upper: high, upperWeight: w)
    }
}

/// AtomDB's level indices of a transition (`UpperLev`, `LowerLev`; 1 = ground level). AtomDB
/// 3.0.9 numbers the autoionising levels of its dielectronic-recombination satellite data from
/// 10000 up.
public struct TransitionLevels: Sendable, Equatable {
    public let upper: UInt32
    public let lower: UInt32

    public init(upper: UInt32, lower: UInt32) {
        self.upper = upper
        self.lower = lower
    }
}

/// Two tabulated temperatures and the weights of their spectra.
public struct TemperatureBracket: Sendable, Equatable {
    public let lower: Int
    public let lowerWeight: Double
    public let upper: Int
    public let upperWeight: Double
}
