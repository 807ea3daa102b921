import Testing
@testable import PerseusHDF5

/// Groups, member listing and lookups by path.
@Suite struct HDF5GroupTests {
    @Test func membersAndNestedPaths() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("g.h5")
        do {
            let file = try HDF5File(creating: path)
            let shards = try file.createGroup("shards")
            try shards.createGroup("b")
            try shards.createDataset("a", values: [Int32(1), 2])
            try file.createDataset("z", values: [0.5])
        }
        let file = try HDF5File(opening: path)
        #expect(try file.members() == [HDF5Member(name: "shards", kind: .group), HDF5Member(name: "z", kind: .dataset)])
        let shards = try file.group("shards")
        #expect(shards.path == "/shards")
        #expect(try shards.members().map(\.name) == ["a", "b"])
        #expect(try file.dataset("shards/a").read(as: Int32.self) == [1, 2])
        #expect(try file.dataset("/shards/a").path == "/shards/a")
        #expect(try shards.dataset("a").path == "/shards/a")
        #expect(file.contains("shards/b"))
        #expect(!file.contains("shards/missing/deeper"))
        #expect(!file.contains("nothing"))
    }

    @Test func wrongKindsAndDuplicatesAreRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("k.h5")
        let file = try HDF5File(creating: path)
        try file.createGroup("g")
        try file.createDataset("d", values: [1.0])
        #expect(throws: HDF5Error.wrongObjectKind(file: path, object: "/g", expected: "a dataset", found: "a group")) {
            try file.dataset("g")
        }
        #expect(throws: HDF5Error.wrongObjectKind(file: path, object: "/d", expected: "a group", found: "a dataset")) {
            try file.group("d")
        }
        #expect(throws: HDF5Error.objectExists(file: path, object: "/g")) { try file.createGroup("g") }
        #expect(throws: HDF5Error.objectExists(file: path, object: "/d")) { try file.createDataset("d", values: [2.0]) }
        try file.remove("d")
        #expect(!file.contains("d"))
    }
}
