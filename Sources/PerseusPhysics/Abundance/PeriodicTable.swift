/// Facts about the 30 elements H (Z = 1) to Zn (Z = 30) that XSPEC's abundance tables and
/// AtomDB cover: symbols and atomic weights.
public enum PeriodicTable {
    /// Number of elements covered (Z = 1 … 30).
    public static let count = 30

    /// Chemical symbols, index Z − 1.
    public static let symbols: [String] = [
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P",
        "S", "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
    ]

    /// Standard atomic weights [u], index Z − 1, used for thermal line broadening. These are the
    /// values XSPEC's AtomDB code uses, except Cu, where XSPEC's table has 63.456 (a transposition
    /// of the standard 63.546 used here; Cu lines are negligible in practice).
    public static let atomicMass: [Double] = [
        1.00794, 4.002602, 6.941, 9.012182, 10.811, 12.0107, 14.0067, 15.9994, 18.9984032, 20.1797,
        22.989770, 24.3050, 26.981538, 28.0855, 30.973761, 32.065, 35.4527, 39.948, 39.0983, 40.078,
        44.955910, 47.867, 50.9415, 51.9961, 54.938049, 55.845, 58.933200, 58.6934, 63.546, 65.39,
    ]

    /// The atomic number of `symbol` (case-insensitive), or nil.
    public static func atomicNumber(of symbol: String) -> Int? {
        symbols.firstIndex { $0.lowercased() == symbol.lowercased() }.map { $0 + 1 }
    }
}
