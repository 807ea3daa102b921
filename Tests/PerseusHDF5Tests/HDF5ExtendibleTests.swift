import Testing
@testable import PerseusHDF5

/// Datasets that grow along their first axis (H5S_UNLIMITED), chunked and compressed.
@Suite struct HDF5ExtendibleTests {
    @Test func appendManyBatchesThenReadHyperslabs() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("grow.h5")
        let columns = 37
        var expected: [Int32] = []
        do {
            let file = try HDF5File(creating: path)
            let dataset = try file.createDataset("counts", type: .int32, shape: [0, columns],
                                                 options: .compressed(extendible: true))
            var row = 0
            for batch in 0..<25 {
                let rows = 1 + (batch * 7) % 13          // uneven batches that straddle chunks
                let values = (0..<(rows * columns)).map { Int32((row * columns + $0) % 1009) }
                let written = try dataset.appendRows(values)
                #expect(written == row..<(row + rows))
                expected += values
                row += rows
            }
            #expect(try dataset.maximumShape() == [nil, columns])
        }
        let dataset = try HDF5File(opening: path).dataset("counts")
        let rows = expected.count / columns
        #expect(try dataset.shape() == [rows, columns])
        #expect(try dataset.read(as: Int32.self) == expected)
        #expect(try dataset.readRows(17..<60, as: Int32.self) == Array(expected[(17 * columns)..<(60 * columns)]))
        #expect(try dataset.compression().deflateLevel == 4)
        #expect(try dataset.compression().shuffle)
        guard case let .chunked(chunk) = try dataset.layout() else { Issue.record("expected a chunked layout"); return }
        #expect(chunk[1] == columns)
        #expect(chunk[0] * columns * 4 <= HDF5DatasetOptions.targetChunkBytes)
    }

    @Test func compressionShrinksRepetitiveData() throws {
        let directory = try TemporaryDirectory()
        let values = (0..<200_000).map { Int32($0 % 17) }
        do {
            let plain = try HDF5File(creating: directory.path("plain.h5"))
            try plain.createDataset("x", values: values)
            let packed = try HDF5File(creating: directory.path("packed.h5"))
            try packed.createDataset("x", values: values, options: .compressed())
        }
        let plainSize = try FileManager.default.attributesOfItem(atPath: directory.path("plain.h5"))[.size] as! Int
        let packedSize = try FileManager.default.attributesOfItem(atPath: directory.path("packed.h5"))[.size] as! Int
        #expect(plainSize > 800_000)
        #expect(packedSize * 10 < plainSize)
        #expect(try HDF5File(opening: directory.path("packed.h5")).dataset("x").read(as: Int32.self) == values)
    }

    @Test func fixedAxisCannotGrow() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("fixed.h5"))
        let dataset = try file.createDataset("x", values: [Float](repeating: 0, count: 6), shape: [2, 3])
        #expect(throws: HDF5Error.self) { try dataset.appendRows([Float](repeating: 1, count: 3)) }
        #expect(throws: HDF5Error.self) { try dataset.appendRows([Float](repeating: 1, count: 4)) }
    }

    @Test func shrinkAndRegrow() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("shrink.h5"))
        let dataset = try file.createDataset("x", type: .uint8, shape: [0], options: HDF5DatasetOptions(extendible: true))
        try dataset.appendRows([UInt8](1...10))
        try dataset.setRowCount(4)
        #expect(try dataset.read(as: UInt8.self) == [1, 2, 3, 4])
        try dataset.appendRows([UInt8(9)])
        #expect(try dataset.read(as: UInt8.self) == [1, 2, 3, 4, 9])
    }
}

import Foundation
