import PerseusCore

/// Finds the bin of an energy grid that contains a given energy in O(1) for typical grids.
///
/// A table of equal cells over the grid's range records, for each cell, the first bin that ends
/// inside or after it; a query looks up its cell and searches only the bins ending within it.
/// Works for any `EnergyGrid` (non-uniform bins, gaps between bins).
struct BinLocator: Sendable {
    let lo: [Double]
    let hi: [Double]
    let contiguous: Bool
    private let origin: Double
    private let inverseCell: Double
    /// cellStart[c] = first bin j with hi[j] ≥ origin + c·cell (count + 1 entries, last = bin count).
    private let cellStart: [Int32]

    init(grid: EnergyGrid) {
        lo = grid.lo
        hi = grid.hi
        contiguous = grid.isContiguous
        let n = lo.count
        origin = lo[0]
        let range = hi[n - 1] - lo[0]
        var minWidth = Double.infinity
        for i in 0..<n { minWidth = min(minWidth, hi[i] - lo[i]) }
        let maxCells = 1 << 22
        let cell = max(minWidth, range / Double(maxCells))
        let cells = max(1, min(maxCells, Int((range / cell).rounded(.up)) + 1))
        inverseCell = 1 / cell
        var starts = [Int32](repeating: Int32(n), count: cells + 1)
        var j = 0
        for c in 0..<cells {
            let boundary = origin + Double(c) * cell
            while j < n && hi[j] < boundary { j += 1 }
            starts[c] = Int32(j)
        }
        cellStart = starts
    }

    var count: Int { lo.count }

    /// The smallest bin index j with hi[j] ≥ x (`count` if none).
    @inline(__always)
    func firstBin(endingAtOrAbove x: Double) -> Int {
        let n = lo.count
        if !(x > lo[0]) { return 0 }
        if x > hi[n - 1] { return n }
        let cells = cellStart.count - 1
        let c = min(cells - 1, Int((x - origin) * inverseCell))
        var low = Int(cellStart[max(c - 1, 0)])
        var high = Int(cellStart[min(c + 2, cells)])   // hi[high] ≥ x (or high = n)
        while low < high {
            let mid = (low + high) >> 1
            if hi[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The bin with lo < x ≤ hi (XSPEC's convention for a line at energy x), or −1.
    @inline(__always)
    func lineBin(_ x: Double) -> Int {
        let j = firstBin(endingAtOrAbove: x)
        return j < lo.count && lo[j] < x ? j : -1
    }
}
