import Testing
import PerseusCore

@Suite struct EnergyGridTests {
    @Test func linearGrid() throws {
        let grid = try EnergyGrid.linear(from: 1.8, to: 9.0, step: 0.001)
        #expect(grid.count == 7200)
        #expect(abs(grid.lo[0] - 1.8) < 1e-12 && abs(grid.hi[7199] - 9.0) < 1e-9)
        #expect(grid.isContiguous)
    }

    @Test func logarithmicGrid() throws {
        let grid = try EnergyGrid.logarithmic(from: 0.1, to: 100, count: 300)
        #expect(grid.count == 300 && grid.hi.last == 100 && grid.lo.first == 0.1)
    }

    @Test func rejectsBadGrids() {
        #expect(throws: EnergyGridError.nonMonotonic(bin: 2, previous: 2, value: 1.5)) {
            try EnergyGrid(lo: [1, 2, 1.5], hi: [2, 3, 1.7])
        }
        #expect(throws: EnergyGridError.nonPositiveWidth(bin: 0, lo: 1, hi: 1)) { try EnergyGrid(lo: [1], hi: [1]) }
        #expect(throws: EnergyGridError.nonFinite(bin: 1)) { try EnergyGrid(lo: [1, .nan], hi: [2, 3]) }
        #expect(throws: EnergyGridError.negativeEnergy(bin: 0, value: -1)) { try EnergyGrid(lo: [-1], hi: [2]) }
        #expect(throws: EnergyGridError.overlapping(bin: 1, previousHigh: 2, low: 1.5)) {
            try EnergyGrid(lo: [1, 1.5], hi: [2, 3])
        }
        #expect(throws: EnergyGridError.empty) { try EnergyGrid(lo: [], hi: []) }
        #expect(throws: EnergyGridError.self) { try EnergyGrid.linear(from: 1, to: 2, step: 0.3) }
    }

    @Test func errorMessagesNameTheBin() {
        do {
            _ = try EnergyGrid(lo: [1, 2, 1.5], hi: [2, 3, 1.7])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("bin 2"))
        }
    }

    @Test func matching() throws {
        let a = try EnergyGrid.linear(from: 1, to: 2, step: 0.01)
        let b = try EnergyGrid(lo: a.lo.map { Double(Float($0)) }, hi: a.hi.map { Double(Float($0)) })
        #expect(a.matches(b))
        #expect(!a.matches(try EnergyGrid.linear(from: 1, to: 2, step: 0.02)))
    }
}
