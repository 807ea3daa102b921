import Foundation
import PerseusCore
import Testing
@testable import PerseusIO

/// `DatasetSummary` (what `perseus inspect` shows) is right and serialises to JSON.
@Suite struct DatasetSummaryTests {
    @Test func spectraSummaryAndJSON() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("s.h5")
        let writer = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 100))
        for i in 0..<31 { try writer.append(DatasetFixtures.spectrum(i, channels: 100)) }
        let written = try writer.finish()
        let summary = try DatasetSummary(contentsOf: path)
        #expect(summary == written)
        #expect(summary.kind == .spectra && summary.sampleCount == 31 && summary.sampleShape == [100])
        #expect(summary.channelCount == 100)
        #expect(abs(summary.energyRange!.lowerBound - 1.8) < 1e-12 && abs(summary.energyRange!.upperBound - 1.9) < 1e-12)
        #expect(summary.classes == [.init(name: "1T", isAnomaly: false, count: 11), .init(name: "2T", isAnomaly: true, count: 10),
                                    .init(name: "NEI", isAnomaly: true, count: 10)])
        #expect(summary.instrument == "hitomi-sxs" && summary.exposure == 1e5 && summary.seed == 0xDEAD_BEEF_0000_0042)
        #expect(summary.softwareVersion == PerseusVersion.string && summary.schemaVersion == 1)
        #expect(summary.expected == .float32)

        let json = summary.jsonObject
        #expect(JSONSerialization.isValidJSONObject(json))
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        let back = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(back["kind"] as? String == "dataset")
        #expect(back["dataset_kind"] as? String == "spectra")
        #expect(back["samples"] as? Int == 31)
        #expect(back["shape"] as? [Int] == [31, 100])
        #expect(back["channels"] as? Int == 100)
        #expect(back["energies"] as? Int == 100)
        let range = back["energy_range"] as? [Double] ?? []
        #expect(range.count == 2 && abs(range[0] - 1.8) < 1e-12 && abs(range[1] - 1.9) < 1e-12)
        #expect(back["instrument"] as? String == "hitomi-sxs")
        #expect(back["exposure"] as? Double == 1e5)
        #expect((back["seed"] as? NSNumber)?.uint64Value == 0xDEAD_BEEF_0000_0042)
        #expect(back["version"] as? String == PerseusVersion.string)
        let classes = back["classes"] as? [[String: Any]] ?? []
        #expect(classes.map { $0["name"] as? String } == ["1T", "2T", "NEI"])
        #expect(classes.map { $0["count"] as? Int } == [11, 10, 10])
        #expect(classes.map { $0["anomaly"] as? Bool } == [false, true, true])
        #expect(back["created"] as? String == "2025-02-19T21:20:00Z")

        let text = summary.description
        #expect(text.contains("spectra, 31 samples of 100"))
        #expect(text.contains("1T: 11, 2T (anomaly): 10, NEI (anomaly): 10"))
        #expect(text.contains("hitomi-sxs, exposure 100000 s"))
    }

    @Test func eventsSummaryHasNoChannels() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("e.h5")
        let writer = try DatasetWriter(path: path, description: DatasetDescription(
            layout: .events(features: [DatasetQuantity("size", unit: "p.e."), DatasetQuantity("alpha", unit: "deg")]),
            classes: [DatasetClass("gamma"), DatasetClass("hadron", isAnomaly: true)],
            metadata: DatasetMetadata(instrument: "taiga-iact", exposure: 0, seed: 1)))
        for i in 0..<4 { try writer.append(DatasetFixtures.floats(i, size: 2, label: i == 3 ? 1 : 0)) }
        _ = try writer.finish()
        let summary = try DatasetSummary(contentsOf: path)
        #expect(summary.channelCount == nil && summary.energyRange == nil)
        #expect(summary.features.map(\.name) == ["size", "alpha"])
        let json = summary.jsonObject
        #expect(json["channels"] is NSNull && json["energies"] is NSNull && json["energy_range"] is NSNull)
        #expect(JSONSerialization.isValidJSONObject(json))
        #expect(summary.description.contains("features    size [p.e.], alpha [deg]"))
    }
}
