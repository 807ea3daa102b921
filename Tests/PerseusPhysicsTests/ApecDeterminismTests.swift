import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// One prepared apec evaluated from many threads at once gives exactly the serial results.
@Suite struct ApecDeterminismTests {
    @Test func concurrentEvaluationIsBitIdentical() async throws {
        let grid = try EnergyGrid.linear(from: 1.8, to: 9, step: 0.001)
        let prepared = try Apec(.apec).prepared(for: grid)
        var stream = RandomStream(seed: 11, purpose: .testing, index: 0)
        let sets = (0..<32).map { _ in
            [1 + 9 * stream.uniform(), 0.1 + 1.4 * stream.uniform(), 0.1 * stream.uniform(), 0.01 + stream.uniform()]
        }
        func run(_ p: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: grid.count)
            p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { prepared.evaluate(parameters: pp, into: $0) } }
            return out
        }
        let serial = sets.map(run)
        let parallel = await withTaskGroup(of: (Int, [Double]).self) { group in
            for (i, p) in sets.enumerated() { group.addTask { (i, run(p)) } }
            var results = [[Double]](repeating: [], count: sets.count)
            for await (i, r) in group { results[i] = r }
            return results
        }
        #expect(parallel == serial)
        #expect(serial.allSatisfy { $0.allSatisfy { $0 >= 0 && $0.isFinite } })
        // Repeating an evaluation after others changes nothing (no hidden state).
        #expect(run(sets[0]) == serial[0])
    }
}
