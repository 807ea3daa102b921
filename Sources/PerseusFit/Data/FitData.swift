/// A spectrum ready to fit: channels selected by band and quality, grouped, with the counts (and
/// background) of every fitted bin.
public struct FitData: Sendable, Equatable {
    /// Name used in messages.
    public let name: String
    /// Which detector channels form each bin.
    public let channelMap: ChannelMap
    /// Observed counts per bin.
    public let counts: [Double]
    /// Background counts per bin, if a background spectrum was given.
    public let backgroundCounts: [Double]?
    /// Background-to-source exposure × BACKSCAL × AREASCAL ratio per bin: the mean of the ratios
    /// of the bin's channels.
    public let backgroundRatios: [Double]?
    /// The band the bins came from, for messages.
    public let band: BandSelection

    /// Selects and groups `spectrum`.
    /// - Throws: ``FitError`` for inconsistent input (lengths, negative or non-finite counts, a
    ///   band without channel energies, `.file` grouping without a GROUPING column), when no bin
    ///   is left (``FitError/emptyBand(spectrum:band:)``) or when every bin has zero counts
    ///   (``FitError/allZeroData(spectrum:channels:)``).
    public init(spectrum: SpectrumData, band: BandSelection = .all, grouping: Grouping = .none) throws(FitError) {
        try spectrum.validate()
        let n = spectrum.channelCount
        guard n > 0 else { throw .emptyBand(spectrum: spectrum.name, band: band.description) }
        name = spectrum.name
        self.band = band

        var selected = [Bool](repeating: true, count: n)
        if let quality = spectrum.quality {
            for i in 0..<n where quality[i] != 0 { selected[i] = false }
        }
        var groups: [Range<Int>] = []
        switch grouping {
        case .none, .minimumCounts:
            if !band.isAll {
                guard let energies = spectrum.channelEnergies else { throw .missingChannelEnergies(spectrum: spectrum.name) }
                let mask = band.mask(for: energies)
                for i in 0..<n where !mask[i] { selected[i] = false }
            }
            if case let .minimumCounts(minimum, leftover) = grouping {
                guard minimum.isFinite, minimum > 0 else {
                    throw .invalidGrouping(spectrum: spectrum.name, reason: "minimum counts per group must be > 0, got \(minimum)")
                }
                groups = Self.groupByMinimum(counts: spectrum.counts, selected: selected, minimum: minimum, leftover: leftover)
            } else {
                groups = (0..<n).filter { selected[$0] }.map { $0..<($0 + 1) }
            }
        case .file:
            guard let flags = spectrum.grouping else {
                throw .invalidGrouping(spectrum: spectrum.name, reason: "grouping from the file was requested but the spectrum has no GROUPING column")
            }
            var all: [Range<Int>] = []
            var start = 0
            for i in 1..<max(1, n) where flags[i] != -1 {
                all.append(start..<i)
                start = i
            }
            if n > 0 { all.append(start..<n) }
            all = all.filter { range in range.allSatisfy { selected[$0] } }
            if !band.isAll {
                guard let energies = spectrum.channelEnergies else { throw .missingChannelEnergies(spectrum: spectrum.name) }
                let spans = try ChannelEnergies(lo: all.map { energies.lo[$0.lowerBound] }, hi: all.map { energies.hi[$0.upperBound - 1] })
                let mask = band.mask(for: spans)
                all = all.indices.filter { mask[$0] }.map { all[$0] }
            }
            groups = all
        }
        guard !groups.isEmpty else { throw .emptyBand(spectrum: spectrum.name, band: band.description) }

        let map = ChannelMap(channelCount: n, groups: groups)
        channelMap = map
        counts = map.sum(spectrum.counts)
        if let background = spectrum.background {
            backgroundCounts = map.sum(background.counts)
            backgroundRatios = groups.map { range in range.reduce(0.0) { $0 + background.ratios[$1] } / Double(range.count) }
        } else {
            backgroundCounts = nil
            backgroundRatios = nil
        }
        guard counts.contains(where: { $0 > 0 }) else { throw .allZeroData(spectrum: spectrum.name, channels: groups.count) }
    }

    /// Number of fitted bins.
    public var count: Int { counts.count }

    /// The detector channels from the first fitted channel to the last (0-based, end exclusive):
    /// what a model must compute for this spectrum (see ``CountsModel/computedChannels``).
    public var channelSpan: Range<Int> { channelMap.groups.first!.lowerBound..<channelMap.groups.last!.upperBound }

    /// Minimum-count groups within contiguous runs of selected channels.
    static func groupByMinimum(counts: [Double], selected: [Bool], minimum: Double, leftover: LeftoverChannels) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var i = 0
        let n = counts.count
        while i < n {
            guard selected[i] else { i += 1; continue }
            // One contiguous run of selected channels.
            let runStart = i
            var end = i
            while end < n && selected[end] { end += 1 }
            var groupStart = runStart
            var total = 0.0
            var groupsInRun = 0
            for c in runStart..<end {
                total += counts[c]
                if total >= minimum {
                    groups.append(groupStart..<(c + 1))
                    groupsInRun += 1
                    groupStart = c + 1
                    total = 0
                }
            }
            if groupStart < end {
                switch leftover {
                case .drop:
                    break
                case .mergeIntoPrevious:
                    if groupsInRun > 0 {
                        let last = groups.removeLast()
                        groups.append(last.lowerBound..<end)
                    } else {
                        groups.append(groupStart..<end)
                    }
                }
            }
            i = end
        }
        return groups
    }
}
