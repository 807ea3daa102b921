import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
@testable import PerseusFit

/// Files of a simulated observation for end-to-end tests: a response (RMF + ARF) and Poisson
/// spectra of a model through it, written as OGIP files into a temporary directory.
struct FakeObservation {
    let directory: URL
    let response: ResponsePair
    let exposure: Double

    /// A Gaussian-redistribution response (σ = 0.08√E keV, ±5σ) on 0.3–10.3 keV in 0.02 keV
    /// bins with a log-normal ARF (300 cm² peak + 20 cm²), as files `fake.rmf` and `fake.arf`.
    init(exposure: Double, directory: URL? = nil) throws {
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("perseus-fit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.directory = dir
        self.exposure = exposure
        let grid = try EnergyGrid.linear(from: 0.3, to: 10.3, step: 0.02)
        let n = grid.count
        var starts: [Int32] = [0], runs: [ChannelRun] = [], values: [Float] = []
        for i in 0..<n {
            let e = 0.5 * (grid.lo[i] + grid.hi[i]), sigma = 0.08 * e.squareRoot()
            let channels = (0..<n).filter { abs(0.5 * (grid.lo[$0] + grid.hi[$0]) - e) < 5 * sigma }
            let row = channels.map { c in
                0.5 * (erfc((grid.lo[c] - e) / (sigma * 2.0.squareRoot())) - erfc((grid.hi[c] - e) / (sigma * 2.0.squareRoot())))
            }
            let total = row.reduce(0, +)
            runs.append(ChannelRun(channel: Int32(channels[0]), count: Int32(channels.count), valueOffset: Int32(values.count)))
            values += row.map { Float($0 / total) }
            starts.append(Int32(runs.count))
        }
        let matrix = try ResponseMatrix(energies: grid, channelEnergies: grid, firstChannel: 1, rowRunStarts: starts, runs: runs, values: values)
        let area = (0..<n).map { i -> Double in
            let x = log(0.5 * (grid.lo[i] + grid.hi[i]) / 1.5) / 0.8
            return 300 * exp(-0.5 * x * x) + 20
        }
        let arf = try AncillaryResponse(energies: grid, effectiveArea: area)
        try matrix.write(to: dir.appendingPathComponent("fake.rmf").path, overwrite: true)
        try arf.write(to: dir.appendingPathComponent("fake.arf").path, overwrite: true)
        // Read back, so tests fold exactly what the files hold.
        response = try ResponsePair.read(matrix: dir.appendingPathComponent("fake.rmf").path,
                                         ancillary: dir.appendingPathComponent("fake.arf").path)
    }

    /// Expected counts of `model` (its current values) through the response.
    func expectedCounts(_ model: Model) throws -> [Double] {
        try response.expectedCounts(photonFlux: model.compiled(for: response.matrix.energies).evaluate(model.values), exposure: exposure)
    }

    /// Writes a Poisson spectrum of `expected` (seeded) as `name`, pointing at the responses.
    @discardableResult
    func writeSpectrum(_ name: String, expected: [Double], seed: UInt64, sample: UInt64 = 0, background: String? = nil) throws -> String {
        let counts = poissonSpectrum(expected, seed: seed, sample: sample)
        let pha = PHASpectrum(values: .counts(counts), exposure: exposure, firstChannel: response.matrix.firstChannel,
                              responseFile: "fake.rmf", ancillaryFile: "fake.arf", backgroundFile: background)
        let path = directory.appendingPathComponent(name).path
        try pha.write(to: path, overwrite: true)
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
