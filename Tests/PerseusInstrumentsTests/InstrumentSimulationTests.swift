import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import Testing
@testable import PerseusInstruments

/// The built-in instruments drive the simulation engine: a folder (or its batched form) is the
/// engine's `CountsObserver`, and the background's expected counts are added to every sample.
@Suite struct InstrumentSimulationTests {
    @Test func lin2024ThroughTheBuiltInNuSTARWithBackground() throws {
        let scenario = try BuiltInScenarios.scenario(named: "lin2024").withClassCount(2)
        let instrument = try Fixtures.registry.instrument(named: scenario.instrument)
        let exposure = scenario.exposure ?? instrument.defaultExposure
        let (folder, prepared) = try instrument.prepare(for: scenario, exposure: exposure)
        let background = try #require(prepared)
        #expect(background.components.map(\.name) == ["aperture", "fcxb", "lines", "continuum"])
        #expect(background.region == ExtractionRegion.circle(radius: 4))
        let simulation = try Simulation(scenario: scenario, observer: folder.batched(), instrumentName: instrument.name,
                                        exposure: exposure, backgroundCounts: background.total, context: ModelContext())
        let samples = try simulation.samples(0..<simulation.sampleCount, seed: 3, workspace: SimulationWorkspace())
        #expect(samples.count == simulation.sampleCount)
        #expect(folder.outputChannels.count == 1925 && folder.outputChannels.channel.first == 35)
        for sample in samples {
            guard case let .counts(counts) = sample.values else { Issue.record("expected counts"); continue }
            #expect(counts.count == 1925)
            let total = counts.reduce(0) { $0 + Double($1) }
            #expect(total > background.total.reduce(0, +) * 0.9)
        }
    }

    @Test func scenarioRegionsAndSelections() throws {
        #expect(ExtractionRegion(BackgroundRegion.circle(radiusArcmin: 2)) == .circle(radius: 2))
        #expect(abs(ExtractionRegion(BackgroundRegion.area(squareArcmin: 4 * Double.pi)).radius - 2) < 1e-12)
        var scenario = try BuiltInScenarios.scenario(named: "lin2024")
        scenario.background = .components(["fcxb"])
        scenario.region = .circle(radiusArcmin: 2)
        let (_, counts) = try Fixtures.nustar.prepare(for: scenario, exposure: 1e5)
        #expect(counts?.components.map(\.name) == ["fcxb"] && counts?.region.radius == 2)
        scenario.background = .none
        #expect(try Fixtures.nustar.prepare(for: scenario, exposure: 1e5).background == nil)
        #expect(throws: InstrumentError.self) { _ = try Fixtures.chandra.prepare(for: try BuiltInScenarios.scenario(named: "lin2024"), exposure: 1e5) }
    }

    /// The CountsObserver batch form equals the single folds (dense BLAS and sparse instruments).
    @Test(arguments: ["nustar-fpma", "hitomi-sxs"])
    func observerBatchEqualsSingle(_ name: String) throws {
        let folder = Fixtures.instrument(name).defaultFolder
        let observer: any CountsObserver = folder.batched()
        let fluxes = try (0..<3).map { try Fixtures.flux("powerlaw", ["PhoIndex=\(1.6 + 0.3 * Double($0))", "powerlaw.norm=0.01"], on: observer.modelGrid) }
        var flat = fluxes.flatMap { $0 }
        var out = [Double](repeating: 0, count: 3 * observer.outputChannels.count)
        flat.withUnsafeMutableBufferPointer { f in
            out.withUnsafeMutableBufferPointer { o in observer.expectedCounts(photonFluxes: UnsafeBufferPointer(f), spectra: 3, exposure: 2e4, into: o) }
        }
        for s in 0..<3 {
            let single = try folder.expectedCounts(photonFlux: fluxes[s], exposure: 2e4)
            for c in single.indices where single[c] > 0 {
                #expect(abs(out[s * single.count + c] / single[c] - 1) < 1e-9)
            }
        }
    }
}
