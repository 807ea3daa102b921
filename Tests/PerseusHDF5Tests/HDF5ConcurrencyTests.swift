import Foundation
import Testing
@testable import PerseusHDF5

/// The serial libhdf5 is used from many threads at once without corruption, because every
/// call goes through the one process-wide lock.
@Suite struct HDF5ConcurrencyTests {
    @Test func manyThreadsWriteAndReadTheirOwnFiles() throws {
        let directory = try TemporaryDirectory()
        let paths = (0..<8).map { directory.path("t\($0).h5") }
        let failures = FailureLog()
        DispatchQueue.concurrentPerform(iterations: paths.count) { k in
            do {
                let file = try HDF5File(creating: paths[k])
                let dataset = try file.createDataset("x", type: .float64, shape: [0, 16], options: .compressed(extendible: true))
                for batch in 0..<20 {
                    try dataset.appendRows((0..<(16 * 5)).map { Double(k * 10_000 + batch * 100 + $0) })
                    try file.setAttribute("batches", .int(Int64(batch + 1)))
                }
            } catch { failures.add("\(error)") }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages)")
        // Read everything back, again concurrently, sharing one open dataset per file.
        let datasets = try paths.map { try HDF5File(opening: $0).dataset("x") }
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let k = i % paths.count
            do {
                let rows = try datasets[k].readRows((i % 90)..<(i % 90 + 10), as: Double.self)
                let first = i % 90
                let expected = Double(k * 10_000 + (first / 5) * 100 + (first % 5) * 16)
                if rows[0] != expected { failures.add("file \(k) row \(first): \(rows[0]) != \(expected)") }
                if try datasets[k].shape() != [100, 16] { failures.add("file \(k): wrong shape") }
            } catch { failures.add("\(error)") }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages)")
    }
}

/// Collects messages from concurrent work.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ message: String) { lock.lock(); stored.append(message); lock.unlock() }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}
