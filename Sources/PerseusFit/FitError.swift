import PerseusCore

/// Why a fit could not be set up or did not produce a result.
///
/// A failed or non-converged fit is always reported as one of these, never as a ``FitResult``.
/// Each case has a stable ``code`` (for status columns of batch outputs) and a description that
/// names the spectrum, the parameter or the channel concerned.
public enum FitError: PerseusError, Equatable {
    // MARK: Bad input
    /// An array does not have one entry per channel.
    case channelCountMismatch(spectrum: String, field: String, expected: Int, got: Int)
    /// A count (or ratio) is negative, NaN or infinite.
    case invalidValue(spectrum: String, field: String, channel: Int, value: Double, expected: String)
    /// A band was requested but the spectrum has no channel energies.
    case missingChannelEnergies(spectrum: String)
    /// A band specification that cannot be parsed or is empty/inverted.
    case invalidBand(text: String, reason: String)
    /// A grouping specification that cannot be used.
    case invalidGrouping(spectrum: String, reason: String)
    /// A parameter definition that cannot be fitted (value outside limits, bad bounds, bad link).
    case invalidParameter(name: String, reason: String)
    /// Links that form a cycle.
    case linkCycle(names: [String])
    /// The statistic cannot use a background spectrum.
    case backgroundNotSupported(statistic: String)
    /// The model writes a different number of channels than the spectrum has.
    case modelChannelMismatch(spectrum: String, modelChannels: Int, spectrumChannels: Int)
    /// An option outside its valid range.
    case invalidOption(name: String, value: String, expected: String)
    /// A model, response and spectrum that do not fit together (energy grids, channel counts,
    /// a multiplicative expression where photons are needed, a bad exposure).
    case incompatibleResponse(reason: String)

    // MARK: Data that cannot be fitted
    /// No channel is left after band selection, quality and grouping.
    case emptyBand(spectrum: String, band: String)
    /// Every fitted channel has zero counts: every Poisson statistic is minimised by a zero model,
    /// so there is nothing to fit.
    case allZeroData(spectrum: String, channels: Int)
    /// Fewer fitted channels than free parameters.
    case tooFewChannels(spectrum: String, channels: Int, freeParameters: Int)

    // MARK: Model failures
    /// The model threw at the starting parameters.
    case modelFailed(spectrum: String, reason: String)
    /// The model gave NaN or ±∞ counts at the starting parameters.
    case nonFiniteModel(spectrum: String, channel: Int, value: Double, parameters: String)

    // MARK: Optimiser failures
    /// Levenberg–Marquardt and every fallback ended without meeting the convergence criteria.
    case notConverged(spectrum: String, reason: String, statistic: Double, iterations: Int)

    /// A short stable identifier of the case (`all-zero-data`, `not-converged`, …).
    public var code: String {
        switch self {
        case .channelCountMismatch: return "channel-count-mismatch"
        case .invalidValue: return "invalid-value"
        case .missingChannelEnergies: return "missing-channel-energies"
        case .invalidBand: return "invalid-band"
        case .invalidGrouping: return "invalid-grouping"
        case .invalidParameter: return "invalid-parameter"
        case .linkCycle: return "link-cycle"
        case .backgroundNotSupported: return "background-not-supported"
        case .modelChannelMismatch: return "model-channel-mismatch"
        case .invalidOption: return "invalid-option"
        case .incompatibleResponse: return "incompatible-response"
        case .emptyBand: return "empty-band"
        case .allZeroData: return "all-zero-data"
        case .tooFewChannels: return "too-few-channels"
        case .modelFailed: return "model-failed"
        case .nonFiniteModel: return "non-finite-model"
        case .notConverged: return "not-converged"
        }
    }

    /// A small integer for status columns: 0 is reserved for success, every failure is > 0.
    public var statusNumber: Int {
        switch self {
        case .channelCountMismatch: return 10
        case .invalidValue: return 11
        case .missingChannelEnergies: return 12
        case .invalidBand: return 13
        case .invalidGrouping: return 14
        case .invalidParameter: return 15
        case .linkCycle: return 16
        case .backgroundNotSupported: return 17
        case .modelChannelMismatch: return 18
        case .invalidOption: return 19
        case .incompatibleResponse: return 23
        case .emptyBand: return 20
        case .allZeroData: return 21
        case .tooFewChannels: return 22
        case .modelFailed: return 30
        case .nonFiniteModel: return 31
        case .notConverged: return 40
        }
    }

    public var description: String {
        switch self {
        case let .channelCountMismatch(spectrum, field, expected, got):
            return "\(spectrum): \(field) has \(got) entries but the spectrum has \(expected) channels"
        case let .invalidValue(spectrum, field, channel, value, expected):
            return "\(spectrum): \(field) channel \(channel) is \(value); expected \(expected)"
        case let .missingChannelEnergies(spectrum):
            return "\(spectrum): an energy band was given but the spectrum has no channel energies (EBOUNDS)"
        case let .invalidBand(text, reason):
            return "band '\(text)': \(reason)"
        case let .invalidGrouping(spectrum, reason):
            return "\(spectrum): grouping: \(reason)"
        case let .invalidParameter(name, reason):
            return "parameter \(name): \(reason)"
        case let .linkCycle(names):
            return "parameter links form a cycle: \(names.joined(separator: " -> "))"
        case let .backgroundNotSupported(statistic):
            return "statistic \(statistic) cannot use a background spectrum; use cstat (W-statistic) or chi"
        case let .modelChannelMismatch(spectrum, modelChannels, spectrumChannels):
            return "\(spectrum): the model predicts \(modelChannels) channels but the spectrum has \(spectrumChannels)"
        case let .invalidOption(name, value, expected):
            return "fit option \(name) = \(value); expected \(expected)"
        case let .incompatibleResponse(reason):
            return "model and response do not fit together: \(reason)"
        case let .emptyBand(spectrum, band):
            return "\(spectrum): no channels left to fit in band \(band) (after quality flags and grouping)"
        case let .allZeroData(spectrum, channels):
            return "\(spectrum): all \(channels) fitted channels have zero counts; there is nothing to fit"
        case let .tooFewChannels(spectrum, channels, freeParameters):
            return "\(spectrum): \(channels) fitted channels cannot constrain \(freeParameters) free parameters"
        case let .modelFailed(spectrum, reason):
            return "\(spectrum): the model cannot be evaluated at the starting parameters: \(reason)"
        case let .nonFiniteModel(spectrum, channel, value, parameters):
            return "\(spectrum): the model predicts \(value) counts in channel \(channel) at \(parameters)"
        case let .notConverged(spectrum, reason, statistic, iterations):
            return "\(spectrum): fit did not converge (\(reason)) after \(iterations) iterations; last statistic \(statistic)"
        }
    }
}
