import Foundation
import PerseusCore

extension AncillaryResponse {
    /// Reads an OGIP ARF (CAL/GEN/92-002 §4) and checks its energy grid (increasing, positive
    /// widths, no overlaps) and areas (finite, ≥ 0).
    ///
    /// - Parameters:
    ///   - grid: when given, the ARF is read onto this grid (normally the matrix's
    ///     `energies`) instead of its own: its bin count, and its edges if `agreement` says so,
    ///     are checked against `grid`, and its own edges need not form a valid grid.
    ///   - agreement: how closely the ARF's edges must match `grid`.
    /// - Throws: `FITSError` for container problems; `OGIPError` for an invalid grid, invalid
    ///   areas, a grid that does not agree with `grid`, or a type II ARF.
    public static func read(_ path: String, onGrid grid: EnergyGrid? = nil, gridName: String = "the response matrix",
                            agreement: EnergyGridAgreement = .standard) throws -> AncillaryResponse {
        let file = try FITSFile.open(path)
        try file.moveToExtension(OGIPConventions.effectiveAreaDescription, where: OGIPConventions.isEffectiveArea)
        let hdu = file.currentHDUName
        let areaColumn = try file.column("SPECRESP")
        guard !areaColumn.isVariableLength, areaColumn.repeatCount == 1 else {
            throw OGIPError.unsupported(file: path, hdu: hdu, feature: "a type II ARF (several ARFs in vector SPECRESP cells)")
        }
        let energies: EnergyGrid
        if let grid {
            let lo: [Double] = try file.readScalars("ENERG_LO")
            let hi: [Double] = try file.readScalars("ENERG_HI")
            try agreement.check(lo: lo, hi: hi, of: path, against: grid, named: gridName)
            energies = grid
        } else {
            energies = try OGIPConventions.readGrid(file, lower: "ENERG_LO", upper: "ENERG_HI")
        }
        let area: [Double] = try file.readScalars("SPECRESP")
        guard area.count == energies.count else {
            throw OGIPError.inconsistent(file: path, hdu: hdu, problem: "\(area.count) SPECRESP rows for \(energies.count) energy bins")
        }
        if let bad = area.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw OGIPError.invalidValue(file: path, hdu: hdu, field: "SPECRESP", row: bad + 1, value: area[bad], expected: "a finite effective area ≥ 0 cm²")
        }
        var result = try AncillaryResponse(energies: energies, effectiveArea: area, identity: try InstrumentIdentity.read(from: file))
        result.source = path
        try file.close()
        return result
    }

    /// Writes the ARF (CAL/GEN/92-002 §4: SPECRESP extension, HDUCLAS1 = 'RESPONSE',
    /// HDUCLAS2 = 'SPECRESP', HDUVERS 1.1.0; ENERG_LO, ENERG_HI [keV], SPECRESP [cm²]) through
    /// `AtomicOutput`. Columns are 4-byte reals when that is exact, 8-byte otherwise.
    /// - Throws: `OutputError` if the file exists and `overwrite` is false; `FITSError`.
    public func write(to path: String, overwrite: Bool = false) throws {
        try OGIPConventions.writeFile(path, overwrite: overwrite, identity: identity) { file in
            let energyFormat = "1" + OGIPConventions.realFormat(energies.lo + energies.hi)
            try file.createBinaryTable(named: "SPECRESP", rows: energies.count, columns: [
                FITSColumnFormat("ENERG_LO", energyFormat, unit: "keV"),
                FITSColumnFormat("ENERG_HI", energyFormat, unit: "keV"),
                FITSColumnFormat("SPECRESP", "1" + OGIPConventions.realFormat(effectiveArea), unit: "cm**2"),
            ])
            try file.write(energies.lo, column: "ENERG_LO")
            try file.write(energies.hi, column: "ENERG_HI")
            try file.write(effectiveArea, column: "SPECRESP")
            try OGIPConventions.writeClassification(file, classes: ["RESPONSE", "SPECRESP"], version: "1.1.0")
            try identity.write(to: file)
            try file.writeKeyword("ARFVERSN", .string("1992a"), comment: "OGIP classification of FITS format")
            try file.writeChecksum()
        }
    }
}
