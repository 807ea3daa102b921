import PerseusCore
import PerseusIO

/// The channels a spectrum is recorded in: a response's native channels after band selection and
/// binning. This is the grid of every spectrum, PHA file and dataset Perseus produces for an
/// instrument.
///
/// **Band selection.** A native channel is in band [lo, hi] keV when its whole nominal range
/// [E_MIN, E_MAX] lies inside (edges compared with a float32 tolerance of 1e-6 keV·max(1, hi)),
/// as for NuSTAR 3–80 keV: PI 35 (3.00–3.04 keV) to PI 1959 (79.96–80.00 keV).
///
/// **Binning.** With binning b, output channel n sums native channels b·n … b·n + b − 1 and is
/// numbered n, so its number stays an energy index (Hitomi SXS: 0.5 eV channels, b = 2, channel n
/// covers n eV to n + 1 eV). An output channel is kept only when all b of its native channels are
/// in band. Channel numbers are consecutive; `firstChannel` is written as TLMIN in PHA and RMF
/// files.
public struct ChannelGrid: Sendable, Equatable {
    /// The band requested [keV].
    public let band: ClosedRange<Double>
    /// Native channels per output channel.
    public let binning: Int
    /// Number of the first output channel (later ones follow consecutively).
    public let firstChannel: Int
    /// Nominal energy range of each output channel, E_MIN … E_MAX [keV].
    public let energies: EnergyGrid
    /// Index (into the response's channels, 0-based) of the first native channel of each output channel.
    public let nativeStart: Int

    /// Number of output channels.
    public var count: Int { energies.count }
    /// Channel numbers of the output channels.
    public var numbers: [Int] { Array(firstChannel..<(firstChannel + count)) }

    /// Selects channels of `matrix` in `band` and bins them by `binning`.
    /// - Throws: `InstrumentError.invalidChannelSelection` when the band is empty, inverted,
    ///   reaches beyond the response's channels, or holds no whole output channel.
    public init(matrix: ResponseMatrix, band: ClosedRange<Double>, binning: Int, instrument: String) throws(InstrumentError) {
        func fail(_ problem: String) -> InstrumentError { .invalidChannelSelection(instrument: instrument, problem: problem) }
        guard band.lowerBound.isFinite, band.upperBound.isFinite, band.lowerBound >= 0, band.upperBound > band.lowerBound else {
            throw fail("band \(band.lowerBound)–\(band.upperBound) keV; expected 0 ≤ LOW < HIGH")
        }
        guard binning >= 1 else { throw fail("binning \(binning); expected a whole number ≥ 1") }
        let bounds = matrix.channelEnergies
        let tolerance = 1e-6 * max(1, band.upperBound)
        let lowest = bounds.lo[0], highest = bounds.hi[bounds.count - 1]
        guard band.lowerBound >= lowest - tolerance, band.upperBound <= highest + tolerance else {
            throw fail("band \(band.lowerBound)–\(band.upperBound) keV reaches beyond the response's channels, which cover \(Self.format(lowest))–\(Self.format(highest)) keV")
        }
        var first = -1, last = -1
        for i in 0..<bounds.count where bounds.lo[i] >= band.lowerBound - tolerance && bounds.hi[i] <= band.upperBound + tolerance {
            if first < 0 { first = i }
            last = i
        }
        guard first >= 0 else { throw fail("no channel lies inside \(band.lowerBound)–\(band.upperBound) keV") }
        // Align to whole bins of native channel numbers b·n … b·n + b − 1.
        let firstNumber = matrix.firstChannel + first
        let remainder = ((firstNumber % binning) + binning) % binning
        let start = first + (remainder == 0 ? 0 : binning - remainder)
        let count = (last + 1 - start) / binning
        guard count >= 1 else { throw fail("band \(band.lowerBound)–\(band.upperBound) keV holds no whole bin of \(binning) channels") }
        let lo = (0..<count).map { bounds.lo[start + $0 * binning] }
        let hi = (0..<count).map { bounds.hi[start + $0 * binning + binning - 1] }
        do { energies = try EnergyGrid(lo: lo, hi: hi) } catch { throw fail("channel bounds: \(error)") }
        self.band = band
        self.binning = binning
        self.nativeStart = start
        self.firstChannel = (matrix.firstChannel + start) / binning
    }

    /// Output channel index of native channel index `native`, or nil outside the grid.
    @inline(__always)
    func outputIndex(ofNative native: Int) -> Int? {
        let offset = native - nativeStart
        guard offset >= 0 else { return nil }
        let index = offset / binning
        return index < count ? index : nil
    }

    /// Equal when band, binning, numbering and channel bounds are equal (where the channels sit
    /// in the native response does not matter).
    public static func == (a: ChannelGrid, b: ChannelGrid) -> Bool {
        a.band == b.band && a.binning == b.binning && a.firstChannel == b.firstChannel && a.energies == b.energies
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 1e4).rounded() / 1e4
        return "\(rounded)"
    }
}
