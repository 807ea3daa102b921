import ArgumentParser
import Foundation
import Perseus

/// `perseus bench rmf FILE…`: time to read an OGIP RMF into the sparse run structure (with
/// every check) and to fold one spectrum through it, against astropy reading the same file into
/// flat arrays and scipy.sparse folding it, in the same run.
struct BenchRMFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmf",
        abstract: "RMF read and fold time vs astropy + scipy.sparse.")

    @Argument(help: "RMF files to read.")
    var files: [String]
    @Option(help: "Timings per file and side; the fastest is reported.")
    var repeats = 3
    @Option(help: "Folds per fold timing.")
    var folds = 20
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard !files.isEmpty, repeats > 0, folds > 0 else { throw ValidationError("give at least one file, --repeats > 0 and --folds > 0") }
        var results: [[String: Any]] = []
        var checksum = 0.0
        for file in files {
            var matrix: ResponseMatrix?
            let readSeconds = try BenchSupport.best(of: repeats) { matrix = try ResponseMatrix.read(file) }
            let m = matrix!
            let photons = (0..<m.energyCount).map { 1 + 0.25 * Double($0 % 7) }
            var counts = [Double](repeating: 0, count: m.channelCount)
            let foldSeconds = photons.withUnsafeBufferPointer { p in
                counts.withUnsafeMutableBufferPointer { c in
                    BenchSupport.best(of: repeats) { for _ in 0..<folds { m.fold(p, into: c) } }
                }
            } / Double(folds)
            checksum += counts.reduce(0, +)
            var result: [String: Any] = [
                "file": file, "energies": m.energyCount, "channels": m.channelCount, "nonzero": m.nonzeroCount,
                "bytes": (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0,
                "perseus_read_seconds": readSeconds, "perseus_fold_seconds": foldSeconds,
            ]
            switch BenchSupport.runPeer(script: "rmf_astropy.py", arguments: [file, "--repeats", "\(repeats)", "--folds", "\(folds)"],
                                        environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"]) {
            case let .measured(object):
                result["astropy_read_seconds"] = object["read_seconds"]
                result["scipy_fold_seconds"] = object["fold_seconds"]
                result["peer_versions"] = "astropy \(object["astropy_version"] ?? "?"), scipy \(object["scipy_version"] ?? "?")"
            case let .unavailable(reason):
                result["peer_unavailable"] = reason
            }
            results.append(result)
        }
        if json {
            try CommandLineOutput.printJSON(["benchmark": "rmf", "repeats": repeats, "results": results])
        } else {
            print("RMF read (with all checks) and fold of one spectrum, best of \(repeats), 1 thread")
            for r in results {
                let name = ((r["file"] as? String) ?? "") as NSString
                print("  \(name.lastPathComponent): \(r["energies"] ?? 0) × \(r["channels"] ?? 0), \(r["nonzero"] ?? 0) non-zero")
                print(String(format: "    read  perseus %.3f s", (r["perseus_read_seconds"] as? Double) ?? .nan)
                      + ((r["astropy_read_seconds"] as? Double).map { String(format: "   astropy %.3f s", $0) } ?? "   astropy unavailable"))
                print(String(format: "    fold  perseus %.2f ms", 1e3 * ((r["perseus_fold_seconds"] as? Double) ?? .nan))
                      + ((r["scipy_fold_seconds"] as? Double).map { String(format: "  scipy.sparse %.2f ms", 1e3 * $0) } ?? ""))
            }
        }
        if checksum < 0 { print(checksum) }   // keeps the folds observable to the optimiser
    }
}
