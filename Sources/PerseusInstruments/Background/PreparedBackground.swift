import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics

/// Expected background counts per output channel, by component, for one region and exposure.
public struct BackgroundCounts: Sendable, Equatable {
    /// One component's counts per output channel.
    public struct Component: Sendable, Equatable {
        public var name: String
        public var counts: [Double]
        /// The norms used, one per term (XSPEC units of each term's model).
        public var norms: [Double]
    }
    /// Sum of the components, per output channel.
    public var total: [Double]
    public var components: [Component]
    /// The region and its BACKSCAL (region pixels / 1000²), written to PHA files.
    public var region: ExtractionRegion
    public var backscal: Double
    public var exposure: Double
}

/// A background folded once onto a folder's channels: for every term, the counts per second per
/// output channel that its model gives with norm 1. Counts for a region and exposure are then
/// exposure × Σ_terms norm(region) × unit rates, with no further folding.
struct PreparedBackground: Sendable {
    struct Term: Sendable {
        let term: DetectorBackgroundModel.Term
        /// Counts s⁻¹ per output channel for norm 1.
        let unitRates: [Double]
    }
    struct Component: Sendable {
        let component: DetectorBackgroundModel.Component
        let terms: [Term]
    }
    let model: DetectorBackgroundModel
    let components: [Component]
    let instrument: String

    /// Folds every term of `model` onto `channels` through `matrix` (the instrument's RMF).
    /// - Throws: `InstrumentError.background` when the RMF's energy grid is not (a contiguous part
    ///   of) the background's grid, when the diagonal response's channels differ from the
    ///   instrument's, or when a term's model cannot be built or evaluated.
    init(model: DetectorBackgroundModel, matrix: ResponseMatrix, channels: ChannelGrid, instrument: String,
         context: ModelContext) throws(InstrumentError) {
        func fail(_ problem: String) -> InstrumentError { .background(instrument: instrument, problem: problem) }
        // Rows of the background grid that the RMF's energy bins are.
        let grid = model.energies
        guard let offset = grid.lo.firstIndex(where: { abs($0 - matrix.energies.lo[0]) <= 1e-5 * max(1, abs($0)) }),
              offset + matrix.energyCount <= grid.count,
              (0..<matrix.energyCount).allSatisfy({ abs(grid.lo[offset + $0] - matrix.energies.lo[$0]) <= 1e-5 * max(1, grid.hi[offset + $0])
                                                    && abs(grid.hi[offset + $0] - matrix.energies.hi[$0]) <= 1e-5 * max(1, grid.hi[offset + $0]) }) else {
            throw fail("the response's energy grid (\(matrix.energyCount) bins, \(matrix.energies.range.lowerBound)–\(matrix.energies.range.upperBound) keV) is not part of the background's grid (\(grid.count) bins, \(grid.range.lowerBound)–\(grid.range.upperBound) keV): use an RMF on the NuSTAR CALDB grid")
        }
        var folders: [String: ResponseFolder] = [:]
        func folder(for kind: DetectorBackgroundModel.ResponseKind) throws(InstrumentError) -> ResponseFolder {
            let key: String
            switch kind { case .rmf: key = "rmf"; case let .rmfTimes(area): key = "rmf*\(area)"; case .diagonal: key = "diagonal" }
            if let existing = folders[key] { return existing }
            let made: ResponseFolder
            switch kind {
            case .rmf:
                made = try ResponseFolder(matrix: matrix, area: nil, channels: channels, instrument: instrument, background: nil)
            case let .rmfTimes(name):
                let curve = model.areas[name]!
                made = try ResponseFolder(matrix: matrix, area: Array(curve[offset..<(offset + matrix.energyCount)]),
                                          channels: channels, instrument: instrument, background: nil)
            case .diagonal:
                let n = grid.count
                let identity: ResponseMatrix
                do {
                    identity = try ResponseMatrix(energies: grid, channelEnergies: grid, firstChannel: 0,
                                                  rowRunStarts: (0...n).map { Int32($0) },
                                                  runs: (0..<n).map { ChannelRun(channel: Int32($0), count: 1, valueOffset: Int32($0)) },
                                                  values: [Float](repeating: 1, count: n), isFullResponse: true)
                } catch { throw fail("diagonal response: \(error)") }
                let diagonalChannels = try ChannelGrid(matrix: identity, band: channels.band, binning: channels.binning, instrument: instrument)
                guard diagonalChannels.firstChannel == channels.firstChannel, diagonalChannels.energies.matches(channels.energies) else {
                    throw fail("the diagonal response's channels (\(diagonalChannels.firstChannel)…, \(diagonalChannels.count) channels) differ from the instrument's (\(channels.firstChannel)…, \(channels.count)); the RMF's channels must be the NuSTAR PI channels")
                }
                made = try ResponseFolder(matrix: identity, area: nil, channels: diagonalChannels, instrument: instrument, background: nil)
            }
            folders[key] = made
            return made
        }
        var prepared: [Component] = []
        for component in model.components {
            let folder = try folder(for: component.response)
            var terms: [Term] = []
            for (index, term) in component.terms.enumerated() {
                let label = "component \(component.name), term \(index + 1) (\(term.model))"
                do {
                    var spectral = try Model(term.model, context: context)
                    for (name, value) in term.parameters { try spectral.set(name, to: value) }
                    try spectral.set("norm", to: 1)
                    let flux = try spectral.compiled(for: folder.modelGrid).evaluate(spectral.values)
                    terms.append(Term(term: term, unitRates: try folder.expectedCounts(photonFlux: flux, exposure: 1)))
                } catch let error as InstrumentError {
                    throw error
                } catch {
                    throw fail("\(label): \(error)")
                }
            }
            prepared.append(Component(component: component, terms: terms))
        }
        self.model = model
        self.components = prepared
        self.instrument = instrument
    }

    /// Names of the components.
    var componentNames: [String] { components.map(\.component.name) }

    /// Expected counts of the components named in `selection` (nil: all) for `region` and `exposure`.
    func expectedCounts(exposure: Double, region: ExtractionRegion?, selection: [String]?) throws(InstrumentError) -> BackgroundCounts {
        guard exposure.isFinite, exposure >= 0 else {
            throw .background(instrument: instrument, problem: "exposure is \(exposure) s; expected a finite value ≥ 0")
        }
        if let selection {
            for name in selection where !componentNames.contains(name.lowercased()) {
                throw .background(instrument: instrument, problem: "no component '\(name)'; components: \(componentNames.joined(separator: ", "))")
            }
        }
        let region = region ?? model.defaultRegion
        let statistics = try model.statistics(of: region)
        let channels = components.first?.terms.first?.unitRates.count ?? 0
        var total = [Double](repeating: 0, count: channels)
        var results: [BackgroundCounts.Component] = []
        for component in components where selection.map({ $0.map { $0.lowercased() }.contains(component.component.name) }) ?? true {
            var counts = [Double](repeating: 0, count: channels)
            var norms: [Double] = []
            for term in component.terms {
                let norm = model.norm(term.term, of: component.component, statistics: statistics)
                norms.append(norm)
                let scale = norm * exposure
                for c in 0..<channels { counts[c] += scale * term.unitRates[c] }
            }
            for c in 0..<channels { total[c] += counts[c] }
            results.append(BackgroundCounts.Component(name: component.component.name, counts: counts, norms: norms))
        }
        return BackgroundCounts(total: total, components: results, region: region, backscal: statistics.backscal, exposure: exposure)
    }
}

extension ResponseFolder {
    /// Whether a background was prepared on this folder (`Instrument.folder(…, background: true)`).
    public var hasBackground: Bool { background != nil }

    /// Names of the background components (empty without a background).
    public var backgroundComponents: [String] { background?.componentNames ?? [] }

    /// Expected background counts per output channel for `exposure` [s] and `region` (nil: the
    /// model's default region), in total and per component; `components` selects some by name.
    /// - Throws: `InstrumentError.background` if the folder has no background, for an unknown
    ///   component, a bad region or exposure.
    public func backgroundExpectedCounts(exposure: Double, region: ExtractionRegion? = nil,
                                         components: [String]? = nil) throws(InstrumentError) -> BackgroundCounts {
        guard let background else {
            throw .background(instrument: instrument, problem: "none prepared: the instrument defines no background, or the folder was made without one")
        }
        return try background.expectedCounts(exposure: exposure, region: region, selection: components)
    }

    /// The default extraction region of the background, if there is one.
    public var defaultRegion: ExtractionRegion? { background?.model.defaultRegion }

    /// Pixel statistics (aperture sum, pixels per detector, BACKSCAL) of a region.
    public func regionStatistics(_ region: ExtractionRegion) throws(InstrumentError) -> DetectorBackgroundModel.RegionStatistics {
        guard let background else { throw .background(instrument: instrument, problem: "none prepared") }
        return try background.model.statistics(of: region)
    }
}
