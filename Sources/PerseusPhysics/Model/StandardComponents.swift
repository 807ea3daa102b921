extension ComponentRegistry {
    /// The components Perseus implements without external data: analytic continua and lines,
    /// and the absorption models with their embedded cross sections.
    public static let builtIn: ComponentRegistry = {
        var registry = ComponentRegistry()
        registry.register(PowerLaw(), summary: "photon power law K E^-Γ")
        registry.register(ZPowerLaw(), summary: "redshifted photon power law")
        registry.register(BrokenPowerLaw(), summary: "broken power law")
        registry.register(CutoffPowerLaw(), summary: "power law with exponential cutoff K E^-Γ exp(-E/β)")
        registry.register(Gaussian(), summary: "Gaussian line")
        registry.register(ZGaussian(), summary: "redshifted Gaussian line")
        registry.register(Lorentzian(), summary: "Lorentzian line (normalised over E > 0)")
        registry.register(Bremsstrahlung(), summary: "thermal bremsstrahlung (Kellogg, Baldwin & Koch 1975)")
        registry.register("tbabs", kind: .multiplicative, summary: "Tuebingen-Boulder ISM absorption (Wilms et al. 2000)") { context in
            try TBabs(context: context)
        }
        registry.register("phabs", kind: .multiplicative, summary: "photo-electric absorption") { context in
            try PHabs(context: context)
        }
        registry.register("wabs", kind: .multiplicative, summary: "Morrison & McCammon absorption") { context in
            WAbs(context: context)
        }
        return registry
    }()

    /// The registry models use unless told otherwise: ``builtIn`` plus the components that read
    /// data of their own. Components that need tables (AtomDB `apec`, `vapec`, `nei`) are added
    /// here with one `register` call each.
    public static let standard: ComponentRegistry = {
        var registry = builtIn
        registry.registerAtomDBComponents()
        registry.registerNEIComponents()
        return registry
    }()
}
