import Foundation
import PerseusCore

extension PHASpectrum {
    /// Writes the spectrum as a type I OGIP PHA file (OGIP/92-007, HDUVERS 1.2.1) through
    /// `AtomicOutput`, after `validate`.
    ///
    /// SPECTRUM extension, one row per channel: CHANNEL ('J'); COUNTS ('J' when every count
    /// is a whole number, as the memo specifies, otherwise 'D' so that expected counts are not
    /// rounded) or RATE [counts/s]; STAT_ERR, SYS_ERR, QUALITY ('I'), GROUPING ('I') when
    /// present, and BACKSCAL/AREASCAL columns when they vary by channel. Keywords: HDUCLASS =
    /// 'OGIP', HDUCLAS1 = 'SPECTRUM', HDUCLAS2 = kind, HDUCLAS3 = 'COUNT' | 'RATE', HDUCLAS4 =
    /// 'TYPE:I', HDUVERS = '1.2.1', TELESCOP, INSTRUME, FILTER, EXPOSURE, AREASCAL, BACKSCAL,
    /// CORRSCAL, BACKFILE, CORRFILE, RESPFILE, ANCRFILE ('NONE' when unset), POISSERR,
    /// CHANTYPE, DETCHANS, TLMIN1/TLMAX1, and SYS_ERR/QUALITY/GROUPING = 0 when those columns
    /// are absent. Reals are written as 4-byte reals when exact, 8-byte otherwise.
    ///
    /// - Throws: `OGIPError.invalidData` if the spectrum is invalid; `OutputError` if the file
    ///   exists and `overwrite` is false; `FITSError` if writing fails.
    public func write(to path: String, overwrite: Bool = false) throws {
        try validate(as: path)
        try OGIPConventions.writeFile(path, overwrite: overwrite, identity: identity) { file in
            var columns = [FITSColumnFormat("CHANNEL", "1J")]
            columns.append(dataFormat(repeatCount: 1))
            if let statisticalErrors { columns.append(FITSColumnFormat("STAT_ERR", "1" + OGIPConventions.realFormat(statisticalErrors), unit: unitOfValues)) }
            if let systematicErrors { columns.append(FITSColumnFormat("SYS_ERR", "1" + OGIPConventions.realFormat(systematicErrors))) }
            if quality != nil { columns.append(FITSColumnFormat("QUALITY", "1I")) }
            if grouping != nil { columns.append(FITSColumnFormat("GROUPING", "1I")) }
            if case let .perChannel(list) = areaScale { columns.append(FITSColumnFormat("AREASCAL", "1" + OGIPConventions.realFormat(list))) }
            if case let .perChannel(list) = backgroundScale { columns.append(FITSColumnFormat("BACKSCAL", "1" + OGIPConventions.realFormat(list))) }
            try file.createBinaryTable(named: "SPECTRUM", rows: channels.count, columns: columns)
            try file.write(channels.map { Int32($0) }, column: "CHANNEL")
            try writeValues(values.values, to: file)
            if let statisticalErrors { try file.write(statisticalErrors, column: "STAT_ERR") }
            if let systematicErrors { try file.write(systematicErrors, column: "SYS_ERR") }
            if let quality { try file.write(quality, column: "QUALITY") }
            if let grouping { try file.write(grouping, column: "GROUPING") }
            if case let .perChannel(list) = areaScale { try file.write(list, column: "AREASCAL") }
            if case let .perChannel(list) = backgroundScale { try file.write(list, column: "BACKSCAL") }

            try writeSharedKeywords(to: file, typeII: false, channelColumn: 1)
            try file.writeKeyword("EXPOSURE", .real(exposure), comment: "exposure time [s]")
            if case let .uniform(value) = areaScale { try file.writeKeyword("AREASCAL", .real(value), comment: "area scaling factor") }
            if case let .uniform(value) = backgroundScale { try file.writeKeyword("BACKSCAL", .real(value), comment: "background scaling factor") }
            try file.writeKeyword("CORRSCAL", .real(correctionScale), comment: "correction scaling factor")
            try file.writeKeyword("RESPFILE", .string(responseFile ?? "NONE"), comment: "redistribution matrix file (RMF)")
            try file.writeKeyword("ANCRFILE", .string(ancillaryFile ?? "NONE"), comment: "ancillary response file (ARF)")
            try file.writeKeyword("BACKFILE", .string(backgroundFile ?? "NONE"), comment: "background file")
            try file.writeKeyword("CORRFILE", .string(correctionFile ?? "NONE"), comment: "correction file")
            if systematicErrors == nil { try file.writeKeyword("SYS_ERR", .integer(0), comment: "no systematic error") }
            if quality == nil { try file.writeKeyword("QUALITY", .integer(0), comment: "all channels good") }
            if grouping == nil { try file.writeKeyword("GROUPING", .integer(0), comment: "no grouping") }
            try file.writeChecksum()
        }
    }

    /// Writes several spectra as one type II OGIP PHA file (OGIP/92-007 §3.2, 92-007a),
    /// one row per spectrum, through `AtomicOutput`.
    ///
    /// Columns: SPEC_NUM ('J'; the spectrum's `spectrumNumber`, else its position from 1),
    /// CHANNEL, COUNTS or RATE, and STAT_ERR, SYS_ERR, QUALITY, GROUPING when present, as
    /// vector columns of the common channel count; ROWID when any spectrum has one. EXPOSURE,
    /// BACKSCAL, AREASCAL, CORRSCAL, RESPFILE, ANCRFILE, BACKFILE and CORRFILE become columns
    /// when they differ between spectra (or, for the scales, vary by channel) and keywords when
    /// they are common, as the memo allows.
    ///
    /// - Throws: `OGIPError.invalidData` if a spectrum is invalid, or if the spectra disagree
    ///   on anything a type II file shares: channel count, COUNTS vs RATE, TELESCOP/INSTRUME/
    ///   FILTER/DETNAM, CHANTYPE, DETCHANS, first channel, HDUCLAS2, POISSERR, OBJECT, which of
    ///   STAT_ERR/SYS_ERR/QUALITY/GROUPING are present, and per-channel vs single scales.
    public static func writeTypeII(_ spectra: [PHASpectrum], to path: String, overwrite: Bool = false) throws {
        guard let first = spectra.first else {
            throw OGIPError.invalidData(what: path, problem: "no spectra to write")
        }
        for (index, spectrum) in spectra.enumerated() {
            try spectrum.validate(as: "\(path) spectrum \(index + 1)")
            func differs(_ what: String) -> OGIPError {
                .invalidData(what: path, problem: "spectrum \(index + 1) differs from spectrum 1 in \(what), which a type II file shares")
            }
            if spectrum.channels.count != first.channels.count { throw differs("its number of channels (\(spectrum.channels.count) vs \(first.channels.count))") }
            if spectrum.isRate != first.isRate { throw differs("COUNTS vs RATE") }
            if spectrum.identity != first.identity { throw differs("TELESCOP/INSTRUME/FILTER/DETNAM") }
            if spectrum.channelType != first.channelType { throw differs("CHANTYPE") }
            if spectrum.detectorChannels != first.detectorChannels { throw differs("DETCHANS") }
            if spectrum.firstChannel != first.firstChannel { throw differs("its first legal channel (TLMIN)") }
            if spectrum.kind != first.kind { throw differs("HDUCLAS2") }
            if spectrum.poissonErrors != first.poissonErrors { throw differs("POISSERR") }
            if spectrum.object != first.object { throw differs("OBJECT") }
            if (spectrum.statisticalErrors == nil) != (first.statisticalErrors == nil) { throw differs("having STAT_ERR") }
            if (spectrum.systematicErrors == nil) != (first.systematicErrors == nil) { throw differs("having SYS_ERR") }
            if (spectrum.quality == nil) != (first.quality == nil) { throw differs("having QUALITY") }
            if (spectrum.grouping == nil) != (first.grouping == nil) { throw differs("having GROUPING") }
            if spectrum.areaScale.isPerChannel != first.areaScale.isPerChannel { throw differs("per-channel vs single AREASCAL") }
            if spectrum.backgroundScale.isPerChannel != first.backgroundScale.isPerChannel { throw differs("per-channel vs single BACKSCAL") }
        }
        let n = first.channels.count
        func varies<T: Equatable>(_ value: (PHASpectrum) -> T) -> Bool { spectra.contains { value($0) != value(first) } }
        let exposureColumn = varies(\.exposure)
        let areaColumn = first.areaScale.isPerChannel || varies(\.areaScale)
        let backgroundColumn = first.backgroundScale.isPerChannel || varies(\.backgroundScale)
        let correctionColumn = varies(\.correctionScale)
        let fileFields: [(name: String, value: (PHASpectrum) -> String?, comment: String)] = [
            ("RESPFILE", { $0.responseFile }, "redistribution matrix file (RMF)"),
            ("ANCRFILE", { $0.ancillaryFile }, "ancillary response file (ARF)"),
            ("BACKFILE", { $0.backgroundFile }, "background file"),
            ("CORRFILE", { $0.correctionFile }, "correction file"),
        ]
        let hasRowID = spectra.contains { $0.rowIdentifier != nil }

        try OGIPConventions.writeFile(path, overwrite: overwrite, identity: first.identity) { file in
            var columns = [FITSColumnFormat("SPEC_NUM", "1J"), FITSColumnFormat("CHANNEL", "\(n)J")]
            columns.append(first.dataFormat(repeatCount: n, allValues: spectra.flatMap { $0.values.values }))
            func realColumn(_ name: String, _ values: [Double], repeatCount: Int, unit: String? = nil) -> FITSColumnFormat {
                FITSColumnFormat(name, "\(repeatCount)" + OGIPConventions.realFormat(values), unit: unit)
            }
            if first.statisticalErrors != nil { columns.append(realColumn("STAT_ERR", spectra.flatMap { $0.statisticalErrors! }, repeatCount: n, unit: first.unitOfValues)) }
            if first.systematicErrors != nil { columns.append(realColumn("SYS_ERR", spectra.flatMap { $0.systematicErrors! }, repeatCount: n)) }
            if first.quality != nil { columns.append(FITSColumnFormat("QUALITY", "\(n)I")) }
            if first.grouping != nil { columns.append(FITSColumnFormat("GROUPING", "\(n)I")) }
            if exposureColumn { columns.append(realColumn("EXPOSURE", spectra.map(\.exposure), repeatCount: 1, unit: "s")) }
            if areaColumn { columns.append(realColumn("AREASCAL", spectra.flatMap { $0.areaScale.values }, repeatCount: first.areaScale.isPerChannel ? n : 1)) }
            if backgroundColumn { columns.append(realColumn("BACKSCAL", spectra.flatMap { $0.backgroundScale.values }, repeatCount: first.backgroundScale.isPerChannel ? n : 1)) }
            if correctionColumn { columns.append(realColumn("CORRSCAL", spectra.map(\.correctionScale), repeatCount: 1)) }
            var stringColumns: [(name: String, strings: [String])] = []
            for field in fileFields where varies(field.value) {
                stringColumns.append((field.name, spectra.map { field.value($0) ?? "NONE" }))
            }
            if hasRowID { stringColumns.append(("ROWID", spectra.map { $0.rowIdentifier ?? "" })) }
            for column in stringColumns {
                columns.append(FITSColumnFormat(column.name, "\(max(1, column.strings.map(\.utf8.count).max() ?? 1))A"))
            }

            try file.createBinaryTable(named: "SPECTRUM", rows: spectra.count, columns: columns)
            try file.write(spectra.enumerated().map { Int32($0.element.spectrumNumber ?? $0.offset + 1) }, column: "SPEC_NUM")
            try file.write(spectra.flatMap { $0.channels.map { Int32($0) } }, column: "CHANNEL")
            try first.writeValues(spectra.flatMap { $0.values.values }, to: file)
            if first.statisticalErrors != nil { try file.write(spectra.flatMap { $0.statisticalErrors! }, column: "STAT_ERR") }
            if first.systematicErrors != nil { try file.write(spectra.flatMap { $0.systematicErrors! }, column: "SYS_ERR") }
            if first.quality != nil { try file.write(spectra.flatMap { $0.quality! }, column: "QUALITY") }
            if first.grouping != nil { try file.write(spectra.flatMap { $0.grouping! }, column: "GROUPING") }
            if exposureColumn { try file.write(spectra.map(\.exposure), column: "EXPOSURE") }
            if areaColumn { try file.write(spectra.flatMap { $0.areaScale.values }, column: "AREASCAL") }
            if backgroundColumn { try file.write(spectra.flatMap { $0.backgroundScale.values }, column: "BACKSCAL") }
            if correctionColumn { try file.write(spectra.map(\.correctionScale), column: "CORRSCAL") }
            for column in stringColumns { try file.writeStrings(column.strings, column: column.name) }

            try first.writeSharedKeywords(to: file, typeII: true, channelColumn: 2)
            if !exposureColumn { try file.writeKeyword("EXPOSURE", .real(first.exposure), comment: "exposure time [s]") }
            if !areaColumn, case let .uniform(value) = first.areaScale { try file.writeKeyword("AREASCAL", .real(value), comment: "area scaling factor") }
            if !backgroundColumn, case let .uniform(value) = first.backgroundScale { try file.writeKeyword("BACKSCAL", .real(value), comment: "background scaling factor") }
            if !correctionColumn { try file.writeKeyword("CORRSCAL", .real(first.correctionScale), comment: "correction scaling factor") }
            for field in fileFields where !varies(field.value) {
                try file.writeKeyword(field.name, .string(field.value(first) ?? "NONE"), comment: field.comment)
            }
            if first.systematicErrors == nil { try file.writeKeyword("SYS_ERR", .integer(0), comment: "no systematic error") }
            if first.quality == nil { try file.writeKeyword("QUALITY", .integer(0), comment: "all channels good") }
            if first.grouping == nil { try file.writeKeyword("GROUPING", .integer(0), comment: "no grouping") }
            try file.writeChecksum()
        }
    }

    // MARK: - Helpers

    var isRate: Bool { if case .rates = values { return true } else { return false } }
    var unitOfValues: String { isRate ? "counts/s" : "counts" }

    /// The COUNTS or RATE column format for `repeatCount` channels per row.
    func dataFormat(repeatCount: Int, allValues: [Double]? = nil) -> FITSColumnFormat {
        let numbers = allValues ?? values.values
        if isRate {
            return FITSColumnFormat("RATE", "\(repeatCount)" + OGIPConventions.realFormat(numbers), unit: "counts/s")
        }
        let whole = numbers.allSatisfy { $0 == $0.rounded() && abs($0) <= Double(Int32.max) }
        return FITSColumnFormat("COUNTS", "\(repeatCount)\(whole ? "J" : "D")", unit: "counts")
    }

    /// Writes COUNTS (as 32-bit integers when whole) or RATE.
    func writeValues(_ numbers: [Double], to file: FITSFile) throws {
        if isRate {
            try file.write(numbers, column: "RATE")
        } else if numbers.allSatisfy({ $0 == $0.rounded() && abs($0) <= Double(Int32.max) }) {
            try file.write(numbers.map { Int32($0) }, column: "COUNTS")
        } else {
            try file.write(numbers, column: "COUNTS")
        }
    }

    /// Keywords common to type I and type II.
    func writeSharedKeywords(to file: FITSFile, typeII: Bool, channelColumn: Int) throws {
        try OGIPConventions.writeClassification(file, classes: ["SPECTRUM", kind.rawValue, isRate ? "RATE" : "COUNT", typeII ? "TYPE:II" : "TYPE:I"],
                                                version: "1.2.1")
        try identity.write(to: file)
        if let object { try file.writeKeyword("OBJECT", .string(object), comment: "name of the observed object") }
        try file.writeKeyword("POISSERR", .logical(poissonErrors), comment: "Poisson errors apply")
        try file.writeKeyword("CHANTYPE", .string(channelType), comment: "channel type (PHA or PI)")
        try file.writeKeyword("DETCHANS", .integer(detectorChannels), comment: "total number of detector channels")
        try file.writeKeyword("TLMIN\(channelColumn)", .integer(firstChannel), comment: "first legal channel number")
        try file.writeKeyword("TLMAX\(channelColumn)", .integer(firstChannel + detectorChannels - 1), comment: "last legal channel number")
        try file.writeKeyword("PHAVERSN", .string("1992a"), comment: "OGIP classification of FITS format")
    }
}

extension PHASpectrum.Scale {
    var isPerChannel: Bool { if case .perChannel = self { return true } else { return false } }
    /// The number(s) of the scale, flattened.
    var values: [Double] {
        switch self { case let .uniform(v): return [v]; case let .perChannel(list): return list }
    }
}
