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

    /// Adds `weight` × (spectrum of tabulated temperature `record`) to `output`, in photons per bin
    /// per unit `weight` (the tables are per n_e n_H, so `weight` carries norm·1e14/(1+z) and the
    /// temperature weight).
    /// - Parameters:
    ///   - groupMultipliers: one multiplier per abundance group (`AbundanceGrouping.groupCount`).
    ///   - redshift: z > −1; energies in the source frame are (1 + z) × observed.
    ///   - ionFactors: nil, or a factor per (element, ion) multiplying that ion's lines
    ///     (index (Z − 1)·`ionStride` + ion − 1). Continua are per element in AtomDB 3.0.9 and are
    ///     not affected.
    public func accumulate(record t: Int, weight: Double, groupMultipliers: UnsafeBufferPointer<Double>,
                           redshift: Double, broadening: LineBroadening = .none,
                           ionFactors: UnsafeBufferPointer<Double>? = nil,
                           into output: UnsafeMutableBufferPointer<Double>) {
        precondition(groupMultipliers.count >= emission.grouping.groupCount && output.count == locator.count)
        guard weight != 0, let out = output.baseAddress else { return }
        let s = 1 + redshift
        let record = emission.table.records[t]
        let grouping = emission.grouping
        withUnsafeTemporaryAllocation(of: Double.self, capacity: ChemicalElement.count + grouping.groupCount) { scratch in
            let elementWeight = scratch.baseAddress!
            let groupWeight = elementWeight + ChemicalElement.count
            for g in 0..<grouping.groupCount { groupWeight[g] = weight * groupMultipliers[g] }
            for z in 0..<ChemicalElement.count {
                elementWeight[z] = groupWeight[grouping.groupOfElement[z]] * grouping.elementFactor[z]
            }
            addSmooth(t, groupWeight: groupWeight, s: s, out: out)
            addNarrow(record.narrow, elementWeight: elementWeight, s: s, out: out)
            if broadening.isActive {
                addBroadenedLines(record, elementWeight: elementWeight, s: s, broadening: broadening,
                                  ionFactors: ionFactors, out: out)
            } else {
                addLines(record.lines, elementWeight: elementWeight, s: s, ionFactors: ionFactors, out: out)
            }
        }
    }

    // MARK: Smooth part: exact integral of the piecewise-linear density over every bin.

    private func addSmooth(_ t: Int, groupWeight: UnsafeMutablePointer<Double>, s: Double, out: UnsafeMutablePointer<Double>) {
        let smooth = emission.table.records[t].smooth
        let n = smooth.count
        guard n >= 2 else { return }
        let g = emission.grouping.groupCount
        smooth.energies.withUnsafeBufferPointer { nodeBuffer in
        emission.columns[t].withUnsafeBufferPointer { columnBuffer in
        emission.inverseWidths[t].withUnsafeBufferPointer { inverseBuffer in
        locator.lo.withUnsafeBufferPointer { loBuffer in
        locator.hi.withUnsafeBufferPointer { hiBuffer in
            let nodes = nodeBuffer.baseAddress!, columns = columnBuffer.baseAddress!, inverse = inverseBuffer.baseAddress!
            let lo = loBuffer.baseAddress!, hi = hiBuffer.baseAddress!
            let bins = locator.count
            @inline(__always) func density(_ k: Int) -> Double {
                var d = 0.0
                let row = columns + k &* g
                for j in 0..<g { d += groupWeight[j] * row[j] }
                return d
            }
            // Start at the last node at or below the first source-frame edge.
            let start = lo[0] * s
            var low = 0, high = n - 1
            while high - low > 1 {
                let mid = (low + high) >> 1
                if nodes[mid] <= start { low = mid } else { high = mid }
            }
            var k = low
            var cumulative = 0.0          // ∫ from nodes[k0] to nodes[k]
            var dk = density(k), dk1 = density(k + 1)
            var lastX = -Double.infinity
            @inline(__always) func integral(to xIn: Double) -> Double {
                let x = max(xIn, lastX)   // edges stored as float32 may overlap by an ulp
                lastX = x
                while k + 1 < n && nodes[k + 1] <= x {
                    cumulative += 0.5 * (dk + dk1) * (nodes[k + 1] - nodes[k])
                    k += 1
                    dk = dk1
                    dk1 = k + 1 < n ? density(k + 1) : 0
                }
                if k + 1 >= n { return cumulative }
                let u = x - nodes[k]
                if u <= 0 { return cumulative }
                return cumulative + dk * u + 0.5 * (dk1 - dk) * inverse[k] * u * u
            }
            var previousHi = 0.0
            for i in 0..<bins {
                let fLo = (i > 0 && lo[i] == hi[i - 1]) ? previousHi : integral(to: lo[i] * s)
                let fHi = integral(to: hi[i] * s)
                out[i] += fHi - fLo
                previousHi = fHi
                if k + 1 >= n && fHi == cumulative && nodes[n - 1] <= hi[i] * s { break }
            }
        }}}}}
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

    private func addBroadenedLines(_ record: TemperatureRecord, elementWeight: UnsafeMutablePointer<Double>, s: Double,
                                   broadening: LineBroadening, ionFactors: UnsafeBufferPointer<Double>?,
                                   out: UnsafeMutablePointer<Double>) {
        let lines = record.lines
        var relative = [Double](repeating: 0, count: ChemicalElement.count)
        for z in 1...ChemicalElement.count {
            relative[z - 1] = broadening.relativeWidth(atomicNumber: z, kelvin: record.electronTemperature)
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
            let bottom = max(locator.lo[i], lowX)
            let top = min(locator.hi[i], highX)
            let cBottom = bottom == previousHi ? previousTop : cdf(bottom)
            let cTop = cdf(top)
            out[i] += flux * (cTop - cBottom)
            previousTop = cTop
            previousHi = top
            i += 1
        }
    }

    // MARK: Narrow pseudo-continuum features

    private func addNarrow(_ features: NarrowFeatureList, elementWeight: UnsafeMutablePointer<Double>, s: Double,
                           out: UnsafeMutablePointer<Double>) {
        let bins = locator.count
        guard features.count > 0 else { return }
        let first = features.firstIndex(above: locator.lo[0] * s - features.maxRightWidth)
        let last = features.firstIndex(above: locator.hi[bins - 1] * s + features.maxLeftWidth)
        guard first < last else { return }
        let inverseS = 1 / s
        features.centres.withUnsafeBufferPointer { centres in
        features.leftWidths.withUnsafeBufferPointer { lefts in
        features.rightWidths.withUnsafeBufferPointer { rights in
        features.values.withUnsafeBufferPointer { values in
        features.elements.withUnsafeBufferPointer { elements in
            for j in first..<last {
                let w = elementWeight[Int(elements[j]) &- 1] * values[j]
                if w == 0 { continue }
                let c = centres[j], a = lefts[j], b = rights[j]
                let xl = (c - a) * inverseS, xr = (c + b) * inverseS
                let bin = locator.lineBin(xr)
                if bin >= 0 && locator.lo[bin] <= xl {
                    out[bin] += w * 0.5 * (a + b)
                    continue
                }
                var i = locator.firstBin(endingAtOrAbove: xl)
                while i < bins && locator.lo[i] < xr {
                    let u0 = max(locator.lo[i], xl) * s - c
                    let u1 = min(locator.hi[i], xr) * s - c
                    out[i] += w * (hatCumulative(u1, left: a, right: b) - hatCumulative(u0, left: a, right: b))
                    i += 1
                }
            }
        }}}}}
    }
}
