extension Apec {
    /// The component as a model expression builds it: the abundance table named in the context
    /// (XSPEC's `abund`), thermal line broadening if the context asks for it (XSPEC's
    /// `APECTHERMAL`), and the full AtomDB tables when the context names a directory
    /// (`--atomdb DIR` or `ATOMDB`), else the embedded compact table.
    /// - Throws: `AbundanceTableError` for an unknown table name; `AtomDBError` when the
    ///   directory holds no APEC tables or they cannot be read.
    public init(_ variant: Variant, context: ModelContext) throws {
        let abundances = try AbundanceTable.named(context.abundanceTable)
        let table = try EmissivityTable.forContext(context)
        let options = ApecOptions(broadening: LineBroadening(thermal: context.thermalBroadening))
        try self.init(variant, table: table, abundanceTable: abundances, options: options)
    }
}

extension EmissivityTable {
    /// The full AtomDB tables of the context's directory (`--atomdb DIR` or `ATOMDB`), or nil for
    /// the embedded compact table.
    /// - Throws: `AtomDBError` when the directory holds no APEC tables or they cannot be read.
    static func forContext(_ context: ModelContext) throws(AtomDBError) -> EmissivityTable? {
        guard let directory = context.atomDBDirectory, !directory.isEmpty else { return nil }
        let files = try AtomDBFiles.locate(in: directory, source: "the AtomDB directory \(directory)")
        return try EmissivityTable.read(files)
    }
}

extension ComponentRegistry {
    /// Registers the AtomDB plasma components: `apec`, `vapec` and the velocity-broadened
    /// `bapec`, `bvapec` (see `Apec`).
    public mutating func registerAtomDBComponents() {
        let summaries: [Apec.Variant: String] = [
            .apec: "collisional-equilibrium plasma, AtomDB 3.0.9 (Foster et al. 2012)",
            .vapec: "apec with the abundances of He, C, N, O, Ne, Mg, Al, Si, S, Ar, Ca, Fe, Ni free",
            .bapec: "apec with thermally and velocity broadened lines",
            .bvapec: "vapec with thermally and velocity broadened lines",
        ]
        for variant in Apec.Variant.allCases {
            register(variant.rawValue, kind: .additive, summary: summaries[variant] ?? "") { context in
                try Apec(variant, context: context)
            }
        }
    }
}
