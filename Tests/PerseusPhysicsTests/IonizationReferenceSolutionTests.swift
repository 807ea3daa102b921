import Foundation
import PerseusTestSupport
import Testing
@testable import PerseusPhysics

/// The eigenmode solution against independent solutions of the same rate equations (same rates):
/// an implicit Runge–Kutta integration written here, SciPy's LSODA, 50-digit mpmath, and the
/// solver's own matrix-exponential fallback.
@Suite("Ionization: reference solutions")
struct IonizationReferenceSolutionTests {
    /// (element, kT [keV], τ [s cm⁻³], initial kT or nil for neutral)
    static let cases: [(ChemicalElement, Double, Double, Double?)] = [
        (.oxygen, 0.5, 1e10, nil), (.silicon, 1, 3e10, nil), (.iron, 2, 1e11, nil), (.iron, 5, 1e9, nil),
        (.nickel, 8, 1e12, nil), (.iron, 30, 1e11, nil), (.calcium, 0.3, 1e10, 3), (.hydrogen, 0.01, 1e9, nil),
    ]

    /// Generator A (row-major, (Z+1)²) of the rate equations.
    static func generator(_ s: [Double], _ a: [Double]) -> [Double] {
        let n = s.count + 1
        var m = [Double](repeating: 0, count: n * n)
        for q in 0..<s.count {
            m[q * n + q] -= s[q]; m[(q + 1) * n + q] += s[q]
            m[q * n + q + 1] += a[q]; m[(q + 1) * n + q + 1] -= a[q]
        }
        return m
    }

    static func initialState(_ element: ChemicalElement, _ kT0: Double?) throws -> [Double] {
        if let kT0 { return try IonizationSolver().equilibrium(element: element, kT: kT0) }
        var f = [Double](repeating: 0, count: element.stageCount)
        f[0] = 1
        return f
    }

    /// 3-stage Radau IIA (order 5, L-stable; Hairer & Wanner) with step-doubling error control:
    /// an integrator that shares nothing with the eigenmode solver.
    @Test func agreesWithAnImplicitRungeKuttaIntegration() throws {
        let solver = try IonizationSolver()
        for (element, kT, tau, kT0) in [Self.cases[0], Self.cases[2], Self.cases[6]] {
            let (s, a) = try solver.rates(element: element, kT: kT)
            let f0 = try Self.initialState(element, kT0)
            let reference = RadauIIA.integrate(generator: Self.generator(s, a), n: element.stageCount, from: f0,
                                               to: tau, tolerance: 1e-11)
            let f = try solver.fractions(element: element, kT: kT, tau: tau,
                                         initial: kT0.map { .equilibrium(kT: $0) } ?? .neutral)
            let worst = zip(f, reference).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-6, "\(element) kT=\(kT) tau=\(tau): max |Δf| = \(worst)")
            #expect(worst < 1e-9, "\(element) kT=\(kT) tau=\(tau): max |Δf| = \(worst) (expected ~1e-11)")
        }
    }

    @Test(.enabled(if: Python.canImport("numpy", "scipy"), "needs python3 with numpy and scipy"))
    func agreesWithScipyLSODA() throws {
        let solver = try IonizationSolver()
        var payload: [[String: Any]] = []
        var ours: [[Double]] = []
        for (element, kT, tau, kT0) in Self.cases {
            let (s, a) = try solver.rates(element: element, kT: kT)
            payload.append(["S": s, "a": a, "tau": tau, "f0": try Self.initialState(element, kT0)])
            ours.append(try solver.fractions(element: element, kT: kT, tau: tau,
                                             initial: kT0.map { .equilibrium(kT: $0) } ?? .neutral))
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        let code = """
            import json, sys, numpy as np
            from scipy.integrate import solve_ivp
            out = []
            for c in json.loads(sys.argv[1]):
                S, a = np.array(c["S"]), np.array(c["a"]); n = len(S) + 1
                M = np.zeros((n, n))
                for q in range(n - 1):
                    M[q, q] -= S[q]; M[q + 1, q] += S[q]; M[q, q + 1] += a[q]; M[q + 1, q + 1] -= a[q]
                r = solve_ivp(lambda t, y: M @ y, (0, c["tau"]), np.array(c["f0"]), method="LSODA",
                              jac=lambda t, y: M, rtol=1e-10, atol=1e-14)
                out.append(r.y[:, -1].tolist())
            print(json.dumps(out))
            """
        let reference = try #require(try Python.json(code, arguments: [json]) as? [[Double]])
        for (i, (element, kT, tau, _)) in Self.cases.enumerated() {
            let worst = zip(ours[i], reference[i]).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-6, "\(element) kT=\(kT) tau=\(tau): max |Δf| = \(worst)")
        }
    }

    /// 50-digit arithmetic where the naive symmetric eigen-approach fails (iron heated from
    /// neutral to 5 keV: errors of 2e-2 in double precision).
    @Test(.enabled(if: Python.canImport("mpmath"), "needs python3 with mpmath"))
    func agreesWithFiftyDigitMatrixExponential() throws {
        let solver = try IonizationSolver()
        for (element, kT, tau) in [(ChemicalElement.iron, 5.0, 1e10), (.nickel, 8.0, 1e11)] {
            let (s, a) = try solver.rates(element: element, kT: kT)
            let code = """
                import json, sys, mpmath
                mpmath.mp.dps = 50
                S, a, tau = json.loads(sys.argv[1]), json.loads(sys.argv[2]), mpmath.mpf(sys.argv[3])
                n = len(S) + 1
                M = mpmath.zeros(n, n)
                for q in range(n - 1):
                    M[q, q] -= S[q]; M[q + 1, q] += S[q]; M[q, q + 1] += a[q]; M[q + 1, q + 1] -= a[q]
                E = mpmath.expm(M * tau)
                print(json.dumps([float(E[i, 0]) for i in range(n)]))
                """
            let sJSON = String(decoding: try JSONSerialization.data(withJSONObject: s), as: UTF8.self)
            let aJSON = String(decoding: try JSONSerialization.data(withJSONObject: a), as: UTF8.self)
            let reference = try #require(try Python.json(code, arguments: [sJSON, aJSON, "\(tau)"]) as? [Double])
            let f = try solver.fractions(element: element, kT: kT, tau: tau)
            let worst = zip(f, reference).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-10, "\(element) kT=\(kT) tau=\(tau): max |Δf| = \(worst)")
        }
    }

    /// The eigenmode path and the matrix-exponential fallback agree for every element over a
    /// grid of temperatures and timescales.
    @Test func eigenmodesAgreeWithTheMatrixExponential() throws {
        let solver = try IonizationSolver()
        var worst = 0.0, worstAt = ""
        for kT in [0.005, 0.08, 0.4, 1.5, 4, 12, 40] {
            let modes = try solver.modes(kT: kT)
            for (i, element) in ChemicalElement.all.enumerated() {
                var f0 = [Double](repeating: 0, count: element.stageCount)
                f0[0] = 1
                for tau in [1e8, 1e10, 1e11, 1e12, 1e13] {
                    let f = try modes.fractions(of: element, tau: tau)
                    var g = try #require(IonizationModes.exponentialSolution(modes.solutions[i].modes, f0: f0, tau: tau))
                    let total = g.reduce(0, +)
                    g = g.map { $0 / total }
                    let d = zip(f, g).map { abs($0 - $1) }.max()!
                    if d > worst { worst = d; worstAt = "\(element) kT=\(kT) tau=\(tau)" }
                }
            }
        }
        #expect(worst < 1e-8, "largest |Δf| between the two paths: \(worst) at \(worstAt)")
    }
}

/// Radau IIA, 3 stages, for the linear system f' = M f, with step doubling (Richardson error
/// estimate) and a geometric step controller. Dense stage solve: (I - h A⊗M) K = (1⊗M) f.
enum RadauIIA {
    static let r6 = 6.0.squareRoot()
    static let a: [[Double]] = [
        [(88 - 7 * r6) / 360, (296 - 169 * r6) / 1800, (-2 + 3 * r6) / 225],
        [(296 + 169 * r6) / 1800, (88 + 7 * r6) / 360, (-2 - 3 * r6) / 225],
        [(16 - r6) / 36, (16 + r6) / 36, 1.0 / 9],
    ]

    static func step(_ m: [Double], _ n: Int, _ f: [Double], _ h: Double) -> [Double] {
        let size = 3 * n
        var lhs = [Double](repeating: 0, count: size * size), rhs = [Double](repeating: 0, count: size)
        var mf = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { mf[i] += m[i * n + j] * f[j] } }
        for si in 0..<3 {
            for i in 0..<n {
                let row = si * n + i
                lhs[row * size + row] = 1
                rhs[row] = mf[i]
                for sj in 0..<3 { for j in 0..<n { lhs[row * size + sj * n + j] -= h * a[si][sj] * m[i * n + j] } }
            }
        }
        let k = solveDense(lhs, rhs, size)
        var out = f
        for s in 0..<3 { for i in 0..<n { out[i] += h * a[2][s] * k[s * n + i] } }
        return out
    }

    static func integrate(generator m: [Double], n: Int, from f0: [Double], to tau: Double, tolerance: Double) -> [Double] {
        var f = f0, t = 0.0
        var norm = 0.0
        for i in 0..<n { var r = 0.0; for j in 0..<n { r += abs(m[i * n + j]) }; norm = max(norm, r) }
        var h = min(tau, 1e-3 / max(norm, 1e-300))
        while t < tau {
            h = min(h, tau - t)
            let big = step(m, n, f, h)
            let half = step(m, n, step(m, n, f, h / 2), h / 2)
            var err = 0.0
            for i in 0..<n { err = max(err, abs(big[i] - half[i]) / 31) }
            if err <= tolerance || h <= 1e-300 {
                for i in 0..<n { f[i] = half[i] + (half[i] - big[i]) / 31 }
                t += h
                h *= min(4, max(0.2, 0.8 * pow(tolerance / max(err, 1e-300), 1.0 / 6)))
            } else {
                h *= max(0.1, 0.8 * pow(tolerance / err, 1.0 / 6))
            }
        }
        return f
    }

    static func solveDense(_ a0: [Double], _ b0: [Double], _ n: Int) -> [Double] {
        var a = a0, b = b0
        for c in 0..<n {
            var p = c
            for r in (c + 1)..<n where abs(a[r * n + c]) > abs(a[p * n + c]) { p = r }
            if p != c { for j in 0..<n { a.swapAt(c * n + j, p * n + j) }; b.swapAt(c, p) }
            for r in (c + 1)..<n {
                let factor = a[r * n + c] / a[c * n + c]
                if factor == 0 { continue }
                for j in c..<n { a[r * n + j] -= factor * a[c * n + j] }
                b[r] -= factor * b[c]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for c in stride(from: n - 1, through: 0, by: -1) {
            var v = b[c]
            for j in (c + 1)..<n { v -= a[c * n + j] * x[j] }
            x[c] = v / a[c * n + c]
        }
        return x
    }
}
