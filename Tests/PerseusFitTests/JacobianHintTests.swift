import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// The Jacobian hint of ``CountsModel``: the fitter passes the right reference point, reference
/// counts and changed indices, and a model that uses them to fold only what changed gets the
/// same fit.
@Suite struct JacobianHintTests {
    static let instrument = ToyInstrument()

    /// Powerlaw + line; with the hint it refolds only the energy bins whose photons changed, and
    /// checks the reference it was given.
    struct IncrementalModel: CountsModel {
        var base: ToyCountsModel
        var hinted = 0
        var badReferences = 0
        var channelCount: Int { base.channelCount }

        mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) throws {
            try base.predict(parameters: parameters, into: counts)
        }

        mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                              reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                              changed: UnsafeBufferPointer<Int>) throws {
            hinted += 1
            // The reference counts must be the model at the reference parameters, and only
            // `changed` may differ.
            let check = base.expected(Array(reference))
            if check != Array(referenceCounts) { badReferences += 1 }
            for i in 0..<parameters.count where !changed.contains(i) && parameters[i] != reference[i] { badReferences += 1 }
            let instrument = base.instrument
            var new = [Double](repeating: 0, count: instrument.lo.count), old = new
            new.withUnsafeMutableBufferPointer { base.spectrum.flux(parameters, lo: instrument.lo, hi: instrument.hi, into: $0.baseAddress!) }
            old.withUnsafeMutableBufferPointer { base.spectrum.flux(reference, lo: instrument.lo, hi: instrument.hi, into: $0.baseAddress!) }
            for c in 0..<counts.count { counts[c] = referenceCounts[c] }
            for e in 0..<new.count where new[e] != old[e] {
                let photons = (new[e] - old[e]) * instrument.area[e] * instrument.exposure
                let row = instrument.weights[e]
                for j in 0..<row.count { counts[instrument.firstChannel[e] + j] += photons * row[j] }
            }
        }
    }

    @Test func hintIsCorrectAndGivesTheSameFit() throws {
        let plain = ToyCountsModel(.powerLawPlusLine, Self.instrument)
        let counts = poissonSpectrum(plain.expected([1.8, 1e-2, 6.4, 0.1, 1e-3]), seed: 51, sample: 0)
        var parameters = ToyParameters.powerLawPlusLine(index: 1.6, norm: 8e-3, lineEnergy: 6.35, lineNorm: 8e-4)
        // A link, so that `changed` holds more than the free parameter: Sigma = 0.01·LineE + 0.036.
        parameters[3].isFrozen = false
        parameters[3].link = .init(source: 2, scale: 0.01, offset: 0.036)
        let problem = try FitProblem(data: FitData(spectrum: SpectrumData(name: "hint", counts: counts, channelEnergies: Self.instrument.energies),
                                                   band: .only(0.6...10)),
                                     statistic: .cstat, parameters: FitParameters(parameters))
        var reference = plain
        let a = try Fitter().fit(problem, model: &reference)
        var incremental = IncrementalModel(base: plain)
        let b = try Fitter().fit(problem, model: &incremental)
        #expect(incremental.hinted > 0)
        #expect(incremental.badReferences == 0)
        #expect(a.modelEvaluations == b.modelEvaluations)
        for k in 0..<a.freeValues.count {
            #expect(abs(a.freeValues[k] - b.freeValues[k]) < 1e-6 * a.errors[k]!)
        }
        #expect(abs(a.statistic - b.statistic) < 1e-8)
    }
}
