import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// Same inputs, same bits: twice in a row, and in a batch on one or two threads.
@Suite struct DeterminismTests {
    static let instrument = ToyInstrument()
    static let truth = [0.5, 1.8, 1e-2]
    static let parameters = [FitParameter(name: "abs.nH", value: 0.2, hardMin: 0, hardMax: 1e5)] + ToyParameters.powerLaw(index: 1.5, norm: 5e-3)

    static func problem(_ sample: Int) throws(FitError) -> FitProblem {
        let expected = ToyCountsModel(.absorbedPowerLaw, instrument).expected(truth)
        // Every fifth sample is all zero in the band: a failure that must also be reproducible.
        let counts = sample % 5 == 4 ? [Double](repeating: 0, count: expected.count) : poissonSpectrum(expected, seed: 77, sample: UInt64(sample))
        let data = try FitData(spectrum: SpectrumData(name: "sample \(sample)", counts: counts, channelEnergies: instrument.energies),
                               band: .only(0.6...10))
        return try FitProblem(data: data, statistic: .cstat, parameters: FitParameters(parameters))
    }

    func bits(_ outcome: BatchFitOutcome) -> [UInt64] {
        switch outcome.fit {
        case let .success(result):
            var out = result.values.map(\.bitPattern) + [result.statistic.bitPattern]
            out += result.errors.map { ($0 ?? -1).bitPattern }
            out += (outcome.intervals?.intervals ?? []).flatMap { [$0.lower.bitPattern, $0.upper.bitPattern] }
            return out
        case let .failure(error):
            return [UInt64(error.statusNumber)]
        }
    }

    @Test func sameBitsTwice() throws {
        var model = ToyCountsModel(.absorbedPowerLaw, Self.instrument)
        let p = try Self.problem(3)
        let a = try Fitter().fit(p, model: &model)
        let b = try Fitter().fit(p, model: &model, workspace: FitWorkspace())
        #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
        #expect(a.statistic.bitPattern == b.statistic.bitPattern)
        #expect(a.covariance?.map(\.bitPattern) == b.covariance?.map(\.bitPattern))
        #expect(a.modelEvaluations == b.modelEvaluations)
    }

    @Test func batchIsIndependentOfThreadCount() {
        let count = 20
        func run(threads: Int) -> [BatchFitOutcome] {
            var batch = BatchFitter(threads: threads, intervals: ConfidenceIntervalOptions(deltaStatistic: 2.706))
            batch.blockSize = 3
            let progress = ProgressRecorder()
            let outcomes = batch.fit(count: count, makeModel: { ToyCountsModel(.absorbedPowerLaw, DeterminismTests.instrument) },
                                     problem: { i throws(FitError) in try DeterminismTests.problem(i) },
                                     progress: { done, total in progress.record(done, total) })
            #expect(progress.calls.count == count)
            #expect(progress.calls.map(\.0).sorted() == Array(1...count))
            #expect(progress.calls.allSatisfy { $0.1 == count })
            return outcomes
        }
        let one = run(threads: 1)
        let two = run(threads: 2)
        #expect(one.count == count && two.count == count)
        for i in 0..<count {
            #expect(bits(one[i]) == bits(two[i]), "sample \(i)")
            #expect(one[i].status.number == (i % 5 == 4 ? 21 : 0))
            #expect(one[i].status.hasResult == (i % 5 != 4))
        }
        // Batch results equal single fits.
        var model = ToyCountsModel(.absorbedPowerLaw, Self.instrument)
        let single = try? Fitter().fit(try Self.problem(7), model: &model, sampleIndex: 7)
        if case let .success(result) = one[7].fit {
            let check = try? Fitter().confidenceIntervals(around: single!, problem: try Self.problem(7), model: &model, sampleIndex: 7)
            #expect(check?.fit.values.map(\.bitPattern) == result.values.map(\.bitPattern))
        } else {
            Issue.record("sample 7 failed")
        }
    }
}

/// Collects progress calls from worker threads.
final class ProgressRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(Int, Int)] = []
    func record(_ done: Int, _ total: Int) { lock.lock(); storage.append((done, total)); lock.unlock() }
    var calls: [(Int, Int)] { lock.lock(); defer { lock.unlock() }; return storage }
}
