import PerseusCore

/// XSPEC's `nei` and `vnei`: an optically thin plasma at constant electron temperature kT whose
/// ions have not reached collisional-ionisation equilibrium, characterised by the ionisation
/// timescale τ = n_e t since the gas was heated from a neutral state.
///
/// ## Parameters (XSPEC's names, units, defaults and limits)
/// - `nei`: kT [keV] (1; 0.0808 – 79.9), Abundanc (1; 0 – 10000, soft 0 – 1000, frozen),
///   Tau [s/cm^3] (1e11; 1e8 – 5e13), Redshift (0; −0.999 – 10, frozen), norm.
/// - `vnei`: kT, H (1; 0 – 1, frozen: 0 removes hydrogen's emission, XSPEC's switch for the
///   free-free continuum), He, C, N, O, Ne, Mg, Si, S, Ar, Ca, Fe, Ni (1; 0 – 10000, soft
///   0 – 1000, frozen), Tau, Redshift, norm.
/// The limits are those of XSPEC 12's model.dat (as Sherpa's XSPEC interface reproduces them).
/// The evaluation itself accepts any finite τ ≥ 0; the model layer enforces the hard limits.
///
/// ## Output
/// Photons cm⁻² s⁻¹ in each bin, with apec's conventions (`Apec`): the spectrum of the two
/// tabulated temperatures bracketing kT, weighted linearly in kT, on the source-frame grid
/// E(1+z), times norm · 1e14 / (1+z), norm = 1e-14 / (4π [D_A (1+z)]²) ∫ n_e n_H dV [cm⁻⁵].
/// The difference from apec, in two terms:
/// - the table's lines of each ion (element Z, charge q) are multiplied by
///       r = f_NEI(Z, q; kT, τ) / f_eq(Z, q; kT)
///   (capped, `NeiIonScaling`), the ratio of the ion's non-equilibrium population to its
///   equilibrium population at the same kT;
/// - the lines the table does not list at a bracketing temperature, with per-ion emissivities
///   Q extrapolated from where it lists them (`NeiLineExtrapolation`, `NeiSupplementaryLines`),
///   are added times the population excess max(0, f_NEI − f_eq) of the ion that drives them —
///   the emitting ion for collisionally excited lines, the recombining (next) ion for AtomDB's
///   dielectronic satellites (their equilibrium share is already in AtomDB's pseudo-continuum,
///   which holds the lines it does not list).
/// Both populations come from `IonizationSolver` (CHIANTI 10 rates): the exact solution of the
/// rate equations at constant kT from the neutral state XSPEC's nei assumes
/// (`InitialIonization.neutral`) for every element from Li on. H and He are not evolved:
/// XSPEC's `IonBalNei` takes them fully ionised at every τ; Perseus keeps their emission at
/// equilibrium, which at nei's temperatures is fully ionised but for ≤ 4e-5 of their atoms
/// (`NeiIonState`). As τ → ∞, f_NEI → f_eq, r → 1 and the excess → 0: the spectrum becomes
/// apec's, to rounding (measured at τ = 1e14 on the SXS grid, kT 1–8 keV: ≤ 2.4e-12 relative in
/// every bin above 1e-4 of the peak).
///
/// ## Abundances (as XSPEC's nei → vnei → vvgnei)
/// `nei`'s Abundanc scales C, N, O, Ne, Mg, Si, S, Ar, Ca, Fe, Ni (XSPEC's "metals" for nei; Al
/// is not among them, unlike apec); H and He are at the abundance table's values; the other
/// elements (Li, Be, B, F, Na, Al, P, Cl, K, Sc, Ti, V, Cr, Mn, Co, Cu, Zn) take
/// `NeiOptions.traceAbundance` (XSPEC's `NEI_TRACE_ABUND`, default 1 = solar). Each element is
/// weighted by table[Z]/angr[Z] as in apec (the tables are for Anders & Grevesse 1989).
///
/// ## What this model is and is not (read before trusting low τ)
/// XSPEC's nei uses AtomDB's NEI tables (`apec_v3.0.9_nei_line.fits`, `_nei_comp.fits`):
/// emissivities per ion, for a unit population, at every temperature. Perseus has AtomDB's
/// equilibrium tables only: it rescales them ion by ion and extrapolates in temperature the
/// per-ion emissivities of lines they list only where the ion is common. That is exact as
/// τ → ∞ and sound where the populated ions are present in equilibrium at kT (τ ≳ 1e11 s cm⁻³
/// at cluster temperatures); below, it has these limits, each measured from the tables by
/// `scripts/nei_limits.py` (its output: `docs/nei-limits.txt`):
/// 1. **Lines AtomDB never lists for an ion are missing.** AtomDB lists a line only while its
///    equilibrium emissivity is ≥ 1e-20 photons cm³ s⁻¹. At τ = 1e10 and kT ≥ 2.7 keV, 97–100%
///    of the iron is in ions (mostly Fe XVI–XIX) with fewer than 20 lines listed at kT; the
///    extrapolated lines bring that share to 0 at every τ ≥ 1e9 and kT 0.86–8.6 keV (but for the
///    few-line H-like Fe XXVI; section 1):
///    their L-shell lines are there (at kT 3–8 keV and τ = 1e10 iron's line flux in 0.5–10 keV
///    is 50–160× apec's, > 90% of it extrapolated Fe XVII–XIX L lines). But AtomDB lists no
///    Fe K line of Fe I–XIX at any temperature (their Kα near 6.40–6.47 keV, from K-shell
///    ionisation and, for Fe XVIII–XIX, 1s–2p excitation, is too weak in equilibrium), so nothing
///    can be extrapolated: at τ = 1e10, 95% of the iron is in such ions. And the Fe K lines AtomDB
///    lists for Fe XX–XXIII are mostly dielectronic satellites, driven by the next ion, so the
///    inner-shell excitation of Fe XVIII–XXIII is missing too. At kT = 5 keV and τ = 1e10 the
///    Fe K band holds 0.2% of apec's Fe K line flux (line centroid 6.554 keV, 72% of it
///    extrapolated satellites of Fe XX–XXII), while the missing emission, estimated from
///    published inner-shell ionisation, fluorescence and excitation data (section 8), is ~0.24 of
///    apec's — two orders of magnitude more — and would put the centroid near 6.46 keV. At
///    τ = 3e10 the missing flux (~0.37 of apec's) exceeds the represented one (0.29; centroid
///    6.589 keV instead of ~6.56); at 1e11 it is ~13% of it (0.24 vs 1.85; 6.650 instead of
///    ~6.64); at 1e12, 0.3%.
/// 2. **Per-ion emissivities are only as good as the ratio form and the extrapolation.** The
///    tables were computed with AtomDB's ionisation balance, and an ion's tabulated lines include
///    emission driven by its neighbours (recombination, inner-shell ionisation); the solver uses
///    CHIANTI's rates. The apparent per-ion emissivity (tabulated emissivity over the CHIANTI
///    fraction, Boltzmann factor removed) of Fe XVII–XXVI stays within 0.55–1.8 of its value at
///    the ion's peak for kT 0.86–8.6 keV, and within 0.34–4.5 for all ions (5–95%) down to
///    fractions of 1e-8; that spread is the uncertainty of an ion's lines out of equilibrium. The
///    extrapolation reproduces tabulated per-ion emissivities of Fe XVII–XXV (leave-one-out,
///    section 5) to a median 0% (5–95%: −3% … +3% for Fe K, −2% … +2% for Fe L) from the next
///    temperature down, 3% (−12 … +14%, −12 … +7%) from 0.3 dex and 7–8% (−24 … +34%,
///    −23 … +12%) from 0.5 dex; dielectronic satellites follow the recombining ion with the
///    satellite form, and lines whose temperature behaviour fits neither form (e.g.
///    recombination cascades) are omitted. The τ → ∞ limit is unaffected (apec exactly). See `NeiIonScaling` for why large ratios are kept.
/// 3. **Continuum stays the equilibrium one.** The AtomDB 3.0.9 continuum file has element
///    totals only (`rmJ` = 0), so free-free, recombination and two-photon continua are those of
///    equilibrium at kT for every τ. In 1.8–9 keV the metals give 13–43% of the continuum
///    (kT 10.8 → 1.1 keV) and 12–24% of the whole spectrum's flux (up to 60% of a 100 eV bin at
///    1 keV, near recombination edges). Their free-free emission (∝ Σ f_q q²) is 0.69 of
///    equilibrium at τ = 1e10, ~0.3 at 1e9, 0.93–0.96 at 1e11; so the equilibrium continuum
///    overstates the band flux by roughly 4–7% at τ = 1e10 (8–17% at 1e9, ≲ 2% at 1e11) from
///    free-free alone. The recombination part cannot be split per ion from these tables.
/// 4. **Pseudo-continuum** (AtomDB's summed weak lines, per element) also stays at equilibrium:
///    0.1–0.6% of the 1.8–9 keV flux. Ions below their equilibrium population keep their
///    unlisted lines' equilibrium share there.
///
/// Thermal broadening follows `NeiOptions.broadening` (XSPEC's `APECTHERMAL`).
public struct Nei: SpectralComponent {
    /// Which member of the family.
    public enum Variant: String, Sendable, CaseIterable {
        case nei, vnei
    }

    public let variant: Variant
    public let abundanceTable: AbundanceTable
    public let options: NeiOptions
    let emission: GroupedEmission
    let solver: IonizationSolver
    /// The lines extrapolated to temperatures where the table does not list them (nil when
    /// `options.lineExtrapolation` is nil).
    public let supplement: NeiSupplementaryLines?
    /// The elements with Z ≥ 3 and a non-zero fixed weight, whose ions are evolved.
    let evolvedElements: [ChemicalElement]

    /// The 11 metals `nei`'s Abundanc scales (XSPEC's list; no Al).
    static let metals = [6, 7, 8, 10, 12, 14, 16, 18, 20, 26, 28]
    /// The elements `vnei` has parameters for, in XSPEC's order.
    static let vneiElements = [1, 2] + metals

    /// - Parameters:
    ///   - variant: `nei` or `vnei`.
    ///   - table: AtomDB equilibrium emissivities; nil for the embedded compact AtomDB 3.0.9 table.
    ///   - abundanceTable: the solar abundances the abundance parameters refer to (XSPEC's `abund`).
    ///   - options: broadening, trace abundance, the ion-scaling cap.
    ///   - solver: ionisation and recombination rates; nil for the embedded CHIANTI 10 rates.
    /// - Throws: `AtomDBError` or `IonizationError` if an embedded table cannot be decoded.
    public init(_ variant: Variant = .nei, table: EmissivityTable? = nil, abundanceTable: AbundanceTable = .angr,
                options: NeiOptions = NeiOptions(), solver: IonizationSolver? = nil) throws {
        self.variant = variant
        self.abundanceTable = abundanceTable
        self.options = options
        self.solver = try solver ?? IonizationSolver()
        let data = try table ?? EmissivityTable.embedded()
        if let rule = options.lineExtrapolation {
            if table == nil, solver == nil, rule == .default {
                supplement = try NeiSupplementaryLines.embedded()
            } else {
                supplement = try rule.supplementaryLines(for: data, solver: self.solver)
            }
        } else {
            supplement = nil
        }
        let count = ChemicalElement.maximumAtomicNumber
        var factor = abundanceTable.ratioToAngr
        for z in 1...count where !Nei.vneiElements.contains(z) { factor[z - 1] *= options.traceAbundance }
        var group = [Int](repeating: 0, count: count)
        switch variant {
        case .nei:
            for z in Nei.metals { group[z - 1] = 1 }
        case .vnei:
            for (g, z) in Nei.vneiElements.enumerated() { group[z - 1] = g + 1 }
        }
        emission = GroupedEmission(table: data, grouping: AbundanceGrouping(groupOfElement: group, elementFactor: factor))
        evolvedElements = ChemicalElement.all.filter { $0.atomicNumber >= 3 && factor[$0.atomicNumber - 1] > 0 }
    }

    public var name: String { variant.rawValue }
    public var kind: ComponentKind { .additive }

    /// The emissivity table in use.
    public var table: EmissivityTable { emission.table }

    public var parameters: [ParameterInfo] {
        var list = [ParameterInfo(name: "kT", unit: "keV", defaultValue: 1, hardMin: 0.0808, hardMax: 79.9)]
        switch variant {
        case .nei:
            list.append(ParameterInfo(name: "Abundanc", defaultValue: 1, hardMin: 0, hardMax: 10000, softMin: 0, softMax: 1000,
                                      frozenByDefault: true))
        case .vnei:
            list.append(ParameterInfo(name: "H", defaultValue: 1, hardMin: 0, hardMax: 1, frozenByDefault: true))
            for z in Nei.vneiElements.dropFirst() {
                list.append(ParameterInfo(name: ChemicalElement.symbols[z - 1], defaultValue: 1, hardMin: 0, hardMax: 10000,
                                          softMin: 0, softMax: 1000, frozenByDefault: true))
            }
        }
        list.append(ParameterInfo(name: "Tau", unit: "s/cm^3", defaultValue: 1e11, hardMin: 1e8, hardMax: 5e13))
        list.append(ParameterInfo(name: "Redshift", defaultValue: 0, hardMin: -0.999, hardMax: 10, frozenByDefault: true))
        list.append(ParameterInfo(name: "norm", defaultValue: 1, hardMin: 0, hardMax: 1e24))
        return list
    }

    /// Index of Tau in `parameters`.
    var tauIndex: Int { variant == .nei ? 2 : 14 }
    /// Number of abundance groups (the fixed group first).
    var groupCount: Int { variant == .nei ? 2 : 14 }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        PreparedNei(component: self, emission: emission.prepared(for: grid))
    }

    /// The ion populations behind the spectrum at (kT, τ): the non-equilibrium and equilibrium
    /// fractions of every evolved element (Z ≥ 3 with non-zero abundance) and the factor on each
    /// ion's lines. H and He are fully ionised at every τ (XSPEC's convention) and their
    /// emission is taken at equilibrium (factor 1; see `NeiIonState`).
    /// - Throws: `IonizationError` for kT outside the rate tables or τ negative or not finite.
    public func ionState(kT: Double, tau: Double) throws -> NeiIonState {
        let modes = try solver.modes(kT: kT, elements: evolvedElements)
        return try NeiIonState(modes: modes, tau: tau, scaling: options.ionScaling)
    }
}

/// Settings of `nei`/`vnei` that XSPEC takes from `xset` rather than parameters.
public struct NeiOptions: Sendable, Equatable {
    /// Line broadening (XSPEC's `APECTHERMAL`; default none).
    public var broadening: LineBroadening
    /// Abundance of the elements without a parameter, relative to the abundance table (XSPEC's
    /// `NEI_TRACE_ABUND`, default 1).
    public var traceAbundance: Double
    /// How ion populations scale the equilibrium line emissivities.
    public var ionScaling: NeiIonScaling
    /// How lines missing from the equilibrium table at kT are recovered (`NeiLineExtrapolation`);
    /// nil leaves them out (the ratio form alone).
    public var lineExtrapolation: NeiLineExtrapolation?

    public init(broadening: LineBroadening = .none, traceAbundance: Double = 1, ionScaling: NeiIonScaling = .default,
                lineExtrapolation: NeiLineExtrapolation? = .default) {
        self.broadening = broadening
        self.traceAbundance = traceAbundance
        self.ionScaling = ionScaling
        self.lineExtrapolation = lineExtrapolation
    }
}
