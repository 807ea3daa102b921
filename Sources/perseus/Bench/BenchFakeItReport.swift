import Foundation
import Perseus

/// What `perseus bench fakeit` prints: a table, or one JSON object.
struct FakeItReport {
    static let speedTarget = 10.0

    let setup: FakeItBenchSetup
    let spectra: Int
    let repeats: Int
    let perseus: FakeItPerseusTimings
    let peer: BenchSupport.PeerResult
    let checks: FakeItChecks
    let simulations: [BenchSimulateRuns.Comparison]
    let simulateSkipped: Bool

    /// Sherpa's `ui.fake_pha` rate [spectra/s], wall clock and CPU, when measured.
    var sherpaRates: (wall: Double, cpu: Double, lowLevelWall: Double)? {
        guard case let .measured(object) = peer, let wall = object["ui_fake_pha_wall_s"] as? Double,
              let cpu = object["ui_fake_pha_cpu_s"] as? Double, let low = object["low_level_fake_pha_wall_s"] as? Double else { return nil }
        let n = Double((object["spectra"] as? Int) ?? spectra)
        return (n / wall, n / cpu, n / low)
    }

    var setupDescription: [String: Any] {
        [
            "grid": "energy grid = channel grid: 2000 linear bins, 0.1–12 keV",
            "arf": "600·exp(−½(ln(E/1.5)/0.8)²) + 20 cm² at bin centres",
            "rmf": "Gaussian σ = 0.05·√E keV (E = incoming bin centre), truncated at ±5σ, integrated over channel bins, not renormalised",
            "rmf_stored_elements": setup.folder.storedElementCount,
            "model": "wabs*(powerlaw+gaussian): nH 0.5, Γ 1.8, powerlaw norm 1e-2, line 6.4 keV FWHM 0.1 keV (σ \(String(format: "%.6f", FakeItBenchSetup.lineSigma)) keV), 2.1e-4 photons/cm²/s",
            "sherpa_gauss1d_ampl": FakeItBenchSetup.gauss1DAmplitude,
            "line_flux_of_gauss1d_ampl_2e-3": FakeItBenchSetup.fluxOfAmplitude2e3,
            "sherpa_wabs": "Sherpa user model on Perseus's wabs cross sections (the PyPI wheel has no XSPEC models)",
            "exposure_s": FakeItBenchSetup.exposure,
            "noticed_kev": [FakeItBenchSetup.band.lowerBound, FakeItBenchSetup.band.upperBound],
            "expected_total_counts_all_channels": perseus.expected.reduce(0, +),
            "spectra": spectra,
            "threads": 1,
            "repeats": repeats,
            "statistic": "fastest of the repeats (wall clock) and CPU time of that repeat; Sherpa: the faster of a run before and a run after the Perseus timings",
        ]
    }

    var json: [String: Any] {
        var result: [String: Any] = [
            "benchmark": "fakeit", "setup": setupDescription,
            "perseus": ["paths": perseus.paths.map(\.json), "paths_give_identical_counts": perseus.pathsAgree,
                        "batched_fold_method": perseus.batchedFoldMethod,
                        "batched_expected_counts_bit_identical": perseus.batchedFoldBitIdentical] as [String: Any],
            "checks": checks.json,
        ]
        switch peer {
        case let .measured(object):
            var sherpa: [String: Any] = [:]
            for key in ["sherpa_version", "numpy_version", "spectra", "repeats", "ui_fake_pha_wall_s", "ui_fake_pha_cpu_s",
                        "low_level_fake_pha_wall_s", "low_level_fake_pha_cpu_s", "gauss1d_ampl", "model_caching", "rmf_stored_elements"] {
                if let value = object[key] { sherpa[key] = value }
            }
            if let rates = sherpaRates {
                sherpa["spectra_per_second"] = rates.wall
                sherpa["cpu_spectra_per_second"] = rates.cpu
                sherpa["low_level_spectra_per_second"] = rates.lowLevelWall
                var speedups: [String: Any] = [:]
                for path in perseus.paths {
                    let ratio = path.spectraPerSecond / rates.wall
                    speedups[path.key] = ["wall": ratio, "cpu": path.cpuSpectraPerSecond / rates.cpu,
                                          "vs_low_level_fake_pha_wall": path.spectraPerSecond / rates.lowLevelWall,
                                          "meets_10x": ratio >= Self.speedTarget] as [String: Any]
                }
                result["speedup_vs_sherpa"] = speedups
            }
            result["sherpa"] = sherpa
        case let .unavailable(reason):
            result["sherpa_unavailable"] = reason
        }
        if simulateSkipped {
            result["simulate_skipped"] = "--skip-simulate"
        } else {
            result["simulate"] = simulations.map(\.json)
        }
        return result
    }

    func printTable() {
        print("fakeit: \(spectra) spectra, 2000 channels (0.1–12 keV, Gaussian RMF σ = 0.05√E, analytic ARF), wabs*(powerlaw+gaussian), 2.5 ks; 1 thread (paths ending _2t: 2; Sherpa: 1); fastest of \(repeats)")
        print(String(format: "  expected counts: %.1f in all channels, %.1f in 0.3–10 keV", perseus.expected.reduce(0, +), checks.perseusExpectedTotal))
        let rates = sherpaRates
        for path in perseus.paths {
            var line = "  perseus " + path.key.padding(toLength: 30, withPad: " ", startingAt: 0)
            line += String(format: " %9.0f spectra/s  (%7.1f µs each; CPU %9.0f /s)", path.spectraPerSecond, path.wallSeconds / Double(spectra) * 1e6, path.cpuSpectraPerSecond)
            if let rates {
                let ratio = path.spectraPerSecond / rates.wall
                line += String(format: "  %6.1f× Sherpa (CPU %.1f×)", ratio, path.cpuSpectraPerSecond / rates.cpu)
                line += ratio >= Self.speedTarget ? "  meets ≥10×" : "  below 10×"
            }
            print(line)
            print("          \(path.description)")
        }
        switch peer {
        case let .measured(object):
            if let rates {
                print(String(format: "  sherpa  ui.fake_pha                    %9.0f spectra/s  (%7.1f µs each; CPU %9.0f /s)  Sherpa %@, caching %@",
                             rates.wall, 1e6 / rates.wall, rates.cpu, "\(object["sherpa_version"] ?? "?")",
                             (object["model_caching"] as? Bool).map { $0 ? "on" : "off" } ?? "?"))
                print(String(format: "  sherpa  astro.fake.fake_pha            %9.0f spectra/s  (lower level, no session; for reference)", rates.lowLevelWall))
                print("          each fake_pha call evaluates the model (components cached at unchanged parameters), folds through RMF×ARF and draws all 2000 channels")
            }
        case let .unavailable(reason):
            print("  sherpa  unavailable: \(reason)")
        }
        print("  perseus paths give identical counts: \(perseus.pathsAgree ? "yes" : "NO")")
        print("  perseus batched fold (\(perseus.batchedFoldMethod)) expected counts bit-identical to the single fold: \(perseus.batchedFoldBitIdentical ? "yes" : "no")")
        print("Checks over channels \(checks.channels.lowerBound + 1)–\(checks.channels.upperBound) (0.3–10 keV):")
        print(String(format: "  perseus mean total %.2f vs expected %.2f: %+.3f%%; χ² %.1f / %d dof, p = %.3g  → %@",
                     checks.perseusMeanTotal, checks.perseusExpectedTotal, 100 * checks.perseusRelativeDifference,
                     checks.chiSquared, checks.degreesOfFreedom, checks.pValue, checks.perseusConsistent ? "ok" : "FAILS"))
        if let sherpa = checks.sherpa {
            print(String(format: "  sherpa expected total %.2f; perseus mean vs it %+.3f%%; sherpa's own mean %.2f",
                         sherpa.expectedTotal, 100 * sherpa.relativeDifference(ofPerseusMean: checks.perseusMeanTotal), sherpa.meanTotalOfSherpaSpectra))
            print(String(format: "  expected counts per channel, perseus vs sherpa: max |Δ|/μ = %.2e (channel %d); all 2000 channels total %+.2e",
                         sherpa.maxChannelRelativeDifference, sherpa.channelOfMax, sherpa.fullBandRelativeDifference)
                  + ((checks.sherpaAgreement ?? false) ? "  → ok" : "  → FAILS"))
            if let noticed = sherpa.noticedChannels {
                print("  sherpa notice(0.3, 10) selects channels \(noticed.lowerBound)–\(noticed.upperBound) (it keeps partly covered edge channels); comparisons use \(checks.channels.lowerBound + 1)–\(checks.channels.upperBound) on both sides")
            }
        }
        if simulateSkipped {
            print("perseus simulate: skipped (--skip-simulate)")
        }
        for comparison in simulations {
            let full = comparison.full, tenth = comparison.tenth
            print("perseus simulate \(full.scenario), \(full.threads) threads:")
            print(String(format: "  %6d spectra: %6.1f s wall (%6.0f spectra/s), peak memory %7.1f MB",
                         full.samples, full.wallSeconds, Double(full.samples) / full.wallSeconds, full.peakMemoryMB)
                  + "  (targets ≤ 60 s: \(comparison.meetsWall ? "meets" : "MISSES"), ≤ 2 GB: \(comparison.meetsMemory ? "meets" : "MISSES"))")
            print(String(format: "  %6d spectra: %6.1f s wall, peak memory %7.1f MB (--count %d per class)",
                         tenth.samples, tenth.wallSeconds, tenth.peakMemoryMB, tenth.countPerClass ?? 0))
            print(String(format: "  peak memory ratio at 10× the spectra: %.2f", comparison.memoryRatio)
                  + "  (flat ≤ \(BenchSimulateRuns.Comparison.flatnessLimit): \(comparison.memoryFlat ? "yes" : "NO"))")
        }
    }
}
