import Foundation
import PerseusCore

/// How `nei` recovers the lines of ions that AtomDB's equilibrium table does not list at the
/// model's temperature: per-ion line emissivities extrapolated in temperature from where the
/// table lists the line with a reliable ion population.
///
/// ## The gap it fills
/// An AtomDB line emissivity is ε(T) = A_Z f_eq(T) q(T), with q the emissivity per ion of the
/// ion that drives the line. The table lists a line at T only while ε(T) ≥ 1e-20 photons cm³ s⁻¹
/// (weaker lines go into the element's pseudo-continuum: APEC's `MinEpsilon`, Smith et al.
/// 2001), so an ion that is rare in equilibrium at T has few or none of its lines listed there —
/// yet an under-ionised `nei` plasma at that T can hold most of an element in such ions (iron in
/// Fe XVII–XX at kT = 5 keV, τ = 1e10 s cm⁻³). For every line the table lists, this type
/// computes Q(T) = A_Z q(T) [photons cm³ s⁻¹ per unit population of the driving ion] at the
/// table's temperatures above the last one listing it, which `nei` multiplies by that ion's
/// population excess over equilibrium (`NeiIonState.supplementFactors`).
///
/// ## Which ion drives a line
/// - Most lines come from levels populated by **collisional excitation** of the emitting ion
///   (charge q), with cascades: Q ∝ T^(−1/2) exp(−ΔE/kT) Ῡ(T), with ΔE the upper level's
///   excitation energy: the line energy plus that of the lower level where the table lists the
///   lower level's own transition to the ground level at ≥ 0.09 keV (a Ritz combination; else the
///   line energy alone, exact for lines to the ground level and a lower bound otherwise — lines
///   below 0.09 keV, e.g. within the ground term, are not in the compact table, and are not used
///   from the full tables either, so both give the same values). This includes
///   AtomDB's inner-shell excitation levels (e.g. the 1s2s2p levels of Fe XXIV, the 2p-hole
///   levels of Fe XVI).
/// - AtomDB lists **dielectronic-recombination satellites** from levels it numbers from 10000 up
///   (every line of O VII at 0.60–0.655 keV, Si XIII at 1.95–2.01 keV and Fe XXV at 6.85–6.97 keV
///   — the satellites of the next ion's Lyα — comes from such a level). They are fed by
///   recombination onto the next ion (charge q + 1): the photons of dielectronic recombination
///   through the 1s core from CHIANTI's fits (`fe_23`–`fe_25.drparams`) are 0.9–2.6× the Fe K
///   line emissivity AtomDB lists for Fe XXII (kT 1.1–4.3 keV) and 1.15–2.4× that of Fe XXIII
///   (kT 1.1–8.6 keV), enough for all of it; 0.6–0.83× for Fe XXIV, whose Fe K lines also come
///   from its own 1s2s2p levels below 10000 (`scripts/nei_limits.py`, section 8). In equilibrium their temperature behaviour cannot tell recombination from
///   excitation apart (f_{q+1}/f_q grows as exp(−I/kT), cancelling the exp(+I/kT) by which the
///   satellite's resonance energy E_s = E − I lies below E, I the emitting ion's ionisation
///   potential), so the level index decides: they are attributed to the **recombining ion**
///   q + 1, with the satellite form Q ∝ T^(−3/2) exp(−E_s/kT) (Gabriel 1972, MNRAS 160, 99),
///   E_s = max(0, ΔE − I) with ΔE as above. Tables without level indices fall back to ΔE > I.
///
/// ## The rule (all thresholds are properties, defaults in brackets)
/// For a line (one transition, followed across temperatures by `LineList.transitions`):
/// 1. **Reference temperatures**: tabulated temperatures where the driving ion's CHIANTI
///    equilibrium fraction (`IonizationSolver`, at the record's electron temperature) is at least
///    `reliableFraction` [1e-5]. There Q = ε / f_eq(driver).
/// 2. **Consistency test**: on each pair of adjacent reference temperatures the logarithmic
///    slope of Q is compared with that of the line's form with a constant Ῡ (above). The pair is
///    consistent if the excess slope s = d ln Q/d ln T − d ln(form)/d ln T is within
///    ±`slopeTolerance` [1]; the upper temperature of each consistent pair is a candidate
///    reference. A line whose reference temperatures include adjacent pairs but none consistent
///    is fed by something else (e.g. radiative cascades from recombination, inner-shell
///    ionisation of the previous ion) and is not extrapolated; a line with only isolated
///    reference temperatures takes each as a candidate (no evidence either way).
/// 3. **Extrapolation** to a table temperature T that does not list the line, from the highest
///    candidate T_r below it: Q(T) = Q(T_r) · form(T)/form(T_r) · (T/T_r)^γ, with γ = the excess
///    slope s of the candidate's pair clipped to [0, `maximumCollisionStrengthSlope` = 0.5]
///    (0 for an isolated candidate): Ῡ is held at least constant and grows at most as T^0.5
///    (collision strengths of allowed transitions grow slowly with T; the table shows excess
///    slopes of 0.1–0.4 for most lines). Measured by leave-one-out on the table
///    (`scripts/nei_limits.py`, section 5 of docs/nei-limits.txt): with γ = 0 (constant Ῡ) the
///    extrapolated per-ion emissivities of the Fe K and Fe L lines of Fe XVII–XXV fall short by
///    a median 6–9% from 0.1 dex below, 16–25% from 0.3 dex and 24–37% from 0.5 dex; with the
///    measured γ by 0%, 3% and 7–8%.
/// 4. **Floor**: values below `emissivityFloor` [1e-20, AtomDB's own listing threshold for an
///    ion holding its whole element] are dropped.
/// Only temperatures above the line's reference are filled: `nei` starts from neutral, and an
/// ion populated beyond equilibrium at kT is one whose equilibrium range lies at or below kT
/// (populations from neutral are stochastically smaller than equilibrium, so ions above the
/// equilibrium charge never exceed their equilibrium share by more than the tiny equilibrium
/// tail above them).
///
/// Lines the table never lists cannot be recovered this way — notably the K-shell lines (Fe Kα
/// near 6.4 keV) of Fe XVII–XIX, which AtomDB lists at no temperature; see `Nei`.
public struct NeiLineExtrapolation: Sendable, Equatable {
    /// Smallest equilibrium fraction of the driving ion at which a tabulated emissivity is used
    /// as a reference.
    public let reliableFraction: Double
    /// Largest |excess logarithmic slope| of a collisional reference pair.
    public let slopeTolerance: Double
    /// Upper clip of the collision-strength slope γ.
    public let maximumCollisionStrengthSlope: Double
    /// Smallest extrapolated emissivity kept [photons cm³ s⁻¹ per unit ion fraction].
    public let emissivityFloor: Double

    /// - Throws: `InvalidArgument` unless every value is finite and positive (the slope clip
    ///   may be 0).
    public init(reliableFraction: Double = 1e-5, slopeTolerance: Double = 1, maximumCollisionStrengthSlope: Double = 0.5,
                emissivityFloor: Double = 1e-20) throws(InvalidArgument) {
        for (name, value) in [("reliableFraction", reliableFraction), ("slopeTolerance", slopeTolerance),
                              ("emissivityFloor", emissivityFloor)] {
            guard value.isFinite, value > 0 else {
                throw InvalidArgument("nei line extrapolation: \(name) = \(value); expected a finite number > 0")
            }
        }
        guard maximumCollisionStrengthSlope.isFinite, maximumCollisionStrengthSlope >= 0 else {
            throw InvalidArgument("nei line extrapolation: maximumCollisionStrengthSlope = \(maximumCollisionStrengthSlope); expected a finite number >= 0")
        }
        guard reliableFraction <= 1 else {
            throw InvalidArgument("nei line extrapolation: reliableFraction = \(reliableFraction); expected at most 1 (a fraction)")
        }
        self.reliableFraction = reliableFraction
        self.slopeTolerance = slopeTolerance
        self.maximumCollisionStrengthSlope = maximumCollisionStrengthSlope
        self.emissivityFloor = emissivityFloor
    }

    private init(checked: Void) {
        reliableFraction = 1e-5
        slopeTolerance = 1
        maximumCollisionStrengthSlope = 0.5
        emissivityFloor = 1e-20
    }

    /// The rule `nei` uses unless told otherwise (the defaults above).
    public static let `default` = NeiLineExtrapolation(checked: ())

    /// The extrapolated lines of `table` (see the type's rule), from the equilibrium fractions of
    /// `solver` at each record's electron temperature.
    /// - Throws: `NeiLineExtrapolationError.noTransitions` if the table's lines carry no
    ///   transition identity; `IonizationError` if the solver fails.
    public func supplementaryLines(for table: EmissivityTable, solver: IonizationSolver) throws -> NeiSupplementaryLines {
        let context = try ExtrapolationContext(table: table, solver: solver)
        let tracks = try LineTracks(table: table)
        var energies = [[Double]](repeating: [], count: table.records.count)
        var elements = [[UInt8]](repeating: [], count: table.records.count)
        var ions = [[UInt8]](repeating: [], count: table.records.count)
        var values = [[Double]](repeating: [], count: table.records.count)
        var extrapolated = 0
        for track in 0..<tracks.count {
            let line = tracks.line(track)
            guard let form = LineForm(line, context: context) else { continue }
            let candidates = self.candidates(line, form: form, context: context)
            guard let first = candidates.first else { continue }
            var used = false
            var c = 0
            var p = 0   // index into the line's tabulated points
            for t in (first.record + 1)..<table.records.count {
                while p < line.points.count && line.points[p].record < t { p += 1 }
                if p < line.points.count && line.points[p].record == t { continue }   // tabulated: ratio form
                while c + 1 < candidates.count && candidates[c + 1].record < t { c += 1 }
                let q = extrapolate(candidates[c], form: form, to: t, context: context)
                guard q >= emissivityFloor, q.isFinite else { continue }
                energies[t].append(line.energy)
                elements[t].append(UInt8(line.element))
                ions[t].append(UInt8(form.driverCharge + 1))
                values[t].append(q)
                used = true
            }
            if used { extrapolated += 1 }
        }
        let records = (0..<table.records.count).map {
            LineList(energies: energies[$0], elements: elements[$0], ions: ions[$0], emissivities: values[$0])
        }
        return NeiSupplementaryLines(rule: self, records: records, extrapolatedTransitions: extrapolated)
    }

    // MARK: The rule on one line

    /// A reference temperature: table record, Q there [photons cm³ s⁻¹ per unit population of the
    /// driving ion] and the slope γ to extrapolate with.
    struct Candidate: Equatable {
        let record: Int
        let emissivity: Double
        let slope: Double
    }

    /// The candidate references of a line, by increasing record (step 2 of the rule).
    func candidates(_ line: LineTrack, form: LineForm, context: ExtrapolationContext) -> [Candidate] {
        var reference: [(record: Int, q: Double)] = []
        for point in line.points {
            let f = context.fraction(record: point.record, element: line.element, charge: form.driverCharge)
            guard f >= reliableFraction, point.emissivity > 0 else { continue }
            reference.append((point.record, point.emissivity / f))
        }
        guard !reference.isEmpty else { return [] }
        var candidates: [Candidate] = []
        var anyPair = false
        for k in 1..<max(1, reference.count) where reference[k].record == reference[k - 1].record + 1 {
            anyPair = true
            let a = reference[k - 1], b = reference[k]
            let excess = excessSlope(qFrom: a.q, qTo: b.q, form: form, from: a.record, to: b.record, context: context)
            if abs(excess) <= slopeTolerance {
                candidates.append(Candidate(record: b.record, emissivity: b.q,
                                            slope: min(max(excess, 0), maximumCollisionStrengthSlope)))
            }
        }
        if !anyPair {
            candidates = reference.map { Candidate(record: $0.record, emissivity: $0.q, slope: 0) }
        }
        return candidates
    }

    /// d ln Q / d ln T between two records minus that of the line's form with constant Ῡ.
    func excessSlope(qFrom: Double, qTo: Double, form: LineForm, from a: Int, to b: Int, context: ExtrapolationContext) -> Double {
        let lnT = Foundation.log(context.kT[b] / context.kT[a])
        return (Foundation.log(qTo / qFrom) - form.logRatio(from: context.kT[a], to: context.kT[b])) / lnT
    }

    /// Q at record `t` from a candidate reference (step 3 of the rule).
    func extrapolate(_ reference: Candidate, form: LineForm, to t: Int, context: ExtrapolationContext) -> Double {
        let r = reference.record
        let growth = reference.slope * Foundation.log(context.kT[t] / context.kT[r])
        return reference.emissivity * Foundation.exp(form.logRatio(from: context.kT[r], to: context.kT[t]) + growth)
    }

    /// Q of `line` at record `t` from the highest candidate below `t`, seeing only the records in
    /// `visible` (all when nil); nil when there is none. (What `supplementaryLines` computes,
    /// one value at a time: for validation.)
    func predict(_ line: LineTrack, at t: Int, visible: Set<Int>? = nil, context: ExtrapolationContext) -> Double? {
        guard let form = LineForm(line, context: context) else { return nil }
        let seen = visible.map { v in LineTrack(energy: line.energy, element: line.element, ion: line.ion, upperLevel: line.upperLevel,
                                                lowerLevelEnergy: line.lowerLevelEnergy,
                                                points: line.points.filter { v.contains($0.record) }) } ?? line
        guard let reference = candidates(seen, form: form, context: context).last(where: { $0.record < t }) else { return nil }
        return extrapolate(reference, form: form, to: t, context: context)
    }
}

/// How a line's per-ion emissivity depends on temperature, and which ion drives it.
struct LineForm: Equatable {
    enum Mechanism: Equatable {
        /// Collisional excitation of the emitting ion: T^(−1/2) exp(−E/kT).
        case excitation
        /// Dielectronic recombination onto the next ion: T^(−3/2) exp(−(E − I)/kT).
        case dielectronicRecombination
    }

    let mechanism: Mechanism
    /// Charge of the ion whose population drives the line (0 = neutral).
    let driverCharge: Int
    /// Power of T and the energy [keV] in the exponential.
    let power: Double
    let energy: Double

    /// AtomDB 3.0.9 numbers the levels of its dielectronic-satellite data from this index up.
    static let firstSatelliteLevel: UInt32 = 10000

    /// nil for H and He (not evolved by `nei`) and for ions beyond the bare nucleus. A line is a
    /// dielectronic satellite if its upper level is one of AtomDB's satellite levels (index ≥
    /// 10000) or, when the table gives no level indices, if its energy exceeds the ionisation
    /// potential of the emitting ion (the upper level then lies above the limit).
    init?(_ line: LineTrack, context: ExtrapolationContext) {
        guard line.element >= 3, line.ion >= 1, line.ion <= line.element else { return nil }
        let charge = line.ion - 1
        let potential = context.ionizationPotential(element: line.element, charge: charge)
        let upperEnergy = line.energy + line.lowerLevelEnergy
        let satellite = line.upperLevel.map { $0 >= LineForm.firstSatelliteLevel } ?? (upperEnergy > potential)
        if satellite {
            mechanism = .dielectronicRecombination
            driverCharge = charge + 1
            power = -1.5
            energy = max(upperEnergy - potential, 0)
        } else {
            mechanism = .excitation
            driverCharge = charge
            power = -0.5
            energy = upperEnergy
        }
    }

    /// ln [form(kT_b) / form(kT_a)].
    func logRatio(from ka: Double, to kb: Double) -> Double {
        power * Foundation.log(kb / ka) + energy * (1 / ka - 1 / kb)
    }
}

/// Errors building the extrapolated lines.
public enum NeiLineExtrapolationError: PerseusError, Equatable {
    /// The table's line lists do not identify transitions across temperatures.
    case noTransitions(origin: String, record: Int)

    public var description: String {
        switch self {
        case let .noTransitions(origin, record):
            return "nei line extrapolation: the line list of temperature \(record + 1) of \(origin) has no transition identifiers "
                + "(element, ion, upper and lower level); expected one per line to follow lines across temperatures"
        }
    }
}

/// The lines `NeiLineExtrapolation` adds for `nei`: for each record of the emissivity table, the
/// lines the table does not list there, with their extrapolated emissivity per unit population
/// of the driving ion [photons cm³ s⁻¹], for Anders & Grevesse (1989) abundances, sorted by
/// energy. In these lists `LineList.ions` holds the **driving** ion (spectroscopic number): the
/// emitting ion for collisionally excited lines, the next ion (the recombining one) for
/// dielectronic satellites. `nei` multiplies each by that ion's population excess over
/// equilibrium at kT.
public struct NeiSupplementaryLines: Sendable {
    /// The rule that made them.
    public let rule: NeiLineExtrapolation
    /// One list per table record (same order as `EmissivityTable.records`).
    public let records: [LineList]
    /// Number of distinct transitions with at least one extrapolated value.
    public let extrapolatedTransitions: Int

    /// Total number of extrapolated (line, temperature) values.
    public var count: Int { records.reduce(0) { $0 + $1.count } }

    private static let embeddedResult: Result<NeiSupplementaryLines, any Error> = Result {
        try NeiLineExtrapolation.default.supplementaryLines(for: EmissivityTable.embedded(), solver: IonizationSolver())
    }

    /// The default rule applied to the embedded table with the embedded rates, computed on first
    /// use and then shared.
    public static func embedded() throws -> NeiSupplementaryLines {
        try embeddedResult.get()
    }
}

// MARK: Support

/// The record temperatures and CHIANTI equilibrium fractions the rule needs.
struct ExtrapolationContext {
    /// kT of each record [keV] (the tables' PARAMETERS value).
    let kT: [Double]
    /// fractions[record][Z − 1][charge]; empty for H and He.
    let fractions: [[[Double]]]
    /// Ionisation potential [keV] of charge q of element Z: potentials[Z − 1][q].
    let potentials: [[Double]]

    init(table: EmissivityTable, solver: IonizationSolver) throws {
        kT = table.temperatures
        var fractions: [[[Double]]] = []
        for record in table.records {
            // The node temperature (TEMPERATURE keyword) clamped into the rate table's range
            // (AtomDB's top node, 1e9 K, lies 6e-6 above it after the keV ↔ K round trip).
            let node = record.electronTemperature * IonizationRateTable.boltzmannKeVPerKelvin
            let kT = min(max(node, IonizationRateTable.minimumKT), IonizationRateTable.maximumKT)
            var perElement: [[Double]] = [[], []]
            for element in ChemicalElement.all where element.atomicNumber >= 3 {
                perElement.append(try solver.equilibrium(element: element, kT: kT))
            }
            fractions.append(perElement)
        }
        self.fractions = fractions
        potentials = solver.table.ionizationPotentials.map { $0.map { $0 / 1000 } }
    }

    /// Equilibrium fraction of charge `charge` of element Z at a record (0 beyond the bare nucleus).
    func fraction(record: Int, element: Int, charge: Int) -> Double {
        let f = fractions[record][element - 1]
        return charge < f.count ? f[charge] : 0
    }

    /// Ionisation potential [keV] of charge `charge` of element Z (infinite for the bare nucleus).
    func ionizationPotential(element: Int, charge: Int) -> Double {
        let p = potentials[element - 1]
        return charge < p.count ? p[charge] : .infinity
    }
}

/// One line across the table's temperatures.
struct LineTrack {
    let energy: Double
    let element: Int
    let ion: Int
    /// AtomDB's upper level index, when the table gives it.
    var upperLevel: UInt32? = nil
    /// Excitation energy of the lower level above the ground level [keV]: the energy of the
    /// lower level's own transition to the ground level where the table lists one (Ritz
    /// combination), else 0 (the ground level, or unknown).
    var lowerLevelEnergy: Double = 0
    /// Records listing the line, increasing, with the emissivity there [photons cm³ s⁻¹].
    let points: [(record: Int, emissivity: Double)]
}

/// Every line of a table, grouped by transition.
struct LineTracks {
    private var energy: [Double] = []
    private var element: [UInt8] = []
    private var ion: [UInt8] = []
    private var upper: [UInt32] = []
    private var lowerEnergy: [Double] = []
    private var start: [Int] = []
    private var records: [Int32] = []
    private var emissivities: [Double] = []

    var count: Int { start.count - 1 }

    /// Lower-level energies come from transitions to the ground level at or above this energy
    /// [keV]: the compact table's individual-line threshold, so that the full FITS tables (which
    /// also list the EUV lines) give the same values as the embedded table.
    static let ritzMinimumEnergy = 0.09

    init(table: EmissivityTable) throws(NeiLineExtrapolationError) {
        var maximumID = -1
        for (t, record) in table.records.enumerated() {
            guard record.lines.hasTransitions else { throw .noTransitions(origin: table.origin, record: t) }
            if let m = record.lines.transitions.max() { maximumID = max(maximumID, Int(m)) }
        }
        let n = maximumID + 1
        var counts = [Int](repeating: 0, count: n + 1)
        for record in table.records { for id in record.lines.transitions { counts[Int(id) + 1] += 1 } }
        for i in 0..<n { counts[i + 1] += counts[i] }
        start = counts
        var fill = counts
        let total = counts[n]
        records = [Int32](repeating: 0, count: total)
        emissivities = [Double](repeating: 0, count: total)
        energy = [Double](repeating: 0, count: n)
        element = [UInt8](repeating: 0, count: n)
        ion = [UInt8](repeating: 0, count: n)
        upper = table.transitionLevels.count >= n ? table.transitionLevels.prefix(n).map(\.upper) : []
        for (t, record) in table.records.enumerated() {
            let lines = record.lines
            for j in 0..<lines.count {
                let id = Int(lines.transitions[j])
                let slot = fill[id]
                fill[id] += 1
                records[slot] = Int32(t)
                emissivities[slot] = lines.emissivities[j]
                energy[id] = lines.energies[j]
                element[id] = lines.elements[j]
                ion[id] = lines.ions[j]
            }
        }
        lowerEnergy = [Double](repeating: 0, count: n)
        if !upper.isEmpty {
            // Energy of each (element, ion, level) above the ground level, from its transition to level 1.
            func key(_ z: UInt8, _ i: UInt8, _ level: UInt32) -> UInt64 { UInt64(z) << 40 | UInt64(i) << 32 | UInt64(level) }
            var levelEnergy: [UInt64: Double] = [:]
            for id in 0..<n where table.transitionLevels[id].lower == 1 && start[id + 1] > start[id]
                && energy[id] >= LineTracks.ritzMinimumEnergy {
                levelEnergy[key(element[id], ion[id], upper[id])] = energy[id]
            }
            for id in 0..<n where table.transitionLevels[id].lower > 1 {
                lowerEnergy[id] = levelEnergy[key(element[id], ion[id], table.transitionLevels[id].lower)] ?? 0
            }
        }
    }

    /// Line `k` (records in increasing order, since the table's records are visited in order).
    func line(_ k: Int) -> LineTrack {
        let points = (start[k]..<start[k + 1]).map { (record: Int(records[$0]), emissivity: emissivities[$0]) }
        return LineTrack(energy: energy[k], element: Int(element[k]), ion: Int(ion[k]), upperLevel: upper.isEmpty ? nil : upper[k],
                         lowerLevelEnergy: lowerEnergy[k], points: points)
    }
}
