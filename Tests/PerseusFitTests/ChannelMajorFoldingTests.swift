import Foundation
import Testing
import PerseusCore
import PerseusIO
import PerseusPhysics
@testable import PerseusFit

/// The fit's folding (``ChannelMajorResponse``, ``ResponseCountsModel``) against the plain
/// row-major fold of ``ResponseMatrix``, on a matrix with several runs per row, gaps and a
/// restricted channel range.
@Suite struct ChannelMajorFoldingTests {
    /// 120 energies × 90 channels; row i has a main run around channel 0.7 i and a low tail run
    /// (an escape-peak-like second group), with float32 values (each row sums to less than 1, as
    /// an RMF's rows must).
    static func matrix() throws -> ResponseMatrix {
        let energies = try EnergyGrid.linear(from: 1, to: 13, step: 0.1)
        let channels = try EnergyGrid.linear(from: 1, to: 10, step: 0.1)
        var starts: [Int32] = [0], runs: [ChannelRun] = [], values: [Float] = []
        var stream = RandomStream(seed: 11, purpose: .parameters, index: 0)
        for i in 0..<energies.count {
            let centre = min(85, Int(0.7 * Double(i)))
            let first = max(0, centre - 6), count = min(90, centre + 7) - first
            runs.append(ChannelRun(channel: Int32(first), count: Int32(count), valueOffset: Int32(values.count)))
            values += (0..<count).map { _ in Float(stream.uniform() / 16) }
            if centre > 30 {
                runs.append(ChannelRun(channel: Int32(centre - 30), count: 5, valueOffset: Int32(values.count)))
                values += (0..<5).map { _ in Float(0.01 * stream.uniform() / 16) }
            }
            starts.append(Int32(runs.count))
        }
        return try ResponseMatrix(energies: energies, channelEnergies: channels, firstChannel: 1, rowRunStarts: starts, runs: runs, values: values)
    }

    static func photons(_ n: Int, seed: UInt64) -> [Double] {
        var stream = RandomStream(seed: seed, purpose: .parameters, index: 1)
        return (0..<n).map { _ in 10 * stream.uniform() + 0.1 }
    }

    @Test func foldEqualsTheRowMajorFold() throws {
        let matrix = try Self.matrix()
        let photons = Self.photons(matrix.energyCount, seed: 1)
        let reference = try matrix.fold(photons)
        for channels in [nil, 10..<71] as [Range<Int>?] {
            let layout = ChannelMajorResponse(matrix: matrix, channels: channels)
            var out = [Double](repeating: .nan, count: matrix.channelCount)
            photons.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { layout.fold(p.baseAddress!, into: $0.baseAddress!) } }
            for c in layout.channels { #expect(abs(out[c] - reference[c]) <= 1e-13 * reference[c], "channel \(c)") }
            // Channels outside the range are not written.
            for c in 0..<matrix.channelCount where !layout.channels.contains(c) { #expect(out[c].isNaN) }
        }
    }

    @Test(arguments: [4, 8])
    func differencesFoldToSinglePrecision(lanes: Int) throws {
        let matrix = try Self.matrix()
        let layout = ChannelMajorResponse(matrix: matrix, channels: 5..<88)
        let e = matrix.energyCount
        var deltas = [Float](repeating: 0, count: lanes * e)
        var vectors: [[Double]] = []
        for j in 0..<lanes {
            let v = Self.photons(e, seed: UInt64(20 + j)).map { 1e-4 * ($0 - 5) }   // signed, small
            vectors.append(v.map { Double(Float($0)) })
            for i in 0..<e { deltas[j * e + i] = Float(v[i]) }
        }
        var out = [Double](repeating: 0, count: lanes * matrix.channelCount)
        deltas.withUnsafeBufferPointer { d in out.withUnsafeMutableBufferPointer { layout.foldDeltas(d.baseAddress!, lanes: lanes, into: $0.baseAddress!) } }
        for j in 0..<lanes {
            let reference = try matrix.fold(vectors[j])
            let scale = reference.map { abs($0) }.max()!
            for c in layout.channels {
                #expect(abs(out[c * lanes + j] - reference[c]) <= 1e-6 * scale, "lane \(j) channel \(c)")
            }
        }
    }

    /// The batch of Jacobian points gives the same counts as one hinted prediction at a time,
    /// including AREASCAL and a fixed background, through a real model (a power law with a
    /// narrow line: the line's parameters take the row-by-row path).
    @Test func batchEqualsOnePointAtATime() throws {
        let matrix = try Self.matrix()
        let area = (0..<matrix.energyCount).map { 100 + Double($0) }
        let response = try ResponsePair(matrix: matrix, ancillary: AncillaryResponse(energies: matrix.energies, effectiveArea: area))
        var model = try Model("tbabs*(powerlaw+gaussian)")
        for (a, v) in [("tbabs.nH", 0.3), ("powerlaw.PhoIndex", 1.7), ("powerlaw.norm", 1e-2), ("gaussian.LineE", 6.4),
                       ("gaussian.Sigma", 0.02), ("gaussian.norm", 1e-3)] { try model.set(a, to: v) }
        let compiled = try model.compiled(for: matrix.energies)
        let background = (0..<matrix.channelCount).map { 0.5 + 0.01 * Double($0) }
        let areaScale = PHASpectrum.Scale.perChannel((0..<matrix.channelCount).map { 0.9 + 0.002 * Double($0) })
        var batch = try ResponseCountsModel(model: compiled, response: response, exposure: 1e4, areaScale: areaScale, channels: 3..<80,
                                            backgroundCounts: background)
        let reference = model.values
        let c = matrix.channelCount, p = reference.count
        var referenceCounts = [Double](repeating: 0, count: c)
        try reference.withUnsafeBufferPointer { r in try referenceCounts.withUnsafeMutableBufferPointer { try batch.predict(parameters: r, into: $0) } }
        // One point per free parameter (nH, PhoIndex, norm, LineE, line norm), as the fitter makes them.
        let changedIndices = [0, 1, 2, 3, 5]
        var points = [Double](), changed = [Int](), starts = [0]
        for index in changedIndices {
            var point = reference
            point[index] *= 1.0001
            points += point
            changed.append(index)
            starts.append(changed.count)
        }
        let n = changedIndices.count
        var batchCounts = [Double](repeating: 0, count: n * c)
        try points.withUnsafeBufferPointer { pts in try reference.withUnsafeBufferPointer { r in try referenceCounts.withUnsafeBufferPointer { rc in
            try changed.withUnsafeBufferPointer { ch in try starts.withUnsafeBufferPointer { st in
                try batchCounts.withUnsafeMutableBufferPointer {
                    try batch.predict(points: n, parameters: pts, into: $0, reference: r, referenceCounts: rc, changed: ch, changedStarts: st)
                }
            } }
        } } }
        for (j, index) in changedIndices.enumerated() {
            let point = Array(points[(j * p)..<((j + 1) * p)])
            var expected = [Double](repeating: 0, count: c)
            var fresh = try ResponseCountsModel(model: compiled, response: response, exposure: 1e4, areaScale: areaScale, channels: 3..<80,
                                                backgroundCounts: background)
            try point.withUnsafeBufferPointer { pt in try expected.withUnsafeMutableBufferPointer { try fresh.predict(parameters: pt, into: $0) } }
            for ch in 3..<80 {
                // The change itself (batch − reference) must agree with the full evaluation's to 1e-5 of the change's scale.
                let change = expected[ch] - referenceCounts[ch], batchChange = batchCounts[j * c + ch] - referenceCounts[ch]
                let scale = max(1e-12, (0..<c).map { abs(expected[$0] - referenceCounts[$0]) }.max()!)
                #expect(abs(change - batchChange) <= 1e-5 * scale, "parameter \(index) channel \(ch): \(batchChange) vs \(change)")
            }
        }
        #expect(batch.computedChannels == 3..<80)
    }

    @Test func fitterRefusesChannelsTheModelDoesNotCompute() throws {
        let matrix = try Self.matrix()
        let response = try ResponsePair(matrix: matrix, ancillary: nil)
        var model = try Model("powerlaw")
        try model.set("powerlaw.norm", to: 1)
        var counts = try ResponseCountsModel(model: model.compiled(for: matrix.energies), response: response, exposure: 100, channels: 20..<40)
        let data = try FitData(spectrum: SpectrumData(name: "wide", counts: [Double](repeating: 5, count: matrix.channelCount)))
        let problem = try FitProblem(data: data, statistic: .cstat, parameters: FitParameters(model: model))
        #expect(throws: FitError.self) { try Fitter().fit(problem, model: &counts) }
    }
}
