import Foundation
import PerseusCore

/// The edges of an energy grid arranged for per-edge evaluation, with their logarithms.
///
/// For a contiguous grid (every `lo[i+1] == hi[i]` exactly) the n + 1 distinct edges are stored
/// once and bin i spans edges i and i + 1; otherwise each bin keeps its own two edges (2n values,
/// bin i spans 2i and 2i + 1).
struct BinEdges: Sendable {
    /// Distinct edge energies [keV].
    let energies: [Double]
    /// ln of each edge (−∞ for an edge at 0 keV).
    let logEnergies: [Double]
    /// ln(hi/lo) of each bin.
    let logWidths: [Double]
    /// Smallest and largest finite ln E (an edge at 0 keV is left out).
    let finiteLogRange: ClosedRange<Double>
    /// Whether bin i spans edges i and i + 1 (true) or 2i and 2i + 1 (false).
    let isContiguous: Bool
    /// Number of bins.
    let count: Int

    init(_ grid: EnergyGrid) {
        count = grid.count
        var contiguous = true
        for i in 1..<grid.count where grid.lo[i] != grid.hi[i - 1] {
            contiguous = false
            break
        }
        isContiguous = contiguous
        if contiguous {
            energies = grid.lo + [grid.hi[grid.count - 1]]
        } else {
            var edges = [Double]()
            edges.reserveCapacity(2 * grid.count)
            for i in 0..<grid.count {
                edges.append(grid.lo[i])
                edges.append(grid.hi[i])
            }
            energies = edges
        }
        logEnergies = energies.map { Foundation.log($0) }
        let finite = logEnergies.filter(\.isFinite)
        finiteLogRange = (finite.min() ?? 0)...(finite.max() ?? 0)
        // ln(hi/lo) = log1p((hi − lo)/lo): no cancellation for narrow bins.
        logWidths = (0..<grid.count).map { i in Foundation.log1p((grid.hi[i] - grid.lo[i]) / grid.lo[i]) }
    }

    @inline(__always) func lowerIndex(_ bin: Int) -> Int { isContiguous ? bin : 2 * bin }
    @inline(__always) func upperIndex(_ bin: Int) -> Int { isContiguous ? bin + 1 : 2 * bin + 1 }
    @inline(__always) func lower(_ bin: Int) -> Double { energies[lowerIndex(bin)] }
    @inline(__always) func upper(_ bin: Int) -> Double { energies[upperIndex(bin)] }

    /// The first bin whose upper edge exceeds `energy` (count if none): bins before it lie
    /// entirely at or below `energy`.
    func firstBin(withUpperEdgeAbove energy: Double) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if upper(middle) > energy { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The bin with lower edge < energy ≤ upper edge (XSPEC's convention for where a
    /// zero-width line falls), or nil if the energy lies in no bin.
    func bin(containing energy: Double) -> Int? {
        let candidate = firstBin(withUpperEdgeAbove: energy.nextDown)
        guard candidate < count, lower(candidate) < energy, energy <= upper(candidate) else { return nil }
        return candidate
    }
}
