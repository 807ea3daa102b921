import Foundation
import PerseusCore
import PerseusHDF5

/// Joins the shard files of one generation run into a single dataset file without copying the
/// samples: every per-sample dataset of the merged file is an HDF5 virtual dataset over the
/// shards' datasets; the channel axis is copied (it is small). h5py, PyTorch loaders and
/// `DatasetReader` read the merged file like any other dataset.
///
/// Shard file names are stored relative to the merged file's directory when the shards lie in
/// it or below, so the directory can be moved as a whole. The shards must stay in place:
/// `DatasetReader` refuses a merged file whose shards are missing.
public enum DatasetMerge {
    /// Merges `shards` (in any order) into a new dataset file at `path`.
    ///
    /// The shards must describe the same dataset (layout, classes, parameters, expected
    /// precision, units, scenario, instrument, exposure, seed, software version) and, sorted by
    /// `first_sample_index`, cover consecutive sample indices without gap or overlap. The
    /// merged file's `first_sample_index` is the lowest one; it has no shard attributes.
    /// - Returns: the summary of the merged dataset.
    /// - Throws: `DatasetError.invalidDescription` naming the shard that differs or the gap,
    ///   errors opening a shard, `OutputError` if `path` exists and not `overwrite`.
    public static func merge(shards: [String], into path: String, overwrite: Bool = false) throws -> DatasetSummary {
        guard !shards.isEmpty else { throw DatasetError.invalidDescription(path: path, message: "no shard files to merge") }
        let readers = try shards.map { try DatasetReader(path: $0) }.sorted {
            ($0.metadata.firstSampleIndex, $0.sampleCount) < ($1.metadata.firstSampleIndex, $1.sampleCount)   // empty shards first
        }
        let reference = readers[0]
        func differs(_ shard: DatasetReader, _ what: String) -> DatasetError {
            .invalidDescription(path: path, message: "shard \(shard.path) has a different \(what) than \(reference.path)")
        }
        var next = reference.metadata.firstSampleIndex
        for shard in readers {
            let a = shard.description, b = reference.description
            if a.layout != b.layout { throw differs(shard, "sample layout or channel axis") }
            if a.classes != b.classes { throw differs(shard, "class list") }
            if a.parameters != b.parameters { throw differs(shard, "parameter list") }
            if a.expected != b.expected { throw differs(shard, "expected-value storage") }
            if a.sampleUnits != b.sampleUnits { throw differs(shard, "sample unit") }
            if a.metadata.scenario != b.metadata.scenario { throw differs(shard, "scenario") }
            if a.metadata.instrument != b.metadata.instrument { throw differs(shard, "instrument") }
            if a.metadata.exposure != b.metadata.exposure { throw differs(shard, "exposure") }
            if a.metadata.seed != b.metadata.seed { throw differs(shard, "seed") }
            if a.metadata.softwareVersion != b.metadata.softwareVersion { throw differs(shard, "Perseus version") }
            if shard.mergedShards > 0 {
                throw DatasetError.invalidDescription(path: path, message: "\(shard.path) is itself a merged view; merge the original shards")
            }
            guard shard.metadata.firstSampleIndex == next else {
                let message = shard.metadata.firstSampleIndex > next
                    ? "samples \(next)..<\(shard.metadata.firstSampleIndex) are in none of the shards (next shard: \(shard.path))"
                    : "\(shard.path) starts at sample \(shard.metadata.firstSampleIndex), overlapping the previous shard, which ends before \(next)"
                throw DatasetError.invalidDescription(path: path, message: message)
            }
            next += shard.sampleCount
        }
        let total = next - reference.metadata.firstSampleIndex
        let files = readers.map(\.path)
        for reader in readers { try reader.close() }

        var description = reference.description
        description.metadata.shard = nil
        description.metadata.created = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let output = try AtomicOutput(path: path, overwrite: overwrite)
        try output.write { temporary in
            let file = try HDF5File(creating: temporary)
            try DatasetSchema.writeRootAttributes(of: file, description: description, sampleCount: total)
            typealias M = DatasetSchema.Member
            let kind = description.layout.kind.rawValue
            let samples = try file.createVirtualConcatenation(kind, of: kind, in: files)
            try DatasetSchema.annotateSamples(samples, description: description)
            if case let .spectra(channels) = description.layout { try DatasetSchema.writeChannels(channels, to: file) }
            if description.expected != nil {
                try DatasetSchema.annotateExpected(try file.createVirtualConcatenation(M.expected, of: M.expected, in: files),
                                                   description: description)
            }
            try DatasetSchema.annotateLabels(try file.createVirtualConcatenation(M.labels, of: M.labels, in: files),
                                             classes: description.classes)
            if !description.parameters.isEmpty {
                try DatasetSchema.annotateTruth(try file.createVirtualConcatenation(M.truth, of: M.truth, in: files),
                                                parameters: description.parameters)
            }
            try DatasetSchema.annotateIndices(try file.createVirtualConcatenation(M.sampleIndex, of: M.sampleIndex, in: files))
            try file.close()
        }
        return try DatasetSummary(contentsOf: path)
    }
}
