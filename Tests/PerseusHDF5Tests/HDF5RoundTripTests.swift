import Testing
@testable import PerseusHDF5

/// Numbers written through every supported element type and shape read back bit for bit.
@Suite struct HDF5RoundTripTests {
    func roundTrip<T: HDF5Numeric & Equatable>(_ values: [T], shape: [Int], options: HDF5DatasetOptions = .contiguous) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("round.h5")
        do {
            let file = try HDF5File(creating: path)
            try file.createDataset("data", values: values, shape: shape, options: options)
        }
        let file = try HDF5File(opening: path)
        let dataset = try file.dataset("data")
        #expect(dataset.elementType == T.hdf5ElementType)
        #expect(try dataset.shape() == shape)
        #expect(dataset.rank == shape.count)
        #expect(try dataset.read(as: T.self) == values)
        #expect(try dataset.read(as: T.self, expectingShape: shape) == values)
        if let rows = shape.first, rows >= 3 {
            let perRow = values.count / rows
            #expect(try dataset.readRows(1..<3, as: T.self) == Array(values[perRow..<(3 * perRow)]))
        }
    }

    @Test func everyElementTypeOneAxis() throws {
        try roundTrip([Float](arrayLiteral: 1.5, -2.25, .infinity, 3.4e38, .leastNonzeroMagnitude, 0), shape: [6])
        try roundTrip([Double](arrayLiteral: .pi, -1e308, .leastNonzeroMagnitude, 0, 42), shape: [5])
        try roundTrip([Int8](arrayLiteral: .min, -1, 0, 1, .max), shape: [5])
        try roundTrip([UInt8](arrayLiteral: 0, 1, 128, 255), shape: [4])
        try roundTrip([Int16](arrayLiteral: .min, 0, .max), shape: [3])
        try roundTrip([UInt16](arrayLiteral: 0, .max), shape: [2])
        try roundTrip([Int32](arrayLiteral: .min, -7, 0, 1_000_000_000, .max), shape: [5])
        try roundTrip([UInt32](arrayLiteral: 0, .max), shape: [2])
        try roundTrip([Int64](arrayLiteral: .min, -1, 0, .max), shape: [4])
        try roundTrip([UInt64](arrayLiteral: 0, 1 << 63, .max), shape: [3])
    }

    @Test func multiDimensionalShapes() throws {
        let twoD: [Float] = (0..<35).map { Float($0) * 0.5 }
        try roundTrip(twoD, shape: [7, 5])
        try roundTrip(twoD, shape: [7, 5], options: .compressed())
        let threeD: [Int32] = (0..<72).map { Int32($0) * 3 - 20 }
        try roundTrip(threeD, shape: [4, 3, 6])
        try roundTrip(threeD, shape: [4, 3, 6], options: .compressed(level: 9, shuffle: false))
        let doubles: [Double] = (0..<60).map { Double($0).squareRoot() }
        try roundTrip(doubles, shape: [3, 4, 5], options: .compressed(extendible: true, chunkShape: [2, 4, 5]))
        try roundTrip([Int64(-5)], shape: [])            // scalar dataset
        try roundTrip([UInt8](), shape: [0, 4])          // empty
    }

    @Test func nanSurvivesRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("nan.h5"))
        let dataset = try file.createDataset("x", values: [Double.nan, 1, -.infinity], options: .compressed())
        let back = try dataset.read(as: Double.self)
        #expect(back[0].isNaN && back[1] == 1 && back[2] == -.infinity)
    }

    @Test func rowWritesIntoExistingExtent() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("rows.h5"))
        let dataset = try file.createDataset("m", type: .float64, shape: [4, 3])
        try dataset.writeRows([Double](repeating: 7, count: 6), at: 2)
        try dataset.writeRows([1.0, 2, 3], at: 0)
        var buffer = [Double](repeating: -1, count: 12)
        try buffer.withUnsafeMutableBufferPointer { try dataset.readRows(0..<4, into: $0) }
        #expect(buffer == [1, 2, 3, 0, 0, 0, 7, 7, 7, 7, 7, 7])
    }
}
