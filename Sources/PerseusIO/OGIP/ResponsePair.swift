import Foundation
import PerseusCore

/// A response matrix together with the ARF it is used with, checked to share one energy grid.
///
/// This is XSPEC's `response` + `arf` pairing, made strict: XSPEC only compares the number of
/// energy bins; Perseus also compares the edges (see `EnergyGridAgreement`). For example the
/// Hitomi SXS 5 eV pre-launch RMF (16384 bins of 1 eV) and the SXS point-source ARF (32768
/// bins of 0.5 eV) are refused with an error naming both files and both bin counts.
///
/// Expected counts (DESIGN.md): `counts = RMF · (flux × ARF × exposure)`. Without an ARF the
/// matrix is used alone, as XSPEC does: correct for an RSP (cm² already inside), and an
/// effective area of 1 cm² for a bare RMF.
public struct ResponsePair: Sendable, Equatable {
    public let matrix: ResponseMatrix
    public let ancillary: AncillaryResponse?

    /// Pairs `matrix` with `ancillary`.
    /// - Throws: `OGIPError.mismatchedEnergyGrids` naming both sources, the bin counts or the
    ///   first bin whose edges differ.
    public init(matrix: ResponseMatrix, ancillary: AncillaryResponse?, agreement: EnergyGridAgreement = .standard) throws(OGIPError) {
        if let ancillary {
            try agreement.check(lo: ancillary.energies.lo, hi: ancillary.energies.hi, of: ancillary.source ?? "the ARF",
                                against: matrix.energies, named: matrix.source ?? "the response matrix")
        }
        self.matrix = matrix
        self.ancillary = ancillary
    }

    /// Reads and pairs an RMF (or RSP) file and, optionally, an ARF file.
    public static func read(matrix matrixPath: String, ancillary ancillaryPath: String?,
                            agreement: EnergyGridAgreement = .standard) throws -> ResponsePair {
        let matrix = try ResponseMatrix.read(matrixPath)
        let ancillary = try ancillaryPath.map { try AncillaryResponse.read($0) }
        return try ResponsePair(matrix: matrix, ancillary: ancillary, agreement: agreement)
    }

    /// Expected counts per channel for a photon flux [photons cm⁻² s⁻¹ in each energy bin]
    /// observed for `exposure` seconds.
    /// - Throws: `OGIPError.invalidData` for a flux of the wrong length or a negative or
    ///   non-finite exposure.
    public func expectedCounts(photonFlux: [Double], exposure: Double) throws(OGIPError) -> [Double] {
        guard exposure.isFinite, exposure >= 0 else {
            throw .invalidData(what: "expected counts", problem: "exposure is \(exposure) s; expected a finite value ≥ 0")
        }
        guard photonFlux.count == matrix.energyCount else {
            throw .invalidData(what: "expected counts", problem: "\(photonFlux.count) flux bins given; the response has \(matrix.energyCount) energy bins")
        }
        var photons = photonFlux
        if let area = ancillary?.effectiveArea {
            for i in photons.indices { photons[i] *= area[i] * exposure }
        } else {
            for i in photons.indices { photons[i] *= exposure }
        }
        return try matrix.fold(photons)
    }
}
