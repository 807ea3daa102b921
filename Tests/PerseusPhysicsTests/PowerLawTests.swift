import Foundation
import Testing
import PerseusCore
import PerseusTestSupport
@testable import PerseusPhysics

/// powerlaw, zpowerlw and bknpower against XSPEC's formulas integrated independently.
struct PowerLawTests {
    /// ∫ E^−Γ dE over [lo, hi] in 80-bit arithmetic: XSPEC's (E₂^a − E₁^a)/a written as
    /// E₁^a expm1(a ln(E₂/E₁))/a (libm's expm1l), or ln(E₂/E₁) at Γ = 1.
    static func reference(_ lo: Double, _ hi: Double, _ index: Double) -> Double {
        let a = Float80(1 - index)
        let l = Float80(lo), h = Float80(hi)
        let logRatio = logl(h / l)
        if a == 0 { return Double(logRatio) }
        return Double(powl(l, a) * expm1l(a * logRatio) / a)
    }

    static let grids: [EnergyGrid] = [
        try! EnergyGrid.linear(from: 0.5, to: 10, step: 0.001),     // narrow bins
        try! EnergyGrid.logarithmic(from: 0.1, to: 200, count: 37),  // wide bins
        try! EnergyGrid(lo: [0.3, 1, 7], hi: [0.7, 2.5, 70]),         // gaps
    ]

    @Test(arguments: [-3.0, -1, 0, 0.5, 1 - 1e-9, 1, 1 + 1e-7, 1.7, 2, 3.3, 10])
    func powerlawIsTheExactBinIntegral(index: Double) throws {
        for grid in Self.grids {
            let values = try Support.evaluate(PowerLaw(), on: grid, [index, 2.5])
            let expected = (0..<grid.count).map { 2.5 * Self.reference(grid.lo[$0], grid.hi[$0], index) }
            #expect(Support.maxRelativeError(values, expected) < 1e-10, "Γ = \(index), \(grid.count) bins")
        }
    }

    @Test func zpowerlwIsThePowerLawOnRedshiftedEnergiesOverOnePlusZ() throws {
        let grid = try EnergyGrid.linear(from: 1, to: 5, step: 0.01)
        for (index, z) in [(1.0, 0.0), (1.9, 0.5), (-0.5, 2.0), (2.4, -0.3)] {
            let values = try Support.evaluate(ZPowerLaw(), on: grid, [index, z, 3])
            let expected = (0..<grid.count).map { i in
                3 * Self.reference(grid.lo[i] * (1 + z), grid.hi[i] * (1 + z), index) / (1 + z)
            }
            #expect(Support.maxRelativeError(values, expected) < 1e-10, "Γ = \(index), z = \(z)")
        }
    }

    @Test func brokenPowerLawSplitsTheBreakBin() throws {
        let grid = try EnergyGrid.linear(from: 1, to: 200, step: 0.5)
        for (index1, breakE, index2) in [(-0.05, 124.0, -0.85), (1.0, 5.3, 2.0), (2.0, 0.5, 1.0), (1.5, 300, 3), (1.4, 10, 1.4)] {
            let values = try Support.evaluate(BrokenPowerLaw(), on: grid, [index1, breakE, index2, 0.7])
            let expected = (0..<grid.count).map { i -> Double in
                let lo = grid.lo[i], hi = grid.hi[i]
                let scale2 = Double(powl(Float80(breakE), Float80(index2 - index1)))
                if hi <= breakE { return 0.7 * Self.reference(lo, hi, index1) }
                if lo >= breakE { return 0.7 * scale2 * Self.reference(lo, hi, index2) }
                return 0.7 * (Self.reference(lo, breakE, index1) + scale2 * Self.reference(breakE, hi, index2))
            }
            #expect(Support.maxRelativeError(values, expected) < 1e-10, "Γ1 \(index1), Eb \(breakE), Γ2 \(index2)")
        }
    }

    @Test func binsStartingAtZeroDivergeOnlyWhenTheIntegralDoes() throws {
        let grid = try EnergyGrid(edges: [0, 1, 2])
        let steep = try Support.evaluate(PowerLaw(), on: grid, [1.5, 1])
        #expect(steep[0] == .infinity)
        #expect(abs(steep[1] - Self.reference(1, 2, 1.5)) < 1e-15)
        let flat = try Support.evaluate(PowerLaw(), on: grid, [0.5, 1])
        #expect(abs(flat[0] - 2) < 1e-15)   // ∫₀¹ E^−½ dE = 2
    }

    @Test(.enabled(if: Support.hasScipy, Support.scipySkip))
    func agreesWithScipyQuadrature() throws {
        let grid = try EnergyGrid.logarithmic(from: 0.2, to: 80, count: 25)
        for index in [1.0, 2.3] {
            let values = try Support.evaluate(PowerLaw(), on: grid, [index, 1])
            let scipy = try Support.pythonNumbers("""
            import json, sys
            from scipy.integrate import quad
            lo, hi, g = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
            print(json.dumps([quad(lambda e: e**-g, a, b, epsabs=0, epsrel=1e-13)[0] for a, b in zip(lo, hi)]))
            """, [Support.json(grid.lo), Support.json(grid.hi), "\(index)"])
            #expect(Support.maxRelativeError(values, scipy) < 1e-11)
        }
    }
}
