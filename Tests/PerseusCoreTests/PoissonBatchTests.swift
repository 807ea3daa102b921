import Foundation
import Testing
import PerseusCore

/// The batched sampler is exact: χ² tests per mean (covering inversion, the SIMD search bound
/// and its continuation, PTRS's squeeze, exact test and later rounds), a whole-spectrum test
/// whose per-channel p-values must be uniform, and its determinism guarantees.
@Suite struct PoissonBatchTests {
    /// χ² of `draws` batched draws at one mean, `channels` channels per call.
    static func test(mean: Double, draws: Int, channels: Int, seed: UInt64) throws -> GoodnessOfFit.Result {
        let means = [Double](repeating: mean, count: channels)
        let sigma = mean.squareRoot()
        let low = max(0, Int((mean - 7 * sigma - 5).rounded(.down)))
        let high = Int((mean + 7 * sigma + 10).rounded(.up))
        var observed = [Int](repeating: 0, count: high - low + 1)
        var outside = 0
        for call in 0..<(draws / channels) {
            var stream = RandomStream(seed: seed, purpose: .testing, index: UInt64(call))
            for k in try stream.poisson(means: means) {
                let ki = Int(k)
                if ki >= low && ki <= high { observed[ki - low] += 1 } else { outside += 1 }
            }
        }
        #expect(outside == 0, "draw outside ±7σ at mean \(mean)")
        return GoodnessOfFit.chiSquared(observed: observed,
                                        probabilities: PoissonSamplerTests.probabilities(mean: mean, range: low...high))
    }

    @Test(arguments: [0.02, 0.9, 4.0, 9.97, 10.0, 12.5, 33.0, 480.0, 4095.5, 5000.0, 3e5, 1.5e9])
    func chiSquaredGoodnessOfFit(mean: Double) throws {
        let result = try Self.test(mean: mean, draws: 200_000, channels: 1000, seed: 77)
        #expect(result.pValue > 1e-3, "mean \(mean): \(result)")
    }

    /// A spectrum mixing every regime; each channel's 4000 draws tested separately, and the 48
    /// p-values tested for uniformity.
    @Test func wholeSpectrum() throws {
        let means = (0..<48).map { 0.05 * pow(1e8, Double($0) / 47) } + [0]
        var draws = [[Double]](repeating: [], count: means.count)
        let workspace = PoissonWorkspace()
        var counts = [Double](repeating: -1, count: means.count)
        for s in 0..<4000 {
            var stream = RandomStream(seed: 9, purpose: .sourceCounts, index: UInt64(s))
            try means.withUnsafeBufferPointer { m in
                try counts.withUnsafeMutableBufferPointer { try stream.poisson(means: m, into: $0, workspace: workspace) }
            }
            for c in means.indices { draws[c].append(counts[c]) }
        }
        #expect(draws[48].allSatisfy { $0 == 0 }, "mean 0 must give 0")
        var pValues: [Double] = []
        for c in 0..<48 {
            let mean = means[c]
            let sigma = mean.squareRoot()
            let low = max(0, Int(mean - 7 * sigma - 5)), high = Int(mean + 7 * sigma + 10)
            var observed = [Int](repeating: 0, count: high - low + 1)
            for k in draws[c] { observed[min(max(Int(k), low), high) - low] += 1 }
            let result = GoodnessOfFit.chiSquared(observed: observed,
                                                  probabilities: PoissonSamplerTests.probabilities(mean: mean, range: low...high))
            #expect(result.pValue > 1e-5, "channel \(c) mean \(mean): \(result)")
            pValues.append(result.pValue)
        }
        let uniformity = GoodnessOfFit.kolmogorovSmirnov(pValues) { $0 }
        #expect(uniformity.pValue > 1e-3, "per-channel p-values not uniform: \(uniformity)")
    }

    /// Same stream, same means → same counts, whatever workspace is used (fresh, reused after a
    /// larger spectrum, reused after a smaller one).
    @Test func determinismAndWorkspaceReuse() throws {
        let means = (0..<777).map { 0.1 * pow(1e6, Double(($0 * 37) % 777) / 776) }   // unsorted
        func draw(_ workspace: PoissonWorkspace) throws -> [Double] {
            var stream = RandomStream(seed: 123, purpose: .sourceCounts, index: 5)
            var out = [Double](repeating: 0, count: means.count)
            try means.withUnsafeBufferPointer { m in
                try out.withUnsafeMutableBufferPointer { try stream.poisson(means: m, into: $0, workspace: workspace) }
            }
            return out
        }
        let fresh = try draw(PoissonWorkspace())
        let reused = PoissonWorkspace()
        var other = RandomStream(seed: 1, purpose: .testing)
        _ = try other.poisson(means: [Double](repeating: 50, count: 5000))   // different workspace use first
        let big = [Double](repeating: 3, count: 4000)
        try big.withUnsafeBufferPointer { m in
            var sink = [Double](repeating: 0, count: 4000)
            try sink.withUnsafeMutableBufferPointer { try other.poisson(means: m, into: $0, workspace: reused) }
        }
        #expect(try draw(reused) == fresh)
        #expect(fresh.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    }

    @Test func rejectsInvalidMeansNamingTheChannel() {
        var stream = RandomStream(seed: 1, purpose: .testing)
        for bad in [-1.0, .nan, .infinity, 3e9] {
            do {
                _ = try stream.poisson(means: [1, 20, bad, 4])
                Issue.record("mean \(bad) accepted")
            } catch {
                #expect(error.description.contains("expected counts[2]"), "\(error)")
            }
        }
    }
}
