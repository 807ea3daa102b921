/// Parameter definitions shared by several components, with XSPEC's defaults and limits
/// (HEASoft `Xspec/src/manager/model.dat`: value, hard min, soft min, soft max, hard max; a
/// negative step there means "frozen by default").
extension ParameterInfo {
    /// XSPEC's normalisation of additive components: default 1, limits 0 to 1e24.
    public static let norm = ParameterInfo(name: "norm", unit: "", defaultValue: 1, hardMin: 0, hardMax: 1e24)

    /// Cosmological redshift of z-components: default 0 (frozen), limits −0.999 to 10.
    public static let redshift = ParameterInfo(name: "Redshift", unit: "", defaultValue: 0,
                                               hardMin: -0.999, hardMax: 10, frozenByDefault: true)

    /// A photon index as in `powerlaw`: default `value`, hard −3 to 10, soft −2 to 9.
    static func photonIndex(_ name: String, defaultValue: Double) -> ParameterInfo {
        ParameterInfo(name: name, unit: "", defaultValue: defaultValue, hardMin: -3, hardMax: 10, softMin: -2, softMax: 9)
    }

    /// Hydrogen column of the absorption models: nH [10²² cm⁻²], default 1, hard 0 to 1e6, soft 0 to 1e5.
    static let hydrogenColumn = ParameterInfo(name: "nH", unit: "10^22", defaultValue: 1, hardMin: 0, hardMax: 1e6,
                                              softMin: 0, softMax: 1e5)

    /// Line energy of `gaussian`, `zgauss`, `lorentz`: LineE [keV], default 6.5, limits 0 to 1e6.
    static let lineEnergy = ParameterInfo(name: "LineE", unit: "keV", defaultValue: 6.5, hardMin: 0, hardMax: 1e6)
}
