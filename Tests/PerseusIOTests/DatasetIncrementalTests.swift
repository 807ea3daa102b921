import Foundation
import Testing
@testable import PerseusIO

/// Samples are written in batches, so the writer holds one batch whatever N is; producers on
/// many threads can hand samples over in any order through `OrderedDatasetWriter`.
@Suite struct DatasetIncrementalTests {
    @Test func twoHundredThousandRowsInBatchesHoldOnlyOneBatch() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("large.h5")
        let channels = 16
        let description = DatasetDescription(
            layout: .spectra(DatasetFixtures.channels(channels)), classes: DatasetFixtures.classes,
            parameters: [DatasetQuantity("kT", unit: "keV")],
            metadata: DatasetFixtures.metadata())
        let writer = try DatasetWriter(path: path, description: description, batchRows: 1000)
        let n = 200_000
        var counts = [Int32](repeating: 0, count: channels)
        for i in 0..<n {
            for c in 0..<channels { counts[c] = Int32((i &* 31 &+ c &* 7) % 1000) }
            try writer.append(DatasetSample(index: i, values: .counts(counts), label: i % 3, truth: [Double(i) * 1e-3]))
            #expect(writer.bufferedRows <= 1000)
            if i % 50_000 == 49_999 {
                #expect(writer.bufferedRows == 0)              // a full batch went to disk
                #expect(writer.rowsWritten == i + 1)
            }
        }
        #expect(writer.peakBufferedRows == 1000)
        let summary = try writer.finish()
        #expect(summary.sampleCount == n)
        #expect(summary.classes.map(\.count) == [66_667, 66_667, 66_666])

        let reader = try DatasetReader(path: path)
        #expect(reader.sampleCount == n)
        for i in [0, 999, 1000, 123_457, n - 1] {
            let sample = try reader.sample(i)
            #expect(sample.index == i)
            let expected: [Int32] = (0..<channels).map { c in Int32((i &* 31 &+ c &* 7) % 1000) }
            #expect(sample.values == .counts(expected))
            #expect(sample.truth == [Double(i) * 1e-3])
        }
        // Compressed: far smaller than the 200k × 16 × 4 bytes of raw counts.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(size < n * channels * 4)
    }

    @Test func defaultBatchIsAboutFourMebibytesOfWholeChunks() {
        let spectra = DatasetWriter.defaultBatchRows(for: .spectra(DatasetFixtures.channels(2000)))
        #expect(spectra * 2000 * 4 <= 4 << 20 && spectra * 2000 * 4 > 2 << 20)
        #expect(DatasetWriter.defaultBatchRows(for: .images(height: 2048, width: 2048)) == 1)
        #expect(DatasetWriter.defaultBatchRows(for: .events(features: [DatasetQuantity("a")])) >= 65_536)
    }

    @Test func concurrentProducersOutOfOrder() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("ordered.h5")
        let channels = 32
        let n = 2000
        let ordered = OrderedDatasetWriter(try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: channels),
                                                             batchRows: 64))
        let next = IndexCounter()
        let failures = DatasetFailures()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            while true {
                let i = next.take()
                if i >= n { break }
                let sample = DatasetFixtures.spectrum(i, channels: channels)
                if i % 7 == 0 { usleep(200) }   // some producers finish late
                do { try ordered.submit(sample) } catch { failures.add("\(error)") }
            }
        }
        #expect(failures.messages.isEmpty, "\(failures.messages)")
        #expect(ordered.pendingCount == 0)
        _ = try ordered.finish()
        let reader = try DatasetReader(path: path)
        #expect(try reader.sampleIndices() == Array(0..<n))
        for i in stride(from: 0, to: n, by: 97) {
            #expect(DatasetFixtures.same(try reader.sample(i), DatasetFixtures.spectrum(i, channels: channels)))
        }
    }

    @Test func reorderingHoldsOnlyWhatIsAheadOfTheGap() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("blocks.h5")
        let ordered = OrderedDatasetWriter(try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 8)))
        // Blocks of 10 indices, each submitted in reverse: 9, 8, …, 0, then 19, …, 10, …
        for block in 0..<30 {
            for i in (block * 10..<(block * 10 + 10)).reversed() {
                try ordered.submit(DatasetFixtures.spectrum(i, channels: 8))
            }
            #expect(ordered.pendingCount == 0)
            #expect(ordered.sampleCount == block * 10 + 10)
        }
        #expect(ordered.peakPending == 10)
        _ = try ordered.finish()
        #expect(try DatasetReader(path: path).sampleIndices() == Array(0..<300))
    }

    @Test func orderedWriterRefusesDuplicatesAndGaps() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("gap.h5")
        let ordered = OrderedDatasetWriter(try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 4)))
        try ordered.submit(DatasetFixtures.spectrum(0, channels: 4))
        try ordered.submit(DatasetFixtures.spectrum(2, channels: 4))
        #expect(throws: DatasetError.duplicateIndex(path: path, index: 2)) { try ordered.submit(DatasetFixtures.spectrum(2, channels: 4)) }
        #expect(throws: DatasetError.duplicateIndex(path: path, index: 0)) { try ordered.submit(DatasetFixtures.spectrum(0, channels: 4)) }
        #expect(ordered.pendingCount == 1)
        #expect(throws: DatasetError.incomplete(path: path, missingIndex: 1, waiting: 1)) { try ordered.finish() }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try DatasetTestDirectory.hiddenPartials(in: directory).isEmpty)
    }
}

extension DatasetTestDirectory {
    /// Leftover temporary files of `AtomicOutput` in `directory`.
    static func hiddenPartials(in directory: DatasetTestDirectory) throws -> [String] {
        try directory.contents().filter { $0.hasPrefix(".") && $0.contains(".partial-") }
    }
}

/// Hands out consecutive indices to producer threads.
final class IndexCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
}

/// Collects failure messages from producer threads.
final class DatasetFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ message: String) { lock.lock(); stored.append(message); lock.unlock() }
    var messages: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}
