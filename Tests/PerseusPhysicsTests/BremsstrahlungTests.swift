import Foundation
import Testing
import PerseusCore
import PerseusTestSupport
@testable import PerseusPhysics

/// bremss: the Gaunt factor against the Born approximation (scipy) and an independent Python
/// transcription of XSPEC's gaunt.f, and the bin integrals against adaptive quadrature.
struct BremsstrahlungTests {
    /// XSPEC's `gaunt(E, T, Z)` and `bremss` A(E), written again in Python for the cross-check.
    static let pythonGaunt = """
    import math, json, sys
    A1 = [1.001,1.004,1.017,1.036,1.056,1.121, 1.001,1.005,1.017,1.046,1.073,1.115,
          .9991,1.005,1.03,1.055,1.102,1.176, .997,1.005,1.035,1.069,1.134,1.186,
          .9962,1.004,1.042,1.1,1.193,1.306, .9874,.9962,1.047,1.156,1.327,1.485,
          .9681,.9755,1.020,1.208,1.525,1.965]
    A2 = [.3029,.1616,.04757,.013,.0049,-.0032, .4905,.2155,.08357,.02041,.00739,.00029,
          .654,.2833,.08057,.03257,.00759,-.00151, 1.029,.391,.1266,.05149,.01274,.00324,
          .9569,.4891,.1764,.05914,.01407,-.00024, 1.236,.7579,.326,.1077,.028,.00548,
          1.327,1.017,.6017,.205,.0605,.00187]
    A3 = [-1.323,-.254,-.01571,-.001,-.000184,.00008, -4.762,-.3386,-.03571,-.001786,-.0003,.00001,
          -6.349,-.4206,-.02571,-.003429,-.000234,.00005, -13.231,-.59,-.04571,-.005714,-.000445,-.00004,
          -7.672,-.6852,-.0643,-.005857,-.00042,.00004, -7.143,-.9947,-.12,-.01007,-.000851,-.00004,
          -3.175,-1.116,-.2270,-.01821,-.001729,.00023]
    GAM2 = [.7783, 1.2217, 2.6234, 4.3766, 20., 70.]
    GAM3 = [1., 1.7783, 3., 5.6234, 10., 30.]
    YA = [5.40,5.25,5.00,4.69,4.48,4.16,3.85, 4.77,4.63,4.40,4.13,3.87,3.52,3.27,
          4.15,4.02,3.80,3.57,3.27,2.98,2.70, 3.54,3.41,3.22,2.97,2.70,2.45,2.20,
          2.94,2.81,2.65,2.44,2.21,2.01,1.81, 2.41,2.32,2.19,2.02,1.84,1.67,1.50,
          1.95,1.90,1.80,1.68,1.52,1.41,1.30, 1.55,1.56,1.51,1.42,1.33,1.25,1.17,
          1.17,1.30,1.32,1.30,1.20,1.15,1.11, 0.86,1.00,1.15,1.18,1.15,1.11,1.08,
          0.59,0.76,0.97,1.09,1.13,1.10,1.08, 0.38,0.53,0.76,0.96,1.08,1.09,1.09]
    def A(n, m, k):   # 1-based like the Fortran
        return (A1, A2, A3)[k - 1][(n - 1) + 6 * (m - 1)]
    def kurucz(u, gam):
        j = int(2 * math.log10(gam) + 3)
        k = max(1, int(2 * math.log10(u) + 9))
        if j >= 7 or j < 1 or k >= 12:
            return 0.0
        t = (math.log10(gam) - (j - 3) / 2) / 0.5
        s = (math.log10(u) - (k - 9) / 2) / 0.5
        ya = lambda jj, kk: YA[(jj - 1) + 7 * (kk - 1)]
        return (1-t)*(1-s)*ya(j,k) + t*(1-s)*ya(j+1,k) + t*s*ya(j+1,k+1) + (1-t)*s*ya(j,k+1)
    def gaunt(e, q, z):
        if q == 0 or e > 50 * q or e == 0:
            return 0.0
        u = e / q
        gam = z * z * .01358 / q
        gam1 = min(gam * 1000, 100.)
        if gam > 0.1:
            return kurucz(u, gam)
        u1 = u / 2; t = u1 / 3.75; u12 = u1 / 2
        if u12 <= 1:
            ai = 1 + 3.5156229*t**2 + 3.089942*t**4 + 1.2067492*t**6 + .2659732*t**8 + .0360768*t**10 + .0045813*t**12
            ak = (-math.log(u12) * ai - .57721566 + .4227842*u12**2 + .23069756*u12**4 + .0348859*u12**6
                  + .00262698*u12**8 + .0001075*u12**10 + .0000074*u12**12)
        else:
            x = 1 / u12
            ak = (1.25331414 - .07832358*x + .02189568*x**2 - .01062446*x**3 + .00587872*x**4
                  - .0025154*x**5 + .00053208*x**6) / (math.exp(u1) * math.sqrt(u1))
        born = .5513 * math.exp(u1) * ak
        if gam1 < 1:
            return born
        uu = max(u, .003)
        n = 1 if uu <= .03 else 2 if uu <= .3 else 3 if uu <= 1 else 4 if uu <= 5 else 5 if uu <= 15 else 6
        m = 1 if gam1 <= 1.773 else 2 if gam1 <= 3 else 3 if gam1 <= 5.6234 else 4 if gam1 <= 10 else 5 if gam1 <= 30 else 6
        g1 = (A(n, m, 1) + A(n, m, 2) * uu + A(n, m, 3) * uu * uu) * born
        g2 = (A(n, m + 1, 1) + A(n, m + 1, 2) * uu + A(n, m + 1, 3) * uu * uu) * born
        p = (gam1 - GAM3[m - 1]) / GAM2[m - 1]
        return (1 - p) * g1 + p * g2
    def bremss(e, t):
        if not (0 < e < 50 * t):
            return 0.0
        return (gaunt(e, t, 1.) + 4 * 0.085 * gaunt(e, t, 2.)) * math.exp(-e / t) / math.sqrt(t) / e
    """

    @Test(.enabled(if: Support.hasScipy, Support.scipySkip))
    func bornRegimeMatchesBesselK0() throws {
        // kT = 100 keV: γ²·1000 = 0.14 < 1 for hydrogen, so g = (√3/π) e^(u/2) K₀(u/2) with
        // XSPEC's 0.5513 for √3/π and A&S's polynomial K₀ (accurate to ~2e-7).
        let energies = [0.01, 0.3, 1, 3.7, 10, 44, 150, 399, 2000]
        let ours = energies.map { KelloggGauntFactor.value(energy: $0, kT: 100, charge: 1) }
        let scipy = try Support.pythonNumbers("""
        import json, sys, math
        from scipy.special import k0e
        print(json.dumps([0.5513 * k0e(e / 200) for e in json.loads(sys.argv[1])]))
        """, [Support.json(energies)])
        #expect(Support.maxRelativeError(ours, scipy) < 5e-7)
    }

    @Test(.enabled(if: Support.hasScipy, Support.scipySkip))
    func gauntFactorMatchesAnIndependentTranscription() throws {
        // Temperatures across Kurucz's table (kT < 0.136 keV), the KBK polynomials and the Born regime.
        var points: [(Double, Double, Double)] = []
        for kT in [0.0002, 0.003, 0.05, 0.12, 0.5, 1, 2.3, 4, 7, 13, 30, 60, 150] {
            for u in [1e-5, 0.002, 0.02, 0.1, 0.29, 0.5, 0.99, 2, 4.9, 10, 14.9, 20, 45] {
                for z in [1.0, 2.0] { points.append((u * kT, kT, z)) }
            }
        }
        let ours = points.map { KelloggGauntFactor.value(energy: $0.0, kT: $0.1, charge: $0.2) }
        let python = try Support.pythonNumbers(Self.pythonGaunt + """

        pts = json.loads(sys.argv[1])
        print(json.dumps([gaunt(e, t, z) for e, t, z in pts]))
        """, [Support.json(rows: points.map { [$0.0, $0.1, $0.2] })])
        #expect(Support.maxRelativeError(ours, python, floor: 1e-12) < 1e-12)
        // Sanity: thermally averaged Gaunt factors of an X-ray plasma are of order 1.
        #expect(KelloggGauntFactor.value(energy: 6, kT: 6, charge: 1) > 0.8)
        #expect(KelloggGauntFactor.value(energy: 6, kT: 6, charge: 1) < 1.5)
    }

    @Test(.enabled(if: Support.hasScipy, Support.scipySkip), arguments: [0.08, 1.0, 6.5, 40.0])
    func binIntegralsMatchAdaptiveQuadrature(kT: Double) throws {
        let grid = try EnergyGrid(edges: [0.05, 0.1, 0.3, 0.301, 1, 1.2, 2, 2.0004, 5, 9, 20, 60, 200, 1000, 3000])
        let values = try Support.evaluate(Bremsstrahlung(), on: grid, [kT, 1])
        let python = try Support.pythonNumbers(Self.pythonGaunt + """

        from scipy.integrate import quad
        lo, hi, t = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
        breaks = sorted(set([u * t for u in [0.003, 0.03, 0.3, 1, 4, 5, 15, 50] + [10 ** ((k - 9) / 2) for k in range(1, 13)]]))
        out = []
        for a, b in zip(lo, hi):
            pts = [a] + [p for p in breaks if a < p < b] + [b]
            out.append(sum(quad(lambda e: bremss(e, t), p, q, epsabs=0, epsrel=1e-13, limit=500)[0]
                           for p, q in zip(pts[:-1], pts[1:])))
        print(json.dumps(out))
        """, [Support.json(grid.lo), Support.json(grid.hi), "\(kT)"])
        #expect(Support.maxRelativeError(values, python, floor: 1e-300) < 1e-10, "kT = \(kT)")
    }

    @Test func spectrumEndsAtFiftyKTAndDivergesAtZero() throws {
        let grid = try EnergyGrid(edges: [0, 0.5, 1, 49, 51, 60])
        let values = try Support.evaluate(Bremsstrahlung(), on: grid, [1, 1])
        #expect(values[0] == .infinity)
        #expect(values[1] > values[2] && values[2] > 0)
        #expect(values[4] == 0)
        #expect(Bremsstrahlung.photonSpectrum(energy: 50, kT: 1) == 0)
    }
}
