import ArgumentParser
import Foundation
import Perseus

/// `perseus fit`: fits an XSPEC-style model to an OGIP spectrum, or to every sample of a Perseus
/// dataset in parallel.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a spectral model to an OGIP spectrum (PHA) or to every spectrum of a dataset.",
        discussion: """
        One spectrum:  perseus fit SPECTRUM.pha "EXPR" [options]
        A dataset:     perseus fit --dataset DATA.h5 "EXPR" --out FITS.h5 [options]

        The response comes from the spectrum's RESPFILE and ANCRFILE keywords (paths relative to \
        the spectrum's directory, as XSPEC reads them) unless --rmf/--arf are given; the background \
        from BACKFILE or --background. With cstat and a background the W-statistic is used (as \
        XSPEC does). Channels with bad QUALITY are ignored; the file's GROUPING is used unless \
        --group-min or --no-grouping is given.

        The fit is XSPEC's Levenberg–Marquardt (`leven`) adapted to the statistic, with a \
        Nelder–Mead fallback and seeded restarts. A fit that does not converge is reported as \
        such (exit status 1, and "status" in --json), never as a result. --errors adds \
        profile-likelihood intervals (XSPEC's `error`) at Δstat = --confidence (2.706: 90 %; 1.0: 1σ).

        Parameters are COMPONENT.PARAMETER with XSPEC's names (tbabs.nH, apec.kT, apec_2.Abundanc, \
        powerlaw.PhoIndex, …), case-insensitive, unique prefixes allowed. apec's Abundanc and \
        Redshift start frozen, as in XSPEC: free them with --thaw.

        A dataset (docs/dataset-schema.md) is fitted sample by sample on --threads threads; the \
        best-fit values, errors, statistic and status of every sample go to --out \
        (docs/fit-results.md). Failed fits are rows with a failure status and NaN values. The \
        response is that of the scenario stored in the dataset: its instrument (built-in or \
        --instrument-file; --rmf/--arf override the response), band and binning; an instrument \
        background the scenario added is part of the model as a fixed component. \
        --fix-to-truth freezes a parameter at each sample's true value from the dataset's truth \
        columns (e.g. a known redshift).

        Examples:
          perseus fit src.pha "tbabs*apec" --thaw apec.Abundanc --band 0.5:7 --errors
          perseus fit src.pha "tbabs*(apec+apec)" --set tbabs.nH=0.00858 --freeze tbabs.nH \\
              --link apec_2.Abundanc=apec_1.Abundanc --thaw apec_1.Abundanc --band 3:79 --group-min 20 --json
          perseus fit --dataset lin2024.h5 "tbabs*apec" --set tbabs.nH=0.00858 --freeze tbabs.nH --thaw apec.Abundanc \\
              --fix-to-truth "apec.Redshift=apec_1.Redshift|apec.Redshift" --out fits.h5
        """)

    @Argument(help: ArgumentHelp("SPECTRUM.pha and the model expression (with --dataset: the expression only).",
                                 valueName: "SPECTRUM EXPR"))
    var arguments: [String]

    @OptionGroup(title: "Model")
    var model: FitModelOptions

    @OptionGroup(title: "Instruments (--dataset)")
    var instruments: InstrumentOptions

    // MARK: Data
    @Option(help: ArgumentHelp("Response matrix (RMF or RSP), instead of the spectrum's RESPFILE.", valueName: "PATH"))
    var rmf: String?
    @Option(help: ArgumentHelp("Ancillary response (ARF), instead of the spectrum's ANCRFILE; 'none' for no ARF.", valueName: "PATH"))
    var arf: String?
    @Option(help: ArgumentHelp("Background spectrum, instead of the spectrum's BACKFILE.", valueName: "PATH"))
    var background: String?
    @Flag(help: "Ignore the spectrum's BACKFILE.")
    var noBackground = false
    @Option(help: "Row of a type II PHA file (1-based, XSPEC's file{row}).")
    var row: Int?

    // MARK: Fit
    @Option(name: .customLong("stat"), help: "Statistic: cstat (W-statistic with a background), cash, chi2 (chi2-data: data variance), chi2-gehrels.")
    var statistic = "cstat"
    @Option(help: ArgumentHelp("Energy band(s) to fit, keV: LO:HI[,LO:HI…] (an empty side is unbounded).", valueName: "LO:HI"))
    var band: String?
    @Option(help: ArgumentHelp("Group channels to at least N counts (after band selection).", valueName: "N"))
    var groupMin: Double?
    @Flag(help: "Ignore the spectrum's GROUPING column.")
    var noGrouping = false
    @Flag(help: "Profile-likelihood confidence intervals of the free parameters (XSPEC's error).")
    var errors = false
    @Option(help: ArgumentHelp("Δstat of the intervals: 2.706 (90 %, XSPEC's default), 1.0 (1σ), 4.0, 6.635, …", valueName: "DELTA"))
    var confidence = 2.706
    @Option(help: "Seed of the random restarts used when Levenberg–Marquardt stalls.")
    var seed: UInt64 = 0

    // MARK: Output
    @Flag(help: "Print one JSON object (status, statistic, parameters with errors and intervals).")
    var json = false
    @Flag(help: "With --json: include the data and model counts of every fitted bin.")
    var modelCounts = false

    // MARK: Dataset
    @Option(help: ArgumentHelp("Fit every spectrum of this dataset (HDF5) instead of one PHA file.", valueName: "PATH"))
    var dataset: String?
    @Option(help: ArgumentHelp("Fit-results file to write (with --dataset).", valueName: "PATH"))
    var out: String?
    @Option(help: "Threads for --dataset (default: all cores).")
    var threads: Int?
    @Flag(help: "Replace an existing --out file.")
    var overwrite = false
    @Option(help: ArgumentHelp("Only these dataset rows, START:END (0-based, END exclusive).", valueName: "START:END"))
    var rows: String?
    @Option(name: .customLong("fix-to-truth"),
            help: ArgumentHelp("Freeze NAME at each sample's true value: NAME, or NAME=COLUMN[|COLUMN…] naming the dataset's truth columns (the first that is not NaN is used; repeatable).",
                               valueName: "NAME[=COLUMNS]"))
    var truthFixes: [String] = []

    func validate() throws {
        if dataset != nil {
            guard arguments.count == 1 else { throw ValidationError("with --dataset give only the model expression (got \(arguments.count) arguments)") }
            guard out != nil else { throw ValidationError("--dataset needs --out FITS.h5 for the results") }
            if background != nil || row != nil { throw ValidationError("--background and --row apply to a PHA spectrum, not to --dataset") }
            if json && modelCounts { throw ValidationError("--model-counts applies to one spectrum") }
            if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        } else {
            guard arguments.count == 2 else {
                throw ValidationError("give the spectrum and the model expression, e.g. perseus fit src.pha \"tbabs*apec\" (got \(arguments.count) arguments)")
            }
            if out != nil || threads != nil || rows != nil || !truthFixes.isEmpty {
                throw ValidationError("--out, --threads, --rows and --fix-to-truth apply to --dataset")
            }
            if modelCounts && !json { throw ValidationError("--model-counts needs --json") }
        }
        if background != nil && noBackground { throw ValidationError("--background and --no-background are exclusive") }
        if groupMin != nil && noGrouping { throw ValidationError("--group-min and --no-grouping are exclusive") }
        if let groupMin, !(groupMin > 0 && groupMin.isFinite) { throw ValidationError("--group-min must be > 0") }
        guard confidence > 0, confidence.isFinite else { throw ValidationError("--confidence must be > 0 (a Δstat such as 2.706 or 1.0)") }
    }

    func run() throws {
        if dataset != nil {
            try runDataset()
        } else {
            try runSpectrum()
        }
    }

    /// Fit options: XSPEC's defaults with the seed.
    var fitOptions: FitOptions {
        var options = FitOptions()
        options.seed = seed
        return options
    }

    var bandSelection: BandSelection {
        get throws { try band.map { try BandSelection(parsing: $0) } ?? .all }
    }
}
