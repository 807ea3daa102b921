import PerseusCore

extension WAbs {
    /// The cross sections behind the per-bin factor of `wabs` on `grid`: bin i's factor is
    /// Σ_k weight[k] · exp(−nH · sigma[k]) over k in `binStart[i] ..< binStart[i + 1]`
    /// (σ in 1e-22 cm², nH in 1e22 cm⁻²; see the type's documentation for how the points are
    /// placed). These are exactly the numbers ``WAbs`` evaluates, so another program given them
    /// computes the same transmission (e.g. the Sherpa peer of `perseus bench fit`).
    /// - Throws: ``AbsorptionError`` for a grid below 0.1 keV under the reject rule.
    public func samplingPoints(for grid: EnergyGrid) throws -> (sigma: [Double], weight: [Double], binStart: [Int]) {
        guard let prepared = try prepared(for: grid) as? Prepared else {
            preconditionFailure("WAbs.prepared(for:) returns WAbs.Prepared")
        }
        return (prepared.pointSigma, prepared.pointWeight, prepared.binStart)
    }
}
