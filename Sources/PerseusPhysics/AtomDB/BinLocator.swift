import PerseusCore

/// Finds the bin of an energy grid that contains a given energy in O(1) for typical grids.
///
/// A table of equal cells over the grid's range records, for each cell, the first bin that ends
/// inside or after it; a query looks up its cell and searches only the bins ending near it.
/// Works for any `EnergyGrid` (non-uniform bins, gaps between bins).
///
/// The edges and the cell table live in memory owned by this object and never change after
/// `init`, so the hot loops read them through raw pointers and the object is safe to share
/// between threads.
final class BinLocator: @unchecked Sendable {
    let count: Int
    /// Whether every bin starts exactly where the previous one ends.
    let isContiguous: Bool
    let lo: UnsafeMutablePointer<Double>
    let hi: UnsafeMutablePointer<Double>
    private let cellStart: UnsafeMutablePointer<Int32>
    private let cells: Int
    private let origin: Double
    private let inverseCell: Double
    private let last: Double

    init(grid: EnergyGrid) {
        let n = grid.count
        count = n
        lo = .allocate(capacity: n)
        hi = .allocate(capacity: n)
        for i in 0..<n {
            lo[i] = grid.lo[i]
            hi[i] = grid.hi[i]
        }
        var contiguous = true
        for i in 1..<max(n, 1) where lo[i] != hi[i - 1] { contiguous = false; break }
        isContiguous = contiguous
        origin = lo[0]
        last = hi[n - 1]
        let range = last - origin
        var minWidth = Double.infinity
        for i in 0..<n { minWidth = min(minWidth, hi[i] - lo[i]) }
        let maxCells = 1 << 22
        let cell = max(minWidth, range / Double(maxCells))
        cells = max(1, min(maxCells, Int((range / cell).rounded(.up)) + 1))
        inverseCell = 1 / cell
        cellStart = .allocate(capacity: cells + 1)
        var j = 0
        for c in 0..<cells {
            let boundary = origin + Double(c) * cell
            while j < n && hi[j] < boundary { j += 1 }
            cellStart[c] = Int32(j)
        }
        cellStart[cells] = Int32(n)
    }

    deinit {
        lo.deallocate()
        hi.deallocate()
        cellStart.deallocate()
    }

    /// The smallest bin index j with hi[j] ≥ x (`count` if none).
    @inline(__always)
    func firstBin(endingAtOrAbove x: Double) -> Int {
        if !(x > origin) { return 0 }
        if x > last { return count }
        let c = min(cells &- 1, Int((x - origin) * inverseCell))
        // cellStart[c] is the answer unless rounding put x just below the cell's boundary
        // (step back) or bins end inside the cell before x (step forward: at most a few, as a
        // cell is no wider than the narrowest bin unless the grid needs > 4M cells).
        var j = Int(cellStart[c])
        while j > 0 && hi[j &- 1] >= x { j &-= 1 }
        while j < count && hi[j] < x { j &+= 1 }
        return j
    }

    /// The bin with lo < x ≤ hi (XSPEC's convention for a line at energy x), or −1.
    @inline(__always)
    func lineBin(_ x: Double) -> Int {
        let j = firstBin(endingAtOrAbove: x)
        return j < count && lo[j] < x ? j : -1
    }
}
