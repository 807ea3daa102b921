import PerseusCore

/// XSPEC's `powerlaw`: a simple photon power law.
///
///     A(E) = K E^−Γ     [photons cm⁻² s⁻¹ keV⁻¹]
///
/// Parameters (XSPEC model.dat): `PhoIndex` Γ (default 1, hard −3…10, soft −2…9) and `norm` K,
/// the photon flux density at 1 keV [photons cm⁻² s⁻¹ keV⁻¹]. Each bin's value is the exact
/// integral of A(E) over the bin [photons cm⁻² s⁻¹], including Γ = 1 (K ln(E₂/E₁)); see
/// ``PowerLawIntegral`` for the numerics. XSPEC's optional `xset POW_EMIN/POW_EMAX`
/// renormalisation is not applied (its default, unset, is followed). A bin starting at 0 keV has
/// infinite flux for Γ ≥ 1.
public struct PowerLaw: SpectralComponent {
    public init() {}
    public var name: String { "powerlaw" }
    public var kind: ComponentKind { .additive }
    public var parameters: [ParameterInfo] { [.photonIndex("PhoIndex", defaultValue: 1), .norm] }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        Prepared(edges: BinEdges(grid))
    }

    struct Prepared: PreparedComponent {
        let edges: BinEdges

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            PowerLawIntegral.evaluate(edges: edges, bins: 0..<edges.count, photonIndex: parameters[0],
                                      scale: parameters[1], into: output.baseAddress!)
        }
    }
}
