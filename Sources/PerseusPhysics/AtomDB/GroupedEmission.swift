import PerseusCore

/// An `EmissivityTable` with the continua and pseudo-continua of every temperature pre-summed
/// per abundance group: piecewise-linear densities, already multiplied by the grouping's fixed
/// element factors. Independent of the energy grid; built once per model component.
///
/// With at most `sharedNodesGroupLimit` groups (apec: two) all groups of a temperature share one
/// set of nodes (one walk per temperature at evaluation); with more (vapec: 14) each group has
/// its own nodes, which keeps memory proportional to the tables rather than to the groups.
///
/// Models build one per component (`Apec` does in its `init`) and prepare it for each grid with
/// `prepared(for:)`; `nei` can do the same with a grouping of its own and pass per-ion factors
/// to `PreparedEmission.accumulate`.
public struct GroupedEmission: Sendable {
    public let table: EmissivityTable
    public let grouping: AbundanceGrouping
    /// `smooth[t]`: the densities at temperature t, each covering the groups in its `groups`.
    let smooth: [[GroupDensity]]

    static let sharedNodesGroupLimit = 2

    /// The evaluation engine for the grid: see `PreparedEmission`.
    public func prepared(for grid: EnergyGrid) -> PreparedEmission {
        PreparedEmission(emission: self, grid: grid)
    }

    public init(table: EmissivityTable, grouping: AbundanceGrouping) {
        self.table = table
        self.grouping = grouping
        let g = grouping.groupCount
        smooth = table.records.map { record in
            let curves = (record.continua + record.pseudoContinua).filter { $0.ion == 0 && $0.energies.count >= 2 }
            if g <= GroupedEmission.sharedNodesGroupLimit {
                return [GroupDensity(curves: curves, factors: grouping.elementFactor,
                                     column: { grouping.groupOfElement[$0 - 1] }, groups: Array(0..<g))]
            }
            return (0..<g).map { group in
                GroupDensity(curves: curves.filter { grouping.groupOfElement[$0.element - 1] == group },
                             factors: grouping.elementFactor, column: { _ in 0 }, groups: [group])
            }
        }
    }
}

/// The sum of several piecewise-linear densities (each times a factor), as one piecewise-linear
/// density with its integral from every node to the end.
///
/// A sum of piecewise-linear functions is piecewise linear on the union of their nodes, so this
/// is exact. Where a curve starts or ends with a non-zero value (or has two values at one
/// energy) the density jumps; a jump is two nodes at the same energy carrying the left and the
/// right limit, a zero-width segment that contributes nothing to any integral. Only the element
/// totals (ion 0) enter, as in XSPEC's apec.
///
/// The arrays live in memory owned by the object and never change after `init`, so evaluation
/// loops read them through raw pointers and the object is safe to share between threads.
final class GroupDensity: @unchecked Sendable {
    /// Number of nodes (the storage has two more: sentinels with node +∞ and zeros).
    let count: Int
    /// The abundance groups of the columns, in column order.
    let groups: [Int]
    /// Doubles per node: 1 + 3 × columns.
    let stride: Int
    /// Per node: its energy [keV] (non-decreasing; a repeated energy is a jump), then for each
    /// column (group) three values: the tail integral ∫ from the node to the last node
    /// [photons cm³ s⁻¹], the density at the node [photons cm³ s⁻¹ keV⁻¹] (left limit on the
    /// first node of a jump, right limit on the second), and half the slope of the segment to
    /// the next node (0 for zero width). Integrals over bins are differences of the tail
    /// integral; counting from the high-energy end keeps the falling spectrum's far tail exact
    /// to rounding relative to its own size.
    let records: UnsafeMutablePointer<Double>

    deinit { records.deallocate() }

    /// Node energy k [keV].
    func node(_ k: Int) -> Double { records[k * stride] }

    /// - Parameters:
    ///   - column: the column (index into `groups`) of each element Z.
    init(curves: [EmissionCurve], factors: [Double], column: (Int) -> Int, groups: [Int]) {
        let g = groups.count
        // Union of the node energies, and where any curve jumps.
        var energies: [Double] = []
        for curve in curves { energies.append(contentsOf: curve.energies) }
        energies.sort()
        var unique: [Double] = []
        unique.reserveCapacity(energies.count)
        for e in energies where unique.last != e { unique.append(e) }
        func index(_ e: Double) -> Int {
            var low = 0, high = unique.count
            while low < high {
                let mid = (low + high) >> 1
                if unique[mid] < e { low = mid + 1 } else { high = mid }
            }
            return low
        }
        var jump = [Bool](repeating: false, count: unique.count)
        for curve in curves {
            let e = curve.energies, v = curve.values, m = e.count
            if v[0] != 0 { jump[index(e[0])] = true }
            if v[m - 1] != 0 { jump[index(e[m - 1])] = true }
            for j in 0..<(m - 1) where e[j] == e[j + 1] && v[j] != v[j + 1] { jump[index(e[j])] = true }
        }
        // Expanded node list: a jump energy gets a left and a right node.
        var first = [Int](repeating: 0, count: unique.count + 1)   // first expanded index of unique[u]
        var nodes: [Double] = []
        nodes.reserveCapacity(unique.count + 64)
        for u in unique.indices {
            first[u] = nodes.count
            nodes.append(unique[u])
            if jump[u] { nodes.append(unique[u]) }
        }
        first[unique.count] = nodes.count
        var columns = [Double](repeating: 0, count: nodes.count * g)
        for curve in curves {
            let group = column(curve.element)
            let factor = factors[curve.element - 1]
            guard factor != 0 else { continue }
            let e = curve.energies, v = curve.values, m = e.count
            // Values at the curve's own nodes: left and right limits.
            var j = 0
            while j < m {
                var last = j
                while last + 1 < m && e[last + 1] == e[j] { last += 1 }
                let left = j == 0 ? 0 : v[j]
                let right = last == m - 1 ? 0 : v[last]
                let u = index(e[j])
                let a = first[u], b = first[u + 1] - 1   // a == b unless a jump
                columns[a * g + group] += left * factor
                if b != a { columns[b * g + group] += right * factor }
                // Interior union nodes of the segment e[last] … e[last + 1].
                if last + 1 < m, v[last] != 0 || v[last + 1] != 0 {
                    let x0 = e[last], x1 = e[last + 1]
                    let slope = (v[last + 1] - v[last]) / (x1 - x0)
                    var k = first[u + 1]
                    let end = first[index(x1)]
                    while k < end {
                        columns[k * g + group] += (v[last] + slope * (nodes[k] - x0)) * factor
                        k += 1
                    }
                }
                j = last + 1
            }
        }
        let n = nodes.count
        count = n
        self.groups = groups
        let w = 1 + 3 * g
        stride = w
        // Two sentinel records past the end (node +∞, zeros) let evaluation loops read record
        // k + 1 without bounds tests.
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: (n + 2) * w)
        storage.initialize(repeating: 0, count: (n + 2) * w)
        storage[n * w] = .infinity
        storage[(n + 1) * w] = .infinity
        for k in 0..<n { storage[k * w] = nodes[k] }
        for c in 0..<g {
            var tail = 0.0
            for k in Swift.stride(from: n - 1, through: 0, by: -1) {
                let value = columns[k * g + c]
                let width = k + 1 < n ? nodes[k + 1] - nodes[k] : 0
                if k + 1 < n { tail += 0.5 * (value + columns[(k + 1) * g + c]) * width }
                storage[k * w + 1 + 3 * c] = tail
                storage[k * w + 2 + 3 * c] = value
                storage[k * w + 3 + 3 * c] = width > 0 ? 0.5 * (columns[(k + 1) * g + c] - value) / width : 0
            }
        }
        records = storage
    }
}
