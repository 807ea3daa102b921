import Foundation
import PerseusCore

/// An OGIP ancillary response (ARF): the effective area [cm²] of each photon energy bin.
///
/// Format: OGIP Calibration Memo CAL/GEN/92-002 §4 and addendum 92-002a: a `SPECRESP` binary
/// table (HDUCLAS1 = 'RESPONSE', HDUCLAS2 = 'SPECRESP') with columns ENERG_LO, ENERG_HI [keV]
/// and SPECRESP [cm²], one row per energy bin. Only the single-ARF form (type I) is read; a
/// type II ARF (vector SPECRESP, one ARF per row) is reported as unsupported.
public struct AncillaryResponse: Sendable {
    /// Photon energy bins [keV].
    public let energies: EnergyGrid
    /// Effective area in each energy bin [cm²].
    public let effectiveArea: [Double]
    /// Mission and instrument keywords.
    public var identity: InstrumentIdentity
    /// The file it was read from, if any (not part of equality).
    public var source: String?

    /// Creates an ARF, checking that there is one finite, non-negative area per energy bin.
    public init(energies: EnergyGrid, effectiveArea: [Double], identity: InstrumentIdentity = InstrumentIdentity()) throws(OGIPError) {
        guard effectiveArea.count == energies.count else {
            throw .invalidData(what: "ancillary response", problem: "\(effectiveArea.count) areas for \(energies.count) energy bins")
        }
        if let bad = effectiveArea.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw .invalidData(what: "ancillary response", problem: "effective area of bin \(bad) is \(effectiveArea[bad]) cm²; expected a finite value ≥ 0")
        }
        self.energies = energies
        self.effectiveArea = effectiveArea
        self.identity = identity
    }
}

extension AncillaryResponse: Equatable {
    /// Equal when grids, areas and keywords are equal; `source` is ignored.
    public static func == (a: AncillaryResponse, b: AncillaryResponse) -> Bool {
        a.energies == b.energies && a.effectiveArea == b.effectiveArea && a.identity == b.identity
    }
}

/// How closely the energy bins of an ARF must agree with those of the matrix it is used with.
public enum EnergyGridAgreement: Sendable, Equatable {
    /// Same number of bins and every edge equal within `relativeTolerance` of the bin's upper
    /// edge. The default, 1e-5, accepts float32 rounding of edges computed differently.
    case edges(relativeTolerance: Double)
    /// Same number of bins only: the ARF's own edges are not compared, and its values are
    /// taken bin by bin on the matrix's grid. This is all XSPEC checks; use it, knowingly, for
    /// ARFs whose stored edges are degenerate (e.g. the NuSTAR background `be.arf`, whose
    /// edges were rounded to 0.1 keV and clipped at 165 keV).
    case binCount

    /// The default agreement: edges within 1e-5.
    public static let standard = EnergyGridAgreement.edges(relativeTolerance: 1e-5)

    /// Checks `grid` (of `name`) against `reference` (of `referenceName`).
    /// - Throws: `OGIPError.mismatchedEnergyGrids` naming the first disagreement.
    func check(lo: [Double], hi: [Double], of name: String, against reference: EnergyGrid, named referenceName: String) throws(OGIPError) {
        guard lo.count == reference.count else {
            throw .mismatchedEnergyGrids(matrix: referenceName, ancillary: name,
                problem: "\(name) has \(lo.count) energy bins but \(referenceName) has \(reference.count)")
        }
        guard case let .edges(tolerance) = self else { return }
        for i in 0..<lo.count {
            let scale = max(abs(reference.hi[i]), 1e-12)
            if abs(lo[i] - reference.lo[i]) > tolerance * scale || abs(hi[i] - reference.hi[i]) > tolerance * scale {
                throw .mismatchedEnergyGrids(matrix: referenceName, ancillary: name,
                    problem: "energy bin \(i) (row \(i + 1)) is \(lo[i])–\(hi[i]) keV in \(name) but \(reference.lo[i])–\(reference.hi[i]) keV in \(referenceName) (relative tolerance \(tolerance))")
            }
        }
    }
}
