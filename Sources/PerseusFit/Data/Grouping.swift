/// How channels are combined into the bins the statistic sees.
public enum Grouping: Sendable, Equatable, CustomStringConvertible {
    /// Every selected channel is its own bin.
    case none
    /// Contiguous selected channels are combined, from low to high channel, until each group holds
    /// at least `minimum` source counts (`grppha`'s `group min`, `ftgrouppha grouptype=min`;
    /// e.g. 100 counts per bin as in Lin et al. 2024). Grouping runs after band selection and
    /// quality flags, within each contiguous run of selected channels (as `ftgrouppha` does with
    /// `minchannel`/`maxchannel`, and Sherpa's `group_counts` since 4.16), so no group straddles
    /// an ignored range. What happens to the channels left at the end of a run that do not reach
    /// the minimum is set by `leftover`.
    case minimumCounts(Double, leftover: LeftoverChannels = .drop)
    /// The spectrum's own OGIP GROUPING column (+1 starts a group, −1 continues it). Groups are
    /// formed over all channels first; a group containing a channel of bad quality is excluded
    /// whole, and band selection then keeps a group when its energy span [E_MIN of its first
    /// channel, E_MAX of its last] is selected (XSPEC applies `ignore` to grouped channels).
    case file

    public var description: String {
        switch self {
        case .none: return "no grouping"
        case let .minimumCounts(minimum, leftover): return "at least \(minimum) counts per group (leftover: \(leftover))"
        case .file: return "GROUPING column"
        }
    }
}

/// What to do with trailing channels that cannot reach the minimum count of a group.
public enum LeftoverChannels: String, Sendable, Equatable {
    /// Exclude them from the fit. `grppha` flags such channels bad (QUALITY = 2), so XSPEC
    /// ignores them: this is the default.
    case drop
    /// Add them to the previous group of the same run (XMM SAS `specgroup`'s default). A run whose
    /// total is below the minimum becomes one group on its own.
    case mergeIntoPrevious
}

/// Which detector channels form each fitted bin: contiguous channel ranges in increasing order.
public struct ChannelMap: Sendable, Equatable {
    /// Number of detector channels the model predicts.
    public let channelCount: Int
    /// Channel range of each fitted bin.
    public let groups: [Range<Int>]
    /// Whether every bin is a single channel (a faster gather applies).
    let singleChannels: Bool
    let starts: [Int]
    let ends: [Int]

    public init(channelCount: Int, groups: [Range<Int>]) {
        self.channelCount = channelCount
        self.groups = groups
        starts = groups.map(\.lowerBound)
        ends = groups.map(\.upperBound)
        singleChannels = groups.allSatisfy { $0.count == 1 }
    }

    /// Number of fitted bins.
    public var count: Int { groups.count }

    /// Sums a per-channel array into the bins.
    public func sum(_ channels: [Double]) -> [Double] {
        precondition(channels.count == channelCount, "expected \(channelCount) channels")
        var out = [Double](repeating: 0, count: count)
        channels.withUnsafeBufferPointer { c in
            out.withUnsafeMutableBufferPointer { o in sum(c.baseAddress!, into: o.baseAddress!) }
        }
        return out
    }

    /// Sums `channels` (channelCount values) into `output` (count values).
    func sum(_ channels: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        starts.withUnsafeBufferPointer { s in
            if singleChannels {
                for g in 0..<s.count { output[g] = channels[s[g]] }
                return
            }
            ends.withUnsafeBufferPointer { e in
                for g in 0..<s.count {
                    var total = 0.0
                    for c in s[g]..<e[g] { total += channels[c] }
                    output[g] = total
                }
            }
        }
    }
}
