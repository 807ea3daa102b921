import Foundation
import PerseusCore
import PerseusHDF5

/// Where a training run stands: enough, with the model and optimiser state, to resume it after
/// an interruption and continue the same loss curve.
public struct TrainingProgress: Sendable, Equatable {
    /// Epochs completed.
    public var epoch: Int
    /// Optimiser steps taken (also the index of stochastic streams keyed by step).
    public var step: Int
    /// Mean training loss of each completed epoch.
    public var trainingLosses: [Double]
    /// Validation loss of each completed epoch (empty if none was computed).
    public var validationLosses: [Double]
    /// Any further numbers the caller wants back (scheduler and early-stopping state, seeds…).
    public var values: [String: Double]

    public init(epoch: Int = 0, step: Int = 0, trainingLosses: [Double] = [], validationLosses: [Double] = [],
                values: [String: Double] = [:]) {
        self.epoch = epoch
        self.step = step
        self.trainingLosses = trainingLosses
        self.validationLosses = validationLosses
        self.values = values
    }
}

/// Model weights, running statistics, counters, optimiser state and training progress, saved to
/// and loaded from an HDF5 file laid out as documented in docs/checkpoint-format.md (readable
/// with h5py: `f["parameters/encoder.0.weight"][()]`).
public struct Checkpoint: Sendable {
    /// Format identifier stored in the root attribute `format`.
    public static let formatName = "perseus-neural-checkpoint"
    /// Layout version stored in the root attribute `format_version`.
    public static let formatVersion: Int64 = 1

    /// Parameter values by dotted name.
    public var parameters: [String: Tensor]
    /// Names of parameters that were frozen.
    public var frozen: Set<String>
    /// Running statistics by dotted name: mean, variance, batches tracked.
    public var statistics: [String: (mean: Tensor, variance: Tensor, batchesTracked: Int)]
    /// Module counters (dropout call counts) by dotted name.
    public var counters: [String: UInt64]
    /// The optimiser's algorithm name and state (see `Optimiser.state`), if saved.
    public var optimiserAlgorithm: String?
    public var optimiserState: [String: Tensor]
    /// Training progress, if saved.
    public var progress: TrainingProgress?
    /// Free-form text metadata (architecture, data set, Perseus version…).
    public var metadata: [String: String]

    /// A checkpoint of `model` (and optionally `optimiser` and `progress`) as they are now.
    public init(model: any Module, optimiser: (any Optimiser)? = nil, progress: TrainingProgress? = nil,
                metadata: [String: String] = [:]) {
        var parameters: [String: Tensor] = [:]
        var frozen = Set<String>()
        for (name, p) in model.namedParameters {
            parameters[name] = p.value
            if p.isFrozen { frozen.insert(name) }
        }
        self.parameters = parameters
        self.frozen = frozen
        var statistics: [String: (mean: Tensor, variance: Tensor, batchesTracked: Int)] = [:]
        for (name, s) in model.namedStatistics { statistics[name] = (s.mean, s.variance, s.batchesTracked) }
        self.statistics = statistics
        counters = Dictionary(model.namedCounters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        optimiserAlgorithm = optimiser?.algorithm
        optimiserState = optimiser?.state ?? [:]
        self.progress = progress
        var meta = metadata
        meta["perseus_version"] = meta["perseus_version"] ?? PerseusVersion.string
        self.metadata = meta
    }

    // MARK: Restoring

    /// Copies the saved weights, statistics and counters into `model`, and the optimiser state
    /// into `optimiser` if given. Every parameter of the model must be in the checkpoint with
    /// its shape, and (with `strict`) the checkpoint must hold nothing the model lacks.
    /// - Throws: `NeuralError.checkpoint` naming `source` and the entry that does not match.
    public func restore(into model: any Module, optimiser: (any Optimiser)? = nil, strict: Bool = true,
                        source: String = "checkpoint") throws {
        let named = model.namedParameters
        for (name, p) in named {
            guard let value = parameters[name] else {
                throw NeuralError.checkpoint(path: source, field: "parameters/\(name)", detail: "missing; the model has a parameter \(describe(p.shape)) of this name")
            }
            guard value.shape == p.shape else {
                throw NeuralError.checkpoint(path: source, field: "parameters/\(name)", detail: "has shape \(describe(value.shape)); the model expects \(describe(p.shape))")
            }
        }
        let stats = model.namedStatistics
        for (name, s) in stats {
            guard let saved = statistics[name] else {
                throw NeuralError.checkpoint(path: source, field: "statistics/\(name)", detail: "missing; the model has running statistics of this name")
            }
            guard saved.mean.shape == [s.channels], saved.variance.shape == [s.channels] else {
                throw NeuralError.checkpoint(path: source, field: "statistics/\(name)", detail: "has \(describe(saved.mean.shape)) channels; the model expects [\(s.channels)]")
            }
        }
        if strict {
            let modelNames = Set(named.map(\.name))
            if let extra = parameters.keys.sorted().first(where: { !modelNames.contains($0) }) {
                throw NeuralError.checkpoint(path: source, field: "parameters/\(extra)", detail: "the model has no parameter of this name")
            }
            let statNames = Set(stats.map(\.name))
            if let extra = statistics.keys.sorted().first(where: { !statNames.contains($0) }) {
                throw NeuralError.checkpoint(path: source, field: "statistics/\(extra)", detail: "the model has no running statistics of this name")
            }
        }
        if let optimiser {
            guard let algorithm = optimiserAlgorithm else {
                throw NeuralError.checkpoint(path: source, field: "optimizer", detail: "missing; the checkpoint holds no optimiser state")
            }
            guard algorithm == optimiser.algorithm else {
                throw NeuralError.checkpoint(path: source, field: "optimizer", detail: "holds \(algorithm) state; the optimiser is \(optimiser.algorithm)")
            }
            do { try optimiser.restore(optimiserState) } catch let error as NeuralError {
                throw NeuralError.checkpoint(path: source, field: "optimizer/state", detail: error.description)
            }
        }
        for (name, p) in named {
            try p.assign(parameters[name]!)
            p.isFrozen = frozen.contains(name)
        }
        for (name, s) in stats {
            let saved = statistics[name]!
            try s.assign(mean: saved.mean, variance: saved.variance, batchesTracked: saved.batchesTracked)
        }
        for (name, value) in counters { try model.setCounter(name, to: value) }
    }

    // MARK: Writing

    /// Writes the checkpoint to `path` (through a temporary file renamed into place, so an
    /// interrupted write never leaves a partial checkpoint under the final name).
    /// - Throws: `OutputError` if the file exists and `overwrite` is false, or `HDF5Error`.
    public func write(to path: String, overwrite: Bool = false) throws {
        let output = try AtomicOutput(path: path, overwrite: overwrite)
        try output.write { temporary in
            let file = try HDF5File(creating: temporary, mode: .truncate)
            try file.setAttribute("format", .string(Checkpoint.formatName))
            try file.setAttribute("format_version", .int(Checkpoint.formatVersion))
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                try file.setAttribute("meta_" + key, .string(value))
            }
            let parameterGroup = try file.createGroup("parameters")
            for name in parameters.keys.sorted() {
                let t = parameters[name]!
                let d = try parameterGroup.createDataset(name, values: t.scalars, shape: t.shape)
                try d.setAttribute("frozen", .int(frozen.contains(name) ? 1 : 0))
            }
            let statisticsGroup = try file.createGroup("statistics")
            for name in statistics.keys.sorted() {
                let s = statistics[name]!
                let g = try statisticsGroup.createGroup(name)
                try g.createDataset("mean", values: s.mean.scalars, shape: s.mean.shape)
                try g.createDataset("variance", values: s.variance.scalars, shape: s.variance.shape)
                try g.setAttribute("batches_tracked", .int(Int64(s.batchesTracked)))
            }
            let counterGroup = try file.createGroup("counters")
            for (name, value) in counters.sorted(by: { $0.key < $1.key }) {
                try counterGroup.setAttribute(name, .uint(value))
            }
            if let algorithm = optimiserAlgorithm {
                let g = try file.createGroup("optimizer")
                try g.setAttribute("algorithm", .string(algorithm))
                let state = try g.createGroup("state")
                for key in optimiserState.keys.sorted() {
                    let t = optimiserState[key]!
                    try state.createDataset(key, values: t.scalars, shape: t.shape)
                }
            }
            if let progress {
                let g = try file.createGroup("training")
                try g.setAttribute("epoch", .int(Int64(progress.epoch)))
                try g.setAttribute("step", .int(Int64(progress.step)))
                try g.createDataset("training_loss", values: progress.trainingLosses, shape: [progress.trainingLosses.count])
                try g.createDataset("validation_loss", values: progress.validationLosses, shape: [progress.validationLosses.count])
                for (key, value) in progress.values.sorted(by: { $0.key < $1.key }) {
                    try g.setAttribute("value_" + key, .double(value))
                }
            }
            try file.close()
        }
    }

    // MARK: Reading

    /// Reads a checkpoint written by `write(to:)`.
    /// - Throws: `HDF5Error` for unreadable files, `NeuralError.checkpoint` naming the file and
    ///   the field for a file that is HDF5 but not a checkpoint of a version this code reads.
    public init(reading path: String) throws {
        let file = try HDF5File(opening: path)
        defer { try? file.close() }
        guard try file.hasAttribute("format"), try file.stringAttribute("format") == Checkpoint.formatName else {
            throw NeuralError.checkpoint(path: path, field: "/@format", detail: "missing or not '\(Checkpoint.formatName)'; not a Perseus checkpoint")
        }
        let version = try file.intAttribute("format_version")
        guard version == Checkpoint.formatVersion else {
            throw NeuralError.checkpoint(path: path, field: "/@format_version", detail: "is \(version); this Perseus reads version \(Checkpoint.formatVersion)")
        }
        var metadata: [String: String] = [:]
        for name in try file.attributeNames() where name.hasPrefix("meta_") {
            metadata[String(name.dropFirst(5))] = try file.stringAttribute(name)
        }
        self.metadata = metadata

        func tensor(_ d: HDF5Dataset, _ field: String) throws -> Tensor {
            let shape = try d.shape()
            let values: [Float] = try d.read(as: Float.self)
            do { return try Tensor(shape: shape, values: values) } catch {
                throw NeuralError.checkpoint(path: path, field: field, detail: "\(error)")
            }
        }

        var parameters: [String: Tensor] = [:]
        var frozen = Set<String>()
        let parameterGroup = try file.group("parameters")
        for member in try parameterGroup.members() {
            guard member.kind == .dataset else {
                throw NeuralError.checkpoint(path: path, field: "parameters/\(member.name)", detail: "is not a dataset")
            }
            let d = try parameterGroup.dataset(member.name)
            parameters[member.name] = try tensor(d, "parameters/\(member.name)")
            if try d.hasAttribute("frozen"), try d.intAttribute("frozen") != 0 { frozen.insert(member.name) }
        }
        self.parameters = parameters
        self.frozen = frozen

        var statistics: [String: (mean: Tensor, variance: Tensor, batchesTracked: Int)] = [:]
        if file.contains("statistics") {
            let group = try file.group("statistics")
            for member in try group.members() {
                let g = try group.group(member.name)
                let field = "statistics/\(member.name)"
                statistics[member.name] = (try tensor(try g.dataset("mean"), field + "/mean"),
                                           try tensor(try g.dataset("variance"), field + "/variance"),
                                           Int(try g.intAttribute("batches_tracked")))
            }
        }
        self.statistics = statistics

        var counters: [String: UInt64] = [:]
        if file.contains("counters") {
            let group = try file.group("counters")
            for name in try group.attributeNames() { counters[name] = try group.uintAttribute(name) }
        }
        self.counters = counters

        optimiserAlgorithm = nil
        optimiserState = [:]
        if file.contains("optimizer") {
            let g = try file.group("optimizer")
            optimiserAlgorithm = try g.stringAttribute("algorithm")
            let state = try g.group("state")
            for member in try state.members() {
                optimiserState[member.name] = try tensor(try state.dataset(member.name), "optimizer/state/\(member.name)")
            }
        }

        progress = nil
        if file.contains("training") {
            let g = try file.group("training")
            var values: [String: Double] = [:]
            for name in try g.attributeNames() where name.hasPrefix("value_") {
                values[String(name.dropFirst(6))] = try g.doubleAttribute(name)
            }
            progress = TrainingProgress(epoch: Int(try g.intAttribute("epoch")), step: Int(try g.intAttribute("step")),
                                        trainingLosses: try g.dataset("training_loss").read(as: Double.self),
                                        validationLosses: try g.dataset("validation_loss").read(as: Double.self),
                                        values: values)
        }
    }
}
