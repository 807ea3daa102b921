import Testing
@testable import PerseusHDF5

/// UTF-8 text in variable- and fixed-length string datasets.
@Suite struct HDF5StringTests {
    let texts = ["kT", "Abundanz", "", "τ [s cm⁻³]", "norm (1e-14/(4π D²) ∫ nₑ n_H dV)"]

    @Test func variableLengthRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("s.h5")
        do {
            let file = try HDF5File(creating: path)
            try file.createStringDataset("names", values: texts)
            try file.createStringDataset("grid", values: ["a", "b", "c", "d", "e", "f"], shape: [2, 3], options: .compressed())
        }
        let file = try HDF5File(opening: path)
        #expect(try file.dataset("names").elementType == .string(.variable))
        #expect(try file.dataset("names").readStrings() == texts)
        #expect(try file.dataset("grid").readStrings() == ["a", "b", "c", "d", "e", "f"])
        #expect(try file.dataset("grid").shape() == [2, 3])
    }

    @Test func fixedLengthRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("f.h5"))
        let longest = texts.map { $0.utf8.count }.max()!
        let dataset = try file.createStringDataset("names", values: texts, layout: .fixed(bytes: longest))
        #expect(dataset.elementType == .string(.fixed(bytes: longest)))
        #expect(try dataset.readStrings() == texts)
    }

    @Test func tooLongOrNulIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("bad.h5"))
        #expect(throws: HDF5Error.self) { try file.createStringDataset("a", values: ["abcdef"], layout: .fixed(bytes: 3)) }
        #expect(throws: HDF5Error.self) { try file.createStringDataset("b", values: ["a\u{0}b"]) }
    }

    @Test func numbersAreNotStrings() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("n.h5"))
        let numbers = try file.createDataset("x", values: [1.0, 2.0])
        #expect(throws: HDF5Error.self) { try numbers.readStrings() }
        let strings = try file.createStringDataset("s", values: ["1"])
        #expect(throws: HDF5Error.self) { try strings.read(as: Double.self) }
    }
}
