import Foundation
import PerseusCore

/// How `nei` recovers the lines of ions that AtomDB's equilibrium table does not list at the
/// model's temperature: per-ion line emissivities extrapolated in temperature from where the
/// table lists the line with a reliable ion population.
///
/// ## The gap it fills
/// An AtomDB line emissivity is ε(T) = A_Z f_eq(T) q(T), with q the emissivity per ion of the
/// emitting stage. The table lists a line at T only while ε(T) ≥ 1e-20 photons cm³ s⁻¹ (weaker
/// lines go into the element's pseudo-continuum: APEC's `MinEpsilon`, Smith et al. 2001), so an
/// ion that is rare in equilibrium at T has few or none of its lines listed there — yet an
/// under-ionised `nei` plasma at that T can hold most of an element in such ions (iron in
/// Fe XVII–XX at kT = 5 keV, τ = 1e10 s cm⁻³). For every line the table lists, this type
/// computes Q(T) = A_Z q(T) [photons cm³ s⁻¹ per unit ion fraction] at the table's temperatures
/// above the last one listing it, which `nei` multiplies by the ion's population excess over
/// equilibrium (`NeiIonState.supplementFactors`).
///
/// ## The rule (all thresholds are properties, defaults in brackets)
/// A line (one transition, followed across temperatures by `LineList.transitions`) of element
/// Z, ion i (charge i − 1), energy E:
/// 1. **Reference temperatures**: tabulated temperatures where the ion's CHIANTI equilibrium
///    fraction (`IonizationSolver`, at the record's electron temperature) is at least
///    `reliableFraction` [1e-5]. There Q = ε / f_eq. If E exceeds the ion's ionisation potential
///    (the upper level autoionises: a dielectronic-recombination satellite or an inner-shell
///    line), the next ion's fraction must also be at most `satelliteNeighbourRatio` [10] times
///    f_eq: where the next ion dominates, AtomDB's ε of such a line is mostly dielectronic
///    recombination onto the next ion, and ε / f_eq is inflated by f_{i+1}/f_i (O VI satellites
///    at f(O VII)/f(O VI) ≈ 400 are 2–8× above the excitation trend).
/// 2. **Collisional test**: on each pair of adjacent reference temperatures the logarithmic
///    slope of Q is compared with that of collisional excitation from the ground level with a
///    constant effective collision strength Ῡ, Q ∝ T^(−1/2) exp(−ΔE/kT), taking ΔE = E (the
///    upper level's excitation energy; exact for lines to the ground level, a lower bound
///    otherwise). The pair is collisional if the excess slope s = d ln Q/d ln T − (−1/2 + ΔE/kT)
///    is within ±`slopeTolerance` [1]. The upper temperature of each collisional pair is a
///    candidate reference. A line whose reference temperatures include adjacent pairs but none
///    collisional is fed by something else (recombination or cascades from the next ion,
///    inner-shell ionisation of the previous one) and is not extrapolated; a line with only
///    isolated reference temperatures takes each as a candidate (no evidence either way).
/// 3. **Extrapolation** to a table temperature T that does not list the line, from the highest
///    candidate T_r below it:
///        Q(T) = Q(T_r) (T_r/T)^(1/2) exp(−E/kT + E/kT_r) (T/T_r)^γ,
///    with Ῡ ∝ T^γ, γ = the excess slope s of the candidate's pair clipped to
///    [0, `maximumCollisionStrengthSlope` = 0.5] (0 for an isolated candidate): Ῡ is held at
///    least constant and grows at most as T^0.5 (collision strengths of allowed transitions grow
///    slowly with T; the table shows excess slopes of 0.1–0.4 for most lines). Measured by
///    leave-one-out on the table (`scripts/nei_limits.py`, section 5 of docs/nei-limits.txt):
///    with γ = 0 (constant Ῡ) the extrapolated per-ion emissivities of the Fe K and Fe L lines of
///    Fe XVII–XXV fall short by a median 6–9% from 0.1 dex below, 16–19% from 0.3 dex and
///    25–29% from 0.5 dex; with the measured γ by 0–1%, 3% and 7–8%.
/// 4. **Floor**: values below `emissivityFloor` [1e-20, AtomDB's own listing threshold for an
///    ion holding its whole element] are dropped.
/// Only temperatures above the line's reference are filled: `nei` starts from neutral, and an
/// ion populated beyond equilibrium at kT is one whose equilibrium range lies at or below kT
/// (populations from neutral are stochastically smaller than equilibrium, so ions above the
/// equilibrium charge never exceed their equilibrium share by more than the tiny equilibrium
/// tail above them).
///
/// Lines the table never lists for an ion cannot be recovered this way — notably the K-shell
/// lines (Fe Kα near 6.4 keV) of Fe XVII–XIX, which AtomDB lists at no temperature; see `Nei`.
public struct NeiLineExtrapolation: Sendable, Equatable {
    /// Smallest equilibrium fraction of the emitting ion at which a tabulated emissivity is used
    /// as a reference.
    public let reliableFraction: Double
    /// Largest |excess logarithmic slope| of a collisional reference pair.
    public let slopeTolerance: Double
    /// Upper clip of the collision-strength slope γ.
    public let maximumCollisionStrengthSlope: Double
    /// For lines above the ionisation potential: largest f_{i+1}/f_i at a reference temperature.
    public let satelliteNeighbourRatio: Double
    /// Smallest extrapolated emissivity kept [photons cm³ s⁻¹ per unit ion fraction].
    public let emissivityFloor: Double

    /// - Throws: `InvalidArgument` unless every value is finite and positive (the slope clip
    ///   may be 0).
    public init(reliableFraction: Double = 1e-5, slopeTolerance: Double = 1, maximumCollisionStrengthSlope: Double = 0.5,
                satelliteNeighbourRatio: Double = 10, emissivityFloor: Double = 1e-20) throws(InvalidArgument) {
        for (name, value) in [("reliableFraction", reliableFraction), ("slopeTolerance", slopeTolerance),
                              ("satelliteNeighbourRatio", satelliteNeighbourRatio), ("emissivityFloor", emissivityFloor)] {
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
        self.satelliteNeighbourRatio = satelliteNeighbourRatio
        self.emissivityFloor = emissivityFloor
    }

    private init(checked: Void) {
        reliableFraction = 1e-5
        slopeTolerance = 1
        maximumCollisionStrengthSlope = 0.5
        satelliteNeighbourRatio = 10
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
            let candidates = self.candidates(line, context: context)
            guard let first = candidates.first else { continue }
            var used = false
            var c = 0
            var p = 0   // index into the line's tabulated points
            for t in (first.record + 1)..<table.records.count {
                while p < line.points.count && line.points[p].record < t { p += 1 }
                if p < line.points.count && line.points[p].record == t { continue }   // tabulated: ratio form
                while c + 1 < candidates.count && candidates[c + 1].record < t { c += 1 }
                let q = extrapolate(candidates[c], energy: line.energy, to: t, context: context)
                guard q >= emissivityFloor, q.isFinite else { continue }
                energies[t].append(line.energy)
                elements[t].append(UInt8(line.element))
                ions[t].append(UInt8(line.ion))
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

    /// A reference temperature: table record, Q there [photons cm³ s⁻¹ per unit ion fraction]
    /// and the collision-strength slope γ to extrapolate with.
    struct Candidate: Equatable {
        let record: Int
        let emissivity: Double
        let slope: Double
    }

    /// The candidate references of a line, by increasing record (step 2 of the rule).
    func candidates(_ line: LineTrack, context: ExtrapolationContext) -> [Candidate] {
        guard line.element >= 3, line.ion <= line.element else { return [] }
        let charge = line.ion - 1
        let autoionising = line.energy > context.ionizationPotential(element: line.element, charge: charge)
        var reference: [(record: Int, q: Double)] = []
        for point in line.points {
            let f = context.fraction(record: point.record, element: line.element, charge: charge)
            guard f >= reliableFraction, point.emissivity > 0 else { continue }
            if autoionising {
                let next = context.fraction(record: point.record, element: line.element, charge: charge + 1)
                guard next <= satelliteNeighbourRatio * f else { continue }
            }
            reference.append((point.record, point.emissivity / f))
        }
        guard !reference.isEmpty else { return [] }
        var candidates: [Candidate] = []
        var anyPair = false
        for k in 1..<max(1, reference.count) where reference[k].record == reference[k - 1].record + 1 {
            anyPair = true
            let a = reference[k - 1], b = reference[k]
            let excess = excessSlope(qFrom: a.q, qTo: b.q, energy: line.energy, from: a.record, to: b.record, context: context)
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

    /// d ln Q / d ln T between two records minus that of collisional excitation with constant Ῡ.
    func excessSlope(qFrom: Double, qTo: Double, energy: Double, from a: Int, to b: Int, context: ExtrapolationContext) -> Double {
        let lnT = Foundation.log(context.kT[b] / context.kT[a])
        return (Foundation.log(qTo / qFrom) - logExcitationRatio(energy: energy, from: a, to: b, context: context)) / lnT
    }

    /// ln [Q_exc(T_b) / Q_exc(T_a)] for Q_exc ∝ T^(−1/2) exp(−E/kT).
    func logExcitationRatio(energy: Double, from a: Int, to b: Int, context: ExtrapolationContext) -> Double {
        let ka = context.kT[a], kb = context.kT[b]
        return 0.5 * Foundation.log(ka / kb) + energy * (1 / ka - 1 / kb)
    }

    /// Q of `line` at record `t` from the highest candidate below `t`, seeing only the records in
    /// `visible` (all when nil); nil when there is none. (What `supplementaryLines` computes,
    /// one value at a time: for validation.)
    func predict(_ line: LineTrack, at t: Int, visible: Set<Int>? = nil, context: ExtrapolationContext) -> Double? {
        let seen = visible.map { v in LineTrack(energy: line.energy, element: line.element, ion: line.ion,
                                                points: line.points.filter { v.contains($0.record) }) } ?? line
        guard let reference = candidates(seen, context: context).last(where: { $0.record < t }) else { return nil }
        return extrapolate(reference, energy: line.energy, to: t, context: context)
    }

    /// Q at record `t` from a candidate reference (step 3 of the rule).
    func extrapolate(_ reference: Candidate, energy: Double, to t: Int, context: ExtrapolationContext) -> Double {
        let r = reference.record
        let growth = reference.slope * Foundation.log(context.kT[t] / context.kT[r])
        return reference.emissivity * Foundation.exp(logExcitationRatio(energy: energy, from: r, to: t, context: context) + growth)
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
/// of the emitting ion [photons cm³ s⁻¹], for Anders & Grevesse (1989) abundances, sorted by
/// energy. `nei` multiplies each by the ion's population excess over equilibrium at kT.
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
    /// Records listing the line, increasing, with the emissivity there [photons cm³ s⁻¹].
    let points: [(record: Int, emissivity: Double)]
}

/// Every line of a table, grouped by transition.
struct LineTracks {
    private var energy: [Double] = []
    private var element: [UInt8] = []
    private var ion: [UInt8] = []
    private var start: [Int] = []
    private var records: [Int32] = []
    private var emissivities: [Double] = []

    var count: Int { start.count - 1 }

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
    }

    /// Line `k` (records in increasing order, since the table's records are visited in order).
    func line(_ k: Int) -> LineTrack {
        let points = (start[k]..<start[k + 1]).map { (record: Int(records[$0]), emissivity: emissivities[$0]) }
        return LineTrack(energy: energy[k], element: Int(element[k]), ion: Int(ion[k]), points: points)
    }
}
