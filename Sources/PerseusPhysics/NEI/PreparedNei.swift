import Foundation
import PerseusCore

/// `Nei` prepared for one energy grid.
///
/// Each evaluation needs the ion populations at (kT, τ): the eigen-decomposition of every
/// evolved element's rate equations at kT (`IonizationModes`, the expensive part, a few hundred
/// µs) and its evaluation at τ (~10 µs). The decompositions of the last few temperatures are
/// kept in a small cache owned by this value, so a fit or scan that changes τ (or only norm,
/// abundances, z) at a fixed kT pays the decomposition once. The cache is guarded by a lock and
/// holds immutable values: evaluation stays a pure function of the parameters and is safe from
/// any number of threads (results never depend on what the cache holds).
struct PreparedNei: PreparedComponent {
    let component: Nei
    let emission: PreparedEmission
    let cache = IonizationModesCache(capacity: 4)

    init(component: Nei, emission: PreparedEmission) {
        self.component = component
        self.emission = emission
    }

    /// Writes the spectrum; if the ionisation solver reports a failure (kT outside its tables
    /// or an invalid τ, which the model's hard limits exclude, or a numerical failure never
    /// seen), every bin is NaN rather than a wrong number.
    func evaluate(parameters p: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        let kT = p[0]
        let tauIndex = component.tauIndex
        let tau = p[tauIndex], z = p[tauIndex + 1], norm = p[tauIndex + 2]
        let state: NeiIonState
        do {
            state = try ionState(kT: kT, tau: tau)
        } catch {
            output.update(repeating: .nan)
            return
        }
        output.update(repeating: 0)
        let scale = norm * 1e14 / (1 + z)
        let bracket = emission.table.bracket(kT: kT)
        let groupCount = component.groupCount
        withUnsafeTemporaryAllocation(of: Double.self, capacity: groupCount) { multipliers in
            multipliers[0] = 1
            for g in 1..<groupCount { multipliers[g] = p[g] }
            var terms = [(record: bracket.lower, weight: scale * bracket.lowerWeight)]
            if bracket.upper != bracket.lower { terms.append((record: bracket.upper, weight: scale * bracket.upperWeight)) }
            state.lineFactors.withUnsafeBufferPointer { factors in
                state.supplementFactors.withUnsafeBufferPointer { excess in
                    let supplement = component.supplement.map { (lines: $0.records, factors: excess) }
                    emission.accumulate(terms, groupMultipliers: UnsafeBufferPointer(multipliers), redshift: z,
                                        broadening: component.options.broadening, ionFactors: factors,
                                        supplement: supplement, into: output)
                }
            }
        }
    }

    /// The populations at (kT, τ), through the cache.
    func ionState(kT: Double, tau: Double) throws -> NeiIonState {
        let modes = try cache.modes(kT: kT) {
            try component.solver.modes(kT: kT, elements: component.evolvedElements)
        }
        return try NeiIonState(modes: modes, tau: tau, scaling: component.options.ionScaling)
    }
}

/// The `IonizationModes` of the last few temperatures (exact kT match), most recent first.
/// Thread-safe: a lock guards the list; the values themselves are immutable.
final class IonizationModesCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [IonizationModes] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The cached modes for exactly `kT`, or those `make` computes (then cached). `make` runs
    /// outside the lock, so threads never wait for one another's decompositions.
    func modes(kT: Double, make: () throws -> IonizationModes) rethrows -> IonizationModes {
        lock.lock()
        if let index = entries.firstIndex(where: { $0.kT.bitPattern == kT.bitPattern }) {
            let found = entries[index]
            if index != 0 {
                entries.remove(at: index)
                entries.insert(found, at: 0)
            }
            lock.unlock()
            return found
        }
        lock.unlock()
        let made = try make()
        lock.lock()
        if !entries.contains(where: { $0.kT.bitPattern == kT.bitPattern }) {
            entries.insert(made, at: 0)
            if entries.count > capacity { entries.removeLast() }
        }
        lock.unlock()
        return made
    }
}
