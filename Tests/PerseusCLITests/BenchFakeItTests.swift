import Foundation
import Testing
import PerseusTestSupport

/// `perseus bench fakeit --json` on a tiny run: the JSON has its parts, the six Perseus paths
/// give the same spectra, their mean agrees with the expected counts, and — when Sherpa is
/// importable — Perseus's expected counts agree with Sherpa's channel by channel. No timing is
/// asserted.
@Suite(.enabled(if: PerseusExecutable.isAvailable, "the perseus binary was not built beside the tests"))
struct BenchFakeItTests {
    static let sherpaAvailable = Python.canImport("sherpa.astro.ui", "scipy")

    @Test func tinyRunReportsPathsAndChecks() throws {
        var arguments = ["bench", "fakeit", "--spectra", "20", "--repeats", "1", "--skip-simulate", "--json"]
        if !Self.sherpaAvailable { arguments.append("--skip-sherpa") }
        let run = try PerseusExecutable.run(arguments)
        try #require(run.status == 0, "exit \(run.status): \(run.error)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(object["benchmark"] as? String == "fakeit")
        #expect(object["simulate_skipped"] != nil)

        let perseus = try #require(object["perseus"] as? [String: Any])
        let paths = try #require(perseus["paths"] as? [[String: Any]])
        #expect(paths.compactMap { $0["path"] as? String } == ["evaluate_fold_draw", "evaluate_fold_draw_batched", "evaluate_fold_draw_2t", "evaluate_fold_draw_batched_2t", "draw_only", "fakeit_simulate", "fakeit_simulate_compiled"])
        #expect(paths.allSatisfy { (($0["spectra_per_second"] as? Double) ?? 0) > 0 })
        #expect(perseus["paths_give_identical_counts"] as? Bool == true)
        #expect(perseus["batched_fold_method"] as? String == "sparse-blocks")
        #expect(perseus["batched_expected_counts_bit_identical"] as? Bool == true)

        let checks = try #require(object["checks"] as? [String: Any])
        let expected = try #require(checks["perseus_expected_total_counts"] as? Double)
        #expect(expected > 9000 && expected < 11000, "≈10,000 counts per spectrum in 0.3–10 keV: \(expected)")
        let difference = try #require(checks["perseus_mean_relative_difference"] as? Double)
        #expect(abs(difference) <= 0.01)
        let p = try #require(checks["chi_squared_p_value"] as? Double)
        #expect(p >= 1e-3, "χ² test of 20 spectra against the expected counts: p = \(p)")
        #expect(checks["perseus_consistent"] as? Bool == true)

        if Self.sherpaAvailable {
            let sherpa = try #require(object["sherpa"] as? [String: Any], "sherpa importable but not measured: \(object["sherpa_unavailable"] ?? "")")
            #expect((sherpa["spectra"] as? Int) == 20)
            let channel = try #require(checks["max_channel_relative_difference"] as? Double)
            #expect(channel <= 1e-3, "per-channel expected counts, Perseus vs Sherpa: \(channel)")
            let total = try #require(checks["perseus_mean_vs_sherpa_expected_relative_difference"] as? Double)
            #expect(abs(total) <= 0.01)
            #expect(checks["agrees_with_sherpa"] as? Bool == true)
            let speedups = try #require(object["speedup_vs_sherpa"] as? [String: Any])
            #expect(Set(speedups.keys) == ["evaluate_fold_draw", "evaluate_fold_draw_batched", "evaluate_fold_draw_2t", "evaluate_fold_draw_batched_2t", "draw_only", "fakeit_simulate", "fakeit_simulate_compiled"])
        } else {
            #expect(object["sherpa_unavailable"] is String)
        }
    }
}
