import PerseusCore
import PerseusPhysics

extension ExtractionRegion {
    /// The region a scenario's `region:` key describes: a circle of `radius` arcmin at the
    /// aimpoint, or the circle of `area` arcmin² at the aimpoint.
    public init(_ region: BackgroundRegion) {
        switch region {
        case let .circle(radiusArcmin): self = .circle(radius: radiusArcmin)
        case let .area(squareArcmin): self = .area(squareArcmin: squareArcmin)
        }
    }
}

extension Instrument {
    /// The folder and the expected background counts per output channel for a scenario: its band
    /// (or the instrument's), and, when it asks for a background, the components it names (or all)
    /// in its region (or the default) over `exposure` seconds.
    /// - Throws: `InstrumentError` for a band the response cannot provide, a background the
    ///   instrument does not define, an unknown component or a region off the detector.
    public func prepare(for scenario: Scenario, exposure: Double,
                        context: ModelContext = ModelContext()) throws(InstrumentError) -> (folder: ResponseFolder, background: BackgroundCounts?) {
        let components: [String]?
        switch scenario.background {
        case .none: return (try folder(band: scenario.band, context: context), nil)
        case .all: components = nil
        case let .components(names): components = names
        }
        let folder = try folder(band: scenario.band, background: true, context: context)
        let counts = try folder.backgroundExpectedCounts(exposure: exposure, region: scenario.region.map(ExtractionRegion.init),
                                                         components: components)
        return (folder, counts)
    }
}
