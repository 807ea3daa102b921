import Foundation
import PerseusCore

/// XSPEC's `zpowerlw`: a photon power law with redshift.
///
///     A(E) = K [E(1+z)]^−Γ     [photons cm⁻² s⁻¹ keV⁻¹]
///
/// which XSPEC evaluates as the rest-frame power law on the energies E(1+z), divided by (1+z) for
/// time dilation; over a bin this is exactly K (1+z)^−Γ ∫ E^−Γ dE. K is the rest-frame photon
/// flux density at 1 keV. Parameters (XSPEC model.dat): `PhoIndex` (default 1, hard −3…10, soft
/// −2…9), `Redshift` (default 0, frozen, −0.999…10), `norm`. Bins are integrated exactly as in
/// ``PowerLaw``.
public struct ZPowerLaw: SpectralComponent {
    public init() {}
    public var name: String { "zpowerlw" }
    public var kind: ComponentKind { .additive }
    public var parameters: [ParameterInfo] { [.photonIndex("PhoIndex", defaultValue: 1), .redshift, .norm] }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        Prepared(edges: BinEdges(grid))
    }

    struct Prepared: PreparedComponent {
        let edges: BinEdges

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            let index = parameters[0], z = parameters[1], norm = parameters[2]
            let scale = norm * Foundation.exp(-index * Foundation.log1p(z))
            PowerLawIntegral.evaluate(edges: edges, bins: 0..<edges.count, photonIndex: index,
                                      scale: scale, into: output.baseAddress!)
        }
    }
}
