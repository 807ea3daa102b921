import Foundation
import PerseusCore

extension ResponseMatrix {
    /// Writes the matrix as an OGIP RMF (CAL/GEN/92-002, HDUVERS 1.3.0 of the matrix
    /// extension) in the variable-length form, through `AtomicOutput`.
    ///
    /// Layout: an empty primary HDU; `MATRIX` (or `SPECRESP MATRIX` for an RSP) with
    /// ENERG_LO/ENERG_HI [keV], N_GRP ('I'), F_CHAN and N_CHAN ('PJ' variable-length, one
    /// entry per channel run) and MATRIX ('PE' variable-length), and the keywords HDUCLASS,
    /// HDUCLAS1 = 'RESPONSE', HDUCLAS2 = 'RSP_MATRIX', HDUCLAS3 = 'REDIST' or 'FULL', HDUVERS,
    /// TELESCOP, INSTRUME, FILTER, CHANTYPE, DETCHANS, LO_THRES, TLMIN4/TLMAX4 (first and
    /// last channel); then `EBOUNDS` with CHANNEL, E_MIN, E_MAX [keV]. Energies are written as
    /// 4-byte reals when that is exact (always for grids read from OGIP files), otherwise as
    /// 8-byte reals. Every HDU gets CHECKSUM/DATASUM.
    ///
    /// - Throws: `OutputError` if the file exists and `overwrite` is false; `FITSError` if
    ///   writing fails (the partial file is removed).
    public func write(to path: String, overwrite: Bool = false) throws {
        try OGIPConventions.writeFile(path, overwrite: overwrite, identity: identity) { file in
            try writeMatrix(to: file)
            try writeChannelBounds(to: file)
        }
    }

    private func writeMatrix(to file: FITSFile) throws {
        var groupCounts: [Int32] = []
        var channelStarts: [Int32] = [], channelCounts: [Int32] = [], groupStarts: [Int] = [0]
        var rowValues: [Float] = [], valueStarts: [Int] = [0]
        rowValues.reserveCapacity(values.count)
        for row in 0..<energyCount {
            let rowRuns = runs(ofRow: row)
            groupCounts.append(Int32(rowRuns.count))
            for run in rowRuns {
                channelStarts.append(run.channel + Int32(firstChannel))
                channelCounts.append(run.count)
                rowValues.append(contentsOf: values[Int(run.valueOffset)..<Int(run.valueOffset + run.count)])
            }
            groupStarts.append(channelStarts.count)
            valueStarts.append(rowValues.count)
        }
        let maxGroups = max(1, groupCounts.max() ?? 1)
        let maxValues = max(1, (0..<energyCount).map { valueStarts[$0 + 1] - valueStarts[$0] }.max() ?? 1)
        let energyFormat = "1" + OGIPConventions.realFormat(energies.lo + energies.hi)
        let name = isFullResponse ? "SPECRESP MATRIX" : "MATRIX"
        try file.createBinaryTable(named: name, rows: energyCount, columns: [
            FITSColumnFormat("ENERG_LO", energyFormat, unit: "keV"),
            FITSColumnFormat("ENERG_HI", energyFormat, unit: "keV"),
            FITSColumnFormat("N_GRP", maxGroups <= Int(Int16.max) ? "1I" : "1J"),
            FITSColumnFormat("F_CHAN", "1PJ(\(maxGroups))"),
            FITSColumnFormat("N_CHAN", "1PJ(\(maxGroups))"),
            FITSColumnFormat("MATRIX", "1PE(\(maxValues))", unit: isFullResponse ? "cm**2" : nil),
        ])
        try file.write(energies.lo, column: "ENERG_LO")
        try file.write(energies.hi, column: "ENERG_HI")
        try file.write(groupCounts, column: "N_GRP")
        try file.writeVariableCells(FITSCells(values: channelStarts, starts: groupStarts), column: "F_CHAN")
        try file.writeVariableCells(FITSCells(values: channelCounts, starts: groupStarts), column: "N_CHAN")
        try file.writeVariableCells(FITSCells(values: rowValues, starts: valueStarts), column: "MATRIX")
        try OGIPConventions.writeClassification(file, classes: ["RESPONSE", "RSP_MATRIX", isFullResponse ? "FULL" : "REDIST"], version: "1.3.0")
        try identity.write(to: file)
        try file.writeKeyword("CHANTYPE", .string(channelType ?? "PI"), comment: "channel type (PHA or PI)")
        try file.writeKeyword("DETCHANS", .integer(channelCount), comment: "total number of detector channels")
        try file.writeKeyword("LO_THRES", .real(threshold ?? 0), comment: "lower threshold used to construct the matrix")
        try file.writeKeyword("TLMIN4", .integer(firstChannel), comment: "first legal channel number")
        try file.writeKeyword("TLMAX4", .integer(firstChannel + channelCount - 1), comment: "last legal channel number")
        try file.writeKeyword("RMFVERSN", .string("1992a"), comment: "OGIP classification of FITS format")
        try file.writeChecksum()
    }

    private func writeChannelBounds(to file: FITSFile) throws {
        let energyFormat = "1" + OGIPConventions.realFormat(channelEnergies.lo + channelEnergies.hi)
        try file.createBinaryTable(named: "EBOUNDS", rows: channelCount, columns: [
            FITSColumnFormat("CHANNEL", "1J"),
            FITSColumnFormat("E_MIN", energyFormat, unit: "keV"),
            FITSColumnFormat("E_MAX", energyFormat, unit: "keV"),
        ])
        try file.write((0..<channelCount).map { Int32(firstChannel + $0) }, column: "CHANNEL")
        try file.write(channelEnergies.lo, column: "E_MIN")
        try file.write(channelEnergies.hi, column: "E_MAX")
        try OGIPConventions.writeClassification(file, classes: ["RESPONSE", "EBOUNDS"], version: "1.2.0")
        try identity.write(to: file)
        try file.writeKeyword("CHANTYPE", .string(channelType ?? "PI"), comment: "channel type (PHA or PI)")
        try file.writeKeyword("DETCHANS", .integer(channelCount), comment: "total number of detector channels")
        try file.writeKeyword("TLMIN1", .integer(firstChannel), comment: "first legal channel number")
        try file.writeKeyword("TLMAX1", .integer(firstChannel + channelCount - 1), comment: "last legal channel number")
        try file.writeChecksum()
    }
}
