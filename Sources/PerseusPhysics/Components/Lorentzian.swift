import PerseusCore

/// XSPEC's `lorentz`: a Lorentzian line profile normalised over positive energies.
///
///     A(E) = K · W / (π − 2 arctan(−2E_L/W)) · 1 / [(E − E_L)² + (W/2)²]     [photons cm⁻² s⁻¹ keV⁻¹]
///
/// This is XSPEC's definition (manual page "lorentz"; `lineFraction` in calcLines.cxx): the
/// profile of full width at half maximum W, scaled so that its integral over E > 0 is K. For
/// E_L ≫ W the scale tends to the textbook K W/(2π). Parameters (XSPEC model.dat): `LineE` E_L
/// [keV] (default 6.5, 0…1e6), `Width` W [keV, FWHM] (default 0.1, hard 0…20, soft 0…10),
/// `norm` K [photons cm⁻² s⁻¹ in the line].
///
/// Each bin holds the exact integral from arctangent differences (see
/// ``LineProfile/lorentzian(edges:center:width:flux:into:)``). XSPEC truncates the profile
/// where the remaining flux falls below 1e-6 of the line (`LINECRITLEVEL`) and adds the rest to
/// the last bin computed; Perseus integrates every bin exactly instead. W = 0 is a delta
/// function in the bin with lower edge < E_L ≤ upper edge, as in XSPEC.
public struct Lorentzian: SpectralComponent {
    public init() {}
    public var name: String { "lorentz" }
    public var kind: ComponentKind { .additive }
    public var parameters: [ParameterInfo] {
        [.lineEnergy,
         ParameterInfo(name: "Width", unit: "keV", defaultValue: 0.1, hardMin: 0, hardMax: 20, softMin: 0, softMax: 10),
         .norm]
    }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        Prepared(edges: BinEdges(grid))
    }

    struct Prepared: PreparedComponent {
        let edges: BinEdges

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            LineProfile.lorentzian(edges: edges, center: parameters[0], width: parameters[1], flux: parameters[2],
                                   into: output.baseAddress!)
        }
    }
}
