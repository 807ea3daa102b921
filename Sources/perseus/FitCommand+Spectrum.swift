import ArgumentParser
import Foundation
import Perseus

extension FitCommand {
    /// `perseus fit SPECTRUM.pha EXPR`.
    func runSpectrum() throws {
        let spectrumPath = arguments[0], expression = arguments[1]
        do {
            let session = try SpectrumFitSession(command: self, spectrumPath: spectrumPath, expression: expression)
            var counts = session.counts
            let fitter = Fitter(options: fitOptions)
            var result = try fitter.fit(session.problem, model: &counts)
            var intervals: [ConfidenceInterval]?
            var restarts = 0
            if errors {
                let report = try fitter.confidenceIntervals(around: result, problem: session.problem, model: &counts,
                                                            options: ConfidenceIntervalOptions(deltaStatistic: confidence))
                result = report.fit
                intervals = report.intervals
                restarts = report.restarts
            }
            let report = FitReport(spectrum: spectrumPath, expression: expression, model: session.model, result: result,
                                   intervals: intervals, deltaStatistic: errors ? confidence : nil, restarts: restarts,
                                   setting: session.setting, data: session.problem.data)
            if json {
                try CommandLineOutput.printJSON(report.json(includeCounts: modelCounts))
            } else {
                print(report.text(), terminator: "")
            }
        } catch let error as FitError {
            if json {
                try CommandLineOutput.printJSON(FitReport.failureJSON(spectrum: spectrumPath, expression: expression, error: error))
            }
            CommandLineOutput.fail("\(error)")
        }
    }
}

/// What one spectrum's fit is set up from: the spectrum, its response and background, the data
/// selection, the model and the problem.
struct SpectrumFitSession {
    let model: Model
    let problem: FitProblem
    let counts: ResponseCountsModel
    let setting: FitReport.Setting

    init(command: FitCommand, spectrumPath: String, expression: String) throws {
        let pha = try PHASpectrum.read(spectrumPath, row: command.row)
        let directory = URL(fileURLWithPath: spectrumPath).deletingLastPathComponent()
        /// A file named in a keyword: relative to the spectrum's directory (as XSPEC reads them).
        func resolve(_ file: String) -> String {
            file.hasPrefix("/") ? file : directory.appendingPathComponent(file).path
        }
        guard let rmfPath = command.rmf ?? pha.responseFile.map(resolve) else {
            throw FitCommandError.noResponse(spectrum: spectrumPath)
        }
        let arfPath = command.arf?.lowercased() == "none" ? nil : (command.arf ?? pha.ancillaryFile.map(resolve))
        let response = try ResponsePair.read(matrix: rmfPath, ancillary: arfPath)
        var backgroundPath: String?
        if !command.noBackground { backgroundPath = command.background ?? pha.backgroundFile.map(resolve) }
        let backgroundPHA = try backgroundPath.map { try Self.readBackground($0) }
        try Self.checkChannels(pha, of: spectrumPath, against: response.matrix, path: rmfPath)
        if let backgroundPHA, let backgroundPath {
            try Self.checkChannels(backgroundPHA, of: backgroundPath, against: response.matrix, path: rmfPath)
        }
        let energies = ChannelEnergies(response.matrix.channelEnergies)
        let spectrum = try SpectrumData(pha: pha, background: backgroundPHA, channelEnergies: energies,
                                        name: URL(fileURLWithPath: spectrumPath).lastPathComponent)
        let grouping: Grouping
        if let minimum = command.groupMin {
            grouping = .minimumCounts(minimum)
        } else if !command.noGrouping, let flags = pha.grouping, flags.contains(where: { $0 == -1 }) {
            grouping = .file
        } else {
            grouping = .none
        }
        let data = try FitData(spectrum: spectrum, band: try command.bandSelection, grouping: grouping)
        model = try command.model.model(expression)
        let compiled = try model.compiled(for: response.matrix.energies)
        counts = try ResponseCountsModel(model: compiled, response: response, exposure: pha.exposure, areaScale: pha.areaScale,
                                         channels: data.channelSpan)
        problem = try FitProblem(data: data, statistic: try FitStatistic(parsing: command.statistic), parameters: FitParameters(model: model))
        setting = FitReport.Setting(response: rmfPath, ancillary: arfPath, background: backgroundPath, exposure: pha.exposure,
                                    band: command.band ?? "all channels", grouping: grouping.description,
                                    abundanceTable: model.context.abundanceTable)
    }

    /// A background PHA; `file{n}` selects row n of a type II file, as in XSPEC.
    static func readBackground(_ path: String) throws -> PHASpectrum {
        if path.hasSuffix("}"), let open = path.lastIndex(of: "{"),
           let row = Int(path[path.index(after: open)..<path.index(before: path.endIndex)]) {
            return try PHASpectrum.read(String(path[..<open]), row: row)
        }
        return try PHASpectrum.read(path)
    }

    /// The spectrum must have the response's channels, numbered alike (XSPEC matches channels by
    /// number, so an offset between 0- and 1-based numbering would misplace every count).
    static func checkChannels(_ pha: PHASpectrum, of spectrumPath: String, against matrix: ResponseMatrix, path: String) throws {
        let expected = matrix.channelNumbers
        guard pha.channels.count == matrix.channelCount else {
            throw FitCommandError.channelMismatch(spectrum: spectrumPath, response: path,
                                                  reason: "the spectrum has \(pha.channels.count) channels, the response \(matrix.channelCount)")
        }
        guard pha.channels.first == expected.lowerBound, pha.channels.last == expected.upperBound else {
            throw FitCommandError.channelMismatch(spectrum: spectrumPath, response: path,
                                                  reason: "the spectrum's channels are numbered \(pha.channels.first!)…\(pha.channels.last!), the response's \(expected.lowerBound)…\(expected.upperBound) (check TLMIN/first channel)")
        }
    }
}
