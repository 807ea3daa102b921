import Foundation
import PerseusCore
@testable import PerseusFit

/// A small instrument for tests: channels = energy bins, a Gaussian redistribution with
/// σ(E) = resolution·√E keV truncated at ±5σ and renormalised, a log-normal effective area
/// (cm²) and an exposure (s).
struct ToyInstrument: Sendable {
    let lo: [Double]
    let hi: [Double]
    let area: [Double]
    let exposure: Double
    /// For each energy bin: first channel and weights.
    let firstChannel: [Int]
    let weights: [[Double]]

    init(from emin: Double = 0.5, to emax: Double = 10.5, bins: Int = 200, resolution: Double = 0.1,
         peakArea: Double = 300, exposure: Double = 1000, diagonal: Bool = false) {
        let width = (emax - emin) / Double(bins)
        lo = (0..<bins).map { emin + Double($0) * width }
        hi = (0..<bins).map { emin + Double($0 + 1) * width }
        area = (0..<bins).map { i in
            let e = emin + (Double(i) + 0.5) * width
            let x = Foundation.log(e / 1.5) / 0.8
            return peakArea * Foundation.exp(-0.5 * x * x) + 20
        }
        self.exposure = exposure
        var first: [Int] = []
        var w: [[Double]] = []
        for i in 0..<bins {
            if diagonal {
                first.append(i); w.append([1]); continue
            }
            let e = emin + (Double(i) + 0.5) * width
            let sigma = resolution * e.squareRoot()
            let c0 = max(0, Int(((e - 5 * sigma) - emin) / width))
            let c1 = min(bins, Int(((e + 5 * sigma) - emin) / width) + 1)
            var row: [Double] = []
            for c in c0..<c1 {
                let a = (emin + Double(c) * width - e) / (sigma * 2.0.squareRoot())
                let b = (emin + Double(c + 1) * width - e) / (sigma * 2.0.squareRoot())
                row.append(0.5 * (erfc(a) - erfc(b)))
            }
            let total = row.reduce(0, +)
            first.append(c0)
            w.append(row.map { $0 / total })
        }
        firstChannel = first
        weights = w
    }

    var channelCount: Int { lo.count }
    var energies: ChannelEnergies { try! ChannelEnergies(lo: lo, hi: hi) }

    /// Folds photons cm⁻² s⁻¹ per energy bin into counts per channel.
    func fold(_ flux: UnsafePointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) {
        for c in 0..<counts.count { counts[c] = 0 }
        for e in 0..<lo.count {
            let photons = flux[e] * area[e] * exposure
            let row = weights[e]
            let c0 = firstChannel[e]
            for j in 0..<row.count { counts[c0 + j] += photons * row[j] }
        }
    }

    func fold(_ flux: [Double]) -> [Double] {
        var counts = [Double](repeating: 0, count: channelCount)
        flux.withUnsafeBufferPointer { f in counts.withUnsafeMutableBufferPointer { fold(f.baseAddress!, into: $0) } }
        return counts
    }
}

/// Photon flux of K·E^−Γ integrated over [lo, hi] [photons cm⁻² s⁻¹].
func powerLawFlux(lo: Double, hi: Double, index: Double, norm: Double) -> Double {
    if abs(index - 1) < 1e-12 { return norm * Foundation.log(hi / lo) }
    return norm * (Foundation.pow(lo, 1 - index) - Foundation.pow(hi, 1 - index)) / (index - 1)
}

/// Photon flux of a Gaussian line of total K photons cm⁻² s⁻¹ at E₀ with width σ in [lo, hi].
func gaussianLineFlux(lo: Double, hi: Double, energy: Double, sigma: Double, norm: Double) -> Double {
    let s = sigma * 2.0.squareRoot()
    return norm * 0.5 * (erfc((lo - energy) / s) - erfc((hi - energy) / s))
}

/// Toy spectral models, parameters in XSPEC-like order.
enum ToySpectrum: Sendable {
    /// [PhoIndex, norm]
    case powerLaw
    /// [PhoIndex, norm, LineE, Sigma, lineNorm]
    case powerLawPlusLine
    /// [nH, PhoIndex, norm]: a smooth toy absorption exp(−nH·(E/1 keV)^−2.5), not a real cross section.
    case absorbedPowerLaw
    /// [norm1, norm2]: two fixed shapes (E^−1.5 and E^−2.5), linear in the parameters.
    case linearTwoShapes

    func flux(_ p: UnsafeBufferPointer<Double>, lo: [Double], hi: [Double], into out: UnsafeMutablePointer<Double>) {
        for e in 0..<lo.count {
            switch self {
            case .powerLaw:
                out[e] = powerLawFlux(lo: lo[e], hi: hi[e], index: p[0], norm: p[1])
            case .powerLawPlusLine:
                out[e] = powerLawFlux(lo: lo[e], hi: hi[e], index: p[0], norm: p[1])
                    + gaussianLineFlux(lo: lo[e], hi: hi[e], energy: p[2], sigma: p[3], norm: p[4])
            case .absorbedPowerLaw:
                let mid = 0.5 * (lo[e] + hi[e])
                out[e] = Foundation.exp(-p[0] * Foundation.pow(mid, -2.5)) * powerLawFlux(lo: lo[e], hi: hi[e], index: p[1], norm: p[2])
            case .linearTwoShapes:
                out[e] = powerLawFlux(lo: lo[e], hi: hi[e], index: 1.5, norm: p[0]) + powerLawFlux(lo: lo[e], hi: hi[e], index: 2.5, norm: p[1])
            }
        }
    }
}

/// A ``CountsModel`` made of a toy spectrum and a toy instrument, with its own scratch.
struct ToyCountsModel: CountsModel {
    let spectrum: ToySpectrum
    let instrument: ToyInstrument
    var flux: [Double]
    /// Optional hook to corrupt the output (NaN tests).
    var corrupt: (@Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void)?

    init(_ spectrum: ToySpectrum, _ instrument: ToyInstrument,
         corrupt: (@Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void)? = nil) {
        self.spectrum = spectrum
        self.instrument = instrument
        flux = [Double](repeating: 0, count: instrument.lo.count)
        self.corrupt = corrupt
    }

    var channelCount: Int { instrument.channelCount }

    mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) throws {
        let spectrum = self.spectrum, instrument = self.instrument
        flux.withUnsafeMutableBufferPointer { f in
            spectrum.flux(parameters, lo: instrument.lo, hi: instrument.hi, into: f.baseAddress!)
            instrument.fold(f.baseAddress!, into: counts)
        }
        try corrupt?(parameters, counts)
    }

    /// Expected counts for `values`.
    func expected(_ values: [Double]) -> [Double] {
        var copy = self
        var out = [Double](repeating: 0, count: channelCount)
        values.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { try! copy.predict(parameters: v, into: $0) } }
        return out
    }
}

/// Poisson draws of `means` with the stream of (seed, sample).
func poissonSpectrum(_ means: [Double], seed: UInt64, sample: UInt64, purpose: StreamPurpose = .sourceCounts) -> [Double] {
    var stream = RandomStream(seed: seed, purpose: purpose, index: sample)
    return means.map { Double(stream.poisson(mean: $0)) }
}

/// Standard parameter sets.
enum ToyParameters {
    static func powerLaw(index: Double = 1.8, norm: Double = 1e-2) -> [FitParameter] {
        [FitParameter(name: "powerlaw.PhoIndex", value: index, hardMin: -3, hardMax: 10, softMin: -2, softMax: 9),
         FitParameter(name: "powerlaw.norm", value: norm, hardMin: 0, hardMax: 1e24, softMin: 0, softMax: 1e24)]
    }

    static func powerLawPlusLine(index: Double = 1.8, norm: Double = 1e-2, lineEnergy: Double = 6.4,
                                 sigma: Double = 0.1, lineNorm: Double = 1e-3) -> [FitParameter] {
        powerLaw(index: index, norm: norm) + [
            FitParameter(name: "gaussian.LineE", value: lineEnergy, hardMin: 0, hardMax: 1e6, softMin: 0, softMax: 1e6),
            FitParameter(name: "gaussian.Sigma", value: sigma, hardMin: 0, hardMax: 20, softMin: 0, softMax: 10, isFrozen: true),
            FitParameter(name: "gaussian.norm", value: lineNorm, hardMin: 0, hardMax: 1e24, softMin: 0, softMax: 1e24),
        ]
    }
}
