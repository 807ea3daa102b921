import PerseusCore

/// Nominal energy range of each detector channel [keV] (an OGIP EBOUNDS extension: E_MIN, E_MAX).
public struct ChannelEnergies: Sendable, Equatable {
    /// Lower edge of each channel [keV].
    public let lo: [Double]
    /// Upper edge of each channel [keV].
    public let hi: [Double]

    /// - Throws: ``FitError/invalidValue(spectrum:field:channel:value:expected:)`` when an edge is
    ///   not finite or a channel has hi < lo, or a count mismatch between the arrays.
    public init(lo: [Double], hi: [Double]) throws(FitError) {
        guard lo.count == hi.count else {
            throw .channelCountMismatch(spectrum: "EBOUNDS", field: "E_MAX", expected: lo.count, got: hi.count)
        }
        for i in lo.indices {
            guard lo[i].isFinite, lo[i] >= 0 else {
                throw .invalidValue(spectrum: "EBOUNDS", field: "E_MIN", channel: i, value: lo[i], expected: "a finite energy ≥ 0 keV")
            }
            guard hi[i].isFinite, hi[i] >= lo[i] else {
                throw .invalidValue(spectrum: "EBOUNDS", field: "E_MAX", channel: i, value: hi[i], expected: "a finite energy ≥ E_MIN (\(lo[i]) keV)")
            }
        }
        self.lo = lo
        self.hi = hi
    }

    /// Channel energies equal to the bins of an energy grid.
    public init(_ grid: EnergyGrid) {
        lo = grid.lo
        hi = grid.hi
    }

    public var count: Int { lo.count }
}

/// A measured background spectrum for the W-statistic (or background subtraction under χ²).
public struct BackgroundSpectrum: Sendable, Equatable {
    /// Background counts per channel.
    public let counts: [Double]
    /// r per channel: background exposure × BACKSCAL × AREASCAL over the source's (XSPEC's
    /// t_b/t_s with the BACKSCAL ratio folded in). The background expected in the source
    /// spectrum is the background spectrum divided by r.
    public let ratios: [Double]

    /// A background with one ratio for all channels.
    public init(counts: [Double], ratio: Double) {
        self.counts = counts
        self.ratios = [Double](repeating: ratio, count: counts.count)
    }

    /// A background with a ratio per channel (e.g. BACKSCAL given per channel).
    public init(counts: [Double], ratios: [Double]) {
        self.counts = counts
        self.ratios = ratios
    }

    /// A background from exposure times [s] and BACKSCAL/AREASCAL keywords of both spectra:
    /// r = (t_b · BACKSCAL_b · AREASCAL_b) / (t_s · BACKSCAL_s · AREASCAL_s).
    public init(counts: [Double], sourceExposure: Double, backgroundExposure: Double,
                sourceBackscale: Double = 1, backgroundBackscale: Double = 1,
                sourceAreascale: Double = 1, backgroundAreascale: Double = 1) {
        let r = (backgroundExposure * backgroundBackscale * backgroundAreascale)
            / (sourceExposure * sourceBackscale * sourceAreascale)
        self.init(counts: counts, ratio: r)
    }
}

/// One observed spectrum, before band selection and grouping.
public struct SpectrumData: Sendable, Equatable {
    /// Name used in messages (e.g. the PHA file name, or `sample 17`).
    public var name: String
    /// Observed counts per channel (≥ 0; Poisson statistics expect whole numbers but do not
    /// require them).
    public var counts: [Double]
    /// Optional measured background.
    public var background: BackgroundSpectrum?
    /// Channel energies, needed for band selection in keV.
    public var channelEnergies: ChannelEnergies?
    /// Optional OGIP QUALITY per channel: 0 is good; any other value excludes the channel.
    public var quality: [Int]?
    /// Optional OGIP GROUPING per channel: +1 starts a group, −1 continues it, 0 is treated as +1.
    public var grouping: [Int]?

    public init(name: String, counts: [Double], background: BackgroundSpectrum? = nil,
                channelEnergies: ChannelEnergies? = nil, quality: [Int]? = nil, grouping: [Int]? = nil) {
        self.name = name
        self.counts = counts
        self.background = background
        self.channelEnergies = channelEnergies
        self.quality = quality
        self.grouping = grouping
    }

    public var channelCount: Int { counts.count }

    /// Checks lengths and values.
    func validate() throws(FitError) {
        let n = counts.count
        for i in 0..<n where !(counts[i].isFinite && counts[i] >= 0) {
            throw .invalidValue(spectrum: name, field: "COUNTS", channel: i, value: counts[i], expected: "a finite count ≥ 0")
        }
        if let background {
            guard background.counts.count == n else {
                throw .channelCountMismatch(spectrum: name, field: "background COUNTS", expected: n, got: background.counts.count)
            }
            guard background.ratios.count == n else {
                throw .channelCountMismatch(spectrum: name, field: "background ratio", expected: n, got: background.ratios.count)
            }
            for i in 0..<n {
                let b = background.counts[i], r = background.ratios[i]
                guard b.isFinite, b >= 0 else {
                    throw .invalidValue(spectrum: name, field: "background COUNTS", channel: i, value: b, expected: "a finite count ≥ 0")
                }
                guard r.isFinite, r > 0 else {
                    throw .invalidValue(spectrum: name, field: "background/source exposure×BACKSCAL ratio", channel: i, value: r,
                                        expected: "a finite ratio > 0")
                }
            }
        }
        if let channelEnergies, channelEnergies.count != n {
            throw .channelCountMismatch(spectrum: name, field: "channel energies (EBOUNDS)", expected: n, got: channelEnergies.count)
        }
        if let quality, quality.count != n {
            throw .channelCountMismatch(spectrum: name, field: "QUALITY", expected: n, got: quality.count)
        }
        if let grouping {
            guard grouping.count == n else {
                throw .channelCountMismatch(spectrum: name, field: "GROUPING", expected: n, got: grouping.count)
            }
            for i in 0..<n where ![-1, 0, 1].contains(grouping[i]) {
                throw .invalidValue(spectrum: name, field: "GROUPING", channel: i, value: Double(grouping[i]), expected: "+1, -1 or 0")
            }
        }
    }
}
