import PerseusCore

/// XSPEC's `zgauss`: a redshifted Gaussian line.
///
///     A(E) = K/(1+z) · 1/(σ_z√(2π)) · exp(−(E − E_z)² / (2σ_z²)),  E_z = E_L/(1+z),  σ_z = σ/(1+z)
///
/// XSPEC evaluates `gaussian` on the energies E(1+z) and divides by (1+z) (time dilation), which
/// is the formula above. Parameters (XSPEC model.dat): `LineE` E_L [keV, rest frame] (default
/// 6.5, 0…1e6), `Sigma` σ [keV, rest frame] (default 0.1, hard 0…20, soft 0…10), `Redshift` z
/// (default 0, frozen, −0.999…10), `norm` K [photons cm⁻² s⁻¹ in the line, rest frame].
/// Bins are integrated exactly as in ``Gaussian``.
public struct ZGaussian: SpectralComponent {
    public init() {}
    public var name: String { "zgauss" }
    public var kind: ComponentKind { .additive }
    public var parameters: [ParameterInfo] {
        [.lineEnergy,
         ParameterInfo(name: "Sigma", unit: "keV", defaultValue: 0.1, hardMin: 0, hardMax: 20, softMin: 0, softMax: 10),
         .redshift,
         .norm]
    }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        Prepared(edges: BinEdges(grid))
    }

    struct Prepared: PreparedComponent {
        let edges: BinEdges

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            let factor = 1 + parameters[2]
            LineProfile.gaussian(edges: edges, center: parameters[0] / factor, sigma: parameters[1] / factor,
                                 flux: parameters[3] / factor, into: output.baseAddress!)
        }
    }
}
