import ArgumentParser
import Foundation
import Perseus

/// `perseus inspect FILE [--json]`: what an OGIP response or spectrum file holds, the way an
/// XSPEC user would want to see it before using it.
///
/// The kind of file is detected from its content (`DataFileKind.detect`): RMF/RSP, ARF, PHA
/// (type I or II), or an HDF5 dataset (summarised by the dataset store, kind "dataset"). A file
/// that cannot be read ends the command with one line `perseus: error: FILE…: problem` and exit
/// status 1.
///
/// `--json` prints one object with at least `kind` ("rmf", "arf", "pha"), `file`, `energies`,
/// `channels`, `energy_range` [lo, hi] keV (null where not applicable), `telescope`,
/// `instrument`; for an RMF also `nonzero`, `stored`, `channel_offset`, `rsp`, `row_sum_range`;
/// for a PHA file `type` ("I"/"II"), `spectra`, `exposure` [s] and `total_counts` (numbers for
/// type I, one entry per spectrum for type II).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise an RMF, ARF or PHA file (OGIP FITS) or a Perseus dataset.")

    @Argument(help: "The file to inspect.")
    var file: String
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let report: InspectReport
        switch try DataFileKind.detect(file) {
        case .rmf: report = try InspectReport.matrix(file)
        case .arf: report = try InspectReport.ancillary(file)
        case .pha: report = try InspectReport.spectrum(file)
        case .hdf5: report = try InspectReport.dataset(file)
        }
        if json {
            try CommandLineOutput.printJSON(report.json)
        } else {
            print(report.lines.joined(separator: "\n"))
        }
    }
}

/// What `perseus inspect` prints: a JSON object and the equivalent text lines.
struct InspectReport {
    var json: [String: Any]
    var lines: [String]

    /// A label and a value, aligned.
    static func line(_ label: String, _ value: String) -> String {
        "  " + label.padding(toLength: 14, withPad: " ", startingAt: 0) + value
    }

    static func number(_ value: Double) -> String { String(format: "%.6g", value) }

    static func identityText(_ identity: InstrumentIdentity) -> String {
        var text = "\(identity.telescope ?? "?") / \(identity.instrument ?? "?")"
        if let detector = identity.detector, !detector.isEmpty { text += " (\(detector))" }
        if let filter = identity.filter, !filter.isEmpty, filter.uppercased() != "NONE" { text += ", filter \(filter)" }
        return text
    }

    static func identityJSON(_ identity: InstrumentIdentity) -> [String: Any] {
        ["telescope": identity.telescope ?? NSNull(), "instrument": identity.instrument ?? NSNull(),
         "filter": identity.filter ?? NSNull(), "detector": identity.detector ?? NSNull()]
    }

    static func range(_ grid: EnergyGrid) -> [Double] { [grid.lo[0], grid.hi[grid.count - 1]] }

    // MARK: Dataset

    /// A Perseus HDF5 dataset, summarised by the dataset store (`DatasetSummary`).
    static func dataset(_ path: String) throws -> InspectReport {
        let summary = try DatasetSummary(contentsOf: path)
        return InspectReport(json: summary.jsonObject, lines: [summary.description])
    }

    // MARK: RMF

    static func matrix(_ path: String) throws -> InspectReport {
        let matrix = try ResponseMatrix.read(path)
        let sums = matrix.rowSums()
        let minimum = sums.min() ?? 0, maximum = sums.max() ?? 0
        var json = identityJSON(matrix.identity)
        json.merge([
            "kind": "rmf", "file": path,
            "energies": matrix.energyCount, "channels": matrix.channelCount,
            "energy_range": range(matrix.energies), "channel_energy_range": range(matrix.channelEnergies),
            "nonzero": matrix.nonzeroCount, "stored": matrix.storedCount,
            "channel_offset": matrix.firstChannel, "rsp": matrix.isFullResponse,
            "row_sum_range": [minimum, maximum],
            "chantype": matrix.channelType ?? NSNull(), "lo_thres": matrix.threshold ?? NSNull(),
        ]) { $1 }
        let e = matrix.energies, c = matrix.channelEnergies
        let lines = [
            "\(path): OGIP \(matrix.isFullResponse ? "full response (RSP, effective area included, cm²)" : "redistribution matrix (RMF)")",
            line("instrument", identityText(matrix.identity)),
            line("energies", "\(matrix.energyCount) bins, \(number(e.lo[0]))–\(number(e.hi[e.count - 1])) keV"),
            line("channels", "\(matrix.channelCount), numbered \(matrix.firstChannel)–\(matrix.firstChannel + matrix.channelCount - 1)"
                 + (matrix.channelType.map { " (\($0))" } ?? "") + ", \(number(c.lo[0]))–\(number(c.hi[c.count - 1])) keV"),
            line("matrix", "\(matrix.storedCount) stored elements, \(matrix.nonzeroCount) non-zero"),
            line("row sums", "\(number(minimum))–\(number(maximum))\(matrix.isFullResponse ? " cm²" : "")"),
        ]
        return InspectReport(json: json, lines: lines)
    }

    // MARK: ARF

    static func ancillary(_ path: String) throws -> InspectReport {
        let arf = try AncillaryResponse.read(path)
        let peak = arf.effectiveArea.indices.max { arf.effectiveArea[$0] < arf.effectiveArea[$1] } ?? 0
        let e = arf.energies
        let peakEnergy = 0.5 * (e.lo[peak] + e.hi[peak])
        var json = identityJSON(arf.identity)
        json.merge([
            "kind": "arf", "file": path,
            "energies": e.count, "channels": NSNull(), "energy_range": range(e),
            "area_max_cm2": arf.effectiveArea[peak], "area_peak_energy_kev": peakEnergy,
        ]) { $1 }
        let lines = [
            "\(path): OGIP ancillary response (ARF)",
            line("instrument", identityText(arf.identity)),
            line("energies", "\(e.count) bins, \(number(e.lo[0]))–\(number(e.hi[e.count - 1])) keV"),
            line("peak area", "\(number(arf.effectiveArea[peak])) cm² at \(number(peakEnergy)) keV"),
        ]
        return InspectReport(json: json, lines: lines)
    }

    // MARK: PHA

    static func spectrum(_ path: String) throws -> InspectReport {
        // Large type II files are walked in batches so that only one batch is in memory.
        let count = try PHASpectrum.spectrumCount(path)
        let typeII = try PHASpectrum.isTypeII(path)
        var exposures: [Double] = [], totals: [Double] = []
        var first: PHASpectrum?
        var row = 1
        while row <= count {
            let batch = try PHASpectrum.read(path, rows: row...min(count, row + 255))
            if first == nil { first = batch.first }
            exposures += batch.map(\.exposure)
            totals += batch.map(\.totalCounts)
            row += batch.count
        }
        guard let first else { throw OGIPError.invalidData(what: path, problem: "the PHA file holds no spectra") }
        var json = identityJSON(first.identity)
        json.merge([
            "kind": "pha", "file": path, "type": typeII ? "II" : "I", "spectra": count,
            "energies": NSNull(), "energy_range": NSNull(),
            "channels": first.channels.count, "detchans": first.detectorChannels, "channel_offset": first.firstChannel,
            "values": { if case .rates = first.values { return "RATE" } else { return "COUNTS" } }(),
            "spectrum_class": first.kind.rawValue, "poisserr": first.poissonErrors,
            "exposure": typeII ? exposures as Any : exposures[0] as Any,
            "total_counts": typeII ? totals as Any : totals[0] as Any,
            "respfile": first.responseFile ?? NSNull(), "ancrfile": first.ancillaryFile ?? NSNull(),
            "backfile": first.backgroundFile ?? NSNull(),
            "assumed_keywords": first.assumedKeywords,
        ]) { $1 }
        var lines = [
            "\(path): OGIP spectrum (PHA type \(typeII ? "II, \(count) spectra" : "I"), \(first.kind.rawValue))",
            line("instrument", identityText(first.identity)),
            line("channels", "\(first.channels.count) of DETCHANS \(first.detectorChannels), numbered from \(first.firstChannel) (\(first.channelType))"),
        ]
        if typeII {
            lines.append(line("exposure", "\(number(exposures.min()!))–\(number(exposures.max()!)) s"))
            lines.append(line("total counts", "\(number(totals.min()!))–\(number(totals.max()!)) per spectrum, \(number(totals.reduce(0, +))) in all"))
        } else {
            lines.append(line("exposure", "\(number(first.exposure)) s"))
            lines.append(line("total counts", number(first.totalCounts)))
        }
        lines.append(line("errors", first.poissonErrors ? "Poisson (POISSERR = T)" : "STAT_ERR column"))
        lines.append(line("files", "RESPFILE \(first.responseFile ?? "NONE"), ANCRFILE \(first.ancillaryFile ?? "NONE"), BACKFILE \(first.backgroundFile ?? "NONE")"))
        if !first.assumedKeywords.isEmpty {
            lines.append(line("assumed", first.assumedKeywords.joined(separator: "; ") + " (absent from the file)"))
        }
        return InspectReport(json: json, lines: lines)
    }
}
