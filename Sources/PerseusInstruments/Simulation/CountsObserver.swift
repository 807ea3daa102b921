import PerseusCore
import PerseusIO

/// What a simulation needs from an instrument: the energy grid models are evaluated on, the
/// output channels, and the folding of a photon spectrum into expected counts.
///
/// Conformers must be thread-safe (`expectedCounts` is called from several threads at once)
/// and allocate nothing per call in the hot path.
public protocol CountsObserver: Sendable {
    /// Energy bins on which source models are evaluated [keV].
    var modelGrid: EnergyGrid { get }
    /// Output channels (numbers and energy bounds) after binning and band selection.
    var outputChannels: DatasetChannels { get }
    /// Expected counts per output channel for `photonFlux` (photons cm⁻² s⁻¹ in each model bin)
    /// observed for `exposure` seconds.
    func expectedCounts(photonFlux: UnsafeBufferPointer<Double>, exposure: Double,
                        into counts: UnsafeMutableBufferPointer<Double>)
    /// The same for `spectra` photon spectra stored one after another (spectrum s at offset
    /// s · modelGrid.count), writing spectrum s's counts at offset s · outputChannels.count.
    /// Implementations fold many spectra at once (matrix products) where that is faster.
    func expectedCounts(photonFluxes: UnsafeBufferPointer<Double>, spectra: Int, exposure: Double,
                        into counts: UnsafeMutableBufferPointer<Double>)
}

extension CountsObserver {
    public func expectedCounts(photonFluxes: UnsafeBufferPointer<Double>, spectra: Int, exposure: Double,
                               into counts: UnsafeMutableBufferPointer<Double>) {
        let bins = modelGrid.count, channels = outputChannels.count
        for s in 0..<spectra {
            expectedCounts(photonFlux: UnsafeBufferPointer(rebasing: photonFluxes[(s * bins)..<((s + 1) * bins)]),
                           exposure: exposure,
                           into: UnsafeMutableBufferPointer(rebasing: counts[(s * channels)..<((s + 1) * channels)]))
        }
    }
}
