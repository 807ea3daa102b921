import Foundation
import PerseusCore

/// One OGIP spectrum (PHA file), the data XSPEC and Sherpa fit.
///
/// Format: OGIP/92-007 (Arnaud, George & Tennant 1992) and its addendum OGIP/92-007a
/// (HDUVERS 1.2.1): a `SPECTRUM` binary table with HDUCLASS = 'OGIP', HDUCLAS1 = 'SPECTRUM',
/// HDUCLAS2 = 'TOTAL' | 'NET' | 'BKG', HDUCLAS3 = 'COUNT' | 'RATE', HDUCLAS4 = 'TYPE:I' |
/// 'TYPE:II'. Type I holds one spectrum, one row per channel; type II holds one spectrum per
/// row in vector columns (see `PHASpectrum.read(_:row:)`, `readAll`, `writeTypeII`).
///
/// Units: `data` is counts per channel or counts s⁻¹ per channel; `statisticalErrors` are in
/// the same unit; `systematicErrors` are fractional; `exposure` is in seconds; the scale
/// factors are dimensionless.
public struct PHASpectrum: Sendable, Equatable {
    /// HDUCLAS2: what the spectrum is.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Source plus background, as observed ('TOTAL').
        case total = "TOTAL"
        /// Background subtracted ('NET').
        case net = "NET"
        /// A background spectrum ('BKG').
        case background = "BKG"
    }

    /// COUNTS or RATE.
    public enum Values: Sendable, Equatable {
        /// Counts in each channel (COUNTS, HDUCLAS3 = 'COUNT').
        case counts([Double])
        /// Count rate in each channel [counts s⁻¹] (RATE, HDUCLAS3 = 'RATE').
        case rates([Double])

        /// The numbers, whichever they are.
        public var values: [Double] {
            switch self { case let .counts(v), let .rates(v): return v }
        }
    }

    /// A scale factor (BACKSCAL, AREASCAL): one number, or one per channel (allowed by
    /// OGIP/92-007a since 2001).
    public enum Scale: Sendable, Equatable {
        case uniform(Double)
        case perChannel([Double])
    }

    /// CHANNEL: channel numbers, strictly increasing.
    public var channels: [Int]
    /// COUNTS or RATE, one per channel.
    public var values: Values
    /// STAT_ERR, one per channel, in the unit of `values`; nil when the file has none (then
    /// `poissonErrors` must be true).
    public var statisticalErrors: [Double]?
    /// SYS_ERR: fractional systematic error per channel; nil for the keyword SYS_ERR = 0.
    public var systematicErrors: [Double]?
    /// QUALITY per channel (0 good, 1 bad by the pipeline, 2 dubious, 5 set bad by the user);
    /// nil for the keyword QUALITY = 0 (all good).
    public var quality: [Int16]?
    /// GROUPING per channel (+1 starts a bin, −1 continues it, 0 no information); nil for the
    /// keyword GROUPING = 0 (no grouping).
    public var grouping: [Int16]?
    /// EXPOSURE: integration time, dead-time corrected [s].
    public var exposure: Double
    /// BACKSCAL: background scaling factor (extraction area ratio).
    public var backgroundScale: Scale
    /// AREASCAL: area scaling factor.
    public var areaScale: Scale
    /// CORRSCAL: scaling of the correction file.
    public var correctionScale: Double
    /// RESPFILE, ANCRFILE, BACKFILE, CORRFILE: associated files; nil for 'NONE' or blank.
    public var responseFile: String?
    public var ancillaryFile: String?
    public var backgroundFile: String?
    public var correctionFile: String?
    /// POISSERR: whether Poisson errors apply (then STAT_ERR is not needed).
    public var poissonErrors: Bool
    /// TELESCOP, INSTRUME, FILTER, DETNAM.
    public var identity: InstrumentIdentity
    /// CHANTYPE: "PI" or "PHA".
    public var channelType: String
    /// DETCHANS: the number of channels of the detector (and of the matching RMF).
    public var detectorChannels: Int
    /// First legal channel number (TLMIN of CHANNEL), so the legal channels are
    /// `firstChannel … firstChannel + detectorChannels − 1`.
    public var firstChannel: Int
    /// HDUCLAS2.
    public var kind: Kind
    /// OBJECT, if known.
    public var object: String?
    /// ROWID and SPEC_NUM of a type II row, if present (written only to type II files).
    public var rowIdentifier: String?
    public var spectrumNumber: Int?
    /// Keywords the file lacked and that took a default on reading, e.g. "AREASCAL = 1".
    /// Empty for every file Perseus writes; `perseus inspect` lists them.
    public var assumedKeywords: [String]

    /// Creates a spectrum. Channel numbers default to `firstChannel …` in order.
    public init(values: Values, exposure: Double, channels: [Int]? = nil, firstChannel: Int = 0,
                detectorChannels: Int? = nil, statisticalErrors: [Double]? = nil, systematicErrors: [Double]? = nil,
                quality: [Int16]? = nil, grouping: [Int16]? = nil,
                backgroundScale: Scale = .uniform(1), areaScale: Scale = .uniform(1), correctionScale: Double = 0,
                responseFile: String? = nil, ancillaryFile: String? = nil, backgroundFile: String? = nil,
                correctionFile: String? = nil, poissonErrors: Bool? = nil, identity: InstrumentIdentity = InstrumentIdentity(),
                channelType: String = "PI", kind: Kind = .total, object: String? = nil) {
        let count = values.values.count
        self.channels = channels ?? Array(firstChannel..<(firstChannel + count))
        self.values = values
        self.exposure = exposure
        self.firstChannel = firstChannel
        self.detectorChannels = detectorChannels ?? count
        self.statisticalErrors = statisticalErrors
        self.systematicErrors = systematicErrors
        self.quality = quality
        self.grouping = grouping
        self.backgroundScale = backgroundScale
        self.areaScale = areaScale
        self.correctionScale = correctionScale
        self.responseFile = responseFile
        self.ancillaryFile = ancillaryFile
        self.backgroundFile = backgroundFile
        self.correctionFile = correctionFile
        self.poissonErrors = poissonErrors ?? (statisticalErrors == nil)
        self.identity = identity
        self.channelType = channelType
        self.kind = kind
        self.object = object
        self.rowIdentifier = nil
        self.spectrumNumber = nil
        self.assumedKeywords = []
    }

    /// Total counts: the sum of COUNTS, or of RATE × EXPOSURE.
    public var totalCounts: Double {
        switch values {
        case let .counts(counts): return counts.reduce(0, +)
        case let .rates(rates): return rates.reduce(0, +) * exposure
        }
    }

    /// Checks every OGIP/92-007 rule the spectrum must satisfy; `what` names it in errors
    /// (a file name and row when read, the destination when written).
    ///
    /// Rules: at least one channel; channels strictly increasing and inside
    /// `firstChannel … firstChannel + detectorChannels − 1`; one value, error, quality and
    /// grouping flag per channel; counts finite and ≥ 0; rates finite (and ≥ 0 unless the
    /// spectrum is NET); errors finite and ≥ 0; STAT_ERR present when POISSERR is false;
    /// exposure finite and > 0; scale factors finite, uniform ones > 0 and per-channel ones ≥ 0.
    public func validate(as what: String) throws(OGIPError) {
        func fail(_ problem: String) -> OGIPError { .invalidData(what: what, problem: problem) }
        let count = channels.count
        guard count >= 1 else { throw fail("the spectrum has no channels") }
        guard detectorChannels >= count else { throw fail("DETCHANS = \(detectorChannels) but the spectrum has \(count) channels") }
        let legal = firstChannel...(firstChannel + detectorChannels - 1)
        for (i, channel) in channels.enumerated() {
            guard legal.contains(channel) else { throw fail("CHANNEL \(channel) (row \(i + 1)) lies outside the legal channels \(legal.lowerBound)…\(legal.upperBound)") }
            if i > 0, channel <= channels[i - 1] { throw fail("CHANNEL is not increasing at row \(i + 1): \(channel) follows \(channels[i - 1])") }
        }
        let numbers = values.values
        let field: String
        switch values { case .counts: field = "COUNTS"; case .rates: field = "RATE" }
        guard numbers.count == count else { throw fail("\(numbers.count) \(field) values for \(count) channels") }
        for (i, value) in numbers.enumerated() {
            let allowNegative: Bool
            if case .rates = values, kind == .net { allowNegative = true } else { allowNegative = false }
            guard value.isFinite, allowNegative || value >= 0 else {
                throw fail("\(field) in row \(i + 1) (channel \(channels[i])) is \(value); expected a finite value\(allowNegative ? "" : " ≥ 0")")
            }
        }
        if let errors = statisticalErrors {
            guard errors.count == count else { throw fail("\(errors.count) STAT_ERR values for \(count) channels") }
            if let i = errors.firstIndex(where: { !($0.isFinite && $0 >= 0) }) { throw fail("STAT_ERR in row \(i + 1) is \(errors[i]); expected a finite value ≥ 0") }
        } else if !poissonErrors {
            throw fail("POISSERR is false but there is no STAT_ERR column; give statistical errors or use Poisson errors")
        }
        if let errors = systematicErrors {
            guard errors.count == count else { throw fail("\(errors.count) SYS_ERR values for \(count) channels") }
            if let i = errors.firstIndex(where: { !($0.isFinite && $0 >= 0) }) { throw fail("SYS_ERR in row \(i + 1) is \(errors[i]); expected a finite fraction ≥ 0") }
        }
        if let quality, quality.count != count { throw fail("\(quality.count) QUALITY flags for \(count) channels") }
        if let grouping, grouping.count != count { throw fail("\(grouping.count) GROUPING flags for \(count) channels") }
        if let grouping, let i = grouping.firstIndex(where: { ![-1, 0, 1].contains($0) }) {
            throw fail("GROUPING in row \(i + 1) is \(grouping[i]); expected 1, −1 or 0")
        }
        guard exposure.isFinite, exposure > 0 else { throw fail("EXPOSURE is \(exposure) s; expected a finite value > 0") }
        for (name, scale) in [("BACKSCAL", backgroundScale), ("AREASCAL", areaScale)] {
            switch scale {
            case let .uniform(value):
                guard value.isFinite, value > 0 else { throw fail("\(name) is \(value); expected a finite value > 0") }
            case let .perChannel(list):
                guard list.count == count else { throw fail("\(list.count) \(name) values for \(count) channels") }
                if let i = list.firstIndex(where: { !($0.isFinite && $0 >= 0) }) { throw fail("\(name) in row \(i + 1) is \(list[i]); expected a finite value ≥ 0") }
            }
        }
        guard correctionScale.isFinite else { throw fail("CORRSCAL is \(correctionScale); expected a finite value") }
    }
}
