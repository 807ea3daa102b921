import ArgumentParser
import Foundation
import Perseus

/// `perseus merge SHARD… --out FILE`: joins the shard files of one `perseus simulate --shard`
/// run into a single dataset without copying the data (HDF5 virtual datasets that point into
/// the shards; keep the shards beside the merged file). The result reads exactly like the
/// unsharded dataset.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a sharded simulation into one dataset (no copy).")

    @Argument(help: "Shard files written by `perseus simulate --shard K/N`, in any order.")
    var shards: [String]
    @Option(name: .shortAndLong, help: "The merged dataset to write.")
    var out: String
    @Flag(help: "Replace OUT if it exists.")
    var overwrite = false
    @Flag(help: "Print the merged dataset's summary as JSON.")
    var json = false

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard files to merge") }
    }

    func run() throws {
        let summary = try DatasetMerge.merge(shards: shards, into: out, overwrite: overwrite)
        if json {
            try CommandLineOutput.printJSON(summary.jsonObject)
        } else {
            print("merged \(shards.count) shard\(shards.count == 1 ? "" : "s") into \(out)")
            print(summary.description)
        }
    }
}
