import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// nei is a pure function of its parameters: repeated, interleaved (cache hits and misses) and
/// concurrent evaluations give bit-identical spectra.
@Suite("nei: determinism and thread safety")
struct NeiDeterminismTests {
    static let points: [[Double]] = [
        [2, 1, 1e10, 0, 1], [5, 0.3, 1e11, 0.05, 0.5], [2, 1, 3e11, 0, 1], [8, 1.2, 1e9, 0.1, 2],
        [5, 0.3, 2e12, 0.05, 0.5], [2, 0.7, 1e10, 0.01, 1],
    ]

    static func evaluate(_ prepared: any PreparedComponent, _ p: [Double]) -> [Double] {
        var out = [Double](repeating: .nan, count: NeiFixtures.sxs.count)
        p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { prepared.evaluate(parameters: pp, into: $0) } }
        return out
    }

    @Test func repeatedAndInterleavedEvaluationsAreIdentical() throws {
        // Fresh preparations (empty caches) for every point versus one shared preparation whose
        // cache sees kT = 2 and 5 repeatedly (hits) and 8 once (a miss evicting nothing).
        let shared = try NeiFixtures.nei.prepared(for: NeiFixtures.sxs)
        let first = try Self.points.map { Self.evaluate(try NeiFixtures.nei.prepared(for: NeiFixtures.sxs), $0) }
        for _ in 0..<2 {
            for (i, p) in Self.points.enumerated() {
                let again = Self.evaluate(shared, p)
                #expect(again.map(\.bitPattern) == first[i].map(\.bitPattern), "point \(i)")
            }
        }
        #expect(first.allSatisfy { $0.allSatisfy { $0.isFinite && $0 >= 0 } })
    }

    @Test func concurrentEvaluationsAgreeWithSerial() throws {
        let prepared = try NeiFixtures.nei.prepared(for: NeiFixtures.sxs)
        let serial = Self.points.map { Self.evaluate(try! NeiFixtures.nei.prepared(for: NeiFixtures.sxs), $0) }
        let jobs = 12
        let results = ResultBox(count: jobs)
        DispatchQueue.concurrentPerform(iterations: jobs) { job in
            results.set(job, Self.evaluate(prepared, Self.points[job % Self.points.count]))
        }
        for job in 0..<jobs {
            #expect(results.get(job).map(\.bitPattern) == serial[job % Self.points.count].map(\.bitPattern), "job \(job)")
        }
    }

    @Test func solverFailureGivesNaNNotAWrongSpectrum() throws {
        // τ < 0 is outside the model's hard limits; evaluated directly it must not return numbers.
        let out = Self.evaluate(try NeiFixtures.nei.prepared(for: NeiFixtures.sxs), [3, 1, -1, 0, 1])
        #expect(out.allSatisfy { $0.isNaN })
    }
}

/// Thread-safe storage for results written from concurrent jobs.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[Double]]
    init(count: Int) { values = Array(repeating: [], count: count) }
    func set(_ i: Int, _ v: [Double]) { lock.lock(); values[i] = v; lock.unlock() }
    func get(_ i: Int) -> [Double] { lock.lock(); defer { lock.unlock() }; return values[i] }
}
