import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

@Suite struct AtomDBTableTests {
    /// XSPEC's bracketing: linear in kT between neighbours; a tabulated kT alone; ends clamp.
    @Test func temperatureBracket() throws {
        let table = try EmissivityTable.embedded()
        let t = table.temperatures
        let b = table.bracket(kT: 3.0)
        #expect(t[b.lower] <= 3 && 3 < t[b.upper] && b.upper == b.lower + 1)
        #expect(abs(b.lowerWeight * t[b.lower] + b.upperWeight * t[b.upper] - 3) < 1e-12)
        #expect(abs(b.lowerWeight + b.upperWeight - 1) < 1e-15)
        let exact = table.bracket(kT: t[20])
        #expect(exact.lower == 20 && exact.lowerWeight == 1 && exact.upperWeight == 0)
        let logB = table.bracket(kT: 3.0, logarithmic: true)
        #expect(abs(logB.upperWeight - log(3 / t[b.lower]) / log(t[b.upper] / t[b.lower])) < 1e-12)
        #expect(table.bracket(kT: 1e-5).lower == 0 && table.bracket(kT: 1e3).lower == t.count - 1)
    }

    /// The bin locator against a brute-force search on an irregular grid with gaps.
    @Test func binLocatorOnIrregularGridWithGaps() throws {
        var stream = RandomStream(seed: 5, purpose: .testing, index: 0)
        var lo: [Double] = [], hi: [Double] = []
        var e = 0.3
        for _ in 0..<500 {
            let width = 0.0005 + 0.02 * stream.uniform() * stream.uniform()
            lo.append(e); hi.append(e + width)
            e += width + (stream.uniform() < 0.2 ? 0.01 * stream.uniform() : 0)
        }
        let grid = try EnergyGrid(lo: lo, hi: hi)
        let locator = BinLocator(grid: grid)
        for _ in 0..<20_000 {
            let x = 0.25 + (e - 0.2) * stream.uniform()
            let brute = lo.indices.first { lo[$0] < x && x <= hi[$0] } ?? -1
            #expect(locator.lineBin(x) == brute, "x = \(x)")
        }
        for i in lo.indices {
            #expect(locator.lineBin(hi[i]) == i)
            #expect(locator.lineBin(lo[i]) == (i > 0 && hi[i - 1] == lo[i] ? i - 1 : -1))
        }
    }

    /// apec on a grid with gaps equals apec on the contiguous grid, bin by bin (the engine's
    /// non-contiguous path against its contiguous one).
    @Test func gappyGridMatchesContiguousBins() throws {
        let full = try EnergyGrid.linear(from: 0.5, to: 8, step: 0.004)
        let keep = full.lo.indices.filter { ($0 / 7) % 3 != 1 }
        let gappy = try EnergyGrid(lo: keep.map { full.lo[$0] }, hi: keep.map { full.hi[$0] })
        let apec = try Apec(.apec)
        let a = try evaluate(apec, on: full, [2.7, 0.5, 0.02, 1])
        let b = try evaluate(apec, on: gappy, [2.7, 0.5, 0.02, 1])
        for (j, i) in keep.enumerated() {
            #expect(abs(b[j] - a[i]) <= 1e-9 * a[i] + 1e-30, "bin \(i)")
        }
    }

    @Test func parameterListsFollowXSPEC() throws {
        #expect(try Apec(.apec).parameters.map(\.name) == ["kT", "Abundanc", "Redshift", "norm"])
        #expect(try Apec(.vapec).parameters.map(\.name)
                == ["kT", "He", "C", "N", "O", "Ne", "Mg", "Al", "Si", "S", "Ar", "Ca", "Fe", "Ni", "Redshift", "norm"])
        #expect(try Apec(.bapec).parameters.map(\.name) == ["kT", "Abundanc", "Redshift", "Velocity", "norm"])
        let kT = try Apec(.apec).parameters[0]
        #expect(kT.hardMin == 0.008 && kT.hardMax == 64 && kT.unit == "keV" && kT.defaultValue == 1)
        let z = try Apec(.apec).parameters[2]
        #expect(z.hardMin == -0.999 && z.hardMax == 10 && z.frozenByDefault)
        #expect(try Apec(.apec).kind == .additive)
    }
}
