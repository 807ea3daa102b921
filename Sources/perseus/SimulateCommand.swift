import ArgumentParser
import Foundation
import Perseus

/// `perseus simulate SCENARIO --out data.h5`: a whole training or test set from a scenario
/// (docs/scenarios.md): every class's spectra with exact Poisson noise through the scenario's
/// instrument, streamed to an HDF5 dataset (docs/dataset-schema.md) with flat memory.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Generate a dataset of simulated spectra from a scenario file or a built-in scenario.",
        discussion: """
        SCENARIO is a YAML file or a built-in name (`perseus scenarios`). Sample i of the dataset \
        depends only on the seed and i, so the output is the same for any --threads, and the \
        shards of --shard K/N (1 ≤ K ≤ N) are consecutive parts that `perseus merge` joins into \
        exactly the unsharded dataset — e.g. a Slurm array: --shard $SLURM_ARRAY_TASK_ID/8.

        Examples:
          perseus simulate ichinohe2019 --out ichinohe2019.h5 --threads 2
          perseus simulate lin2024 --count 100 --seed 7 --out small.h5 --pha-dir small-pha
          perseus simulate my-scenario.yaml --shard 3/8 --out part3.h5
        """)

    @Argument(help: "Scenario file, or the name of a built-in scenario.")
    var scenario: String
    @Option(name: .shortAndLong, help: "The dataset to write (HDF5).")
    var out: String
    @Option(help: "Seed of every random stream (default: the scenario's, else 0).")
    var seed: UInt64?
    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Replace every class's sample count.")
    var count: Int?
    @Option(help: ArgumentHelp("Write only shard K of N (1 ≤ K ≤ N).", valueName: "K/N"))
    var shard: String?
    @Option(name: .customLong("pha-dir"), help: ArgumentHelp("Also write every sample as an OGIP PHA file in this directory, with the response and a background spectrum beside them.", valueName: "DIR"))
    var phaDirectory: String?
    @Flag(help: "Replace existing output files.")
    var overwrite = false
    @OptionGroup var instruments: InstrumentOptions
    @Option(help: ArgumentHelp("Your own RMF, overriding the scenario's instrument response.", valueName: "FILE"))
    var rmf: String?
    @Option(help: ArgumentHelp("Your own ARF, overriding the scenario's instrument response.", valueName: "FILE"))
    var arf: String?
    @Option(name: .customLong("atomdb"), help: ArgumentHelp("Directory of the full AtomDB tables (default: $ATOMDB, else the embedded tables).", valueName: "DIR"))
    var atomDB: String?
    @Flag(help: "Print a JSON summary of the dataset written.")
    var json = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1") }
        if let count, count < 0 { throw ValidationError("--count must be ≥ 0") }
        if let shard { _ = try Self.parseShard(shard) }
    }

    static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, (1...n).contains(k) else {
            throw SimulationError.invalidShard(text)
        }
        return (k, n)
    }

    func run() throws {
        var scenario = FileManager.default.fileExists(atPath: self.scenario)
            ? try ScenarioParser.read(path: self.scenario)
            : try BuiltInScenarios.scenario(named: self.scenario)
        if let count { scenario = scenario.withClassCount(count) }
        let context = ModelContext(abundanceTable: scenario.abundanceTable,
                                   atomDBDirectory: atomDB ?? ProcessInfo.processInfo.environment["ATOMDB"])
        let simulation = try Simulation(scenario: scenario, registry: try instruments.registry(), rmf: rmf, arf: arf,
                                        context: context)
        let seed = self.seed ?? scenario.seed ?? 0
        let shard = try self.shard.map(Self.parseShard)
        var sink: SimulationRunner.SampleSink?
        if let phaDirectory {
            sink = try PHADirectory(path: phaDirectory, simulation: simulation, seed: seed, overwrite: overwrite).sink
        }
        let progress = ProgressBar(label: "\(scenario.name)")
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = try SimulationRunner(simulation: simulation)
            .run(to: out, seed: seed, threads: threads, shard: shard, overwrite: overwrite,
                 progress: { progress.update(done: $0, total: $1) }, sink: sink)
        progress.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if json {
            var object = summary.jsonObject
            object["run"] = ["seconds": seconds, "threads": threads, "seed": seed,
                             "peak_memory_mb": CommandLineOutput.peakMemoryMegabytes()] as [String: Any]
            try CommandLineOutput.printJSON(object)
        } else {
            print("wrote \(out)")
            print(summary.description)
        }
    }
}

/// `--pha-dir`: every sample as an OGIP PHA file `SCENARIO_INDEX.pha` (class in OBJECT), with
/// the response (`SCENARIO.rmf`, `SCENARIO.arf`) written once beside them and, when the scenario
/// adds a background, one background spectrum `SCENARIO_bkg.pha` (an independent Poisson draw of
/// the background in the same region and exposure) that every PHA names in BACKFILE.
struct PHADirectory: Sendable {
    let directory: URL
    let stem: String
    let identity: InstrumentIdentity
    let firstChannel: Int
    let channels: Int
    let exposure: Double
    let backscal: Double
    let hasArf: Bool
    let hasBackground: Bool
    let overwrite: Bool
    let classNames: [String]

    init(path: String, simulation: Simulation, seed: UInt64, overwrite: Bool) throws {
        guard let instrument = simulation.instrument, let folder = simulation.folder else {
            throw SimulationError.output("--pha-dir needs a simulation prepared through an instrument")
        }
        let background = simulation.background, exposure = simulation.exposure
        directory = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        stem = simulation.scenario.name
        identity = instrument.identity
        firstChannel = folder.channels.firstChannel
        channels = folder.channels.count
        self.exposure = exposure
        backscal = background?.backscal ?? 1
        hasArf = folder.hasAncillary
        hasBackground = background != nil
        self.overwrite = overwrite
        classNames = simulation.classes.map(\.name)
        try folder.writeResponse(rmf: file("\(stem).rmf"), arf: hasArf ? file("\(stem).arf") : nil, overwrite: overwrite)
        if let background {
            var stream = RandomStream(seed: seed, purpose: .backgroundCounts, index: 0, substream: 1)
            let draw = try stream.poisson(means: background.total)
            try PHASpectrum(values: .counts(draw), exposure: exposure, firstChannel: firstChannel, detectorChannels: channels,
                            backgroundScale: .uniform(backscal), responseFile: "\(stem).rmf",
                            ancillaryFile: hasArf ? "\(stem).arf" : nil, poissonErrors: true, identity: identity,
                            channelType: "PI", kind: .background, object: "\(stem) background")
                .write(to: file("\(stem)_bkg.pha"), overwrite: overwrite)
        }
    }

    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    var sink: SimulationRunner.SampleSink {
        { sample in
            guard case let .counts(counts) = sample.values else { return }
            try PHASpectrum(values: .counts(counts.map(Double.init)), exposure: exposure, firstChannel: firstChannel,
                            detectorChannels: channels, backgroundScale: .uniform(backscal), responseFile: "\(stem).rmf",
                            ancillaryFile: hasArf ? "\(stem).arf" : nil, backgroundFile: hasBackground ? "\(stem)_bkg.pha" : nil,
                            poissonErrors: true, identity: identity, channelType: "PI", kind: .total,
                            object: "\(stem) sample \(sample.index) (\(classNames[sample.label]))")
                .write(to: file(String(format: "%@_%06d.pha", stem, sample.index)), overwrite: overwrite)
        }
    }
}
