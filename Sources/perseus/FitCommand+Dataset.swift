import ArgumentParser
import Foundation
import Perseus

extension FitCommand {
    /// `perseus fit --dataset DATA.h5 EXPR --out FITS.h5`.
    func runDataset() throws {
        let path = dataset!, expression = arguments[0], outPath = out!
        let reader = try DatasetReader(path: path)
        guard reader.kind == .spectra else {
            throw FitCommandError.unsupportedDataset(path: path, reason: "holds \(reader.kind.rawValue); perseus fit needs spectra")
        }
        let metadata = reader.metadata
        guard metadata.exposure > 0, metadata.exposure.isFinite else {
            throw FitCommandError.unsupportedDataset(path: path, reason: "its exposure attribute is \(metadata.exposure) s; expected > 0")
        }
        let model = try self.model.model(expression)
        let setup = try datasetResponse(metadata: metadata, path: path, context: model.context)
        let fixes = try truthFixes.map { try truthFix($0, model: model, reader: reader) }
        let grouping: Grouping = groupMin.map { .minimumCounts($0) } ?? .none
        let statisticChoice = try FitStatistic(parsing: statistic)
        let selection = try bandSelection
        let plan = try DatasetFit(reader: reader, model: model, response: setup.response, exposure: metadata.exposure, band: selection,
                                  grouping: grouping, statistic: statisticChoice, truthFixes: fixes, backgroundCounts: setup.background)
        let rowRange = try selectedRows(count: reader.sampleCount)
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let fitter = BatchFitter(options: fitOptions, threads: threadCount,
                                 intervals: errors ? ConfidenceIntervalOptions(deltaStatistic: confidence) : nil)
        let responseText = setup.description
        let description = FitResultsTable.Description(
            expression: model.expression.description, statistic: statisticChoice.description, band: band ?? "all dataset channels",
            grouping: grouping.description, abundanceTable: model.context.abundanceTable, source: path, response: responseText,
            exposure: metadata.exposure, seed: seed, deltaStatistic: errors ? confidence : nil)

        let bar = ProgressBar(label: "fitting")
        let total = rowRange.count
        let started = Date()
        let table = try plan.run(rows: rowRange, fitter: fitter, description: description, progress: { bar.update(done: $0, total: total) })
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        try FitResultsFile.write(table, to: outPath, overwrite: overwrite)

        let failed = table.failureCount
        let atLimit = table.status.filter { $0 == 1 }.count, undefined = table.status.filter { $0 == 2 }.count
        let nonSmooth = table.status.filter { $0 == 3 }.count, flat = table.status.filter { $0 == 4 }.count
        let failures = table.failuresByCode.map { "\($0.code) \($0.count)" }.joined(separator: ", ")
        if json {
            try CommandLineOutput.printJSON([
                "dataset": path, "out": outPath, "samples": table.count, "converged": table.count - failed,
                "converged_at_limit": atLimit, "converged_undefined_errors": undefined,
                "converged_non_smooth": nonSmooth, "converged_flat": flat, "failed": failed,
                "failures": Dictionary(uniqueKeysWithValues: table.failuresByCode.map { ($0.code, $0.count) }),
                "seconds": seconds, "fits_per_second": Double(table.count) / max(seconds, 1e-9), "threads": threadCount,
            ] as [String: Any])
        } else {
            print(String(format: "Fitted %d spectra of %@ in %.1f s (%.3g fits/s, %d threads).", table.count, path, seconds,
                         Double(table.count) / max(seconds, 1e-9), threadCount))
            var line = "Converged: \(table.count - failed)"
            let notes = [(atLimit, "with a parameter at a limit"), (undefined, "with some errors undefined"),
                         (nonSmooth, "at a kink of the statistic"), (flat, "in a flat valley")]
                .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            if !notes.isEmpty { line += " (" + notes.joined(separator: ", ") + ")" }
            line += "; failed: \(failed)" + (failed > 0 ? " (\(failures); rows kept with NaN values)" : "") + "."
            print(line)
            print("Results: \(outPath)")
        }
    }

    /// `--rows START:END` within `0..<count`.
    func selectedRows(count: Int) throws -> Range<Int> {
        guard let rows else { return 0..<count }
        let parts = rows.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw FitCommandError.badOption(option: "--rows", value: rows, expected: "START:END") }
        let start = parts[0].isEmpty ? 0 : Int(parts[0]), end = parts[1].isEmpty ? count : Int(parts[1])
        guard let start, let end, start >= 0, end <= count, start < end else {
            throw FitCommandError.badOption(option: "--rows", value: rows, expected: "START:END with 0 ≤ START < END ≤ \(count)")
        }
        return start..<end
    }

    /// `NAME` or `NAME=COLUMN[|COLUMN…]`.
    func truthFix(_ text: String, model: Model, reader: DatasetReader) throws -> DatasetFit.TruthFix {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let index = try model.index(of: parts[0])
        let wanted = parts.count == 2 ? parts[1].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } : [model.parameters[index].name]
        let names = reader.parameters.map(\.name)
        let columns = try wanted.map { column -> Int in
            guard let found = names.firstIndex(of: column) else { throw FitCommandError.truthColumn(name: column, available: names) }
            return found
        }
        return DatasetFit.TruthFix(parameter: index, columns: columns)
    }

    /// The response on the dataset's channels and the background its spectra include.
    ///
    /// The dataset's scenario (stored in it) names the instrument, band and background: the
    /// instrument comes from the registry (built-in or --instrument-file; --rmf/--arf override
    /// its response), its folder for the scenario's band and binning gives the response on the
    /// dataset's channels, and the scenario's background, if any, is computed the way the
    /// simulation added it and enters the fit as a fixed component. Without a usable scenario or
    /// instrument, --rmf (and --arf) are read as they are, and the dataset must be without
    /// background.
    func datasetResponse(metadata: DatasetMetadata, path: String,
                         context: ModelContext) throws -> (response: ResponsePair, background: [Double]?, description: String) {
        var scenario: Scenario?
        if !metadata.scenario.isEmpty {
            do {
                scenario = try ScenarioParser.parse(metadata.scenario, origin: "\(path) (scenario attribute)")
            } catch {
                CommandLineOutput.warn("\(path): could not read the scenario stored in the dataset (\(error))")
            }
        }
        let registry = try instruments.registry()
        let name = scenario?.instrument ?? metadata.instrument
        let known = registry.definitions[name] != nil || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
        if known {
            let instrument = try registry.instrument(name, rmf: rmf ?? scenario?.responseOverride?.rmf, arf: arf ?? scenario?.responseOverride?.arf,
                                                     band: scenario?.band)
            let folder: ResponseFolder
            var background: BackgroundCounts?
            if let scenario {
                (folder, background) = try instrument.prepare(for: scenario, exposure: metadata.exposure, context: context)
            } else {
                folder = try instrument.folder(context: context)
            }
            let response = try ResponsePair(matrix: folder.responseMatrix(), ancillary: folder.ancillaryResponse())
            var text = "\(instrument.name): \(instrument.responseDescription), channels \(folder.channels.band.lowerBound)–\(folder.channels.band.upperBound) keV"
            if let background { text += " + instrument background (\(background.components.map(\.name).joined(separator: ", ")), fixed)" }
            return (response, background?.total, text)
        }
        guard let rmf else {
            throw FitCommandError.unsupportedDataset(path: path, reason: "its instrument '\(name)' is not in the registry; give --instrument-file or --rmf (and --arf)")
        }
        if let scenario, scenario.background != .none {
            throw FitCommandError.unsupportedDataset(
                path: path, reason: "its spectra include the background of instrument '\(name)', which is not in the registry; give its instrument file (--instrument-file)")
        }
        let arfPath = arf?.lowercased() == "none" ? nil : arf
        let response = try ResponsePair.read(matrix: rmf, ancillary: arfPath)
        let text = URL(fileURLWithPath: rmf).lastPathComponent + (arfPath.map { " + " + URL(fileURLWithPath: $0).lastPathComponent } ?? "")
        return (response, nil, text)
    }
}
