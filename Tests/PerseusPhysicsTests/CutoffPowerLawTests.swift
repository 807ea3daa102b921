import Foundation
import Testing
import PerseusCore
import PerseusTestSupport
@testable import PerseusPhysics

/// cutoffpl against XSPEC's incomplete-gamma form evaluated with mpmath at 30 digits.
struct CutoffPowerLawTests {
    /// K β^(1−Γ) [Γ(1−Γ, E₁/β) − Γ(1−Γ, E₂/β)] per bin, from mpmath.
    static func reference(_ grid: EnergyGrid, index: Double, cutoff: Double) throws -> [Double] {
        try Support.pythonNumbers("""
        import json, sys
        import mpmath as mp
        mp.mp.dps = 30
        lo, hi = json.loads(sys.argv[1]), json.loads(sys.argv[2])
        g, b = mp.mpf(sys.argv[3]), mp.mpf(sys.argv[4])
        a = 1 - g
        out = []
        for e1, e2 in zip(lo, hi):
            x1, x2 = mp.mpf(e1) / b, mp.mpf(e2) / b
            try:
                out.append(float(b**a * mp.gammainc(a, x1, x2)))
            except NotImplementedError:   # mpmath's gammainc for a = 0, -1, -2, ... on an interval
                out.append(float(b**a * (mp.expint(1 - a, x1) * x1**a - mp.expint(1 - a, x2) * x2**a)))
        print(json.dumps(out))
        """, [Support.json(grid.lo), Support.json(grid.hi), "\(index)", "\(cutoff)"])
    }

    @Test(.enabled(if: Support.hasMpmath, Support.mpmathSkip),
          arguments: [(1.29, 41.13), (-3.0, 15.0), (1.0, 15.0), (2.0, 0.5), (10.0, 500.0), (-0.7, 0.01)])
    func matchesTheIncompleteGammaForm(index: Double, cutoff: Double) throws {
        let grids = [
            try EnergyGrid.linear(from: 1.6, to: 165.44, step: 0.04).subgrid(every: 9),   // NuSTAR-like, thinned
            try EnergyGrid.logarithmic(from: 0.05, to: 300, count: 40),                   // wide bins
            try EnergyGrid(lo: [1.8, 5.000, 9.0], hi: [1.801, 5.0005, 9.5]),               // 1 eV and 0.5 eV bins
        ]
        for grid in grids {
            let values = try Support.evaluate(CutoffPowerLaw(), on: grid, [index, cutoff, 1])
            let expected = try Self.reference(grid, index: index, cutoff: cutoff)
            // Bins where the flux underflows the reference are compared absolutely.
            #expect(Support.maxRelativeError(values, expected, floor: 1e-290) < 1e-12, "Γ \(index), β \(cutoff), \(grid.count) bins")
        }
    }

    @Test func binStartingAtZero() throws {
        let grid = try EnergyGrid(edges: [0, 1, 2])
        let converging = try Support.evaluate(CutoffPowerLaw(), on: grid, [0.5, 15, 1])
        // ∫₀¹ E^−½ e^(−E/15) dE by the series of the exponential.
        var series = 0.0, term = 1.0
        for k in 0..<30 {
            series += term / (Double(k) + 0.5)
            term *= -1 / (15 * Double(k + 1))
        }
        #expect(abs(converging[0] - series) / series < 1e-13)
        let diverging = try Support.evaluate(CutoffPowerLaw(), on: grid, [1.2, 15, 1])
        #expect(diverging[0] == .infinity)
        #expect(diverging[1].isFinite && diverging[1] > 0)
    }
}

extension EnergyGrid {
    /// Every `stride`-th bin of this grid (a grid with gaps when stride > 1).
    func subgrid(every stride: Int) throws -> EnergyGrid {
        let indices = Swift.stride(from: 0, to: count, by: stride)
        return try EnergyGrid(lo: indices.map { lo[$0] }, hi: indices.map { hi[$0] })
    }
}
