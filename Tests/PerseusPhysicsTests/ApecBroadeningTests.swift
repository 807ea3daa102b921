import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// Line broadening on a table holding one Fe XXV line and no continuum, against Gaussian
/// integrals computed here: σ = E √(kT/(A m_u c²) + (v/c)²) with kT of the tabulated record.
@Suite struct ApecBroadeningTests {
    static let energy = 6.7004
    static let emissivity = 1e-16

    static func oneLineTable() throws -> EmissivityTable {
        let records = [1.0, 2.0].map { kT in
            TemperatureRecord(kT: kT, electronTemperature: kT * LineBroadening.kelvinPerKeV,
                              lines: LineList(energies: [energy], elements: [26], ions: [25], emissivities: [emissivity]),
                              continua: [], pseudoContinua: [])
        }
        return try EmissivityTable(origin: "one line", records: records)
    }

    /// Expected bin fluxes of a Gaussian of total `flux` centred at `centre` with width `sigma`.
    static func gaussian(_ grid: EnergyGrid, centre: Double, sigma: Double, flux: Double) -> [Double] {
        grid.lo.indices.map { i in
            let a = (grid.lo[i] - centre) / (sigma * 2.0.squareRoot())
            let b = (grid.hi[i] - centre) / (sigma * 2.0.squareRoot())
            return flux * 0.5 * (erf(b) - erf(a))
        }
    }

    @Test func thermalProfile() throws {
        let grid = try EnergyGrid.linear(from: 6.68, to: 6.72, step: 0.0002)
        let apec = try Apec(.apec, table: Self.oneLineTable(), options: ApecOptions(broadening: LineBroadening(thermal: true)))
        let value = try evaluate(apec, on: grid, [1.0, 1, 0, 1])   // tabulated kT: one record
        let sigma = Self.energy * (1.0 / (55.845 * 931_494.10242)).squareRoot()
        let expected = Self.gaussian(grid, centre: Self.energy, sigma: sigma, flux: 1e14 * Self.emissivity)
        let peak = expected.max()!
        for i in grid.lo.indices where expected[i] > 1e-8 * peak {
            #expect(abs(value[i] - expected[i]) <= 1e-6 * expected[i] + 1e-12 * peak, "bin \(i) [\(grid.lo[i]), \(grid.hi[i])] σ \(sigma)")
        }
        #expect(abs(value.reduce(0, +) / (1e14 * Self.emissivity) - 1) < 1e-8)
    }

    @Test func bapecVelocityAndRedshift() throws {
        let grid = try EnergyGrid.linear(from: 6.2, to: 6.4, step: 0.0005)
        let bapec = try Apec(.bapec, table: Self.oneLineTable())
        let z = 0.05, v = 800.0
        // kT = 1.5: two records (kT 1 and 2) with weights ½, each broadened at its own kT.
        let value = try evaluate(bapec, on: grid, [1.5, 1, z, v, 2])
        var expected = [Double](repeating: 0, count: grid.count)
        for kT in [1.0, 2.0] {
            let relative = (kT / (55.845 * 931_494.10242) + pow(v / 299_792.458, 2)).squareRoot()
            let centre = Self.energy / (1 + z)
            let g = Self.gaussian(grid, centre: centre, sigma: centre * relative, flux: 0.5 * 2e14 * Self.emissivity / (1 + z))
            for i in expected.indices { expected[i] += g[i] }
        }
        // Bins reaching within 6σ are exact; beyond, the Gaussian (< 1e-8 of the peak) is dropped.
        let peak = expected.max()!
        for i in grid.lo.indices where expected[i] > 1e-8 * peak {
            #expect(abs(value[i] - expected[i]) <= 1e-6 * expected[i] + 2e-8 * peak, "bin \(i)")
        }
        let total: Double = value.reduce(0, +), expectedTotal: Double = expected.reduce(0, +)
        #expect(abs(total / expectedTotal - 1) < 1e-8)
    }

    @Test func unbroadenedLineFallsInOneBin() throws {
        let grid = try EnergyGrid.linear(from: 6.6, to: 6.8, step: 0.001)
        let apec = try Apec(.apec, table: Self.oneLineTable())
        let value = try evaluate(apec, on: grid, [2.0, 1, 0, 3])
        let b = bin(of: grid, containing: Self.energy)
        #expect(value[b] == 3e14 * Self.emissivity)
        #expect(value.enumerated().allSatisfy { $0.offset == b || $0.element == 0 })
    }
}
