import Foundation
import PerseusCore
@testable import PerseusIO

/// A fresh directory for one dataset test, removed when released.
final class DatasetTestDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-dataset-tests-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Names of the files in the directory, hidden ones included, sorted.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Deterministic descriptions and samples for the dataset tests.
enum DatasetFixtures {
    static let scenario = """
        # Ichinohe & Yamada 2019, scaled down
        instrument = "hitomi-sxs"
        exposure = 1e5  # s
        model 1T  = tbabs*apec           kT ~ uniform(1, 10) keV
        model 2T  = tbabs*(apec+apec)    anomaly
        model NEI = tbabs*nei            anomaly, τ ~ loguniform(1e9, 1e11) s cm⁻³
        """

    static let classes = [DatasetClass("1T"), DatasetClass("2T", isAnomaly: true), DatasetClass("NEI", isAnomaly: true)]

    /// Union of the three classes' parameters; 1T lacks kT2 and tau, 2T lacks tau, NEI lacks kT2.
    static let parameters = [DatasetQuantity("nH", unit: "1e22 cm^-2"), DatasetQuantity("kT", unit: "keV"),
                             DatasetQuantity("kT2", unit: "keV"), DatasetQuantity("tau", unit: "s cm^-3"),
                             DatasetQuantity("norm")]

    static func metadata(firstSampleIndex: Int = 0, shard: DatasetShard? = nil) -> DatasetMetadata {
        DatasetMetadata(scenario: scenario, instrument: "hitomi-sxs", exposure: 1e5, seed: 0xDEAD_BEEF_0000_0042,
                        created: Date(timeIntervalSince1970: 1_740_000_000), firstSampleIndex: firstSampleIndex, shard: shard)
    }

    static func channels(_ count: Int) -> DatasetChannels {
        DatasetChannels(channel: (0..<count).map { Int32($0) },
                        eMin: (0..<count).map { 1.8 + 0.001 * Double($0) },
                        eMax: (0..<count).map { 1.8 + 0.001 * Double($0 + 1) })
    }

    static func spectra(channels count: Int, expected: DatasetExpectedPrecision? = .float32,
                        firstSampleIndex: Int = 0, shard: DatasetShard? = nil) -> DatasetDescription {
        DatasetDescription(layout: .spectra(channels(count)), classes: classes, parameters: parameters, expected: expected,
                           metadata: metadata(firstSampleIndex: firstSampleIndex, shard: shard))
    }

    /// Sample `index` of a spectra dataset: Poisson counts around a smooth mean, class index % 3.
    static func spectrum(_ index: Int, channels count: Int, expected precision: DatasetExpectedPrecision? = .float32) -> DatasetSample {
        var stream = RandomStream(seed: 42, purpose: .testing, index: UInt64(index))
        let scale = 1 + Double(index % 97)
        let means = (0..<count).map { scale * (50 + 40 * sin(Double($0) * 0.05)) }
        let counts = means.map { Int32(stream.poisson(mean: $0)) }
        let label = index % 3
        let truth: [Double] = [0.0138, 1 + Double(index % 9), label == 1 ? 3.5 : .nan, label == 2 ? 1e10 : .nan, 0.01 * scale]
        return DatasetSample(index: index, values: .counts(counts), expected: precision == nil ? nil : means, label: label, truth: truth)
    }

    /// Sample `index` of an images or events dataset with `size` float values.
    static func floats(_ index: Int, size: Int, label: Int, parameters: Int = 0) -> DatasetSample {
        var stream = RandomStream(seed: 7, purpose: .testing, index: UInt64(index))
        let values = (0..<size).map { _ in Float(stream.uniform() * 100) }
        return DatasetSample(index: index, values: .values(values), label: label,
                             truth: (0..<parameters).map { Double(index) + Double($0) / 10 })
    }

    /// Element-wise equality treating NaN as equal to NaN.
    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    /// Whether two samples agree (NaN-aware truth; expected compared at `precision`).
    static func same(_ a: DatasetSample, _ b: DatasetSample, precision: DatasetExpectedPrecision? = .float32) -> Bool {
        guard a.index == b.index, a.values == b.values, a.label == b.label, same(a.truth, b.truth) else { return false }
        switch (a.expected, b.expected) {
        case (nil, nil): return true
        case let (x?, y?):
            if precision == .float32 { return x.map { Double(Float($0)) } == y.map { Double(Float($0)) } }
            return x == y
        default: return false
        }
    }
}
