/// An `EmissivityTable` with its smooth emission (continua and wide pseudo-continuum parts)
/// pre-summed per abundance group: for every tabulated temperature, one piecewise-linear
/// density per group on the record's common nodes, already multiplied by the grouping's fixed
/// element factors. Independent of the energy grid; built once per model component.
struct GroupedEmission: Sendable {
    let table: EmissivityTable
    let grouping: AbundanceGrouping
    /// Per temperature: node-major densities, `columns[t][node * groupCount + g]`.
    let columns: [[Double]]
    /// Per temperature: 1 / (width of the segment starting at each node), 0 for zero width.
    let inverseWidths: [[Double]]

    init(table: EmissivityTable, grouping: AbundanceGrouping) {
        self.table = table
        self.grouping = grouping
        let g = grouping.groupCount
        let stride = ChemicalElement.count
        var columns: [[Double]] = []
        var inverse: [[Double]] = []
        columns.reserveCapacity(table.records.count)
        for record in table.records {
            let smooth = record.smooth
            let n = smooth.count
            var col = [Double](repeating: 0, count: n * g)
            smooth.values.withUnsafeBufferPointer { v in
                for k in 0..<n {
                    for z in 0..<stride {
                        let value = v[k * stride + z]
                        if value != 0 {
                            col[k * g + grouping.groupOfElement[z]] += Double(value) * grouping.elementFactor[z]
                        }
                    }
                }
            }
            var inv = [Double](repeating: 0, count: n)
            for k in 0..<max(0, n - 1) {
                let w = smooth.energies[k + 1] - smooth.energies[k]
                inv[k] = w > 0 ? 1 / w : 0
            }
            columns.append(col)
            inverse.append(inv)
        }
        self.columns = columns
        self.inverseWidths = inverse
    }
}
