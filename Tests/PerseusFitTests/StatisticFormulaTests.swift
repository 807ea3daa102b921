import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// The statistics against independent transcriptions of the formulas in XSPEC's manual
/// (Appendix B, "Statistics in XSPEC"), written here without the rearrangements the library uses.
@Suite struct StatisticFormulaTests {
    /// C = 2 Σ (t m − S + S (ln S − ln(t m))), S = 0 term 2 t m; model floored at 1e-5 counts.
    static func manualCstat(_ s: Double, _ m: Double) -> Double {
        let tm = max(m, 1e-5)
        return s == 0 ? 2 * tm : 2 * (tm - s + s * (log(s) - log(tm)))
    }

    /// W with the general formula for f and d as printed, and the manual's special cases.
    static func manualW(_ s: Double, _ b: Double, ts: Double, tb: Double, rate m0: Double) -> Double {
        let m = max(m0, 1e-5 / ts)
        let t = ts + tb
        if s == 0 { return 2 * (ts * m - b * log(tb / t)) }
        if b == 0 {
            if m <= s / t { return 2 * (-tb * m - s * log(ts / t)) }
            return 2 * (ts * m + s * (log(s) - log(ts * m) - 1))
        }
        let d = ((t * m - s - b) * (t * m - s - b) + 4 * t * b * m).squareRoot()
        let f = (s + b - t * m + d) / (2 * t)
        return 2 * (ts * m + t * f - s * log(ts * m + ts * f) - b * log(tb * f) - s * (1 - log(s)) - b * (1 - log(b)))
    }

    @Test func cstatMatchesTheManualFormula() {
        var stream = RandomStream(seed: 11, purpose: .testing)
        var counts: [Double] = [], model: [Double] = []
        for i in 0..<2000 {
            let m = i % 50 == 0 ? [0, -3, 1e-7, 2e-5][i / 50 % 4] : Foundation.exp(stream.uniform(in: -6..<8))
            counts.append(i % 7 == 0 ? 0 : Double(stream.poisson(mean: max(m, 0) * stream.uniform(in: 0.5..<1.5) + 0.01)))
            model.append(m)
        }
        let manual = zip(counts, model).map { Self.manualCstat($0, $1) }
        let library = CStatistic.contributions(counts: counts, model: model)
        for i in counts.indices {
            // The manual's form S (ln S − ln m) cancels in floating point; allow for its rounding.
            let scale = max(1, abs(manual[i]), counts[i] * abs(log(max(counts[i], 1))), abs(model[i]))
            #expect(abs(library[i] - manual[i]) <= 1e-14 * scale, "bin \(i): d \(counts[i]) m \(model[i])")
        }
        // The vectorised sum used by the fitter agrees with the sum of scalar terms.
        let total = manual.reduce(0, +)
        let fast = counts.withUnsafeBufferPointer { c in model.withUnsafeBufferPointer { m in
            CStatistic.sum(counts: c.baseAddress!, model: m.baseAddress!, count: c.count) } }
        #expect(abs(fast - total) <= 1e-11 * abs(total))
        #expect(abs(CStatistic.value(counts: counts, model: model) - total) <= 1e-11 * abs(total))
    }

    @Test func cstatKnownValues() {
        // d = m: zero; d = 0: 2m; d = 10, m = 5: 2(5 − 10 + 10 ln 2).
        #expect(CStatistic.term(counts: 7, model: 7) == 0)
        #expect(CStatistic.term(counts: 0, model: 3.5) == 7)
        #expect(abs(CStatistic.term(counts: 10, model: 5) - 2 * (5 - 10 + 10 * log(2.0))) < 1e-14)
        // Non-positive model with data: floored at 1e-5 counts, finite.
        let floored = CStatistic.term(counts: 3, model: -1)
        #expect(abs(floored - 2 * (1e-5 - 3 + 3 * log(3 / 1e-5))) < 1e-12)
    }

    @Test func cashDiffersFromCstatByADataConstant() {
        let counts: [Double] = [0, 1, 2, 5, 17, 130]
        let a: [Double] = [0.3, 1.2, 2.5, 4, 20, 128]
        let b: [Double] = [0.1, 0.8, 3.5, 6, 15, 131]
        let dc = CStatistic.value(counts: counts, model: a) - CStatistic.value(counts: counts, model: b)
        let dcash = CashStatistic.value(counts: counts, model: a) - CashStatistic.value(counts: counts, model: b)
        #expect(abs(dc - dcash) < 1e-12)
        // Cash = 2 Σ (m − d ln m) exactly.
        let manual = zip(counts, a).map { 2 * ($1 - $0 * log($1)) }.reduce(0, +)
        #expect(abs(CashStatistic.value(counts: counts, model: a) - manual) < 1e-12)
        let fast = counts.withUnsafeBufferPointer { c in a.withUnsafeBufferPointer { m in
            CashStatistic.sum(counts: c.baseAddress!, model: m.baseAddress!, count: c.count) } }
        #expect(abs(fast - manual) < 1e-12)
    }

    @Test func wStatisticMatchesTheManualFormula() {
        var stream = RandomStream(seed: 12, purpose: .testing)
        for i in 0..<5000 {
            let ts = stream.uniform(in: 10..<1e5)
            let tb = ts * Foundation.exp(stream.uniform(in: -3..<3))
            let rate = i % 97 == 0 ? 0 : Foundation.exp(stream.uniform(in: -12..<0))
            let s = i % 5 == 0 ? 0 : Double(stream.poisson(mean: stream.uniform(in: 0..<50)))
            let b = i % 3 == 0 ? 0 : Double(stream.poisson(mean: stream.uniform(in: 0..<50)))
            let manual = Self.manualW(s, b, ts: ts, tb: tb, rate: rate)
            // The library works in counts: μ = t_s m, r = t_b / t_s.
            let library = WStatistic.term(counts: s, backgroundCounts: b, ratio: tb / ts, model: ts * rate)
            #expect(abs(library - manual) <= 1e-9 * max(1, abs(manual)), "S \(s) B \(b) ts \(ts) tb \(tb) m \(rate)")
        }
    }

    @Test func wStatisticSpecialCasesAreLimitsOfTheGeneralForm() {
        // B → 0 and S → 0 approach the special cases continuously.
        let r = 2.0
        for mu in [0.5, 3.0, 9.0] {
            let general = WStatistic.term(counts: 6, backgroundCounts: 1e-9, ratio: r, model: mu)
            let special = WStatistic.term(counts: 6, backgroundCounts: 0, ratio: r, model: mu)
            #expect(abs(general - special) < 1e-6)
            let generalS = WStatistic.term(counts: 1e-12, backgroundCounts: 4, ratio: r, model: mu)
            let specialS = WStatistic.term(counts: 0, backgroundCounts: 4, ratio: r, model: mu)
            #expect(abs(generalS - specialS) < 1e-6)
        }
    }

    /// γ = −½ ∂S/∂μ and κ = ½ ∂²S/∂μ² against central differences of the terms.
    @Test func weightsAreTheDerivativesOfTheTerms() {
        func check(_ f: (Double) -> Double, _ w: (Double) -> (gradient: Double, curvature: Double), at mu: Double) {
            let h = 1e-4 * mu
            let d1 = (f(mu + h) - f(mu - h)) / (2 * h)
            let d2 = (f(mu + h) - 2 * f(mu) + f(mu - h)) / (h * h)
            let (g, k) = w(mu)
            #expect(abs(g - (-0.5 * d1)) <= 1e-6 * max(1, abs(g)), "gradient at \(mu)")
            #expect(abs(k - 0.5 * d2) <= 1e-3 * max(1e-3, abs(k)), "curvature at \(mu)")
        }
        for (d, mu) in [(0.0, 2.0), (3.0, 2.0), (40.0, 55.0)] {
            check({ CStatistic.term(counts: d, model: $0) }, { CStatistic.weights(counts: d, model: $0) }, at: mu)
            check({ CashStatistic.term(counts: d, model: $0) }, { CashStatistic.weights(counts: d, model: $0) }, at: mu)
        }
        for (s, b, r, mu) in [(7.0, 4.0, 1.5, 3.0), (30.0, 80.0, 4.0, 12.0), (0.0, 5.0, 2.0, 1.0), (6.0, 0.0, 2.0, 4.0), (6.0, 0.0, 2.0, 1.0)] {
            check({ WStatistic.term(counts: s, backgroundCounts: b, ratio: r, model: $0) },
                  { WStatistic.weights(counts: s, backgroundCounts: b, ratio: r, model: $0) }, at: mu)
        }
    }

    @Test func chiSquaredVariances() {
        #expect(ChiSquaredStatistic.variance(counts: 0, variance: .gehrels) == pow(1 + 0.75.squareRoot(), 2))
        #expect(ChiSquaredStatistic.variance(counts: 9, variance: .gehrels) == pow(1 + 9.75.squareRoot(), 2))
        #expect(ChiSquaredStatistic.variance(counts: 9, variance: .data) == 9)
        #expect(ChiSquaredStatistic.variance(counts: 0, variance: .data) == 1)
        // Background subtraction: σ² = S + B/r².
        #expect(ChiSquaredStatistic.variance(counts: 9, backgroundCounts: 8, backgroundScale: 0.5, variance: .data) == 11)
        let chi = ChiSquaredStatistic.value(counts: [4, 0, 9], model: [5, 1, 6], variance: .data)
        #expect(abs(chi - (1.0 / 4 + 1.0 / 1 + 9.0 / 9)) < 1e-14)
    }

    @Test func fitStatisticParsing() throws {
        #expect(try FitStatistic(parsing: "cstat") == .cstat)
        #expect(try FitStatistic(parsing: "CSTAT") == .cstat)
        #expect(try FitStatistic(parsing: "cash") == .cash)
        #expect(try FitStatistic(parsing: "chi") == .chiSquared(.data))
        #expect(try FitStatistic(parsing: "chi-gehrels") == .chiSquared(.gehrels))
        #expect(throws: FitError.self) { try FitStatistic(parsing: "lstat") }
    }
}
