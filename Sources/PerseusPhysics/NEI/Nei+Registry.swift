extension Nei {
    /// The component as a model expression builds it: the abundance table named in the context
    /// (XSPEC's `abund`), thermal line broadening if the context asks for it (XSPEC's
    /// `APECTHERMAL`), and the full AtomDB equilibrium tables when the context names a directory
    /// (`--atomdb DIR` or `ATOMDB`), else the embedded compact table. The rates are always the
    /// embedded CHIANTI 10 ones.
    /// - Throws: `AbundanceTableError` for an unknown table name; `AtomDBError` when the
    ///   directory holds no APEC tables or they cannot be read.
    public init(_ variant: Variant, context: ModelContext) throws {
        let abundances = try AbundanceTable.named(context.abundanceTable)
        let table = try EmissivityTable.forContext(context)
        let options = NeiOptions(broadening: LineBroadening(thermal: context.thermalBroadening))
        try self.init(variant, table: table, abundanceTable: abundances, options: options)
    }
}

extension ComponentRegistry {
    /// Registers the non-equilibrium ionisation plasma components `nei` and `vnei` (see `Nei`).
    public mutating func registerNEIComponents() {
        register("nei", kind: .additive,
                 summary: "non-equilibrium ionisation plasma at constant kT after tau = n_e t from neutral (AtomDB 3.0.9 + CHIANTI 10 rates)") { context in
            try Nei(.nei, context: context)
        }
        register("vnei", kind: .additive,
                 summary: "nei with the abundances of H, He, C, N, O, Ne, Mg, Si, S, Ar, Ca, Fe, Ni free") { context in
            try Nei(.vnei, context: context)
        }
    }
}
