import Foundation
import Testing
import PerseusTestSupport

/// `perseus fit` as a user runs it: fakeit → fit of one PHA (human and JSON output), failures as
/// a one-line error with a JSON status, and a whole simulated dataset into a results file.
@Suite(.enabled(if: PerseusExecutable.isAvailable, "the perseus binary was not built beside the tests"))
struct FitCommandTests {
    let directory: String = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-fit-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }()

    func object(_ run: PerseusExecutable.Run) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "stdout: \(run.output) stderr: \(run.error)")
    }

    /// fakeit writes src.pha with RESPFILE/ANCRFILE beside it; fit finds them and recovers the
    /// parameters within 4σ.
    @Test func fakeitThenFitOneSpectrum() throws {
        let fake = try PerseusExecutable.run(["fakeit", "tbabs*apec", "--instrument", "chandra-acis-i", "--exposure", "4e4",
                                              "--set", "tbabs.nH=0.3", "--set", "apec.kT=3", "--set", "apec.Abundanc=0.4",
                                              "--set", "apec.norm=3e-3", "--seed", "5", "--out", "src.pha"], in: directory)
        try #require(fake.status == 0, "\(fake.error)")
        let run = try PerseusExecutable.run(["fit", "src.pha", "tbabs*apec", "--thaw", "apec.Abundanc", "--band", "0.5:7", "--json"],
                                            in: directory)
        #expect(run.status == 0, "\(run.error)")
        let result = try object(run)
        #expect((result["status"] as? String)?.hasPrefix("converged") == true)
        let statistic = try #require(result["statistic"] as? [String: Any])
        #expect(statistic["name"] as? String == "cstat" && (statistic["dof"] as? Int ?? 0) > 100)
        let parameters = try #require(result["parameters"] as? [[String: Any]])
        let truth = ["tbabs.nH": 0.3, "apec.kT": 3.0, "apec.Abundanc": 0.4, "apec.norm": 3e-3]
        for p in parameters {
            guard let name = p["name"] as? String, let expected = truth[name] else { continue }
            let value = try #require(p["value"] as? Double), error = try #require(p["error"] as? Double)
            #expect(abs(value - expected) < 4 * error, "\(name) = \(value) ± \(error)")
        }
        #expect(parameters.first { $0["name"] as? String == "apec.Redshift" }?["frozen"] as? Bool == true)
        // The human summary names the statistic and the status.
        let text = try PerseusExecutable.run(["fit", "src.pha", "tbabs*apec", "--band", "0.5:7"], in: directory)
        #expect(text.status == 0 && text.output.contains("Statistic   cstat") && text.output.contains("Status      converged"), "\(text.output)")
    }

    /// Nothing to fit (a spectrum of zeros): exit status 1, one line on standard error, and with
    /// --json an object whose status names the failure — never a result.
    @Test func failureIsReportedNotAResult() throws {
        let fake = try PerseusExecutable.run(["fakeit", "powerlaw", "--instrument", "chandra-acis-i", "--set", "powerlaw.norm=0",
                                              "--out", "empty.pha"], in: directory)
        try #require(fake.status == 0, "\(fake.error)")
        let run = try PerseusExecutable.run(["fit", "empty.pha", "powerlaw", "--json"], in: directory)
        #expect(run.status == 1)
        #expect(run.error.hasPrefix("perseus: error:") && run.error.split(separator: "\n").count == 1, "\(run.error)")
        let result = try object(run)
        #expect(result["status"] as? String == "all-zero-data" && result["parameters"] == nil)
        // A model that cannot be parsed and a missing file are one-line errors too.
        let bad = try PerseusExecutable.run(["fit", "empty.pha", "tbabs*(apec"], in: directory)
        #expect(bad.status == 1 && bad.error.hasPrefix("perseus: error:") && bad.error.split(separator: "\n").count == 1, "\(bad.error)")
        let missing = try PerseusExecutable.run(["fit", "nothing.pha", "powerlaw"], in: directory)
        #expect(missing.status == 1 && missing.error.contains("nothing.pha"), "\(missing.error)")
    }

    /// simulate → fit --dataset: every sample a row of the results file, with the instrument
    /// background of the scenario in the model.
    @Test func fitADataset() throws {
        let simulate = try PerseusExecutable.run(["simulate", "lin2024", "--count", "2", "--seed", "4", "--out", "lin.h5"], in: directory)
        try #require(simulate.status == 0, "\(simulate.error)")
        let run = try PerseusExecutable.run(["fit", "--dataset", "lin.h5", "tbabs*apec", "--set", "tbabs.nH=0.00858", "--freeze", "tbabs.nH",
                                             "--set", "apec.kT=5", "--set", "apec.norm=0.3",
                                             "--fix-to-truth", "apec.Redshift=apec_1.Redshift|apec.Redshift",
                                             "--out", "fits.h5", "--threads", "2", "--json"], in: directory)
        #expect(run.status == 0, "\(run.error)")
        let summary = try object(run)
        #expect(summary["samples"] as? Int == 6 && summary["failed"] as? Int == 0, "\(summary)")
        // Not replaced without --overwrite.
        let again = try PerseusExecutable.run(["fit", "--dataset", "lin.h5", "powerlaw", "--out", "fits.h5"], in: directory)
        #expect(again.status == 1 && again.error.contains("--overwrite"), "\(again.error)")
    }
}
