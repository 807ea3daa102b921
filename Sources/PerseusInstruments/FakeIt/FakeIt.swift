import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics

/// XSPEC's `fakeit`: one simulated spectrum of a model through an instrument, with exact Poisson
/// noise, written as an OGIP PHA file (type I) that XSPEC and Sherpa open with the response
/// written beside it.
///
/// Expected counts μ_src = exposure · Σᵢ R A F (see `ResponseFolder`), plus, when asked, the
/// instrument background μ_bkg for the extraction region. Observed counts are
/// Poisson(μ_src) + Poisson(μ_bkg), i.e. Poisson(μ_src + μ_bkg), drawn exactly by
/// `RandomStream.poisson(means:into:workspace:)`: the source from the stream
/// (seed, `.sourceCounts`, index) and the background from (seed, `.backgroundCounts`, index,
/// substream 0), so adding a background leaves the source draw unchanged. The background PHA
/// (when written) is an independent draw of μ_bkg from substream 1.
public enum FakeIt {
    /// What to simulate besides the model.
    public struct Options: Sendable {
        /// Exposure [s]; nil means the instrument's default.
        public var exposure: Double?
        /// Whether to add the instrument's background.
        public var background: Bool
        /// Background components to add (nil: all).
        public var backgroundComponents: [String]?
        /// Extraction region (nil: the background model's default).
        public var region: ExtractionRegion?
        /// Seed and sample index of the random streams.
        public var seed: UInt64
        public var index: UInt64
        /// OBJECT keyword, if any.
        public var object: String?

        public init(exposure: Double? = nil, background: Bool = false, backgroundComponents: [String]? = nil,
                    region: ExtractionRegion? = nil, seed: UInt64 = 0, index: UInt64 = 0, object: String? = nil) {
            self.exposure = exposure
            self.background = background
            self.backgroundComponents = backgroundComponents
            self.region = region
            self.seed = seed
            self.index = index
            self.object = object
        }
    }

    /// A simulated spectrum.
    public struct Result: Sendable {
        /// Expected source counts per output channel.
        public var expectedSource: [Double]
        /// Expected background counts (total and by component), when a background was added.
        public var background: BackgroundCounts?
        /// Observed counts: source draw plus background draw.
        public var counts: [Double]
        /// An independent draw of the background alone (for the background PHA), when a
        /// background was added.
        public var backgroundDraw: [Double]?
        /// Exposure [s].
        public var exposure: Double
        /// The output channels.
        public var channels: ChannelGrid
        /// Expected total counts per channel, μ_src + μ_bkg.
        public var expected: [Double] {
            guard let background else { return expectedSource }
            return zip(expectedSource, background.total).map { $0 + $1 }
        }
    }

    /// Files written by `write`.
    public struct Files: Sendable, Equatable {
        public var spectrum: String
        public var rmf: String
        public var arf: String?
        public var background: String?
    }

    /// Simulates `model` (with its parameter values) through `folder`. The folder must have a
    /// background prepared when `options.background` is true (`Instrument.folder(background: true)`).
    /// - Throws: `ModelPreparationError`/`ModelEvaluationError` from the model, `InstrumentError`
    ///   for bad options, `InvalidArgument` when an expected count is not finite.
    public static func simulate(model: Model, folder: ResponseFolder, exposure: Double,
                                options: Options = Options()) throws -> Result {
        guard exposure.isFinite, exposure > 0 else {
            throw InstrumentError.invalidInput(what: "fakeit", problem: "exposure is \(exposure) s; expected a finite value > 0")
        }
        guard model.kind == .additive else {
            throw InstrumentError.invalidInput(what: "fakeit", problem: "the model \(model.expression) is multiplicative only; it has no photons to fold")
        }
        let flux = try model.compiled(for: folder.modelGrid).evaluate(model.values)
        let source = try folder.expectedCounts(photonFlux: flux, exposure: exposure)
        var background: BackgroundCounts?
        if options.background {
            background = try folder.backgroundExpectedCounts(exposure: exposure, region: options.region, components: options.backgroundComponents)
        }
        var sourceStream = RandomStream(seed: options.seed, purpose: .sourceCounts, index: options.index)
        var counts = try sourceStream.poisson(means: source)
        var backgroundDraw: [Double]?
        if let background {
            var stream = RandomStream(seed: options.seed, purpose: .backgroundCounts, index: options.index, substream: 0)
            let drawn = try stream.poisson(means: background.total)
            for c in counts.indices { counts[c] += drawn[c] }
            var separate = RandomStream(seed: options.seed, purpose: .backgroundCounts, index: options.index, substream: 1)
            backgroundDraw = try separate.poisson(means: background.total)
        }
        return Result(expectedSource: source, background: background, counts: counts, backgroundDraw: backgroundDraw,
                      exposure: exposure, channels: folder.channels)
    }

    /// The names written beside `path`: `STEM.rmf`, `STEM.arf` and `STEM_bkg.pha`, where STEM is
    /// `path` without its extension.
    public static func companionNames(for path: String, arf: Bool, background: Bool) -> Files {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension()
        return Files(spectrum: url.standardizedFileURL.path, rmf: stem.appendingPathExtension("rmf").path,
                     arf: arf ? stem.appendingPathExtension("arf").path : nil,
                     background: background ? stem.deletingLastPathComponent().appendingPathComponent(stem.lastPathComponent + "_bkg.pha").path : nil)
    }

    /// The spectrum of `result` as a PHA (type I, HDUCLAS2 'TOTAL', COUNTS, POISSERR), naming
    /// its companion files by their file names only (they sit in the same directory).
    public static func spectrum(_ result: Result, folder: ResponseFolder, identity: InstrumentIdentity, files: Files,
                                object: String? = nil) -> PHASpectrum {
        func name(_ path: String?) -> String? { path.map { URL(fileURLWithPath: $0).lastPathComponent } }
        let backscal = result.background?.backscal ?? 1
        return PHASpectrum(values: .counts(result.counts), exposure: result.exposure, firstChannel: result.channels.firstChannel,
                           detectorChannels: result.channels.count, backgroundScale: .uniform(backscal),
                           responseFile: name(files.rmf), ancillaryFile: name(files.arf), backgroundFile: name(files.background),
                           poissonErrors: true, identity: identity, channelType: "PI", kind: .total, object: object)
    }

    /// Writes the spectrum to `path` and its RMF, ARF (when the response has one) and background
    /// spectrum (when simulated) beside it (`companionNames`). Every destination is checked
    /// before anything is written; each file goes through `AtomicOutput`.
    /// - Throws: `OutputError.exists` (naming the file) when a destination exists and `overwrite`
    ///   is false; `FITSError`/`OGIPError` on write failures.
    @discardableResult
    public static func write(_ result: Result, folder: ResponseFolder, identity: InstrumentIdentity, to path: String,
                             overwrite: Bool = false, object: String? = nil) throws -> Files {
        let files = companionNames(for: path, arf: folder.hasAncillary, background: result.backgroundDraw != nil)
        for destination in [files.spectrum, files.rmf, files.arf, files.background].compactMap({ $0 }) {
            _ = try AtomicOutput(path: destination, overwrite: overwrite)
        }
        try spectrum(result, folder: folder, identity: identity, files: files, object: object).write(to: files.spectrum, overwrite: overwrite)
        try folder.writeResponse(rmf: files.rmf, arf: files.arf, overwrite: overwrite)
        if let path = files.background, let draw = result.backgroundDraw, let background = result.background {
            let spectrum = PHASpectrum(values: .counts(draw), exposure: result.exposure, firstChannel: result.channels.firstChannel,
                                       detectorChannels: result.channels.count, backgroundScale: .uniform(background.backscal),
                                       responseFile: URL(fileURLWithPath: files.rmf).lastPathComponent,
                                       ancillaryFile: files.arf.map { URL(fileURLWithPath: $0).lastPathComponent },
                                       poissonErrors: true, identity: identity, channelType: "PI", kind: .background, object: object)
            try spectrum.write(to: path, overwrite: overwrite)
        }
        return files
    }
}
