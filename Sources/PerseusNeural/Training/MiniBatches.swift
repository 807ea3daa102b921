import PerseusCore

/// The mini-batches of one epoch: sample indices in a seeded random order (or in order), cut into
/// consecutive batches of `batchSize` (the last one shorter unless `dropLast`).
///
/// The order of epoch e is `RandomStream(seed:purpose: .shuffling, index: e).permutation(count)`,
/// so it depends only on (seed, epoch): a training resumed at epoch e sees the same batches it
/// would have seen without the interruption.
public struct MiniBatches: Sequence, Sendable {
    public let count: Int
    public let batchSize: Int
    public let order: [Int]
    public let dropLast: Bool

    /// - Throws: `NeuralError.invalidArgument` if `batchSize` < 1 or `count` < 0.
    public init(count: Int, batchSize: Int, seed: UInt64, epoch: Int, shuffle: Bool = true, dropLast: Bool = false) throws {
        guard batchSize >= 1, count >= 0, epoch >= 0 else {
            throw NeuralError.invalidArgument(operation: "MiniBatches", detail: "need batch size ≥ 1, count ≥ 0 and epoch ≥ 0; got \(batchSize), \(count), \(epoch)")
        }
        self.count = count
        self.batchSize = batchSize
        self.dropLast = dropLast
        if shuffle {
            var stream = RandomStream(seed: seed, purpose: .shuffling, index: UInt64(epoch))
            order = stream.permutation(count)
        } else {
            order = Array(0..<count)
        }
    }

    /// Number of batches.
    public var batchCount: Int { dropLast ? count / batchSize : (count + batchSize - 1) / batchSize }

    public func makeIterator() -> AnyIterator<[Int]> {
        var start = 0
        let order = order, size = batchSize, drop = dropLast
        return AnyIterator {
            guard start < order.count else { return nil }
            let end = Swift.min(order.count, start + size)
            if drop && end - start < size { return nil }
            defer { start = end }
            return Array(order[start..<end])
        }
    }
}
