import ArgumentParser
import Foundation
import Perseus

/// `perseus bench dataset-write`: throughput and peak memory of writing a spectra dataset with
/// `DatasetWriter` (incremental, chunked, shuffle + gzip 4), against h5py writing the same
/// layout with the same filters and chunking in the same run.
///
/// Each side draws Poisson counts around the same smooth 2000-channel continuum and writes
/// counts, labels, truth (4 parameters), sample indices and optionally float32 expectations.
/// Reported: seconds to generate only, seconds to generate and write the finished file, the
/// file size, and the peak resident set size of the process (getrusage, measured before the
/// peer runs).
struct BenchDatasetWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset-write",
        abstract: "Dataset writing throughput and peak memory vs h5py.")

    @Option(help: "Number of spectra.")
    var spectra = 12_000
    @Option(help: "Channels per spectrum.")
    var channels = 2000
    @Flag(help: "Also store the noise-free expectations (float32).")
    var expected = false
    @Flag(help: "Skip the h5py peer (e.g. to measure this process alone with /usr/bin/time -v).")
    var noPeer = false
    @Option(help: "Directory for the output files (removed afterwards).")
    var directory = FileManager.default.temporaryDirectory.path
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard spectra > 0, channels > 0 else { throw ValidationError("--spectra and --channels must be positive") }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("perseus-bench-\(getpid()).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let means = Self.means(channels: channels)
        let grid = try EnergyGrid.linear(from: 3, to: 3 + 0.04 * Double(channels), step: 0.04)
        let description = DatasetDescription(
            layout: .spectra(DatasetChannels(grid: grid, firstChannel: 0)),
            classes: [DatasetClass("normal"), DatasetClass("anomalous", isAnomaly: true)],
            parameters: ["kT", "Abundanc", "Redshift", "norm"].map { DatasetQuantity($0) },
            expected: expected ? .float32 : nil,
            metadata: DatasetMetadata(scenario: "bench dataset-write", instrument: "bench", exposure: 1e5, seed: 42))

        // Generation alone, for reference.
        var counts = [Int32](repeating: 0, count: channels)
        var checksum: Int64 = 0
        let workspace = PoissonWorkspace()
        let generateSeconds = try BenchSupport.seconds {
            try means.withUnsafeBufferPointer { m in
                try counts.withUnsafeMutableBufferPointer { c in
                    for i in 0..<spectra {
                        var stream = RandomStream(seed: 42, purpose: .sourceCounts, index: UInt64(i))
                        try stream.poisson(means: m, into: c, workspace: workspace)
                        checksum &+= Int64(c[i % channels])
                    }
                }
            }
        }
        // Generation and writing.
        var peakBuffered = 0
        let totalSeconds = try BenchSupport.seconds {
            let writer = try DatasetWriter(path: path, description: description)
            for i in 0..<spectra {
                var stream = RandomStream(seed: 42, purpose: .sourceCounts, index: UInt64(i))
                try means.withUnsafeBufferPointer { m in
                    try counts.withUnsafeMutableBufferPointer { try stream.poisson(means: m, into: $0, workspace: workspace) }
                }
                try writer.append(DatasetSample(index: i, values: .counts(counts), expected: expected ? means : nil,
                                                label: i % 10 == 0 ? 1 : 0, truth: [5, 0.3, 0.05, 0.1]))
            }
            peakBuffered = writer.peakBufferedRows
            _ = try writer.finish()
        }
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakRSS = Double(usage.ru_maxrss) / 1024   // KiB → MiB on Linux
        let rawMiB = Double(spectra * channels * 4) / 1_048_576

        var result: [String: Any] = [
            "benchmark": "dataset-write", "spectra": spectra, "channels": channels, "expected": expected,
            "perseus_generate_seconds": generateSeconds, "perseus_total_seconds": totalSeconds,
            "perseus_write_seconds": totalSeconds - generateSeconds,
            "perseus_spectra_per_second": Double(spectra) / totalSeconds,
            "perseus_file_mib": Double(fileBytes) / 1_048_576, "raw_counts_mib": rawMiB,
            "perseus_peak_rss_mib": peakRSS, "perseus_batch_rows": DatasetWriter.defaultBatchRows(for: description.layout),
            "perseus_peak_buffered_rows": peakBuffered,
        ]
        var peer: BenchSupport.PeerResult = .unavailable("skipped (--no-peer)")
        if !noPeer {
            let chunkRows = HDF5DatasetOptions.automaticChunkShape(shape: [0, channels], elementBytes: 4, extendible: true)[0]
            var arguments = ["--spectra", "\(spectra)", "--channels", "\(channels)", "--directory", directory,
                             "--batch", "\(DatasetWriter.defaultBatchRows(for: description.layout))", "--chunk-rows", "\(chunkRows)"]
            if expected { arguments.append("--expected") }
            peer = BenchSupport.runPeer(script: "dataset_write_h5py.py", arguments: arguments,
                                        environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])
        }
        if case let .measured(object) = peer, object["unavailable"] == nil {
            for (key, value) in object { result["h5py_" + key] = value }
        } else if case let .measured(object) = peer {
            result["h5py_unavailable"] = object["unavailable"]
        } else if case let .unavailable(reason) = peer {
            result["h5py_unavailable"] = reason
        }
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("Dataset writing: \(spectra) spectra × \(channels) channels (int32 counts\(expected ? " + float32 expected" : "")), shuffle + gzip 4, 1 thread")
            print(String(format: "  perseus  generate %.2f s, generate + write %.2f s (%.0f spectra/s), file %.1f MiB of %.1f MiB raw counts, peak RSS %.1f MiB",
                         generateSeconds, totalSeconds, Double(spectra) / totalSeconds, Double(fileBytes) / 1_048_576, rawMiB, peakRSS))
            if let total = result["h5py_total_seconds"] as? Double {
                print(String(format: "  h5py     generate %.2f s, generate + write %.2f s (%.0f spectra/s), file %.1f MiB, peak RSS %.1f MiB  (h5py %@, HDF5 %@)",
                             result["h5py_generate_seconds"] as? Double ?? .nan, total, Double(spectra) / total,
                             result["h5py_file_mib"] as? Double ?? .nan, result["h5py_peak_rss_mib"] as? Double ?? .nan,
                             "\(result["h5py_h5py_version"] ?? "?")", "\(result["h5py_hdf5_version"] ?? "?")"))
            } else {
                print("  h5py     unavailable: \(result["h5py_unavailable"] ?? "?")")
            }
        }
        if checksum < 0 { print(checksum) }   // keeps the draws observable to the optimiser
    }

    /// A smooth continuum: about 10⁵ counts per spectrum, from ~200 counts per channel at the
    /// low end down to ~0.5 at the high end.
    static func means(channels: Int) -> [Double] {
        (0..<channels).map { 200 * exp(-Double($0) / (Double(channels) / 6)) + 0.5 }
    }
}
