import Foundation
import PerseusCore
import PerseusIO

/// A redistribution matrix whose line-spread function is a Gaussian of fixed FWHM, for an
/// instrument without a real RMF (XRISM Resolve here).
///
/// Channel k covers [k·w, (k+1)·w] keV (w the channel width) and is numbered k, as Resolve's PI
/// channels are. A photon arriving uniformly within energy bin [e₁, e₂] lands in channel [c₁, c₂]
/// with probability
///
///     P = σ / (e₂ − e₁) · { [G((c₂−e₁)/σ) − G((c₂−e₂)/σ)] − [G((c₁−e₁)/σ) − G((c₁−e₂)/σ)] },
///
/// where G(x) = x Φ(x) + φ(x) is the integral of the standard normal distribution function Φ
/// (φ its density) and σ = FWHM / (2 √(2 ln 2)): the exact average over the bin of the Gaussian
/// probability of the channel. Only channels within 8σ of the bin are filled (the probability
/// beyond is below 1e-15). There is no low-energy tail, escape peak or electron-loss continuum: a
/// pure Gaussian core, which is what the real detector has at the ~95% level.
enum GaussianRedistribution {
    /// Builds the matrix for `energies` [keV] onto the channels whose bounds lie inside `range`.
    /// - Throws: `InstrumentError.invalidDefinition` for a non-positive FWHM or channel width or
    ///   a range with no channel.
    static func matrix(energies: EnergyGrid, fwhm: Double, channelWidth: Double, range: ClosedRange<Double>,
                       identity: InstrumentIdentity, origin: String) throws(InstrumentError) -> ResponseMatrix {
        guard fwhm.isFinite, fwhm > 0, channelWidth.isFinite, channelWidth > 0 else {
            throw .invalidDefinition(origin: origin, line: nil, key: "response.rmf.gaussian",
                                     message: "fwhm and channel_width must be positive keV values, got \(fwhm) and \(channelWidth)")
        }
        let firstChannel = Int((range.lowerBound / channelWidth - 1e-9).rounded(.up))
        let endChannel = Int((range.upperBound / channelWidth + 1e-9).rounded(.down))   // exclusive
        guard endChannel > firstChannel, firstChannel >= 0 else {
            throw .invalidDefinition(origin: origin, line: nil, key: "response.rmf.gaussian.range",
                                     message: "no channel of width \(channelWidth) keV lies inside \(range.lowerBound)–\(range.upperBound) keV")
        }
        let channelCount = endChannel - firstChannel
        let sigma = fwhm / (2 * (2 * log(2.0)).squareRoot())
        let reach = 8 * sigma
        func g(_ x: Double) -> Double {
            x * 0.5 * erfc(-x / 2.0.squareRoot()) + exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        }
        var starts: [Int32] = [0], runs: [ChannelRun] = [], values: [Float] = []
        for row in 0..<energies.count {
            let e1 = energies.lo[row], e2 = energies.hi[row]
            let lo = max(firstChannel, Int(((e1 - reach) / channelWidth).rounded(.down)))
            let hi = min(endChannel - 1, Int(((e2 + reach) / channelWidth).rounded(.down)))
            if hi >= lo {
                var row: [Float] = []
                for k in lo...hi {
                    let c1 = Double(k) * channelWidth, c2 = Double(k + 1) * channelWidth
                    let p = sigma / (e2 - e1) * ((g((c2 - e1) / sigma) - g((c2 - e2) / sigma)) - (g((c1 - e1) / sigma) - g((c1 - e2) / sigma)))
                    row.append(Float(max(0, p)))
                }
                var a = 0, b = row.count
                while a < b, row[a] < 1e-15 { a += 1 }
                while b > a, row[b - 1] < 1e-15 { b -= 1 }
                if b > a {
                    runs.append(ChannelRun(channel: Int32(lo + a - firstChannel), count: Int32(b - a), valueOffset: Int32(values.count)))
                    values.append(contentsOf: row[a..<b])
                }
            }
            starts.append(Int32(runs.count))
        }
        do {
            let bounds = try EnergyGrid(lo: (0..<channelCount).map { Double(firstChannel + $0) * channelWidth },
                                        hi: (0..<channelCount).map { Double(firstChannel + $0 + 1) * channelWidth })
            var matrix = try ResponseMatrix(energies: energies, channelEnergies: bounds, firstChannel: firstChannel,
                                            rowRunStarts: starts, runs: runs, values: values, identity: identity,
                                            channelType: "PI", threshold: 1e-15)
            matrix.source = "Gaussian line-spread function, FWHM \(fwhm * 1000) eV"
            return matrix
        } catch {
            throw .invalidDefinition(origin: origin, line: nil, key: "response.rmf.gaussian", message: "\(error)")
        }
    }
}
