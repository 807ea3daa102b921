import Testing
@testable import PerseusHDF5

/// Scalar and array attributes of text, integers and doubles on files, groups and datasets.
@Suite struct HDF5AttributeTests {
    let values: [String: HDF5AttributeValue] = [
        "scenario": .string("model = tbabs*apec\nkT ~ uniform(1, 10)  # keV\n"),
        "class_names": .strings(["1T", "2T", "NEI"]),
        "empty_names": .strings([]),
        "count": .int(-12_000),
        "shape": .ints([12_000, 2048]),
        "seed": .uint(UInt64.max - 3),
        "seeds": .uints([0, UInt64.max]),
        "exposure": .double(1.0e6),
        "band": .doubles([0.5, 7.0]),
    ]

    @Test func roundTripOnEveryObjectKind() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("a.h5")
        do {
            let file = try HDF5File(creating: path)
            let group = try file.createGroup("meta")
            let dataset = try group.createDataset("x", values: [Float(1)])
            for object in [file, group, dataset] as [HDF5Object] {
                for (name, value) in values { try object.setAttribute(name, value) }
            }
        }
        let file = try HDF5File(opening: path)
        for object in [file, try file.group("meta"), try file.dataset("meta/x")] as [HDF5Object] {
            #expect(try object.attributeNames() == values.keys.sorted())
            for (name, value) in values { #expect(try object.attribute(name) == value) }
            #expect(try object.stringAttribute("scenario") == "model = tbabs*apec\nkT ~ uniform(1, 10)  # keV\n")
            #expect(try object.stringsAttribute("class_names") == ["1T", "2T", "NEI"])
            #expect(try object.intAttribute("count") == -12_000)
            #expect(try object.intsAttribute("shape") == [12_000, 2048])
            #expect(try object.uintAttribute("seed") == UInt64.max - 3)
            #expect(try object.doubleAttribute("exposure") == 1.0e6)
            #expect(try object.doublesAttribute("band") == [0.5, 7.0])
            #expect(try object.hasAttribute("seed"))
            #expect(try !object.hasAttribute("nothing"))
        }
    }

    @Test func replacingChangesTypeAndValue() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("r.h5"))
        try file.setAttribute("n", .int(3))
        try file.setAttribute("n", .string("three"))
        #expect(try file.attribute("n") == .string("three"))
        #expect(try file.attributeNames() == ["n"])
    }

    @Test func wrongTypeAndMissingAreTypedErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("w.h5")
        let file = try HDF5File(creating: path)
        try file.setAttribute("exposure", .double(100))
        try file.setAttribute("names", .strings(["a"]))
        try file.setAttribute("negative", .int(-1))
        #expect(throws: HDF5Error.attributeType(file: path, object: "/", attribute: "exposure",
                                                expected: "a scalar string", found: "a scalar double")) {
            try file.stringAttribute("exposure")
        }
        #expect(throws: HDF5Error.attributeType(file: path, object: "/", attribute: "names",
                                                expected: "a scalar string", found: "an array of 1 strings")) {
            try file.stringAttribute("names")
        }
        #expect(throws: HDF5Error.self) { try file.uintAttribute("negative") }
        #expect(throws: HDF5Error.attributeNotFound(file: path, object: "/", attribute: "seed")) {
            try file.intAttribute("seed")
        }
        let error = try #require(throws: HDF5Error.self) { try file.intAttribute("seed") }
        #expect(error.description.contains(path) && error.description.contains("seed"))
    }
}
