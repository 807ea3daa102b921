/// The ion fractions a non-equilibrium plasma starts from at τ = 0.
public enum InitialIonization: Sendable, Equatable {
    /// Every element neutral. This is what XSPEC's `nei` (and `vnei`, `vvnei`, `gnei`, `pshock`)
    /// assume: XSPEC's `IonBalNei::Calc` (HEASoft, XSFunctions/IonBalNei.cxx) starts each
    /// element with Z ≥ 3 from `initIonFrac[0] = 1` and evolves it with AtomDB's eigenvector
    /// data, as in the Borkowski NEI models (Borkowski, Lyerly & Reynolds 2001, ApJ 548, 820:
    /// gas shocked from a cold, neutral state); pyatomdb's `calc_full_ionbal` likewise "assumes
    /// all elements start from neutral" when no initial state is given.
    case neutral
    /// Collisional-ionisation equilibrium at the given kT [keV]: the start of XSPEC's `rnei`
    /// (a plasma suddenly heated or cooled from equilibrium at the initial temperature).
    case equilibrium(kT: Double)
}

/// How hydrogen and helium are treated in the batch solution.
public enum IonizationConvention: Sendable, Equatable {
    /// Every element, H and He included, evolves by its rate equations from the initial state.
    case rateEquations
    /// As XSPEC's `IonBalNei`: H and He are taken as fully ionised at every τ ("special case if
    /// Z=1 or 2 which we assume is always completely ionized"); elements with Z ≥ 3 evolve by
    /// their rate equations. Use this to reproduce XSPEC's `nei` continuum.
    case xspecNEI
}
