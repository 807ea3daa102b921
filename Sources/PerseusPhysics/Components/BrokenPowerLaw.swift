import Foundation
import PerseusCore

/// XSPEC's `bknpower`: a broken power law.
///
///     A(E) = K E^−Γ₁                      for E ≤ E_b
///     A(E) = K E_b^(Γ₂−Γ₁) E^−Γ₂          for E > E_b     [photons cm⁻² s⁻¹ keV⁻¹]
///
/// Parameters (XSPEC model.dat): `PhoIndx1` Γ₁ (default 1, hard −3…10, soft −2…9), `BreakE` E_b
/// [keV] (default 5, hard 0…1e6, soft 0.01…1e6), `PhoIndx2` Γ₂ (default 2, same limits as Γ₁),
/// `norm` K [photons cm⁻² s⁻¹ keV⁻¹ at 1 keV]. Each bin is the exact integral of A(E); a bin
/// containing the break is split there, as XSPEC does. Power-law numerics as in ``PowerLaw``.
public struct BrokenPowerLaw: SpectralComponent {
    public init() {}
    public var name: String { "bknpower" }
    public var kind: ComponentKind { .additive }
    public var parameters: [ParameterInfo] {
        [.photonIndex("PhoIndx1", defaultValue: 1),
         ParameterInfo(name: "BreakE", unit: "keV", defaultValue: 5, hardMin: 0, hardMax: 1e6, softMin: 1e-2, softMax: 1e6),
         .photonIndex("PhoIndx2", defaultValue: 2),
         .norm]
    }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        Prepared(edges: BinEdges(grid))
    }

    struct Prepared: PreparedComponent {
        let edges: BinEdges

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            let index1 = parameters[0], breakEnergy = parameters[1], index2 = parameters[2], norm = parameters[3]
            let upperScale = norm * Foundation.pow(breakEnergy, index2 - index1)
            let out = output.baseAddress!
            // Bins [0, split) lie at or below the break; bin `split` may contain it.
            let split = edges.firstBin(withUpperEdgeAbove: breakEnergy)
            PowerLawIntegral.evaluate(edges: edges, bins: 0..<split, photonIndex: index1, scale: norm, into: out)
            guard split < edges.count else { return }
            if edges.lower(split) >= breakEnergy {
                PowerLawIntegral.evaluate(edges: edges, bins: split..<edges.count, photonIndex: index2,
                                          scale: upperScale, into: out)
                return
            }
            if split + 1 < edges.count {
                PowerLawIntegral.evaluate(edges: edges, bins: (split + 1)..<edges.count, photonIndex: index2,
                                          scale: upperScale, into: out)
            }
            // The bin containing the break, split at E_b.
            let lo = edges.lower(split), hi = edges.upper(split)
            let logLo = edges.logEnergies[edges.lowerIndex(split)], logHi = edges.logEnergies[edges.upperIndex(split)]
            let logBreak = Foundation.log(breakEnergy)
            let below = PowerLawIntegral.bin(lower: lo, upper: breakEnergy, logLower: logLo, logUpper: logBreak,
                                             logWidth: logBreak - logLo, exponent: 1 - index1)
            let above = PowerLawIntegral.bin(lower: breakEnergy, upper: hi, logLower: logBreak, logUpper: logHi,
                                             logWidth: logHi - logBreak, exponent: 1 - index2)
            out[split] = norm * below + upperScale * above
        }
    }
}
