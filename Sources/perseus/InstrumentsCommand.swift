import ArgumentParser
import Foundation
import Perseus

/// `perseus instruments [--json]`: the instruments Perseus can simulate, with their response,
/// channel grid, default band, exposure and background.
struct InstrumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instruments",
        abstract: "List the built-in instruments (and those of --instrument-file).",
        discussion: """
        Each instrument is a YAML file (docs/instruments.md): its response (a compact built-in copy \
        of a real one, generated, or OGIP files), default band [keV], binning of native channels, \
        default exposure [s] and background. --rmf/--arf on fakeit override the response.

        --json prints one object per instrument with name, title, telescope, instrument, origin, \
        response, band, binning, channels (count, first, last), model_bins, model_range [keV], \
        exposure, background_components, notes.
        """)

    @OptionGroup var instruments: InstrumentOptions
    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let registry = try instruments.registry()
        var entries: [[String: Any]] = []
        var text: [String] = []
        for name in registry.names {
            let instrument = try registry.instrument(named: name)
            let d = instrument.definition
            let channels = instrument.channels
            let grid = instrument.modelGrid
            entries.append([
                "name": d.name, "title": d.title, "telescope": d.telescope, "instrument": d.instrument, "origin": d.origin,
                "response": instrument.responseDescription, "band": [d.band.lowerBound, d.band.upperBound], "binning": d.binning,
                "channels": ["count": channels.count, "first": channels.firstChannel, "last": channels.firstChannel + channels.count - 1],
                "model_bins": grid.count, "model_range": [grid.range.lowerBound, grid.range.upperBound], "exposure": d.exposure,
                "background_components": instrument.backgroundComponents, "notes": d.notes,
            ])
            text.append("\(d.name)  —  \(d.title)")
            text.append("    \(d.telescope) \(d.instrument); \(instrument.responseDescription)")
            text.append(String(format: "    band %g–%g keV: %d channels (%d…%d)%@; model grid %d bins, %.4g–%.4g keV",
                               d.band.lowerBound, d.band.upperBound, channels.count, channels.firstChannel,
                               channels.firstChannel + channels.count - 1,
                               d.binning > 1 ? " of \(d.binning) native channels each" : "", grid.count, grid.range.lowerBound,
                               grid.range.upperBound))
            text.append(String(format: "    default exposure %g s; background: %@", d.exposure,
                               instrument.backgroundComponents.isEmpty ? "none" : instrument.backgroundComponents.joined(separator: ", ")))
            if !d.notes.isEmpty { text.append("    \(d.notes)") }
        }
        if json {
            try CommandLineOutput.printJSON(["instruments": entries])
        } else {
            print(text.joined(separator: "\n"))
        }
    }
}
