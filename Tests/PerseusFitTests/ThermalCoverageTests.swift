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
/// The `tbabs*(apec+powerlaw)` truth is chosen so that every parameter is constrained and the
/// asymptotic (quadratic-likelihood) regime holds, which is what 68 % coverage of curvature
/// errors assumes: a line-dominated 0.8 keV plasma at solar abundance (apec norm 1e-2) plus a
/// hard power law (Γ = 1.5, norm 5e-4) that dominates above ≈ 2 keV, 500 ks (≈ 417 000 counts in
/// 0.5–7 keV). In this model the abundance and the apec norm trade off (the lines fix their
/// product, the apec continuum is confused with the power law), and their relative errors,
/// more than the total counts, decide whether the regime is asymptotic. Curvature errors of a fit to the
/// expected spectrum (relative 1σ): at 200 ks, nH 1.7 %, kT 0.5 %, Abundanc 7.6 %, apec.norm
/// 6.3 %, PhoIndex 3.3 %, powerlaw.norm 7.5 %; hotter gas is worse, not better (kT 2 keV: 22 %
/// on the abundance even at 100 ks; 3–4 keV: 50–180 %), the apec continuum being then a
/// bremsstrahlung the power law mimics.
///
/// Measured with `PERSEUS_COVERAGE_N=500` (release build, seeds as below):
/// - `tbabs*apec`: nH 0.686, kT 0.706, Abundanc 0.690, norm 0.680 (3 of 500 minima at a kink).
/// - `tbabs*(apec+powerlaw)` at this truth, 500 ks: nH 0.670, kT 0.676, Abundanc 0.696,
///   apec.norm 0.710, PhoIndex 0.688, powerlaw.norm 0.694 (no kinked or flat minima); the same
///   truth at 200 ks (167 410 counts): nH 0.690, kT 0.678, Abundanc 0.708, apec.norm 0.738,
///   PhoIndex 0.704, powerlaw.norm 0.688 — still a little over-covered in the norm, the
///   Abundanc–norm valley not yet quite quadratic.
///
/// History: the previous truth (kT 1 keV, abundance 0.5, apec norm 3e-3, Γ 1.8, powerlaw norm
/// 5e-4, 30 ks, ≈ 7800 counts) over-covered at n = 500 (nH 0.670, kT 0.688, Abundanc 0.808,
/// apec.norm 0.770, PhoIndex 0.722, powerlaw.norm 0.808; 101 of 500 minima then flagged
/// non-smooth). Diagnosis (release, same seeds): the engine's curvature errors were those of the
/// Fisher information at the best fit (recomputed there with a central-difference Jacobian and
/// 1/m weights they agreed to < 1 %, median ratio 1.000, with the same coverage). The abundance
/// was not bounded above for many spectra (spread 0.82 about 0.5; 95th percentile 2.8; the
/// profiled statistic changed by ≤ 0.52 between Z = 2 and the limit 5), i.e. the likelihood was
/// not asymptotic (with 10× the exposure the coverage approached 68 %: Abundanc 0.748,
/// apec.norm 0.738, powerlaw.norm 0.718). The 101 "non-smooth" flags were an engine defect: they were not at apec's
/// tabulated temperatures (0.862, 1.085 keV) but a flat valley along which Levenberg–Marquardt
/// crawled, its stall taken for a kink. The engine now probes for a kink before claiming one
/// (see `KinkEvidenceTests`, `FlatValleyTests`, which keeps that truth).
///
/// Fitted as a user would: 0.5–7 keV, cstat, every fit started away from the truth (the same
/// start for all spectra), apec's Redshift frozen at the truth (as it is by default), abundance
/// free. Only curvature errors are checked here (profile intervals of 500 thermal fits would
/// take minutes in a debug build; `CoverageTests` checks those on analytic models). A fit that
/// converges at a kink of apec's temperature interpolation (status 3) or in a flat valley
/// (status 4) counts with its curvature errors like any other; failures are not allowed.
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
        var flat = 0
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
            if result.warnings.contains(.flatMinimum) { outcome.flat += 1 }
            for (k, index) in free.enumerated() {
                if let sigma = result.errors[k], abs(result.values[index] - trueValues[index]) <= sigma { outcome.covered[k] += 1 }
            }
        }
        return (free.map { parameters.all[$0].name }, outcome)
    }

    func check(_ names: [String], _ outcome: Outcome, _ label: String, simulations: Int) {
        #expect(outcome.failures.isEmpty, "\(label): failed fits \(outcome.failures.prefix(5))")
        let n = Double(simulations)
        var line = "\(label), n = \(simulations) (\(Int(outcome.totalCounts)) counts in 0.5–7 keV; \(outcome.nonSmooth) non-smooth minima, \(outcome.flat) flat): coverage"
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
            truth: [("tbabs.nH", 0.3), ("apec.kT", 0.8), ("apec.Abundanc", 1), ("apec.Redshift", 0.05), ("apec.norm", 1e-2),
                    ("powerlaw.PhoIndex", 1.5), ("powerlaw.norm", 5e-4)],
            start: [("tbabs.nH", 0.1), ("apec.kT", 1.5), ("apec.Abundanc", 0.5), ("apec.norm", 3e-3),
                    ("powerlaw.PhoIndex", 2.5), ("powerlaw.norm", 1e-3)],
            thaw: ["apec.Abundanc"], exposure: 5e5, seed: 404, simulations: n)
        check(names, outcome, "tbabs*(apec+powerlaw)", simulations: n)
    }
}
