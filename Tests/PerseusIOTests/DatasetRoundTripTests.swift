import Foundation
import Testing
@testable import PerseusIO

/// Every sample kind written by `DatasetWriter` reads back identically through `DatasetReader`.
@Suite struct DatasetRoundTripTests {
    @Test(arguments: [DatasetExpectedPrecision.float32, .float64, nil])
    func spectra(expected precision: DatasetExpectedPrecision?) throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("spectra.h5")
        let description = DatasetFixtures.spectra(channels: 300, expected: precision)
        let samples = (0..<257).map { DatasetFixtures.spectrum($0, channels: 300, expected: precision) }
        let writer = try DatasetWriter(path: path, description: description, batchRows: 40)
        for sample in samples { try writer.append(sample) }
        let summary = try writer.finish()
        #expect(summary.sampleCount == 257)

        let reader = try DatasetReader(path: path)
        #expect(reader.description == description)
        #expect(reader.kind == .spectra && reader.sampleCount == 257 && reader.sampleShape == [300])
        #expect(reader.channels == DatasetFixtures.channels(300))
        #expect(reader.metadata.created == Date(timeIntervalSince1970: 1_740_000_000))
        #expect(reader.metadata.seed == 0xDEAD_BEEF_0000_0042)
        #expect(reader.metadata.scenario == DatasetFixtures.scenario)
        #expect(reader.description.expected == precision)
        for i in [0, 1, 39, 40, 41, 200, 256] {
            #expect(DatasetFixtures.same(try reader.sample(i), samples[i], precision: precision), "sample \(i)")
        }
        let block = try reader.samples(35..<90)
        #expect(zip(block, samples[35..<90]).allSatisfy { DatasetFixtures.same($0, $1, precision: precision) })
        #expect(try reader.counts(rows: 10..<12) == samples[10..<12].flatMap { sample -> [Int32] in
            guard case let .counts(c) = sample.values else { return [] }
            return c
        })
        #expect(try reader.labels() == samples.map(\.label))
        #expect(DatasetFixtures.same(try reader.truth(), samples.flatMap(\.truth)))
        #expect(try reader.sampleIndices() == Array(0..<257))
        #expect(try reader.classCounts() == [86, 86, 85])
        if precision == .float64 {
            #expect(try reader.expected(rows: 3..<4) == samples[3].expected)
        }
        if precision == nil { #expect(try reader.expected(rows: 0..<1) == nil) }
    }

    @Test func images() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("images.h5")
        let description = DatasetDescription(
            layout: .images(height: 16, width: 12), classes: [DatasetClass("cluster")],
            parameters: [DatasetQuantity("log10_M500", unit: "log10(M_sun)")], sampleUnits: "counts",
            metadata: DatasetMetadata(instrument: "chandra-acis-i", exposure: 1e5, seed: 3))
        let samples = (0..<50).map { DatasetFixtures.floats($0, size: 16 * 12, label: 0, parameters: 1) }
        let writer = try DatasetWriter(path: path, description: description, batchRows: 7)
        for sample in samples { try writer.append(sample) }
        _ = try writer.finish()
        let reader = try DatasetReader(path: path)
        #expect(reader.description == description)
        #expect(reader.kind == .images && reader.sampleShape == [16, 12])
        #expect(reader.channels == nil)
        #expect(try reader.samples(0..<50) == samples)
        #expect(try reader.values(rows: 49..<50) == { if case let .values(v) = samples[49].values { return v } else { return [] } }())
        #expect(try reader.floatValues(rows: 0..<1).count == 192)
    }

    @Test func events() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("events.h5")
        let features = ["size", "width", "length", "distance", "alpha", "con2"].map { DatasetQuantity($0, unit: $0 == "size" ? "p.e." : "deg") }
        let description = DatasetDescription(
            layout: .events(features: features), classes: [DatasetClass("gamma"), DatasetClass("hadron", isAnomaly: true)],
            metadata: DatasetMetadata(instrument: "taiga-iact", exposure: 0, seed: 11))
        let samples = (0..<1000).map { DatasetFixtures.floats($0, size: 6, label: $0 % 10 == 0 ? 1 : 0) }
        let writer = try DatasetWriter(path: path, description: description)
        for sample in samples { try writer.append(sample) }
        _ = try writer.finish()
        let reader = try DatasetReader(path: path)
        #expect(reader.description == description)
        #expect(reader.parameters.isEmpty)
        #expect(try reader.samples(0..<1000) == samples)
        #expect(try reader.truth(rows: 0..<5) == [])
        #expect(try reader.classCounts() == [900, 100])
    }

    @Test func shardMetadataAndFirstIndex() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("shard.h5")
        let description = DatasetFixtures.spectra(channels: 8, firstSampleIndex: 500, shard: DatasetShard(index: 2, count: 4))
        let writer = try DatasetWriter(path: path, description: description)
        for i in 500..<520 { try writer.append(DatasetFixtures.spectrum(i, channels: 8)) }
        _ = try writer.finish()
        let reader = try DatasetReader(path: path)
        #expect(reader.metadata.shard == DatasetShard(index: 2, count: 4))
        #expect(reader.metadata.firstSampleIndex == 500)
        #expect(try reader.sample(0).index == 500)
        #expect(try reader.sampleIndices() == Array(500..<520))
    }

    @Test func emptyDataset() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("empty.h5")
        _ = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 4)).finish()
        let reader = try DatasetReader(path: path)
        #expect(reader.sampleCount == 0)
        #expect(try reader.labels() == [])
        #expect(try reader.classCounts() == [0, 0, 0])
        #expect(throws: DatasetError.self) { try reader.sample(0) }
    }
}
