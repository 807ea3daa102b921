/// An `EmissivityTable` with the continua and pseudo-continua of every temperature pre-summed
/// per abundance group: one piecewise-linear density per group and temperature, already
/// multiplied by the grouping's fixed element factors. Independent of the energy grid; built
/// once per model component.
struct GroupedEmission: Sendable {
    let table: EmissivityTable
    let grouping: AbundanceGrouping
    /// `smooth[t][g]`: the density of group g at temperature t.
    let smooth: [[GroupDensity]]

    init(table: EmissivityTable, grouping: AbundanceGrouping) {
        self.table = table
        self.grouping = grouping
        smooth = table.records.map { record in
            let curves = (record.continua + record.pseudoContinua).filter { $0.ion == 0 && $0.energies.count >= 2 }
            return (0..<grouping.groupCount).map { g in
                GroupDensity(curves: curves.filter { grouping.groupOfElement[$0.element - 1] == g },
                             factors: grouping.elementFactor)
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
    /// Per node, four values: energy [keV] (non-decreasing; a repeated energy is a jump),
    /// tail integral ∫ from the node to the last node [photons cm³ s⁻¹], density at the node
    /// [photons cm³ s⁻¹ keV⁻¹] (left limit on the first node of a jump, right limit on the
    /// second), and half the slope of the segment to the next node (0 for zero width).
    /// Integrals over bins are differences of the tail integral; counting from the high-energy
    /// end keeps the falling spectrum's far tail exact to rounding relative to its own size.
    let records: UnsafeMutablePointer<Double>
    static let stride = 4

    deinit { records.deallocate() }

    /// Node energy k [keV].
    func node(_ k: Int) -> Double { records[k * GroupDensity.stride] }

    init(curves: [EmissionCurve], factors: [Double]) {
        let g = 1
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
            let group = 0
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
        let w = GroupDensity.stride
        // Two sentinel records past the end (node +∞, zeros) let evaluation loops read record
        // k + 1 without bounds tests.
        records = .allocate(capacity: (n + 2) * w)
        records.initialize(repeating: 0, count: (n + 2) * w)
        records[n * w] = .infinity
        records[(n + 1) * w] = .infinity
        var tail = 0.0
        for k in Swift.stride(from: n - 1, through: 0, by: -1) {
            let width = k + 1 < n ? nodes[k + 1] - nodes[k] : 0
            if k + 1 < n { tail += 0.5 * (columns[k] + columns[k + 1]) * width }
            records[k * w] = nodes[k]
            records[k * w + 1] = tail
            records[k * w + 2] = columns[k]
            records[k * w + 3] = width > 0 ? 0.5 * (columns[k + 1] - columns[k]) / width : 0
        }
    }
}
