import PerseusCore

/// XSPEC's `gaussian`: a Gaussian line profile.
///
///     A(E) = K / (σ√(2π)) · exp(−(E − E_L)² / (2σ²))     [photons cm⁻² s⁻¹ keV⁻¹]
///
/// Parameters (XSPEC model.dat): `LineE` E_L [keV] (default 6.5, 0…1e6), `Sigma` σ [keV]
/// (default 0.1, hard 0…20, soft 0…10), `norm` K, the total photon flux in the line
/// [photons cm⁻² s⁻¹] (over all energies, as in XSPEC: no renormalisation for E < 0).
///
/// Each bin holds the exact integral, from differences of the complementary error function (see
/// ``LineProfile/gaussian(edges:center:sigma:flux:into:)``). XSPEC stops the profile where the
/// remaining flux falls below 1e-8 of the line (`LINECRITLEVEL`) and adds the rest to the last
/// bin computed; Perseus integrates every bin exactly instead. σ = 0 is a delta function: all of
/// K goes into the bin with lower edge < E_L ≤ upper edge, as in XSPEC.
public struct Gaussian: SpectralComponent {
    public init() {}
    public var name: String { "gaussian" }
    public var kind: ComponentKind { .additive }
    public var parameters: [ParameterInfo] {
        [.lineEnergy,
         ParameterInfo(name: "Sigma", unit: "keV", defaultValue: 0.1, hardMin: 0, hardMax: 20, softMin: 0, softMax: 10),
         .norm]
    }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        Prepared(edges: BinEdges(grid))
    }

    struct Prepared: PreparedComponent {
        let edges: BinEdges

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            LineProfile.gaussian(edges: edges, center: parameters[0], sigma: parameters[1], flux: parameters[2],
                                 into: output.baseAddress!)
        }
    }
}
