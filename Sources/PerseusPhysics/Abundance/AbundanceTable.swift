import PerseusCore

/// A solar abundance table: number density of each element H … Zn relative to hydrogen.
///
/// These are XSPEC's built-in tables (the `abund` command): `angr` (XSPEC's default, Anders &
/// Grevesse 1989), `aspl`, `feld`, `aneb`, `grsa`, `wilm`, `lodd`, `lpgp`, `lpgs`. The values are
/// embedded from `../shared/data/absorption/abundances.dat` by `scripts/derive_abundances.py`.
///
/// Plasma models (apec, nei) are tabulated for `angr`; a model evaluated "relative to" another
/// table scales element Z by `table[Z] / angr[Z]` (`AbundanceTable.ratioToAngr`), exactly as XSPEC
/// does. Absorption models use the table's values directly.
public struct AbundanceTable: Sendable, Equatable, Hashable {
    /// XSPEC's name of the table, lower case (`angr`, `wilm`, …).
    public let name: String
    /// The publication the values come from.
    public let reference: String
    /// Abundance by number relative to H, index Z − 1 (Z = 1 … 30). Elements a table leaves out
    /// are 0 (e.g. Li in `wilm`).
    public let values: [Double]

    public init(name: String, reference: String, values: [Double]) {
        self.name = name
        self.reference = reference
        self.values = values
    }

    /// The abundance of element `atomicNumber` (1 … 30) relative to H.
    public subscript(atomicNumber: Int) -> Double { values[atomicNumber - 1] }

    /// XSPEC's default table, Anders & Grevesse (1989).
    public static var angr: AbundanceTable { builtIn[0] }

    /// Names of the built-in tables, in XSPEC's order.
    public static var names: [String] { builtIn.map(\.name) }

    /// The built-in table called `name` (case-insensitive; the source file's spellings `lgpp`
    /// and `lgps` are accepted for XSPEC's `lpgp` and `lpgs`).
    /// - Throws: `AbundanceTableError.unknown` listing the valid names.
    public static func named(_ name: String) throws(AbundanceTableError) -> AbundanceTable {
        let key = name.lowercased()
        let canonical = aliases[key] ?? key
        guard let table = builtIn.first(where: { $0.name == canonical }) else {
            throw .unknown(name: name, valid: names)
        }
        return table
    }

    /// `self[Z] / angr[Z]` for Z = 1 … 30: the factor converting an abundance relative to this
    /// table into one relative to Anders & Grevesse (1989), in which AtomDB's emissivities are
    /// tabulated.
    public var ratioToAngr: [Double] {
        let reference = AbundanceTable.angr.values
        return zip(values, reference).map { $1 > 0 ? $0 / $1 : 0 }
    }
}

/// Why an abundance table could not be found.
public enum AbundanceTableError: PerseusError, Equatable {
    case unknown(name: String, valid: [String])

    public var description: String {
        switch self {
        case let .unknown(name, valid):
            return "unknown abundance table '\(name)'; expected one of \(valid.joined(separator: ", "))"
        }
    }
}
