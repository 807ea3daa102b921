import Foundation

/// A chemical element from hydrogen (Z = 1) to zinc (Z = 30): the elements that XSPEC's abundance
/// tables, AtomDB's apec tables and XSPEC's `vvapec`/`vvnei` models carry and for which Perseus
/// has ionisation and recombination rates. The one place Perseus keeps facts about elements:
/// symbols, names and atomic weights (arrays indexed Z − 1 for the hot loops, and per-element
/// properties).
public struct ChemicalElement: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Atomic number Z (1 … 30).
    public let atomicNumber: Int

    /// The largest atomic number Perseus has data for (zinc).
    public static let maximumAtomicNumber = 30

    /// Every supported element, hydrogen first.
    public static let all: [ChemicalElement] = (1...maximumAtomicNumber).map { ChemicalElement(checked: $0) }

    /// The element with atomic number `z`.
    /// - Throws: `IonizationError.unknownElement` unless 1 ≤ z ≤ 30.
    public init(atomicNumber z: Int) throws {
        guard (1...Self.maximumAtomicNumber).contains(z) else {
            throw IonizationError.unknownElement("Z = \(z)")
        }
        atomicNumber = z
    }

    private init(checked z: Int) { atomicNumber = z }

    /// Parses an element given by symbol (`Fe`), English name (`iron`) or atomic number (`26`),
    /// ignoring case and surrounding spaces.
    /// - Throws: `IonizationError.unknownElement` naming the text and what was expected.
    public init(parsing text: String) throws {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let z = Int(key) {
            try self.init(atomicNumber: z)
            return
        }
        if let i = Self.symbols.firstIndex(where: { $0.lowercased() == key })
            ?? Self.names.firstIndex(where: { $0.lowercased() == key })
            ?? (key == "aluminum" ? 12 : nil) ?? (key == "sulphur" ? 15 : nil) {
            self.init(checked: i + 1)
            return
        }
        throw IonizationError.unknownElement(text)
    }

    /// The chemical symbol, e.g. `Fe`.
    public var symbol: String { Self.symbols[atomicNumber - 1] }
    /// The English name, lower case, e.g. `iron`.
    public var name: String { Self.names[atomicNumber - 1] }
    /// Standard atomic weight [u] (see `atomicMasses`).
    public var atomicMass: Double { Self.atomicMasses[atomicNumber - 1] }
    /// Number of ionisation stages including the bare nucleus: Z + 1.
    public var stageCount: Int { atomicNumber + 1 }

    public var description: String { symbol }

    public static func < (a: ChemicalElement, b: ChemicalElement) -> Bool { a.atomicNumber < b.atomicNumber }

    /// Chemical symbols, index Z − 1.
    public static let symbols = ["H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P",
                          "S", "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn"]
    /// English names, lower case, index Z − 1.
    public static let names = ["hydrogen", "helium", "lithium", "beryllium", "boron", "carbon", "nitrogen", "oxygen",
                        "fluorine", "neon", "sodium", "magnesium", "aluminium", "silicon", "phosphorus", "sulfur",
                        "chlorine", "argon", "potassium", "calcium", "scandium", "titanium", "vanadium",
                        "chromium", "manganese", "iron", "cobalt", "nickel", "copper", "zinc"]

    /// Standard atomic weights [u], index Z − 1, used for thermal line broadening. These are the
    /// values XSPEC's AtomDB code uses, except Cu, where XSPEC's table has 63.456 (a transposition
    /// of the standard 63.546 used here; Cu lines are negligible in practice).
    public static let atomicMasses: [Double] = [
        1.00794, 4.002602, 6.941, 9.012182, 10.811, 12.0107, 14.0067, 15.9994, 18.9984032, 20.1797,
        22.989770, 24.3050, 26.981538, 28.0855, 30.973761, 32.065, 35.4527, 39.948, 39.0983, 40.078,
        44.955910, 47.867, 50.9415, 51.9961, 54.938049, 55.845, 58.933200, 58.6934, 63.546, 65.39,
    ]
}

public extension ChemicalElement {
    static let hydrogen = ChemicalElement(checked: 1)
    static let helium = ChemicalElement(checked: 2)
    static let carbon = ChemicalElement(checked: 6)
    static let nitrogen = ChemicalElement(checked: 7)
    static let oxygen = ChemicalElement(checked: 8)
    static let neon = ChemicalElement(checked: 10)
    static let sodium = ChemicalElement(checked: 11)
    static let magnesium = ChemicalElement(checked: 12)
    static let aluminium = ChemicalElement(checked: 13)
    static let silicon = ChemicalElement(checked: 14)
    static let sulfur = ChemicalElement(checked: 16)
    static let argon = ChemicalElement(checked: 18)
    static let calcium = ChemicalElement(checked: 20)
    static let iron = ChemicalElement(checked: 26)
    static let nickel = ChemicalElement(checked: 28)

    /// The elements whose abundances XSPEC's `vnei`/`vapec` expose: H, He, C, N, O, Ne, Mg, Si, S,
    /// Ar, Ca, Fe, Ni (`vvnei`/`vvapec` carry all 30, `ChemicalElement.all`).
    static let xspecVNEI: [ChemicalElement] = [
        .hydrogen, .helium, .carbon, .nitrogen, .oxygen, .neon, .magnesium, .silicon, .sulfur, .argon,
        .calcium, .iron, .nickel,
    ]
}
