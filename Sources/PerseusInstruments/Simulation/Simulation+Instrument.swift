import Foundation
import PerseusCore
import PerseusPhysics

extension Simulation {
    /// Prepares `scenario` on its instrument from `registry`: the instrument (a built-in name or
    /// an instrument file, relative to the scenario file), the user's response overrides, the
    /// scenario's band, exposure and background, every class bound to its model.
    /// - Parameters:
    ///   - rmf, arf: response files overriding both the instrument's and the scenario's.
    /// - Throws: `ScenarioError` pointing at the scenario line of the key involved (an unknown
    ///   instrument, a band the response cannot provide, a background the instrument lacks, a
    ///   bad class).
    public init(scenario: Scenario, registry: InstrumentRegistry, rmf: String? = nil, arf: String? = nil,
                context: ModelContext) throws(ScenarioError) {
        let instrument: Instrument
        do {
            instrument = try registry.instrument(Self.instrumentReference(scenario), rmf: rmf ?? scenario.responseOverride?.rmf,
                                                 arf: arf ?? scenario.responseOverride?.arf, band: scenario.band)
        } catch let error as InstrumentError {
            throw scenario.error(key: Self.scenarioKey(of: error, scenario: scenario), error.description)
        } catch {
            // Reading the user's response files (FITS/OGIP errors name the file and field).
            throw scenario.error(key: rmf == nil && arf == nil ? "instrument" : "rmf", "\(error)")
        }
        let exposure = scenario.exposure ?? instrument.defaultExposure
        let prepared: (folder: ResponseFolder, background: BackgroundCounts?)
        do { prepared = try instrument.prepare(for: scenario, exposure: exposure, context: context) } catch {
            throw scenario.error(key: Self.scenarioKey(of: error, scenario: scenario), error.description)
        }
        try self.init(scenario: scenario, observer: prepared.folder.batched(), instrumentName: instrument.name,
                      exposure: exposure, backgroundCounts: prepared.background?.total, context: context)
        self.instrument = instrument
        self.folder = prepared.folder
        self.background = prepared.background
    }

    /// The scenario key an instrument error is about.
    static func scenarioKey(of error: InstrumentError, scenario: Scenario) -> String {
        switch error {
        case .invalidChannelSelection: return scenario.band == nil ? "instrument" : "band"
        case .background: return "background"
        default: return "instrument"
        }
    }

    /// The scenario's instrument: a built-in name, or a file path relative to the scenario file.
    static func instrumentReference(_ scenario: Scenario) -> String {
        let name = scenario.instrument
        guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/"),
              !name.hasPrefix("/"), !scenario.origin.hasPrefix("built-in:") else { return name }
        return URL(fileURLWithPath: scenario.origin).deletingLastPathComponent().appendingPathComponent(name).path
    }
}
