import Foundation
import Perseus

/// The equivalence checks of `perseus bench fakeit` part A, over the noticed channels
/// (0.3–10 keV, whole channels inside the band, as Perseus selects them; Sherpa's own noticed
/// range is reported beside it):
/// - the Perseus spectra against Perseus's expected counts: mean total within 1%, and a Pearson
///   χ² test of the summed counts (channels with ≥ 5 summed expected counts) at p ≥ 0.001;
/// - with Sherpa: expected counts per channel agree within 1e-3 (relative), and the mean
///   Perseus total agrees with Sherpa's expected total within 1%.
struct FakeItChecks {
    static let totalTolerance = 0.01
    static let channelTolerance = 1e-3
    static let significance = 1e-3

    let channels: Range<Int>
    let perseusMeanTotal: Double
    let perseusExpectedTotal: Double
    let chiSquared: Double
    let degreesOfFreedom: Int
    let pValue: Double
    let sherpa: SherpaComparison?

    /// Perseus against Sherpa.
    struct SherpaComparison {
        let expectedTotal: Double
        let maxChannelRelativeDifference: Double
        let channelOfMax: Int
        let meanTotalOfSherpaSpectra: Double
        let noticedChannels: ClosedRange<Int>?
        let fullBandRelativeDifference: Double

        func relativeDifference(ofPerseusMean mean: Double) -> Double { mean / expectedTotal - 1 }
    }

    var perseusRelativeDifference: Double { perseusMeanTotal / perseusExpectedTotal - 1 }
    var perseusConsistent: Bool {
        abs(perseusRelativeDifference) <= Self.totalTolerance && pValue >= Self.significance
    }
    var sherpaAgreement: Bool? {
        sherpa.map { abs($0.relativeDifference(ofPerseusMean: perseusMeanTotal)) <= Self.totalTolerance
                     && $0.maxChannelRelativeDifference <= Self.channelTolerance }
    }

    init(setup: FakeItBenchSetup, perseus: FakeItPerseusTimings, peer: BenchSupport.PeerResult) {
        channels = setup.noticedRange
        let n = Double(perseus.spectra)
        perseusMeanTotal = channels.reduce(0) { $0 + perseus.summedCounts[$1] } / n
        perseusExpectedTotal = channels.reduce(0) { $0 + perseus.expected[$1] }
        var chi2 = 0.0, dof = 0
        for c in channels {
            let expected = n * perseus.expected[c]
            guard expected >= 5 else { continue }
            chi2 += pow(perseus.summedCounts[c] - expected, 2) / expected
            dof += 1
        }
        chiSquared = chi2
        degreesOfFreedom = dof
        pValue = dof > 0 ? ChiSquaredDistribution.survival(chi2, degreesOfFreedom: Double(dof)) : .nan

        guard case let .measured(object) = peer,
              let sherpaExpected = object["expected_counts"] as? [Double], sherpaExpected.count == perseus.expected.count,
              let sherpaMean = object["mean_counts"] as? [Double], sherpaMean.count == perseus.expected.count else {
            sherpa = nil
            return
        }
        var worst = 0.0, worstChannel = channels.lowerBound
        for c in channels {
            let difference = abs(perseus.expected[c] - sherpaExpected[c]) / sherpaExpected[c]
            if !(difference <= worst) { worst = difference; worstChannel = c }
        }
        let noticed: ClosedRange<Int>? = {
            guard let first = object["noticed_first_channel"] as? Int, let last = object["noticed_last_channel"] as? Int else { return nil }
            return first...last
        }()
        sherpa = SherpaComparison(
            expectedTotal: channels.reduce(0) { $0 + sherpaExpected[$1] },
            maxChannelRelativeDifference: worst, channelOfMax: worstChannel + 1,
            meanTotalOfSherpaSpectra: channels.reduce(0) { $0 + sherpaMean[$1] },
            noticedChannels: noticed,
            fullBandRelativeDifference: perseus.expected.reduce(0, +) / sherpaExpected.reduce(0, +) - 1)
    }

    var json: [String: Any] {
        var result: [String: Any] = [
            "channels": "\(channels.lowerBound + 1)–\(channels.upperBound) (1-based, of 2000; 0.3–10 keV)",
            "perseus_mean_total_counts": perseusMeanTotal,
            "perseus_expected_total_counts": perseusExpectedTotal,
            "perseus_mean_relative_difference": perseusRelativeDifference,
            "chi_squared": chiSquared, "chi_squared_dof": degreesOfFreedom, "chi_squared_p_value": pValue,
            "perseus_consistent": perseusConsistent,
            "total_tolerance": Self.totalTolerance, "channel_tolerance": Self.channelTolerance,
        ]
        if let sherpa {
            result["sherpa_expected_total_counts"] = sherpa.expectedTotal
            result["perseus_mean_vs_sherpa_expected_relative_difference"] = sherpa.relativeDifference(ofPerseusMean: perseusMeanTotal)
            result["max_channel_relative_difference"] = sherpa.maxChannelRelativeDifference
            result["channel_of_max_difference"] = sherpa.channelOfMax
            result["full_band_expected_relative_difference"] = sherpa.fullBandRelativeDifference
            result["sherpa_mean_total_counts"] = sherpa.meanTotalOfSherpaSpectra
            if let noticed = sherpa.noticedChannels { result["sherpa_noticed_channels"] = [noticed.lowerBound, noticed.upperBound] }
            result["agrees_with_sherpa"] = sherpaAgreement ?? false
        }
        return result
    }
}
