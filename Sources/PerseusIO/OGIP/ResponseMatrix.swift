import PerseusCore

/// One contiguous run of channels in one energy row of a response matrix.
///
/// The run covers channel indices `channel ..< channel + count` (0-based: index 0 is the
/// matrix's `firstChannel`) and its values are `values[valueOffset ..< valueOffset + count]` of
/// the matrix's flat value array. It corresponds to one (F_CHAN, N_CHAN) group of an OGIP RMF row.
public struct ChannelRun: Sendable, Equatable, Hashable {
    /// First channel index of the run (0-based).
    public let channel: Int32
    /// Number of channels in the run.
    public let count: Int32
    /// Offset of the run's first value in the matrix's `values`.
    public let valueOffset: Int32

    public init(channel: Int32, count: Int32, valueOffset: Int32) {
        self.channel = channel
        self.count = count
        self.valueOffset = valueOffset
    }
}

/// An OGIP response matrix (RMF, or RSP when an effective area is folded in), stored sparsely
/// for fast folding.
///
/// Format: OGIP Calibration Memo CAL/GEN/92-002 (George et al. 1992, rev. 2020) and its
/// addendum CAL/GEN/92-002a: a `MATRIX` (or `SPECRESP MATRIX`) binary table with one row per
/// energy bin — `ENERG_LO`, `ENERG_HI` [keV], `N_GRP`, `F_CHAN`, `N_CHAN`, `MATRIX` — and an
/// `EBOUNDS` table giving the nominal energy range `E_MIN`, `E_MAX` [keV] of each channel.
///
/// Storage: energy row `i` owns the runs `runs[rowRunStarts[i] ..< rowRunStarts[i + 1]]`; each
/// run is a contiguous range of channels whose values sit contiguously in `values`. Folding is
/// then `counts[run.channel + k] += values[run.valueOffset + k] × photons[i]`, a tight loop
/// over contiguous memory. Values are stored as `Float` (4-byte reals, the precision OGIP
/// specifies for MATRIX); sums are accumulated in `Double`.
///
/// Units: for an RMF (`isFullResponse == false`) the values are dimensionless probabilities
/// that a photon of energy bin i is detected in channel j (rows sum to ≤ 1, less where photons
/// are lost); for an RSP they are in cm² (the ARF is folded in). See `ResponseNormalisation`
/// for how the two are told apart.
public struct ResponseMatrix: Sendable {
    /// Photon energy bins (ENERG_LO, ENERG_HI) [keV], one per matrix row.
    public let energies: EnergyGrid
    /// Nominal channel energy bounds (EBOUNDS E_MIN, E_MAX) [keV], one per channel; their
    /// number is DETCHANS.
    public let channelEnergies: EnergyGrid
    /// Channel number of channel index 0: TLMIN of the F_CHAN column, 1 when absent
    /// (CAL/GEN/92-002a). NuSTAR and Hitomi number channels from 0, Chandra from 1.
    public let firstChannel: Int
    /// Whether the matrix includes the effective area (RSP, values in cm²) rather than being a
    /// pure redistribution matrix (RMF). See `ResponseNormalisation` for the rule.
    public let isFullResponse: Bool
    /// Mission and instrument keywords.
    public var identity: InstrumentIdentity
    /// CHANTYPE: "PI" or "PHA" (nil if absent).
    public var channelType: String?
    /// LO_THRES: the threshold below which matrix values were set to zero when the file was
    /// made (nil when a file has none; 0 by default for a matrix built in memory, whose dense
    /// constructor drops exact zeros only).
    public var threshold: Double?
    /// The file the matrix was read from, if any (not part of equality).
    public var source: String?

    /// Offset of each energy row's first run in `runs`, plus a final entry equal to `runs.count`.
    public let rowRunStarts: [Int32]
    /// All channel runs, row after row.
    public let runs: [ChannelRun]
    /// All matrix values, run after run (dimensionless for an RMF, cm² for an RSP).
    public let values: [Float]

    /// Number of energy bins (matrix rows).
    public var energyCount: Int { energies.count }
    /// Number of channels (DETCHANS).
    public var channelCount: Int { channelEnergies.count }
    /// Channel numbers covered: `firstChannel … firstChannel + channelCount − 1`.
    public var channelNumbers: ClosedRange<Int> { firstChannel...(firstChannel + channelCount - 1) }
    /// Number of stored matrix elements (inside channel runs).
    public var storedCount: Int { values.count }
    /// Number of stored matrix elements that are not zero.
    public var nonzeroCount: Int { values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    /// Creates a matrix from its sparse parts, checking every invariant.
    ///
    /// - Parameters:
    ///   - isFullResponse: whether the values include the effective area (cm²). A matrix
    ///     declared as a pure RMF whose rows sum to more than
    ///     `ResponseNormalisation.fullResponseRowSum` is rejected as contradictory.
    /// - Throws: `OGIPError.invalidData` naming the first broken invariant: row offsets, a run
    ///   outside the channels or the value array, or a value that is NaN, infinite or negative.
    public init(energies: EnergyGrid, channelEnergies: EnergyGrid, firstChannel: Int = 1,
                rowRunStarts: [Int32], runs: [ChannelRun], values: [Float], isFullResponse: Bool = false,
                identity: InstrumentIdentity = InstrumentIdentity(), channelType: String? = "PI",
                threshold: Double? = 0) throws(OGIPError) {
        let what = "response matrix"
        guard rowRunStarts.count == energies.count + 1, rowRunStarts.first == 0,
              Int(rowRunStarts.last!) == runs.count else {
            throw .invalidData(what: what, problem: "rowRunStarts must have \(energies.count + 1) entries from 0 to runs.count = \(runs.count)")
        }
        guard values.count <= Int(Int32.max) else {
            throw .invalidData(what: what, problem: "\(values.count) values exceed the 2³¹ − 1 this storage indexes")
        }
        for row in 0..<energies.count where rowRunStarts[row + 1] < rowRunStarts[row] {
            throw .invalidData(what: what, problem: "rowRunStarts decreases at energy row \(row)")
        }
        let channels = channelEnergies.count
        for (index, run) in runs.enumerated() {
            guard run.channel >= 0, run.count >= 0, Int(run.channel) + Int(run.count) <= channels else {
                throw .invalidData(what: what, problem: "run \(index) covers channel indices \(run.channel)…\(Int(run.channel) + Int(run.count) - 1); expected within 0…\(channels - 1)")
            }
            guard run.valueOffset >= 0, Int(run.valueOffset) + Int(run.count) <= values.count else {
                throw .invalidData(what: what, problem: "run \(index) reads values \(run.valueOffset)…\(Int(run.valueOffset) + Int(run.count) - 1) of \(values.count)")
            }
        }
        if let bad = values.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw .invalidData(what: what, problem: "value \(bad) is \(values[bad]); expected a finite value ≥ 0")
        }
        self.energies = energies
        self.channelEnergies = channelEnergies
        self.firstChannel = firstChannel
        self.rowRunStarts = rowRunStarts
        self.runs = runs
        self.values = values
        self.isFullResponse = isFullResponse
        self.identity = identity
        self.channelType = channelType
        self.threshold = threshold
        if !isFullResponse {
            let sums = rowSums()
            if let row = sums.indices.first(where: { sums[$0] > ResponseNormalisation.fullResponseRowSum }) {
                throw .invalidData(what: what, problem: "declared a redistribution matrix (RMF) but energy row \(row) sums to \(sums[row]); an RMF row sums to at most 1 (pass isFullResponse: true for an RSP with the effective area folded in)")
            }
        }
    }

    /// Creates a matrix from a dense array `dense[energy][channel]`, keeping each maximal
    /// stretch of non-zero values of a row as one channel run.
    public init(energies: EnergyGrid, channelEnergies: EnergyGrid, firstChannel: Int = 1, dense: [[Double]],
                isFullResponse: Bool = false, identity: InstrumentIdentity = InstrumentIdentity(),
                channelType: String? = "PI", threshold: Double? = 0) throws(OGIPError) {
        guard dense.count == energies.count else {
            throw .invalidData(what: "dense response matrix", problem: "\(dense.count) rows for \(energies.count) energy bins")
        }
        var starts: [Int32] = [0]
        var runs: [ChannelRun] = []
        var values: [Float] = []
        for (row, line) in dense.enumerated() {
            guard line.count == channelEnergies.count else {
                throw .invalidData(what: "dense response matrix", problem: "row \(row) has \(line.count) channels; expected \(channelEnergies.count)")
            }
            var channel = 0
            while channel < line.count {
                guard line[channel] != 0 else { channel += 1; continue }
                let start = channel
                while channel < line.count, line[channel] != 0 { channel += 1 }
                runs.append(ChannelRun(channel: Int32(start), count: Int32(channel - start), valueOffset: Int32(values.count)))
                values.append(contentsOf: line[start..<channel].map { Float($0) })
            }
            starts.append(Int32(runs.count))
        }
        try self.init(energies: energies, channelEnergies: channelEnergies, firstChannel: firstChannel,
                      rowRunStarts: starts, runs: runs, values: values, isFullResponse: isFullResponse,
                      identity: identity, channelType: channelType, threshold: threshold)
    }

    /// The runs of energy row `row` (0-based).
    public func runs(ofRow row: Int) -> ArraySlice<ChannelRun> {
        runs[Int(rowRunStarts[row])..<Int(rowRunStarts[row + 1])]
    }
}

extension ResponseMatrix: Equatable {
    /// Equal when grids, channel numbering, classification, keywords and every stored run and
    /// value are equal; `source` is ignored.
    public static func == (a: ResponseMatrix, b: ResponseMatrix) -> Bool {
        a.energies == b.energies && a.channelEnergies == b.channelEnergies && a.firstChannel == b.firstChannel
            && a.isFullResponse == b.isFullResponse && a.identity == b.identity && a.channelType == b.channelType
            && a.threshold == b.threshold && a.rowRunStarts == b.rowRunStarts && a.runs == b.runs && a.values == b.values
    }
}
