import Foundation
import Testing
@testable import PerseusPhysics

/// The numerical kernels of the solver: eigenvalues, eigenvectors and the conditions under
/// which the eigenmode path is trusted.
@Suite("Ionization: numerics")
struct IonizationNumericsTests {
    /// LAPACK's dsterf and the square-root QL kept as its backup give the same eigenvalues.
    @Test func backupQLAgreesWithLapack() throws {
        let solver = try IonizationSolver()
        for kT in [0.01, 0.3, 3, 30] {
            for element in [ChemicalElement.oxygen, .silicon, .iron, .nickel] {
                let (s, a) = try solver.rates(element: element, kT: kT)
                let n = element.stageCount
                var diag = [Double](repeating: 0, count: n)
                for q in 0..<(n - 1) { diag[q] -= s[q]; diag[q + 1] -= a[q] }
                var d1 = diag, e1 = [Double](repeating: 0, count: n)
                for q in 0..<(n - 1) { e1[q] = (s[q] * a[q]).squareRoot() }
                var d2 = d1, e2 = e1
                #expect(TridiagonalAlgebra.lapackEigenvalues(d: &d1, e: &e1, n: n))
                #expect(d2.withUnsafeMutableBufferPointer { d in
                    e2.withUnsafeMutableBufferPointer { TridiagonalAlgebra.symmetricEigenvalues(d: d.baseAddress!, e: $0.baseAddress!, n: n) }
                })
                d1.sort(); d2.sort()
                let scale = diag.map(abs).max()!
                for (x, y) in zip(d1, d2) { #expect(abs(x - y) <= 1e-13 * scale, "\(element) kT=\(kT): \(x) vs \(y)") }
                // The eigenvalues of the generator are ≤ 0 and one is 0 (to round-off).
                #expect(d1.last! <= 1e-14 * scale && d1.last! >= -1e-14 * scale)
            }
        }
    }

    /// The modes satisfy A r = λ r, and R c = e₀ is reconstructed, for every element on a grid
    /// of temperatures 1 eV … 86 keV: the eigenmode path is valid everywhere for the neutral
    /// start (the matrix-exponential fallback is never needed there).
    @Test func eigenmodePathIsValidOnATemperatureGrid() throws {
        let solver = try IonizationSolver()
        var worstResidual = 0.0, worstReconstruction = 0.0
        for lk in stride(from: -3.0, through: 1.93, by: 0.1) {
            let modes = try solver.modes(kT: pow(10, lk))
            for (i, element) in ChemicalElement.all.enumerated() {
                let solution = modes.solutions[i]
                let m = solution.modes
                let n = element.stageCount
                #expect(solution.neutralUsable, "\(element) at kT = \(pow(10, lk)) keV needed the fallback")
                let scale = zip(m.ionization, m.recombination).map { $0 + $1 }.max()!
                for k in 0..<element.atomicNumber {
                    for i in 0..<n {
                        var v = -m.eigenvalues[k] * m.right[k * n + i]
                        if i < n - 1 { v -= (m.ionization[i]) * m.right[k * n + i] - m.recombination[i] * m.right[k * n + i + 1] }
                        if i > 0 { v += m.ionization[i - 1] * m.right[k * n + i - 1] - m.recombination[i - 1] * m.right[k * n + i] }
                        worstResidual = max(worstResidual, abs(v) / scale)
                    }
                }
                var out = [Double](repeating: 0, count: n)
                solution.neutralCoefficients.withUnsafeBufferPointer { c in
                    out.withUnsafeMutableBufferPointer { m.evaluate(coefficients: c.baseAddress!, tau: 0, into: $0.baseAddress!) }
                }
                worstReconstruction = max(worstReconstruction, abs(out[0] - 1), out.dropFirst().map(abs).max() ?? 0)
            }
        }
        #expect(worstResidual < 1e-12, "largest relative residual |A r - λ r| / ‖A‖: \(worstResidual)")
        #expect(worstReconstruction < IonizationModes.reconstructionTolerance, "largest |f(0) - e₀|: \(worstReconstruction)")
    }

    /// The fallback is taken, and correct, when the eigenmode expansion is not trusted: force it
    /// by asking for an initial state through the general path and comparing with the matrix
    /// exponential of a hand-built 3-state chain with an exactly known solution.
    @Test func threeStateChainMatchesTheClosedForm() throws {
        // Pure ionisation 0 → 1 → 2 with rates s0 ≠ s1 (recombination negligible, 1e-30):
        // f0 = e^{-s0 τ}, f1 = s0 (e^{-s0 τ} - e^{-s1 τ}) / (s1 - s0).
        let s = [3e-9, 1e-9], a = [1e-30, 1e-30]
        let m = ElementIonModes(atomicNumber: 2, ionization: s, recombination: a)
        var c = [Double](repeating: 0, count: 3)
        let e0: [Double] = [1, 0, 0]
        let amplification = e0.withUnsafeBufferPointer { f in c.withUnsafeMutableBufferPointer { m.coefficients(for: f.baseAddress!, into: $0.baseAddress!) } }
        #expect(amplification < 10)
        for tau in [0.0, 1e8, 5e8, 1e9, 3e9, 1e10] {
            var out = [Double](repeating: 0, count: 3)
            c.withUnsafeBufferPointer { cc in out.withUnsafeMutableBufferPointer { m.evaluate(coefficients: cc.baseAddress!, tau: tau, into: $0.baseAddress!) } }
            let f0 = exp(-s[0] * tau), f1 = s[0] * (exp(-s[0] * tau) - exp(-s[1] * tau)) / (s[1] - s[0])
            #expect(abs(out[0] - f0) < 1e-14 && abs(out[1] - f1) < 1e-14 && abs(out[2] - (1 - f0 - f1)) < 1e-14, "tau = \(tau): \(out)")
            let x = try #require(IonizationModes.exponentialSolution(m, f0: e0, tau: tau))
            #expect(abs(x[0] - f0) < 1e-12 && abs(x[1] - f1) < 1e-12)
        }
    }
}
