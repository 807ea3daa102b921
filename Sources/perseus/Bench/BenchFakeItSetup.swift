import Foundation
import Perseus

/// The comparison set-up of `perseus bench fakeit` (issue 4, "Speed"), identical on the Perseus
/// and the Sherpa side:
///
/// - energy grid = channel grid: 2000 linear bins over 0.1–12 keV (edges 0.1 + i·11.9/2000);
/// - ARF A(E) = 600·exp(−½(ln(E/1.5)/0.8)²) + 20 cm², evaluated at each bin's centre;
/// - RMF: a Gaussian of σ = 0.05·√E keV, E the centre of the incoming bin, truncated at ±5σ and
///   integrated over each channel bin, P_c = Φ((min(hi_c, E+5σ) − E)/σ) − Φ((max(lo_c, E−5σ) − E)/σ)
///   for every channel overlapping [E−5σ, E+5σ]; not renormalised (what falls beyond ±5σ or off
///   the channel grid is lost, as for a real response);
/// - model `wabs*(powerlaw+gaussian)`: nH = 0.5 (10²² cm⁻²), Γ = 1.8, powerlaw norm 1e-2
///   photons keV⁻¹ cm⁻² s⁻¹ at 1 keV, line at 6.4 keV with FWHM 0.1 keV (XSPEC's σ =
///   FWHM/(2√(2 ln 2))) and 2.1e-4 photons cm⁻² s⁻¹ in the line;
/// - exposure 2.5 ks; channels 0.3–10 keV noticed.
///
/// Sherpa's `Gauss1D` is ampl·exp(−4 ln 2 (x−pos)²/fwhm²) per keV; its integral is
/// ampl·fwhm·√(π/(4 ln 2)), so the "ampl 2e-3" is 2.129e-4 photons cm⁻² s⁻¹, 1.4% above
/// 2.1e-4. Both sides use 2.1e-4: the peer sets ampl = 2.1e-4/(fwhm·√(π/(4 ln 2))) = 1.9728e-3.
struct FakeItBenchSetup {
    static let binCount = 2000
    static let lowerEnergy = 0.1, upperEnergy = 12.0
    static let exposure = 2500.0
    static let band: ClosedRange<Double> = 0.3...10
    static let hydrogenColumn = 0.5, photonIndex = 1.8, powerLawNorm = 1e-2
    static let lineEnergy = 6.4, lineFWHM = 0.1, lineNorm = 2.1e-4
    /// XSPEC gaussian σ for the line's FWHM [keV].
    static var lineSigma: Double { lineFWHM / (8 * log(2.0)).squareRoot() }
    /// Sherpa Gauss1D amplitude whose integral is `lineNorm`.
    static var gauss1DAmplitude: Double { lineNorm / (lineFWHM * (Double.pi / (4 * log(2.0))).squareRoot()) }
    /// The line flux Sherpa's Gauss1D carries with ampl 2e-3 (the figure) [photons cm⁻² s⁻¹].
    static var fluxOfAmplitude2e3: Double { 2e-3 * lineFWHM * (Double.pi / (4 * log(2.0))).squareRoot() }

    let grid: EnergyGrid
    let response: ResponsePair
    let model: Model
    /// All 2000 channels (what `fake_pha` draws).
    let folder: ResponseFolder
    /// The noticed channels 0.3–10 keV (whole channels inside the band).
    let noticed: ChannelGrid

    init() throws {
        let width = (Self.upperEnergy - Self.lowerEnergy) / Double(Self.binCount)
        let edges = (0...Self.binCount).map { Self.lowerEnergy + Double($0) * width }
        let grid = try EnergyGrid(edges: edges)
        let centres = (0..<grid.count).map { 0.5 * (grid.lo[$0] + grid.hi[$0]) }
        let area = centres.map { 600 * exp(-0.5 * pow(log($0 / 1.5) / 0.8, 2)) + 20 }
        let matrix = try Self.gaussianMatrix(grid: grid, centres: centres)
        let response = try ResponsePair(matrix: matrix, ancillary: AncillaryResponse(energies: grid, effectiveArea: area))
        self.grid = grid
        self.response = response
        folder = try ResponseFolder(response: response, band: Self.lowerEnergy...Self.upperEnergy, binning: 1, instrument: "bench-fakeit")
        noticed = try ChannelGrid(matrix: matrix, band: Self.band, binning: 1, instrument: "bench-fakeit")
        var model = try Model("wabs*(powerlaw+gaussian)")
        for (address, value) in [("wabs.nH", Self.hydrogenColumn), ("powerlaw.PhoIndex", Self.photonIndex),
                                 ("powerlaw.norm", Self.powerLawNorm), ("gaussian.LineE", Self.lineEnergy),
                                 ("gaussian.Sigma", Self.lineSigma), ("gaussian.norm", Self.lineNorm)] {
            try model.set(address, to: value)
        }
        self.model = model
    }

    /// The truncated Gaussian redistribution described above, one run per energy bin.
    static func gaussianMatrix(grid: EnergyGrid, centres: [Double]) throws -> ResponseMatrix {
        let n = grid.count
        var starts: [Int32] = [0], runs: [ChannelRun] = [], values: [Float] = []
        for i in 0..<n {
            let e = centres[i], sigma = 0.05 * e.squareRoot()
            let low = e - 5 * sigma, high = e + 5 * sigma
            // Channels overlapping (low, high): hi_c > low and lo_c < high.
            var first = 0
            while first < n, grid.hi[first] <= low { first += 1 }
            var last = n - 1
            while last >= 0, grid.lo[last] >= high { last -= 1 }
            if last >= first {
                runs.append(ChannelRun(channel: Int32(first), count: Int32(last - first + 1), valueOffset: Int32(values.count)))
                for c in first...last {
                    let a = max(grid.lo[c], low), b = min(grid.hi[c], high)
                    values.append(Float(NormalDistribution.cdf((b - e) / sigma) - NormalDistribution.cdf((a - e) / sigma)))
                }
            }
            starts.append(Int32(runs.count))
        }
        return try ResponseMatrix(energies: grid, channelEnergies: grid, firstChannel: 1, rowRunStarts: starts, runs: runs,
                                  values: values, identity: InstrumentIdentity(), channelType: "PI", threshold: 0)
    }

    /// Channel indices (0-based, into the 2000) of the noticed band.
    var noticedRange: Range<Int> { noticed.nativeStart..<(noticed.nativeStart + noticed.count) }

    /// What the Sherpa peer needs: the grid edges, the parameters and Perseus's `wabs` cross
    /// sections on this grid (so the peer's absorption is the same function).
    func peerSetup() throws -> [String: Any] {
        let sampling = try WAbs().samplingPoints(for: grid)
        return [
            "edges": grid.lo + [grid.hi[grid.count - 1]],
            "nH": Self.hydrogenColumn, "photon_index": Self.photonIndex, "powerlaw_norm": Self.powerLawNorm,
            "line_energy": Self.lineEnergy, "line_fwhm": Self.lineFWHM, "line_norm": Self.lineNorm,
            "exposure": Self.exposure, "band": [Self.band.lowerBound, Self.band.upperBound],
            "wabs_sigma": sampling.sigma, "wabs_weight": sampling.weight, "wabs_bin_start": sampling.binStart,
        ]
    }
}
