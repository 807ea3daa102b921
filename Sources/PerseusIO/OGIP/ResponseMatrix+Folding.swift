import PerseusCore

/// Folding spectra through the matrix, and views of it for checks and tests.
extension ResponseMatrix {
    /// Expected counts per channel for the given photons per energy bin:
    /// `counts[j] = Σ_i matrix[i][j] × photons[i]`.
    ///
    /// Units: for an RMF, `photons[i]` is the number of photons (or photons per second, …)
    /// arriving in energy bin i after the effective area has been applied, and the result is
    /// in the same unit per channel; for an RSP, `photons[i]` is a photon fluence
    /// [photons cm⁻²] (or flux, …) and the matrix supplies the cm².
    /// - Throws: `OGIPError.invalidData` if `photons.count != energyCount`.
    public func fold(_ photonsPerEnergyBin: [Double]) throws(OGIPError) -> [Double] {
        guard photonsPerEnergyBin.count == energyCount else {
            throw .invalidData(what: "fold", problem: "\(photonsPerEnergyBin.count) photon bins given; the matrix has \(energyCount) energy bins")
        }
        var counts = [Double](repeating: 0, count: channelCount)
        photonsPerEnergyBin.withUnsafeBufferPointer { photons in
            counts.withUnsafeMutableBufferPointer { out in fold(photons, into: out) }
        }
        return counts
    }

    /// Folds into caller-provided storage, overwriting it (no allocation): the form for hot
    /// loops. `photons.count` must equal `energyCount` and `counts.count` must equal
    /// `channelCount` (checked with a precondition).
    public func fold(_ photons: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) {
        precondition(photons.count == energyCount && counts.count == channelCount,
                     "fold: \(photons.count) photon bins into \(counts.count) channels; matrix is \(energyCount) × \(channelCount)")
        guard let out = counts.baseAddress else { return }
        out.update(repeating: 0, count: counts.count)
        guard let input = photons.baseAddress else { return }
        rowRunStarts.withUnsafeBufferPointer { starts in
            runs.withUnsafeBufferPointer { runs in
                values.withUnsafeBufferPointer { values in
                    guard let runBase = runs.baseAddress, let valueBase = values.baseAddress else { return }
                    for row in 0..<photons.count {
                        let weight = input[row]
                        if weight == 0 { continue }
                        for r in Int(starts[row])..<Int(starts[row &+ 1]) {
                            let run = runBase[r]
                            let target = out + Int(run.channel)
                            let source = valueBase + Int(run.valueOffset)
                            for k in 0..<Int(run.count) {
                                target[k] += Double(source[k]) * weight
                            }
                        }
                    }
                }
            }
        }
    }

    /// Sum of each energy row (accumulated in Double): the probability that a photon of that
    /// energy is detected at all (RMF), or the effective area in cm² (RSP).
    public func rowSums() -> [Double] {
        (0..<energyCount).map { row in
            var sum = 0.0
            for run in runs(ofRow: row) {
                let start = Int(run.valueOffset)
                for k in start..<(start + Int(run.count)) { sum += Double(values[k]) }
            }
            return sum
        }
    }

    /// Energy row `row` (0-based) as a dense array over all channels.
    public func denseRow(_ row: Int) -> [Double] {
        var line = [Double](repeating: 0, count: channelCount)
        for run in runs(ofRow: row) {
            for k in 0..<Int(run.count) {
                line[Int(run.channel) + k] += Double(values[Int(run.valueOffset) + k])
            }
        }
        return line
    }

    /// The whole matrix as `dense[energy][channel]` (for tests and small matrices: a
    /// 32768 × 32768 matrix would need 8 GB).
    public func dense() -> [[Double]] {
        (0..<energyCount).map(denseRow)
    }
}
