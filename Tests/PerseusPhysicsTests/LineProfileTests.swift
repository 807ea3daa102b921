import Foundation
import Testing
import PerseusCore
import PerseusTestSupport
@testable import PerseusPhysics

/// gaussian, zgauss and lorentz against their XSPEC definitions integrated independently.
struct LineProfileTests {
    /// ∫ of K/(σ√2π) exp(−(E−E₀)²/2σ²) over each bin, by mpmath quadrature of the density.
    static func gaussianReference(_ grid: EnergyGrid, center: Double, sigma: Double, norm: Double) throws -> [Double] {
        try Support.pythonNumbers("""
        import json, sys
        import mpmath as mp
        mp.mp.dps = 30
        lo, hi = json.loads(sys.argv[1]), json.loads(sys.argv[2])
        c, s, k = mp.mpf(sys.argv[3]), mp.mpf(sys.argv[4]), mp.mpf(sys.argv[5])
        f = lambda e: k / (s * mp.sqrt(2 * mp.pi)) * mp.exp(-(e - c)**2 / (2 * s * s))
        print(json.dumps([float(mp.quad(f, [a, b])) for a, b in zip(lo, hi)]))
        """, [Support.json(grid.lo), Support.json(grid.hi), "\(center)", "\(sigma)", "\(norm)"])
    }

    @Test(.enabled(if: Support.hasMpmath, Support.mpmathSkip))
    func gaussianIsTheExactBinIntegral() throws {
        let grid = try EnergyGrid.linear(from: 6.0, to: 7.0, step: 0.01)
        let values = try Support.evaluate(Gaussian(), on: grid, [6.4, 0.05, 2])
        let expected = try Self.gaussianReference(grid, center: 6.4, sigma: 0.05, norm: 2)
        // Far tails (≥ 8σ) keep relative precision too.
        #expect(Support.maxRelativeError(values, expected, floor: 1e-250) < 1e-10)
        let total = values.reduce(0, +)
        #expect(abs(total - 2) < 1e-12)
    }

    @Test(.enabled(if: Support.hasMpmath, Support.mpmathSkip))
    func zgaussShiftsNarrowsAndDilates() throws {
        let grid = try EnergyGrid.linear(from: 5.0, to: 6.5, step: 0.005)
        let z = 0.15
        let values = try Support.evaluate(ZGaussian(), on: grid, [6.7, 0.1, z, 1])
        let expected = try Self.gaussianReference(grid, center: 6.7 / (1 + z), sigma: 0.1 / (1 + z), norm: 1 / (1 + z))
        #expect(Support.maxRelativeError(values, expected, floor: 1e-250) < 1e-10)
    }

    @Test func zeroWidthLinesFallInOneBin() throws {
        let grid = try EnergyGrid(edges: [1, 2, 3, 4])
        #expect(try Support.evaluate(Gaussian(), on: grid, [2.5, 0, 3]) == [0, 3, 0])
        // XSPEC's convention: lower edge < E ≤ upper edge.
        #expect(try Support.evaluate(Gaussian(), on: grid, [2, 0, 3]) == [3, 0, 0])
        #expect(try Support.evaluate(Lorentzian(), on: grid, [3.5, 0, 1]) == [0, 0, 1])
        #expect(try Support.evaluate(Gaussian(), on: grid, [7, 0, 3]) == [0, 0, 0])
    }

    /// XSPEC's lorentz over a bin: K [atan(2(E₂−E_L)/W) − atan(2(E₁−E_L)/W)] / (π/2 + atan(2E_L/W)), in 80-bit.
    static func lorentzReference(_ lo: Double, _ hi: Double, center: Double, width: Double, norm: Double) -> Double {
        let c = Float80(center), w = Float80(width)
        let difference = atanl(2 * (Float80(hi) - c) / w) - atanl(2 * (Float80(lo) - c) / w)
        return Double(Float80(norm) * difference / (Float80.pi / 2 + atanl(2 * c / w)))
    }

    @Test func lorentzIsNormalisedOverPositiveEnergies() throws {
        // A broad line near 0 keV: XSPEC normalises the profile over E > 0 only, so the flux on
        // 0 … 1e13 keV (the rest is below 1e-13) is K.
        let edges = [0.0] + (0...17).map { pow(10, -4 + Double($0)) }
        let values = try Support.evaluate(Lorentzian(), on: try EnergyGrid(edges: edges), [0.5, 2, 1])
        #expect(abs(values.reduce(0, +) - 1) < 1e-12)
        // (The textbook K W/2π normalisation over all energies would put only 65% of K above 0 here.)
    }

    @Test(arguments: [(3.54, 0.05), (6.4, 0.3), (144.56, 2.0), (0.2, 1.0)])
    func lorentzMatchesXSPECFormula(center: Double, width: Double) throws {
        let grid = try EnergyGrid.logarithmic(from: 0.1, to: 200, count: 3000)
        let values = try Support.evaluate(Lorentzian(), on: grid, [center, width, 1.5])
        let expected = (0..<grid.count).map { Self.lorentzReference(grid.lo[$0], grid.hi[$0], center: center, width: width, norm: 1.5) }
        #expect(Support.maxRelativeError(values, expected) < 1e-9)
    }

    @Test(.enabled(if: Support.hasScipy, Support.scipySkip))
    func lorentzDensityAgreesWithQuadrature() throws {
        let grid = try EnergyGrid.linear(from: 5, to: 8, step: 0.05)
        let values = try Support.evaluate(Lorentzian(), on: grid, [6.4, 0.3, 1])
        let scipy = try Support.pythonNumbers("""
        import json, sys, math
        from scipy.integrate import quad
        lo, hi = json.loads(sys.argv[1]), json.loads(sys.argv[2])
        c, w = 6.4, 0.3
        f = lambda e: w / (math.pi - 2 * math.atan(-2 * c / w)) / ((e - c)**2 + (w / 2)**2)
        print(json.dumps([quad(f, a, b, epsabs=0, epsrel=1e-13)[0] for a, b in zip(lo, hi)]))
        """, [Support.json(grid.lo), Support.json(grid.hi)])
        #expect(Support.maxRelativeError(values, scipy) < 1e-11)
    }
}
