import PerseusIO

/// Where the columns of a dataset's spectra sit among a response's channels.
///
/// A Perseus dataset stores, for each spectrum column, its OGIP channel number and energy
/// bounds (`channel`, `e_min`, `e_max`; usually the channels of the scenario's band). To fit a
/// sample through a response, its counts are placed on the response's channels: column j goes
/// to the channel numbered `channel[j]`, and every other channel of the response is marked bad
/// (OGIP QUALITY 1) so the fit never uses it.
public struct ChannelPlacement: Sendable, Equatable {
    /// Number of channels of the response.
    public let responseChannelCount: Int
    /// Response channel index (0-based) of the dataset's first column; the columns are
    /// consecutive channels.
    public let firstIndex: Int
    /// Number of dataset columns.
    public let columnCount: Int
    /// Channel energies of the response (for band selection).
    public let energies: ChannelEnergies

    /// The response channels the dataset's columns occupy.
    public var channels: Range<Int> { firstIndex..<(firstIndex + columnCount) }

    /// Places `channels` on `matrix`'s channels.
    /// - Parameters:
    ///   - source: names the dataset in errors.
    ///   - energyTolerance: largest relative difference allowed between a column's energy
    ///     bounds and its response channel's EBOUNDS (they are stored in float32 in OGIP files).
    /// - Throws: ``FitError/incompatibleResponse(reason:)`` when the channel numbers are not
    ///   consecutive, lie outside the response, or their energies differ (e.g. a dataset whose
    ///   channels were binned, or one made with another response).
    public init(channels: DatasetChannels, matrix: ResponseMatrix, source: String, energyTolerance: Double = 1e-5) throws(FitError) {
        let responseName = matrix.source ?? "the response"
        guard let first = channels.channel.first else {
            throw .incompatibleResponse(reason: "\(source) has no spectrum channels")
        }
        for (j, number) in channels.channel.enumerated() where number != first + Int32(j) {
            throw .incompatibleResponse(reason: "\(source): channel numbers are not consecutive at column \(j) (\(number) after \(channels.channel[j - 1]))")
        }
        let firstIndex = Int(first) - matrix.firstChannel
        let count = channels.count
        guard firstIndex >= 0, firstIndex + count <= matrix.channelCount else {
            throw .incompatibleResponse(reason: "\(source): channels \(first)…\(Int(first) + count - 1) are outside the channels "
                                        + "\(matrix.channelNumbers.lowerBound)…\(matrix.channelNumbers.upperBound) of \(responseName)")
        }
        let eb = matrix.channelEnergies
        for j in 0..<count {
            let c = firstIndex + j
            let scale = max(abs(eb.hi[c]), 1e-3)
            guard abs(channels.eMin[j] - eb.lo[c]) <= energyTolerance * scale, abs(channels.eMax[j] - eb.hi[c]) <= energyTolerance * scale else {
                throw .incompatibleResponse(reason: "\(source): channel \(channels.channel[j]) spans \(channels.eMin[j])–\(channels.eMax[j]) keV "
                                            + "but \(responseName) has \(eb.lo[c])–\(eb.hi[c]) keV for it (binned channels, or another response?)")
            }
        }
        responseChannelCount = matrix.channelCount
        self.firstIndex = firstIndex
        columnCount = count
        energies = ChannelEnergies(eb)
    }

    /// A sample's counts (one per dataset column) as a spectrum over the response's channels.
    public func spectrum(counts: some Collection<Int32>, name: String) -> SpectrumData {
        precondition(counts.count == columnCount, "expected \(columnCount) counts, one per dataset column")
        var full = [Double](repeating: 0, count: responseChannelCount)
        var quality = [Int](repeating: 1, count: responseChannelCount)
        for (j, value) in counts.enumerated() where j < columnCount {
            full[firstIndex + j] = Double(value)
            quality[firstIndex + j] = 0
        }
        return SpectrumData(name: name, counts: full, channelEnergies: energies, quality: quality)
    }
}
