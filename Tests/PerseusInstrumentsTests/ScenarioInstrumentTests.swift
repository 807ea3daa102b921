import Testing
import PerseusPhysics
@testable import PerseusInstruments

/// A scenario bound to a real instrument: its instrument, band and background are checked
/// before any sample is made, with errors at the scenario line of the key.
@Suite struct ScenarioInstrumentTests {
    static func scenario(instrument: String = "chandra-acis-i", extra: String = "") -> String {
        """
        name: t
        instrument: \(instrument)
        exposure: 1e4
        \(extra)
        classes:
          - {name: a, label: normal, count: 3, model: tbabs*powerlaw, parameters: {nH: 0.1, PhoIndex: 2, norm: 1e-3}}
        """
    }

    func failure(_ text: String) throws -> ScenarioError? {
        let scenario = try ScenarioParser.parse(text, origin: "s.yaml")
        let registry = try InstrumentRegistry.standard()
        do {
            _ = try Simulation(scenario: scenario, registry: registry, context: ModelContext())
            return nil
        } catch {
            return error
        }
    }

    @Test func missingInstrumentNamesTheLineAndTheValidOnes() throws {
        let error = try #require(try failure(Self.scenario(instrument: "einstein-ipc")))
        #expect(error.line == 2 && error.key == "instrument")
        #expect(error.description.contains("einstein-ipc") && error.description.contains("nustar-fpma"), "\(error)")
    }

    @Test func bandOutsideTheResponseIsRefused() throws {
        let error = try #require(try failure(Self.scenario(extra: "band: [20, 40]")))
        #expect(error.line == 4 && error.key == "band", "\(error)")
    }

    @Test func backgroundOnAnInstrumentWithoutOneIsRefused() throws {
        let error = try #require(try failure(Self.scenario(extra: "background: true")))
        #expect(error.line == 4 && error.key == "background", "\(error)")
    }

    @Test func aGoodScenarioPreparesItsInstrument() throws {
        let scenario = try ScenarioParser.parse(Self.scenario(extra: "band: [0.5, 7]"), origin: "s.yaml")
        let simulation = try Simulation(scenario: scenario, registry: try InstrumentRegistry.standard(), context: ModelContext())
        #expect(simulation.instrument?.name == "chandra-acis-i" && simulation.exposure == 1e4)
        let range = simulation.observer.outputChannels.energyRange!
        #expect(range.lowerBound >= 0.49 && range.upperBound <= 7.01)
    }
}
