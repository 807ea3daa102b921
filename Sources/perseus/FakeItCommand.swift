import ArgumentParser
import Foundation
import Perseus

/// `perseus fakeit "EXPR" --instrument NAME --out spec.pha …`: one simulated spectrum with exact
/// Poisson noise, written as an OGIP PHA file with its RMF, ARF and background beside it.
struct FakeItCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fakeit",
        abstract: "Simulate one spectrum of a model through an instrument (XSPEC's fakeit).",
        discussion: """
        Writes OUT (an OGIP PHA file, type I, COUNTS with Poisson errors) and beside it STEM.rmf and \
        STEM.arf, the response on the spectrum's channels (after band selection and binning), and \
        with --background STEM_bkg.pha, an independent draw of the background. The PHA names them in \
        RESPFILE, ANCRFILE and BACKFILE, so `data OUT` in XSPEC or load_pha in Sherpa finds them. \
        Counts are Poisson(source + background), exact for every mean, from the streams of --seed.

        Examples:
          perseus fakeit "tbabs*apec" --instrument nustar-fpma --set tbabs.nH=0.00858 --set apec.kT=4 \\
              --set apec.norm=0.1 --background --seed 7 --out coma.pha
          perseus fakeit "powerlaw" --instrument chandra-acis-i --exposure 5e4 --out pl.pha --json
        """)

    @Argument(help: "Model expression in XSPEC syntax, e.g. \"tbabs*(apec + powerlaw)\".")
    var expression: String
    @Option(help: "Instrument name (see `perseus instruments`) or the path of an instrument file.")
    var instrument: String
    @OptionGroup var instruments: InstrumentOptions
    @Option(help: ArgumentHelp("Your own RMF (or RSP), overriding the instrument's.", valueName: "FILE"))
    var rmf: String?
    @Option(help: ArgumentHelp("Your own ARF (or 'none'), overriding the instrument's.", valueName: "FILE"))
    var arf: String?
    @Option(help: "Exposure [s] (default: the instrument's).")
    var exposure: Double?
    @Option(help: ArgumentHelp("Band LO:HI [keV] (default: the instrument's).", valueName: "LO:HI"))
    var band: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a parameter: NAME=VALUE or NAME=LINK (repeatable).", valueName: "NAME=VALUE"))
    var assignments: [String] = []
    @Flag(help: "Add the instrument's background (NuSTAR: aperture, fcxb, lines, continuum).")
    var background = false
    @Option(name: .customLong("background-component"),
            help: ArgumentHelp("Add only these background components (repeatable; implies --background).", valueName: "NAME"))
    var backgroundComponents: [String] = []
    @Option(name: .customLong("region-radius"), help: ArgumentHelp("Extraction region: circle radius [arcmin] at the aimpoint (default: the background model's).", valueName: "ARCMIN"))
    var regionRadius: Double?
    @Option(help: "Seed of the random streams.")
    var seed: UInt64 = 0
    @Option(help: "Output PHA file.")
    var out: String
    @Flag(help: "Replace existing output files.")
    var overwrite = false
    @Option(help: "Abundance table (angr, aspl, wilm, …).")
    var abund = "angr"
    @Option(name: .customLong("atomdb"), help: ArgumentHelp("Directory of the full AtomDB tables (default: $ATOMDB, else the embedded tables).", valueName: "DIR"))
    var atomDB: String?
    @Option(name: .customLong("low-energy-absorption"), help: "Absorption below 0.1 keV: reject or hold.")
    var lowEnergyAbsorption: LowEnergyAbsorptionRule = .reject
    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() throws {
        let registry = try instruments.registry()
        let chosenBand = try band.map(Self.parseBand)
        let instrument = try registry.instrument(self.instrument, rmf: rmf, arf: arf, band: chosenBand)
        let context = ModelContext(abundanceTable: abund, atomDBDirectory: atomDB ?? ProcessInfo.processInfo.environment["ATOMDB"],
                                   lowEnergyAbsorption: lowEnergyAbsorption)
        var model: Model
        do { model = try Model(expression, context: context) } catch {
            FileHandle.standardError.write(Data("perseus: error: \(error.description.replacingOccurrences(of: "\n", with: "\n       "))\n".utf8))
            throw ExitCode(1)
        }
        for assignment in assignments { try model.apply(assignment) }
        let withBackground = background || !backgroundComponents.isEmpty
        let folder = try instrument.folder(background: withBackground, context: context)
        let exposure = self.exposure ?? instrument.defaultExposure
        let options = FakeIt.Options(exposure: exposure, background: withBackground,
                                     backgroundComponents: backgroundComponents.isEmpty ? nil : backgroundComponents,
                                     region: regionRadius.map { .circle(radius: $0) }, seed: seed)
        let result = try FakeIt.simulate(model: model, folder: folder, exposure: exposure, options: options)
        let files = try FakeIt.write(result, folder: folder, identity: instrument.identity, to: out, overwrite: overwrite)
        let total = result.counts.reduce(0, +), expected = result.expected.reduce(0, +)
        if json {
            var summary: [String: Any] = [
                "spectrum": files.spectrum, "rmf": files.rmf, "instrument": instrument.name, "expression": model.expression.description,
                "exposure": exposure, "seed": seed, "channels": result.channels.count, "first_channel": result.channels.firstChannel,
                "band": [result.channels.band.lowerBound, result.channels.band.upperBound],
                "counts": total, "expected_counts": expected, "expected_source_counts": result.expectedSource.reduce(0, +),
                "parameters": Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.value) }),
            ]
            if let arf = files.arf { summary["arf"] = arf }
            if let bkg = files.background, let background = result.background {
                summary["background"] = bkg
                summary["backscal"] = background.backscal
                summary["region_radius_arcmin"] = background.region.radius
                summary["expected_background_counts"] = Dictionary(uniqueKeysWithValues: background.components.map { ($0.name, $0.counts.reduce(0, +)) })
            }
            try CommandLineOutput.printJSON(summary)
        } else {
            print("wrote \(files.spectrum): \(instrument.name), \(result.channels.count) channels, exposure \(exposure) s, \(Int(total)) counts (expected \(String(format: "%.1f", expected)))")
            print("  response: \(files.rmf)\(files.arf.map { " + \($0)" } ?? "")")
            if let bkg = files.background, let background = result.background {
                print("  background: \(bkg) (\(background.region.description), BACKSCAL \(String(format: "%.6g", background.backscal)); expected \(String(format: "%.1f", background.total.reduce(0, +))) counts)")
            }
        }
    }

    static func parseBand(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo >= 0, hi > lo else {
            throw ValidationError("--band '\(text)' is not LO:HI in keV with 0 ≤ LO < HI, e.g. 3:80")
        }
        return lo...hi
    }
}
