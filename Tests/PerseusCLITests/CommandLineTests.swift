import Foundation
import Testing
import PerseusTestSupport

/// What a user of the `perseus` command sees: results on standard output, one-line errors on
/// standard error with a non-zero exit status, JSON where asked.
@Suite(.enabled(if: PerseusExecutable.isAvailable, "the perseus binary was not built beside the tests"))
struct CommandLineTests {
    let directory: String = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }()

    func json(_ run: PerseusExecutable.Run) throws -> [String: Any] {
        try #require(run.status == 0, "exit \(run.status): \(run.error)")
        return try #require(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
    }

    /// Bad input: exit status 1 and exactly one line `perseus: error: …` naming the problem.
    @Test(arguments: [
        (["inspect", "/nonexistent/file.rmf"], "file.rmf"),
        (["simulate", "no-such-scenario", "--out", "x.h5"], "no-such-scenario"),
        (["model", "powrlaw", "--grid", "1:2:0.1"], "powrlaw"),
        (["ionization", "--element", "Xx", "--kT", "2"], "Xx"),
        (["fakeit", "powerlaw", "--instrument", "no-such-telescope", "--out", "x.pha"], "no-such-telescope"),
    ])
    func badInputGivesOneLineError(arguments: [String], mention: String) throws {
        let run = try PerseusExecutable.run(arguments, in: directory)
        #expect(run.status != 0)
        let lines = run.error.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count >= 1 && lines[0].hasPrefix("perseus: error:"), "stderr: \(run.error)")
        #expect(run.error.contains(mention), "stderr: \(run.error)")
        #expect(!run.error.contains("Stack dump") && !run.error.contains("Fatal error"))
    }

    @Test func inspectOfACorruptFileFailsCleanly() throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("garbage.pha").path
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: path))
        let run = try PerseusExecutable.run(["inspect", path, "--json"])
        #expect(run.status == 1 && run.error.hasPrefix("perseus: error:") && run.error.contains("garbage.pha"))
        #expect(run.output.isEmpty)
    }

    /// simulate → inspect --json on a small dataset, then the same seed on one thread gives
    /// the same data (h5 bytes aside from the creation time, compared via the sample checksums).
    @Test func simulateThenInspect() throws {
        let run = try PerseusExecutable.run(["simulate", "lin2024", "--count", "4", "--seed", "3", "--threads", "2",
                                             "--out", "a.h5", "--json"], in: directory)
        let summary = try json(run)
        #expect(summary["kind"] as? String == "dataset")
        #expect(summary["samples"] as? Int == 12 && summary["channels"] as? Int == 1925)
        let inspect = try json(try PerseusExecutable.run(["inspect", "a.h5", "--json"], in: directory))
        #expect(inspect["instrument"] as? String == "nustar-fpma" && inspect["exposure"] as? Double == 1e6)
        // An existing output is not replaced without --overwrite.
        let again = try PerseusExecutable.run(["simulate", "lin2024", "--count", "4", "--out", "a.h5"], in: directory)
        #expect(again.status == 1 && again.error.contains("--overwrite"), "\(again.error)")
    }

    @Test func listsInstrumentsAndScenarios() throws {
        let instruments = try json(try PerseusExecutable.run(["instruments", "--json"]))
        let names = (instruments["instruments"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(Set(names).isSuperset(of: ["hitomi-sxs", "xrism-resolve", "nustar-fpma", "chandra-acis-i"]), "\(names)")
        let scenarios = try json(try PerseusExecutable.run(["scenarios", "--json"]))
        #expect((scenarios["scenarios"] as? [[String: Any]])?.count == 2)
    }

    @Test func ionizationJSONHasTheFractions() throws {
        let object = try json(try PerseusExecutable.run(["ionization", "--element", "Fe", "--kT", "2", "--json"]))
        let fractions = try #require(object["fractions"] as? [Double])
        #expect(fractions.count == 27 && abs(fractions.reduce(0, +) - 1) < 1e-9)
    }

    @Test func modelPrintsOneRowPerBin() throws {
        let object = try json(try PerseusExecutable.run(["model", "tbabs*apec", "--set", "apec.kT=4", "--set", "tbabs.nH=0.1",
                                                         "--grid", "1:2:0.25", "--json"]))
        let values = try #require(object["value"] as? [Double])
        #expect(values.count == 4 && values.allSatisfy { $0 > 0 })
    }
}
