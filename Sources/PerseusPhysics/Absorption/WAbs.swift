import Foundation
import PerseusCore

/// XSPEC's `wabs`: photo-electric absorption with the Wisconsin cross sections of Morrison &
/// McCammon (1983, ApJ 270, 119).
///
///     M(E) = exp(−nH σ(E))
///
/// The abundances are Morrison & McCammon's own, fixed (XSPEC's `wabs` ignores the `abund`
/// setting), so any abundance table in the context is accepted. Parameter (XSPEC model.dat):
/// `nH` [10²² cm⁻²] (default 1, hard 0…1e6, soft 0…1e5). σ(E) comes from the embedded table
/// (computed with XSPEC, 0.1–20 keV, extended as described in ``CrossSectionTable``; above 10 keV
/// it is exactly E⁻³ as in Morrison & McCammon's fit).
///
/// Per bin, as XSPEC's `xsabsw`: the factor is the trapezoidal average of the transmission
/// exp(−nH σ) between the bin edges, with the bin split at any boundary of Morrison &
/// McCammon's fit ranges inside it (the absorption edges 0.284, 0.400, 0.532, 0.707, 0.867,
/// 1.303, 1.840, 2.471, 3.210, 4.038, 7.111, 8.331 keV, and 10 keV where the fit turns into
/// E⁻³), each side of an edge using its own one-sided cross section. Near
/// those edges the table's node that straddles the edge is skipped and σ is extrapolated from
/// the nodes on the same side, so the edges are sharp as in the analytic fit.
public struct WAbs: SpectralComponent {
    public let table: CrossSectionTable
    public let lowEnergyAbsorption: LowEnergyAbsorptionRule

    /// Morrison & McCammon's absorption edges inside the tabulated range [keV].
    public static let edgeEnergies: [Double] = [0.284, 0.400, 0.532, 0.707, 0.867, 1.303, 1.840, 2.471, 3.210, 4.038, 7.111, 8.331]
    /// Where XSPEC splits a bin's trapezoid: the edges and the continuous range boundary at 10 keV.
    static let splitEnergies: [Double] = edgeEnergies + [10.0]

    public init(lowEnergyAbsorption: LowEnergyAbsorptionRule = .reject) {
        // The wabs table is embedded unconditionally (see AbsorptionTables).
        self.table = AbsorptionTables.table(model: "wabs", abundanceTable: "angr")!
        self.lowEnergyAbsorption = lowEnergyAbsorption
    }

    /// The component for a model context (its abundance table does not affect `wabs`).
    public init(context: ModelContext) {
        self.init(lowEnergyAbsorption: context.lowEnergyAbsorption)
    }

    public var name: String { "wabs" }
    public var kind: ComponentKind { .multiplicative }
    public var parameters: [ParameterInfo] { [.hydrogenColumn] }

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        try AbsorptionSampling.check(grid: grid, model: "wabs", rule: lowEnergyAbsorption)
        let sigma = EdgeAwareCrossSection(table: table, edges: WAbs.edgeEnergies)
        var pointSigma: [Double] = [], pointWeight: [Double] = [], binStart: [Int] = [0]
        pointSigma.reserveCapacity(2 * grid.count)
        pointWeight.reserveCapacity(2 * grid.count)
        for i in 0..<grid.count {
            let lo = grid.lo[i], hi = grid.hi[i], width = hi - lo
            // Segment ends: (energy, σ at its left end from above, σ at its right end from below).
            var cuts = [lo]
            for edge in WAbs.splitEnergies where edge > lo && edge < hi { cuts.append(edge) }
            cuts.append(hi)
            for segment in 0..<(cuts.count - 1) {
                let a = cuts[segment], b = cuts[segment + 1]
                let weight = 0.5 * (b - a) / width
                pointSigma.append(sigma.value(at: Swift.max(a, CrossSectionTable.lowerLimit), side: .above))
                pointWeight.append(weight)
                pointSigma.append(sigma.value(at: Swift.max(b, CrossSectionTable.lowerLimit), side: .below))
                pointWeight.append(weight)
            }
            binStart.append(pointSigma.count)
        }
        return Prepared(pointSigma: pointSigma, pointWeight: pointWeight, binStart: binStart)
    }

    struct Prepared: PreparedComponent {
        let pointSigma: [Double]
        let pointWeight: [Double]
        let binStart: [Int]

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            let nH = parameters[0]
            withUnsafeTemporaryAllocation(of: Double.self, capacity: pointSigma.count) { transmission in
                pointSigma.withUnsafeBufferPointer { sigma in
                    SIMDMath.exp(scale: -nH, sigma.baseAddress!, into: transmission.baseAddress!, count: sigma.count)
                }
                pointWeight.withUnsafeBufferPointer { weight in
                    for i in 0..<output.count {
                        var sum = 0.0
                        for p in binStart[i]..<binStart[i + 1] { sum += weight[p] * transmission[p] }
                        output[i] = sum
                    }
                }
            }
        }
    }
}

/// A cross-section table evaluated with sharp edges at known energies: within the two table
/// intervals around an edge (whose middle node averages both sides), σ is extrapolated from the
/// two nodes on the requested side.
struct EdgeAwareCrossSection {
    enum Side { case below, above }

    let table: CrossSectionTable
    /// (edge energy, index of the table node nearest to it).
    let edges: [(energy: Double, node: Int)]

    init(table: CrossSectionTable, edges energies: [Double]) {
        self.table = table
        self.edges = energies.map { edge in
            let k = table.intervalIndex(edge)
            let nearer = abs(Foundation.log(table.energies[k + 1] / edge)) < abs(Foundation.log(edge / table.energies[k])) ? k + 1 : k
            return (edge, nearer)
        }
    }

    /// σ(E) [1e-22 cm²]; at an edge energy itself `side` picks the one-sided limit.
    func value(at energy: Double, side: Side) -> Double {
        let logE = Foundation.log(energy)
        for (edge, node) in edges where node >= 2 && node + 2 < table.energies.count {
            guard energy > table.energies[node - 1], energy < table.energies[node + 1] else { continue }
            let fromBelow = energy < edge || (energy == edge && side == .below)
            return fromBelow ? table.interpolate(logE, from: node - 2, to: node - 1)
                             : table.interpolate(logE, from: node + 1, to: node + 2)
        }
        return table.crossSection(at: energy)
    }
}
