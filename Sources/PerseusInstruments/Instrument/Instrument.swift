import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics

/// An instrument ready to use: its definition, its response (built-in or the user's files), its
/// background model, and a folder for its default band.
///
/// ```swift
/// let nustar = try InstrumentRegistry.standard().instrument(named: "nustar-fpma")
/// let folder = try nustar.folder(background: true)              // 3–80 keV, PI 35–1959
/// var model = try Model("tbabs*apec"); try model.set("apec.kT", to: 4)
/// let flux = try model.compiled(for: folder.modelGrid).evaluate(model.values)
/// let source = try folder.expectedCounts(photonFlux: flux, exposure: nustar.defaultExposure)
/// let background = try folder.backgroundExpectedCounts(exposure: nustar.defaultExposure)
/// ```
public struct Instrument: Sendable {
    public let definition: InstrumentDefinition
    /// The native response: RMF (restricted to the channels it provides) and ARF.
    public let response: ResponsePair
    /// The background model, if the instrument defines one.
    public let backgroundModel: DetectorBackgroundModel?
    /// The folder of the default band and binning (without background).
    public let defaultFolder: ResponseFolder
    /// Where the response came from, in words.
    public let responseDescription: String

    public var name: String { definition.name }
    /// TELESCOP, INSTRUME, FILTER, DETNAM written to output files.
    public var identity: InstrumentIdentity {
        InstrumentIdentity(telescope: definition.telescope, instrument: definition.instrument, filter: definition.filter,
                           detector: definition.detector)
    }
    /// Energy bins on which models are evaluated for the default band [keV].
    public var modelGrid: EnergyGrid { defaultFolder.modelGrid }
    /// Output channels of the default band.
    public var channels: ChannelGrid { defaultFolder.channels }
    /// Default band [keV].
    public var defaultBand: ClosedRange<Double> { definition.band }
    /// Native channels per output channel.
    public var binning: Int { definition.binning }
    /// Default exposure [s].
    public var defaultExposure: Double { definition.exposure }
    /// Names of the background components (empty when there is no background).
    public var backgroundComponents: [String] { backgroundModel?.components.map(\.name) ?? [] }

    /// Loads the response `definition` names. `rmf` and `arf` (file paths) override the
    /// definition's: with `rmf` alone the definition's ARF is kept if it is on the RMF's energy
    /// grid; `arf: "none"` drops the ARF. `band` [keV] replaces the definition's default band
    /// (needed when a user's response does not cover it).
    /// - Throws: `InstrumentError` for a malformed built-in file or definition, `FITSError` /
    ///   `OGIPError` for unreadable or inconsistent user files (an ARF whose grid differs from the
    ///   RMF's is refused, naming both files).
    public init(definition original: InstrumentDefinition, rmf: String? = nil, arf: String? = nil, band: ClosedRange<Double>? = nil) throws {
        var definition = original
        if let band { definition.band = band }
        let identity = InstrumentIdentity(telescope: definition.telescope, instrument: definition.instrument,
                                          filter: definition.filter, detector: definition.detector)
        var builtIn: CompactResponse?
        if let name = definition.builtInResponse {
            builtIn = try CompactResponse.decode(embedded: "\(name).response", identity: identity)
        }
        // The effective area in force.
        var ancillary: AncillaryResponse?
        var areaDescription: String?
        if let arf {
            if arf.lowercased() != "none" {
                ancillary = try AncillaryResponse.read(arf)
                areaDescription = "ARF \(arf)"
            } else {
                areaDescription = "no ARF"
            }
        } else {
            switch definition.area {
            case let .file(path)?: ancillary = try AncillaryResponse.read(path); areaDescription = "ARF \(path)"
            case .none?: areaDescription = "no ARF"
            case nil:
                ancillary = builtIn?.ancillary
                if ancillary != nil { areaDescription = "built-in ARF (\(definition.builtInResponse!))" }
            }
        }
        // The matrix in force.
        var matrix: ResponseMatrix
        var matrixDescription: String
        if let rmf {
            matrix = try ResponseMatrix.read(rmf)
            matrixDescription = "RMF \(rmf)"
        } else {
            switch definition.matrix {
            case let .file(path)?:
                matrix = try ResponseMatrix.read(path)
                matrixDescription = "RMF \(path)"
            case let .gaussian(fwhm, width, range)?:
                guard let grid = ancillary?.energies ?? builtIn?.energies else {
                    throw InstrumentError.invalidDefinition(origin: definition.origin, line: nil, key: "response.rmf.gaussian",
                                                            message: "a Gaussian RMF needs an ARF (its energy grid)")
                }
                matrix = try GaussianRedistribution.matrix(energies: grid, fwhm: fwhm, channelWidth: width, range: range,
                                                           identity: identity, origin: definition.origin)
                matrixDescription = "generated Gaussian RMF (FWHM \(fwhm * 1000) eV, \(width * 1000) eV channels \(range.lowerBound)–\(range.upperBound) keV)"
            case nil:
                guard let compact = builtIn?.matrix else {
                    throw InstrumentError.invalidDefinition(origin: definition.origin, line: nil, key: "response",
                                                            message: "the built-in response \(definition.builtInResponse ?? "") has no matrix; give rmf:")
                }
                matrix = compact
                matrixDescription = "built-in compact RMF (\(definition.builtInResponse!))"
            }
        }
        if matrix.identity.telescope == nil { matrix.identity = identity }
        // With a user RMF and the definition's ARF, keep the ARF only if it fits the RMF.
        if rmf != nil, arf == nil, let current = ancillary, !current.energies.matches(matrix.energies) {
            throw InstrumentError.invalidDefinition(origin: definition.origin, line: nil, key: "response",
                message: "the RMF \(rmf!) has \(matrix.energyCount) energy bins (\(matrix.energies.range.lowerBound)–\(matrix.energies.range.upperBound) keV) but \(definition.name)'s ARF has \(current.energies.count) (\(current.energies.range.lowerBound)–\(current.energies.range.upperBound) keV); give --arf FILE (or --arf none) too")
        }
        let pair = try ResponsePair(matrix: matrix, ancillary: ancillary)
        self.definition = definition
        self.response = pair
        self.responseDescription = ([matrixDescription] + (areaDescription.map { [$0] } ?? [])).joined(separator: " + ")
        self.backgroundModel = try definition.background.map { (name: String) throws(InstrumentError) in try DetectorBackgroundModel.builtIn(name) }
        self.defaultFolder = try Self.defaultFolder(pair, definition: definition, userResponse: rmf != nil && band == nil)
    }

    /// The folder of the definition's band; with a user's RMF a band it cannot provide gets a hint.
    private static func defaultFolder(_ pair: ResponsePair, definition: InstrumentDefinition,
                                      userResponse: Bool) throws(InstrumentError) -> ResponseFolder {
        do {
            return try ResponseFolder(response: pair, band: definition.band, binning: definition.binning, instrument: definition.name)
        } catch {
            guard userResponse, case let .invalidChannelSelection(instrument, problem) = error else { throw error }
            throw .invalidChannelSelection(instrument: instrument, problem: "\(problem); with your own RMF choose a band inside its channels (--band LO:HI)")
        }
    }

    /// A folder for `band` [keV] (default: the instrument's) binned by `binning` (default: the
    /// instrument's), with the background prepared on the same channels when `background` is true.
    /// - Parameter context: the context background models are built in (abundance table, AtomDB).
    /// - Throws: `InstrumentError.invalidChannelSelection` for a band the response cannot
    ///   provide; `InstrumentError.background` when a background is asked for but the instrument
    ///   has none or it cannot be prepared.
    public func folder(band: ClosedRange<Double>? = nil, binning: Int? = nil, background: Bool = false,
                       context: ModelContext = ModelContext()) throws(InstrumentError) -> ResponseFolder {
        var folder = (band == nil || band == definition.band) && (binning == nil || binning == definition.binning)
            ? defaultFolder
            : try ResponseFolder(response: response, band: band ?? definition.band, binning: binning ?? definition.binning, instrument: name)
        if background {
            guard let backgroundModel else {
                throw .background(instrument: name, problem: "\(name) defines no background model")
            }
            folder = folder.with(background: try PreparedBackground(model: backgroundModel, matrix: response.matrix,
                                                                    channels: folder.channels, instrument: name, context: context))
        }
        return folder
    }
}
