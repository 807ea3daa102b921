import Foundation
import PerseusCore

extension ResponseMatrix {
    /// Reads an OGIP RMF or RSP file (CAL/GEN/92-002, 92-002a).
    ///
    /// Accepted: the matrix extension named 'MATRIX' or 'SPECRESP MATRIX' (or classified
    /// HDUCLAS2 = 'RSP_MATRIX'); F_CHAN/N_CHAN as scalars, fixed-length vectors (unused
    /// trailing entries ignored, as in the Hitomi SXS 5 eV RMF) or variable-length arrays;
    /// MATRIX fixed-length (padding after the last group ignored) or variable-length (its
    /// length must equal Σ N_CHAN); several groups per row; rows with N_GRP = 0; 2- or 4-byte
    /// channel numbers; TSCAL/TZERO (applied by cfitsio).
    ///
    /// Channel numbering: TLMIN of the F_CHAN column gives the first channel (1 when absent,
    /// per CAL/GEN/92-002a); DETCHANS gives the number of channels, and when TLMAX is present
    /// it must equal TLMIN + DETCHANS − 1. EBOUNDS must list exactly those channels in order.
    ///
    /// Checked, each failure an error naming file, extension, row and field: energy grids
    /// (increasing, positive widths, no overlaps), matrix values (finite, ≥ 0), channel runs
    /// inside the legal channels, groups consistent with N_GRP, matrix lengths consistent with
    /// N_CHAN, and the RSP/RMF classification (`ResponseNormalisation`). A file with several
    /// matrix extensions (allowed since the memo's 2020 revision) is reported as unsupported.
    ///
    /// - Throws: `FITSError` for container problems, `OGIPError` for content problems.
    public static func read(_ path: String) throws -> ResponseMatrix {
        let file = try FITSFile.open(path)
        let summaries = try file.hduSummaries()
        let matrices = summaries.filter(OGIPConventions.isMatrix)
        guard let matrixHDU = matrices.first else {
            throw FITSError.missingExtension(file: path, expected: OGIPConventions.matrixDescription,
                                             present: summaries.dropFirst().map(\.label))
        }
        guard matrices.count == 1 else {
            throw OGIPError.unsupported(file: path, hdu: matrices[1].label,
                                        feature: "an RMF with \(matrices.count) matrix extensions (CAL/GEN/92-002, 2020 revision)")
        }
        try file.moveTo(hdu: matrixHDU.number)
        let hdu = file.currentHDUName

        let channelCount = try file.int("DETCHANS")
        guard channelCount >= 1 else {
            throw FITSError.invalidKeyword(file: path, hdu: hdu, keyword: "DETCHANS", value: "\(channelCount)", expected: "≥ 1")
        }
        let firstChannelColumn = try file.column("F_CHAN")
        let firstChannel = try file.optionalInt("TLMIN\(firstChannelColumn.number)") ?? 1
        if let last = try file.optionalInt("TLMAX\(firstChannelColumn.number)"), last - firstChannel + 1 != channelCount {
            throw OGIPError.inconsistent(file: path, hdu: hdu, problem: "TLMIN\(firstChannelColumn.number) = \(firstChannel) and TLMAX\(firstChannelColumn.number) = \(last) give \(last - firstChannel + 1) channels but DETCHANS = \(channelCount)")
        }
        let energies = try OGIPConventions.readGrid(file, lower: "ENERG_LO", upper: "ENERG_HI")
        let groupCounts: [Int32] = try file.readScalars("N_GRP")
        let firstChannels: FITSCells<Int32> = try file.readCells("F_CHAN")
        let channelCounts: FITSCells<Int32> = try file.readCells("N_CHAN")
        let matrixColumn = try file.column("MATRIX")
        let matrix: FITSCells<Float> = try file.readCells("MATRIX")

        var rowRunStarts: [Int32] = [0]
        rowRunStarts.reserveCapacity(energies.count + 1)
        var runs: [ChannelRun] = []
        var values: [Float] = []
        values.reserveCapacity(matrix.values.count)
        let legal = firstChannel...(firstChannel + channelCount - 1)
        try matrix.values.withUnsafeBufferPointer { matrixValues in
            for row in 0..<energies.count {
                let groups = Int(groupCounts[row])
                guard groups >= 0 else {
                    throw OGIPError.invalidValue(file: path, hdu: hdu, field: "N_GRP", row: row + 1, value: Double(groups), expected: "≥ 0")
                }
                guard firstChannels.count(row) >= groups, channelCounts.count(row) >= groups else {
                    throw OGIPError.inconsistentRow(file: path, hdu: hdu, row: row + 1,
                        problem: "N_GRP = \(groups) but F_CHAN holds \(firstChannels.count(row)) and N_CHAN \(channelCounts.count(row)) entries")
                }
                let matrixStart = matrix.starts[row], matrixCount = matrix.count(row)
                var used = 0
                for group in 0..<groups {
                    let first = Int(firstChannels.values[firstChannels.starts[row] + group])
                    let count = Int(channelCounts.values[channelCounts.starts[row] + group])
                    guard count >= 0 else {
                        throw OGIPError.invalidValue(file: path, hdu: hdu, field: "N_CHAN (group \(group + 1))", row: row + 1, value: Double(count), expected: "≥ 0")
                    }
                    if count == 0 { continue }
                    guard first >= legal.lowerBound, first + count - 1 <= legal.upperBound else {
                        throw OGIPError.channelRunOutOfRange(file: path, hdu: hdu, row: row + 1, group: group + 1,
                                                             firstChannel: first, count: count, legal: legal)
                    }
                    guard used + count <= matrixCount else {
                        throw OGIPError.inconsistentRow(file: path, hdu: hdu, row: row + 1,
                            problem: "N_CHAN of groups 1…\(group + 1) adds up to \(used + count) channels but MATRIX holds \(matrixCount) values")
                    }
                    let start = matrixStart + used
                    for k in 0..<count {
                        let value = matrixValues[start + k]
                        guard value.isFinite, value >= 0 else {
                            throw OGIPError.invalidValue(file: path, hdu: hdu, field: "MATRIX (channel \(first + k))", row: row + 1,
                                                         value: Double(value), expected: "a finite value ≥ 0")
                        }
                    }
                    runs.append(ChannelRun(channel: Int32(first - firstChannel), count: Int32(count), valueOffset: Int32(values.count)))
                    values.append(contentsOf: matrixValues[start..<(start + count)])
                    used += count
                }
                if matrixColumn.isVariableLength, used != matrixCount {
                    throw OGIPError.inconsistentRow(file: path, hdu: hdu, row: row + 1,
                        problem: "N_CHAN adds up to \(used) channels but the variable-length MATRIX cell holds \(matrixCount) values")
                }
                rowRunStarts.append(Int32(runs.count))
            }
        }

        let identity = try InstrumentIdentity.read(from: file)
        let channelType = try file.optionalString("CHANTYPE")
        let threshold = try file.optionalDouble("LO_THRES")
        let channelEnergies = try readChannelBounds(file, summaries: summaries, channelCount: channelCount, firstChannel: firstChannel)

        // Classify as RMF or RSP (ResponseNormalisation), refusing contradictory files.
        var largest = 0.0, largestRow = 0
        for row in 0..<energies.count {
            var sum = 0.0
            for r in Int(rowRunStarts[row])..<Int(rowRunStarts[row + 1]) {
                let run = runs[r]
                for k in Int(run.valueOffset)..<Int(run.valueOffset + run.count) { sum += Double(values[k]) }
            }
            if sum > largest { largest = sum; largestRow = row }
        }
        guard let full = ResponseNormalisation.isFullResponse(hduClass3: matrixHDU.hduClass3, extensionName: matrixHDU.extensionName,
                                                              largestRowSum: largest) else {
            throw OGIPError.inconsistent(file: path, hdu: hdu,
                problem: "HDUCLAS3 = '\(matrixHDU.hduClass3 ?? "")' declares a redistribution matrix, whose rows sum to at most 1, but row \(largestRow + 1) sums to \(largest) (an RSP with the effective area folded in should say HDUCLAS3 = 'FULL')")
        }
        var result = try ResponseMatrix(energies: energies, channelEnergies: channelEnergies, firstChannel: firstChannel,
                                        rowRunStarts: rowRunStarts, runs: runs, values: values, isFullResponse: full,
                                        identity: identity, channelType: channelType, threshold: threshold)
        result.source = path
        try file.close()
        return result
    }

    /// Reads EBOUNDS and checks it against DETCHANS and the channel numbering of the matrix.
    private static func readChannelBounds(_ file: FITSFile, summaries: [FITSHDUSummary], channelCount: Int,
                                          firstChannel: Int) throws -> EnergyGrid {
        guard let bounds = summaries.first(where: OGIPConventions.isChannelBounds) else {
            throw FITSError.missingExtension(file: file.path, expected: OGIPConventions.channelBoundsDescription,
                                             present: summaries.dropFirst().map(\.label))
        }
        try file.moveTo(hdu: bounds.number)
        let hdu = file.currentHDUName
        if let declared = try file.optionalInt("DETCHANS"), declared != channelCount {
            throw OGIPError.inconsistent(file: file.path, hdu: hdu, problem: "DETCHANS = \(declared) but the matrix extension says \(channelCount)")
        }
        let channels: [Int64] = try file.readScalars("CHANNEL")
        guard channels.count == channelCount else {
            throw OGIPError.inconsistent(file: file.path, hdu: hdu, problem: "\(channels.count) channel rows but DETCHANS = \(channelCount)")
        }
        for (index, channel) in channels.enumerated() where channel != Int64(firstChannel + index) {
            throw OGIPError.inconsistent(file: file.path, hdu: hdu,
                problem: "CHANNEL in row \(index + 1) is \(channel); expected \(firstChannel + index) (channels numbered from \(firstChannel), the TLMIN of the matrix's F_CHAN column\(firstChannel == 1 ? " or its default 1" : ""))")
        }
        return try OGIPConventions.readGrid(file, lower: "E_MIN", upper: "E_MAX")
    }
}
