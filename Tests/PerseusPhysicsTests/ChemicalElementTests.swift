import Testing
@testable import PerseusPhysics

/// Element lookup by symbol, name and atomic number, as the CLI accepts them, and the element
/// facts the AtomDB and ionisation code share.
@Suite("Chemical elements")
struct ChemicalElementTests {
    @Test func parsesSymbolsNamesAndNumbersIgnoringCase() throws {
        #expect(try ChemicalElement(parsing: "Fe").atomicNumber == 26)
        #expect(try ChemicalElement(parsing: "fe").atomicNumber == 26)
        #expect(try ChemicalElement(parsing: " IRON ").atomicNumber == 26)
        #expect(try ChemicalElement(parsing: "26").atomicNumber == 26)
        #expect(try ChemicalElement(parsing: "h").atomicNumber == 1)
        #expect(try ChemicalElement(parsing: "Zn").atomicNumber == 30)
        #expect(try ChemicalElement(parsing: "aluminum").atomicNumber == 13)
        #expect(try ChemicalElement(parsing: "aluminium").atomicNumber == 13)
        #expect(try ChemicalElement(parsing: "sulphur").atomicNumber == 16)
        #expect(ChemicalElement.all.count == 30)
        #expect(ChemicalElement.all.map(\.symbol).joined(separator: " ").hasPrefix("H He Li Be B C N O F Ne"))
    }

    @Test func rejectsUnknownElementsWithAClearMessage() {
        for text in ["Xx", "31", "0", "-1", "", "unobtainium", "Ga"] {
            #expect(throws: IonizationError.self) { try ChemicalElement(parsing: text) }
        }
        let error = IonizationError.unknownElement("Xx")
        #expect(error.description.contains("'Xx'") && error.description.contains("1…30"))
    }

    @Test func factsCoverEveryElement() throws {
        #expect(ChemicalElement.symbols.count == ChemicalElement.maximumAtomicNumber)
        #expect(ChemicalElement.names.count == ChemicalElement.maximumAtomicNumber)
        #expect(ChemicalElement.atomicMasses.count == ChemicalElement.maximumAtomicNumber)
        #expect(ChemicalElement.iron.atomicMass == 55.845)
        #expect(ChemicalElement.hydrogen.atomicMass == 1.00794)
        // Atomic weights increase with Z except for the known inversions (Ar/K, Co/Ni).
        let masses = ChemicalElement.atomicMasses
        let inversions = (1..<masses.count).filter { masses[$0] < masses[$0 - 1] }.map { ChemicalElement.symbols[$0] }
        #expect(inversions == ["K", "Ni"])
    }
}
