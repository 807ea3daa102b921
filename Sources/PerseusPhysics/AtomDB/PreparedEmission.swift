import Foundation
import PerseusCore

/// An AtomDB emissivity table prepared for one energy grid and one abundance grouping: adds the
/// bin-integrated spectrum of one tabulated temperature, redshifted, into an output array.
///
/// This is the engine of `apec`/`vapec` and is meant for `nei` too: `ionFactors` scales every
/// ion's lines separately (e.g. by its non-equilibrium over its equilibrium population).
///
/// Conventions (XSPEC's apec, `Aped::SumSpectra`):
/// - the source-frame energies of bin i are [lo·(1+z), hi·(1+z)];
/// - a line at source energy E (unbroadened) adds its whole flux to the bin with
///   lo < E/(1+z) ≤ hi; lines in gaps or outside the grid are lost;
/// - continua and pseudo-continua are piecewise linear in energy and integrated exactly;
/// - the caller applies the temperature weights, abundances, norm·1e14 and the 1/(1+z) of time
///   dilation through `weight` and `groupMultipliers`.
///
/// Evaluation is a pure function of its arguments (no shared mutable state): one prepared
/// value can be used from many threads.
public struct PreparedEmission: Sendable {
    let emission: GroupedEmission
    let locator: BinLocator

    /// Ions per element in `ionFactors`: index (Z − 1) · ionStride + (ion − 1).
    public static let ionStride = 31

    init(emission: GroupedEmission, grid: EnergyGrid) {
        self.emission = emission
        self.locator = BinLocator(grid: grid)
    }

    /// The table this was prepared from.
    public var table: EmissivityTable { emission.table }
    /// Number of bins of the grid.
    public var binCount: Int { locator.count }

    /// Adds Σ weightₜ × (spectrum of tabulated temperature t) to `output`, for the temperatures
    /// and weights in `terms`, in photons per bin per unit weight (the tables are per n_e n_H, so
    /// a weight carries norm·1e14/(1+z) times the temperature's interpolation weight).
    /// - Parameters:
    ///   - terms: (record index, weight) pairs; e.g. the two of a `TemperatureBracket`.
    ///   - groupMultipliers: one multiplier per abundance group (`AbundanceGrouping.groupCount`).
    ///   - redshift: z > −1; energies in the source frame are (1 + z) × observed.
    ///   - broadening: line broadening (none by default).
    ///   - ionFactors: nil, or a factor per (element, ion) multiplying that ion's lines
    ///     (index (Z − 1)·`ionStride` + ion − 1). Continua are per element in AtomDB 3.0.9 and are
    ///     not affected.
    ///   - supplement: nil, or further lines per record (`lines[record]`, same units and
    ///     abundance convention as the table's) with their own per-ion factors (same indexing as
    ///     `ionFactors`); `nei` adds its extrapolated lines this way (`NeiSupplementaryLines`).
    public func accumulate(_ terms: [(record: Int, weight: Double)], groupMultipliers: UnsafeBufferPointer<Double>,
                           redshift: Double, broadening: LineBroadening = .none,
                           ionFactors: UnsafeBufferPointer<Double>? = nil,
                           supplement: (lines: [LineList], factors: UnsafeBufferPointer<Double>)? = nil,
                           into output: UnsafeMutableBufferPointer<Double>) {
        let g = emission.grouping.groupCount
        precondition(groupMultipliers.count >= g && output.count == locator.count)
        guard let out = output.baseAddress else { return }
        let s = 1 + redshift
        addSmooth(terms, groupMultipliers: groupMultipliers, s: s, out: out)
        let grouping = emission.grouping
        withUnsafeTemporaryAllocation(of: Double.self, capacity: ChemicalElement.maximumAtomicNumber) { scratch in
            let elementWeight = scratch.baseAddress!
            for term in terms where term.weight != 0 {
                for z in 0..<ChemicalElement.maximumAtomicNumber {
                    elementWeight[z] = term.weight * groupMultipliers[grouping.groupOfElement[z]] * grouping.elementFactor[z]
                }
                let record = emission.table.records[term.record]
                if broadening.isActive {
                    addBroadenedLines(record.lines, kelvin: record.electronTemperature, elementWeight: elementWeight, s: s,
                                      broadening: broadening, ionFactors: ionFactors, out: out)
                } else {
                    addLines(record.lines, elementWeight: elementWeight, s: s, ionFactors: ionFactors, out: out)
                }
                if let supplement, term.record < supplement.lines.count {
                    let lines = supplement.lines[term.record]
                    if broadening.isActive {
                        addBroadenedLines(lines, kelvin: record.electronTemperature, elementWeight: elementWeight, s: s,
                                          broadening: broadening, ionFactors: supplement.factors, out: out)
                    } else {
                        addLines(lines, elementWeight: elementWeight, s: s, ionFactors: supplement.factors, out: out)
                    }
                }
            }
        }
    }

    // MARK: Continua and pseudo-continua: exact integrals of piecewise-linear densities.

    /// One density (one or more group columns) at one temperature, walked along the grid.
    private struct Walker {
        /// The density's records: node, then (tail, value, half slope) per column.
        let records: UnsafeMutablePointer<Double>
        let stride: Int
        /// Weight of each column (temperature weight × group multiplier); `columns` entries.
        let weights: (Double, Double)
        let columns: Int
        /// Current record (its node ≤ the last query).
        var node: UnsafeMutablePointer<Double>

        /// Σ weight × ∫ from x to the end, for x at or beyond every earlier query. Past the last
        /// node the sentinel records (node +∞, zeros) give 0 without a test.
        @inline(__always)
        mutating func tailIntegral(_ x: Double) -> Double {
            // Usually 0–2 nodes lie between consecutive edges: step without branches first.
            node += node[stride] <= x ? stride : 0
            node += node[stride] <= x ? stride : 0
            while node[stride] <= x { node += stride }
            let u = max(0, x - node[0])
            var sum = weights.0 * (node[1] - u * (node[2] + node[3] * u))
            if columns == 2 { sum += weights.1 * (node[4] - u * (node[5] + node[6] * u)) }
            return sum
        }
    }

    private func addSmooth(_ terms: [(record: Int, weight: Double)], groupMultipliers: UnsafeBufferPointer<Double>,
                           s: Double, out: UnsafeMutablePointer<Double>) {
        let lo = locator.lo, hi = locator.hi, bins = locator.count
        let start = lo[0] * s
        var walkers: [Walker] = []
        walkers.reserveCapacity(terms.count * groupMultipliers.count)
        for term in terms where term.weight != 0 {
            for density in emission.smooth[term.record] where density.count >= 2 {
                precondition(density.groups.count <= 2, "a density has at most two columns")
                let w0 = term.weight * groupMultipliers[density.groups[0]]
                let w1 = density.groups.count > 1 ? term.weight * groupMultipliers[density.groups[1]] : 0
                guard w0 != 0 || w1 != 0 else { continue }
                // last node at or below the first edge (or 0)
                var low = 0, high = density.count - 1
                while high - low > 1 {
                    let mid = (low + high) >> 1
                    if density.node(mid) <= start { low = mid } else { high = mid }
                }
                walkers.append(Walker(records: density.records, stride: density.stride, weights: (w0, w1),
                                      columns: density.groups.count, node: density.records + low * density.stride))
            }
        }
        guard !walkers.isEmpty else { return }
        walkers.withUnsafeMutableBufferPointer { walkerBuffer in
            let walker = walkerBuffer.baseAddress!, count = walkerBuffer.count
            @inline(__always) func tailIntegral(_ x: Double) -> Double {
                var sum = 0.0
                for j in 0..<count { sum += walker[j].tailIntegral(x) }
                return sum
            }
            if locator.isContiguous {
                var previous = tailIntegral(start)
                for i in 0..<bins {
                    let next = tailIntegral(hi[i] * s)
                    out[i] += previous - next
                    previous = next
                    if next == 0 { break }   // past every density's last node
                }
            } else {
                var lastX = -Double.infinity
                for i in 0..<bins {
                    // edges stored as float32 may overlap by an ulp: never step back
                    let xLo = max(lo[i] * s, lastX), xHi = max(hi[i] * s, xLo)
                    lastX = xHi
                    let upper = tailIntegral(xLo)
                    out[i] += upper - tailIntegral(xHi)
                }
            }
        }
    }

    // MARK: Lines

    private func addLines(_ lines: LineList, elementWeight: UnsafeMutablePointer<Double>, s: Double,
                          ionFactors: UnsafeBufferPointer<Double>?, out: UnsafeMutablePointer<Double>) {
        let bins = locator.count
        let first = lines.firstIndex(above: locator.lo[0] * s)
        let last = lines.firstIndex(above: locator.hi[bins - 1] * s)
        guard first < last else { return }
        let inverseS = 1 / s
        lines.energies.withUnsafeBufferPointer { energies in
        lines.elements.withUnsafeBufferPointer { elements in
        lines.emissivities.withUnsafeBufferPointer { emissivities in
            if let ionFactors {
                lines.ions.withUnsafeBufferPointer { ions in
                    for j in first..<last {
                        let bin = locator.lineBin(energies[j] * inverseS)
                        if bin >= 0 {
                            let z = Int(elements[j]) &- 1
                            out[bin] += elementWeight[z] * emissivities[j]
                                * ionFactors[z &* PreparedEmission.ionStride &+ Int(ions[j]) &- 1]
                        }
                    }
                }
            } else {
                for j in first..<last {
                    let bin = locator.lineBin(energies[j] * inverseS)
                    if bin >= 0 { out[bin] += elementWeight[Int(elements[j]) &- 1] * emissivities[j] }
                }
            }
        }}}
    }

    private func addBroadenedLines(_ lines: LineList, kelvin: Double, elementWeight: UnsafeMutablePointer<Double>, s: Double,
                                   broadening: LineBroadening, ionFactors: UnsafeBufferPointer<Double>?,
                                   out: UnsafeMutablePointer<Double>) {
        guard lines.count > 0 else { return }
        var relative = [Double](repeating: 0, count: ChemicalElement.maximumAtomicNumber)
        for z in 1...ChemicalElement.maximumAtomicNumber {
            relative[z - 1] = broadening.relativeWidth(atomicNumber: z, kelvin: kelvin)
        }
        let widest = relative.max() ?? 0
        let bins = locator.count
        let first = lines.firstIndex(above: locator.lo[0] * s / (1 + 6 * widest))
        let last = lines.firstIndex(above: locator.hi[bins - 1] * s / max(1e-3, 1 - 6 * widest))
        guard first < last else { return }
        let inverseS = 1 / s
        for j in first..<last {
            let z = Int(lines.elements[j]) - 1
            var flux = elementWeight[z] * lines.emissivities[j]
            if let ionFactors { flux *= ionFactors[z * PreparedEmission.ionStride + Int(lines.ions[j]) - 1] }
            if flux == 0 { continue }
            let x = lines.energies[j] * inverseS
            addGaussian(centre: x, sigma: x * relative[z], flux: flux, out: out)
        }
    }

    /// Adds a Gaussian line of total `flux` centred at `centre` [keV, observed frame].
    private func addGaussian(centre: Double, sigma: Double, flux: Double, out: UnsafeMutablePointer<Double>) {
        let lowX = centre - 6 * sigma, highX = centre + 6 * sigma
        let bins = locator.count
        var i = locator.firstBin(endingAtOrAbove: lowX)
        guard i < bins else { return }
        if sigma <= 0 || (locator.lo[i] < lowX && highX <= locator.hi[i]) {
            let bin = locator.lineBin(centre)
            if bin >= 0 { out[bin] += flux }
            return
        }
        let scale = 1 / (sigma * 2.0.squareRoot())
        @inline(__always) func cdf(_ x: Double) -> Double { 0.5 * erfc(-(x - centre) * scale) }
        var previousTop = -1.0, previousHi = -Double.infinity
        while i < bins && locator.lo[i] < highX {
            // whole bins: every bin reaching within 6σ gets its exact share
            let bottom = locator.lo[i]
            let top = locator.hi[i]
            let cBottom = bottom == previousHi ? previousTop : cdf(bottom)
            let cTop = cdf(top)
            out[i] += flux * (cTop - cBottom)
            previousTop = cTop
            previousHi = top
            i += 1
        }
    }
}
