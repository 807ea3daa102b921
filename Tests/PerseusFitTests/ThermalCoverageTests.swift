import Foundation
import Testing
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
@testable import PerseusFit

/// Fakeit → fit of thermal models through the real Chandra ACIS-I aimpoint response: over n
/// seeded Poisson simulations, the 1σ curvature errors cover the true parameter values 68.27 %
/// of the time, for `tbabs*apec` and `tbabs*(apec+powerlaw)`.
///
/// Size: thermal fits are slow in a debug build, so by default n = 100 for `tbabs*apec` and
/// n = 40 for `tbabs*(apec+powerlaw)`; `PERSEUS_COVERAGE_N=500` runs both with 500 (minutes).
/// Tolerance: the binomial standard deviation of the coverage fraction is √(0.6827·0.3173/n)
/// (4.65 % at n = 100, 7.4 % at 40, 2.08 % at 500); a coverage is accepted within ±3 standard
/// deviations, a two-sided binomial test at about the 0.3 % level per parameter. That catches
/// curvature errors wrong by a factor 1.5 at n = 100 (coverage 50 % or 87 %), by a factor 2 at
/// n = 40 (38 % or 95 %) and by 15 % at n = 500. Seeds are fixed.
///
/// Known: with `PERSEUS_COVERAGE_N=500`, `tbabs*apec` passes (nH 0.686, kT 0.706, Abundanc 0.690,
/// norm 0.680) but `tbabs*(apec+powerlaw)` fails by over-coverage of three parameters (nH 0.670,
/// kT 0.688, Abundanc 0.808, apec.norm 0.770, PhoIndex 0.722, powerlaw.norm 0.808; 101 of 500
/// minima non-smooth): the curvature errors of the abundance and the two norms, which trade off
/// against each other, are about 1.3× the spread of the fits; the default n = 40 does not resolve it.
///
/// Diagnosis (release build, same seeds, n = 500): the engine's curvature errors are those of the
/// Fisher information at the best fit — recomputed there with a central-difference Jacobian and
/// 1/m weights they agree to < 1 % (median ratio 1.000) and give the same coverage (nH 0.668,
/// kT 0.686, Abundanc 0.810, apec.norm 0.770, PhoIndex 0.724, powerlaw.norm 0.808). The cause is
/// the set-up: at kT = 1 keV the lines fix norm·Abundanc while the apec continuum trades against
/// the power law, so the abundance is not bounded above for many spectra (spread 0.82 about a
/// truth of 0.5, fitted values 95th percentile 2.8; in the 10 status-3 spectra among the first 40
/// the statistic profiled in the abundance changes by at most 0.52 between Z = 2 and 5, its hard
/// limit: it rises by 0.01–0.27 in five and falls by 0.23–0.52 in the other five, to or below the
/// statistic of the reported fit at Z = 5). The 101 "non-smooth" minima are not at
/// apec's tabulated temperatures (0.862, 1.085 keV; the lowest 60 of their kT lie at 0.955–1.009):
/// Levenberg–Marquardt crawls along this flat valley and the stall is taken for a kink (a refit
/// from the truth stops elsewhere on the valley, Δstat a few tenths). With 10× the exposure
/// (3e5 s, n = 500) there are no status-3 fits and the coverage approaches 68 % (nH 0.672,
/// kT 0.678, Abundanc 0.748, apec.norm 0.738, PhoIndex 0.710, powerlaw.norm 0.718), i.e. the
/// over-coverage is the non-asymptotic likelihood of this truth, not wrong curvature (the
/// abundance's 0.748 is still just above the 3σ band at n = 500).
///
/// Fitted as a user would: 0.5–7 keV, cstat, every fit started away from the truth (the same
/// start for all spectra), apec's Redshift frozen at the truth (as it is by default), abundance
/// free. Only curvature errors are checked here (profile intervals of 500 thermal fits would
/// take minutes in a debug build; `CoverageTests` checks those on analytic models). A fit that
/// converges at a non-smooth point of apec's temperature interpolation (status 3) counts with
/// its curvature errors like any other; failures are not allowed.
@Suite(.enabled(if: ReferenceData.has("responses/chandra/acisi_aimpt_cy19.rmf"), ReferenceData.skipReason))
struct ThermalCoverageTests {
    /// `PERSEUS_COVERAGE_N` if set (a positive integer), else `defaultCount`.
    static func simulations(default defaultCount: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment["PERSEUS_COVERAGE_N"], let n = Int(text), n > 0 else { return defaultCount }
        return n
    }
    static let nominal = 0.6827
    static func tolerance(_ simulations: Int) -> Double { 3 * (nominal * (1 - nominal) / Double(simulations)).squareRoot() }

    static func response() throws -> ResponsePair {
        try ResponsePair.read(matrix: ReferenceData.path("responses/chandra/acisi_aimpt_cy19.rmf"),
                              ancillary: ReferenceData.path("responses/chandra/acisi_aimpt_cy19.arf"))
    }

    struct Outcome {
        var covered: [Int]
        var failures: [String] = []
        var nonSmooth = 0
        var totalCounts = 0.0
    }

    /// Simulates `simulations` spectra of `truth` and fits each from `start`.
    func run(expression: String, truth: [(String, Double)], start: [(String, Double)], thaw: [String],
             exposure: Double, seed: UInt64, simulations: Int) throws -> (names: [String], outcome: Outcome) {
        let response = try Self.response()
        var model = try Model(expression)
        for (address, value) in truth { try model.set(address, to: value) }
        for name in thaw { try model.thaw(name) }
        let compiled = try model.compiled(for: response.matrix.energies)
        let expected = try response.expectedCounts(photonFlux: compiled.evaluate(model.values), exposure: exposure)
        let trueValues = model.values
        var initial = model
        for (address, value) in start { try initial.set(address, to: value) }
        let parameters = try FitParameters(model: initial)
        let band = BandSelection.only(0.5...7)
        let energies = ChannelEnergies(response.matrix.channelEnergies)
        var counts = try ResponseCountsModel(model: compiled, response: response, exposure: exposure,
                                             channels: band.channelSpan(for: energies))
        let free = parameters.freeIndices
        var outcome = Outcome(covered: [Int](repeating: 0, count: free.count))
        let workspace = FitWorkspace()
        for sample in 0..<simulations {
            let data = poissonSpectrum(expected, seed: seed, sample: UInt64(sample))
            let problem = try FitProblem(data: FitData(spectrum: SpectrumData(name: "sim \(sample)", counts: data, channelEnergies: energies),
                                                       band: band),
                                         statistic: .cstat, parameters: parameters)
            if sample == 0 { outcome.totalCounts = problem.data.counts.reduce(0, +) }
            let result: FitResult
            do {
                result = try Fitter().fit(problem, model: &counts, workspace: workspace, sampleIndex: UInt64(sample))
            } catch {
                outcome.failures.append("\(sample): \(error)")
                continue
            }
            if result.warnings.contains(.nonSmoothMinimum) { outcome.nonSmooth += 1 }
            for (k, index) in free.enumerated() {
                if let sigma = result.errors[k], abs(result.values[index] - trueValues[index]) <= sigma { outcome.covered[k] += 1 }
            }
        }
        return (free.map { parameters.all[$0].name }, outcome)
    }

    func check(_ names: [String], _ outcome: Outcome, _ label: String, simulations: Int) {
        #expect(outcome.failures.isEmpty, "\(label): failed fits \(outcome.failures.prefix(5))")
        let n = Double(simulations)
        var line = "\(label), n = \(simulations) (\(Int(outcome.totalCounts)) counts in 0.5–7 keV; \(outcome.nonSmooth) non-smooth minima): coverage"
        for (k, name) in names.enumerated() {
            let coverage = Double(outcome.covered[k]) / n
            line += String(format: " %@ %.3f", name, coverage)
            #expect(abs(coverage - Self.nominal) <= Self.tolerance(simulations), "\(label) \(name): curvature-error coverage \(coverage)")
        }
        print(line)
    }

    @Test func absorbedApec() throws {
        let n = Self.simulations(default: 100)
        let (names, outcome) = try run(
            expression: "tbabs*apec",
            truth: [("tbabs.nH", 0.3), ("apec.kT", 3), ("apec.Abundanc", 0.4), ("apec.Redshift", 0.05), ("apec.norm", 3e-3)],
            start: [("tbabs.nH", 0.1), ("apec.kT", 5), ("apec.Abundanc", 1), ("apec.norm", 1e-3)],
            thaw: ["apec.Abundanc"], exposure: 2e4, seed: 303, simulations: n)
        check(names, outcome, "tbabs*apec", simulations: n)
    }

    @Test func absorbedApecPlusPowerLaw() throws {
        let n = Self.simulations(default: 40)
        let (names, outcome) = try run(
            expression: "tbabs*(apec+powerlaw)",
            truth: [("tbabs.nH", 0.3), ("apec.kT", 1), ("apec.Abundanc", 0.5), ("apec.Redshift", 0.05), ("apec.norm", 3e-3),
                    ("powerlaw.PhoIndex", 1.8), ("powerlaw.norm", 5e-4)],
            start: [("tbabs.nH", 0.1), ("apec.kT", 2), ("apec.Abundanc", 1), ("apec.norm", 1e-3),
                    ("powerlaw.PhoIndex", 2.5), ("powerlaw.norm", 1e-3)],
            thaw: ["apec.Abundanc"], exposure: 3e4, seed: 404, simulations: n)
        check(names, outcome, "tbabs*(apec+powerlaw)", simulations: n)
    }
}
