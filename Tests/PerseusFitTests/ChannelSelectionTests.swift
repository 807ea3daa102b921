import Foundation
import Testing
@testable import PerseusFit

/// Band selection (XSPEC notice/ignore semantics), quality flags and grouping.
@Suite struct ChannelSelectionTests {
    /// Ten channels of 1 keV: [0,1), [1,2), …, [9,10).
    let energies = try! ChannelEnergies(lo: (0..<10).map(Double.init), hi: (1...10).map(Double.init))

    @Test func noticeAndIgnoreInKeV() throws {
        // Straddling channels are noticed by notice and ignored by ignore.
        #expect(BandSelection.only(2.5...5.5).mask(for: energies) == [false, false, true, true, true, true, false, false, false, false])
        // A range touching an edge exactly does not take the neighbour.
        #expect(BandSelection.only(3...5).mask(for: energies) == [false, false, false, true, true, false, false, false, false, false])
        let band = BandSelection(operations: [.ignore(0...1.5), .ignore(7.2...7.4)])
        #expect(band.mask(for: energies) == [false, false, true, true, true, true, true, false, true, true])
        #expect(BandSelection.all.mask(for: energies) == [Bool](repeating: true, count: 10))
        #expect(BandSelection.all.isAll && !band.isAll && !BandSelection.only(0...100).isAll)
        // A single energy selects the channel(s) containing it.
        #expect(BandSelection.only(4.5...4.5).mask(for: energies).enumerated().filter(\.element).map(\.offset) == [4])
    }

    @Test func parsing() throws {
        #expect(try BandSelection(parsing: "3:80") == .only(3...80))
        #expect(try BandSelection(parsing: "0.3-2, 4:10") == .only(0.3...2, 4...10))
        #expect(try BandSelection(parsing: ":10") == .only(0...10))
        #expect(try BandSelection(parsing: "0.5:") == .only(0.5...Double.infinity))
        for bad in ["", "3", "5:3", "a:b", "3:80,", "-1:2"] {
            #expect(throws: FitError.self, "\(bad)") { try BandSelection(parsing: bad) }
        }
    }

    @Test func qualityAndBandTogether() throws {
        let spectrum = SpectrumData(name: "q", counts: [Double](repeating: 5, count: 10), channelEnergies: energies,
                                    quality: [0, 0, 0, 2, 0, 0, 0, 0, 5, 0])
        let data = try FitData(spectrum: spectrum, band: .only(1.5...9.5))
        #expect(data.channelMap.groups == [1..<2, 2..<3, 4..<5, 5..<6, 6..<7, 7..<8, 9..<10])
    }

    @Test func minimumCountsGrouping() throws {
        let counts: [Double] = [3, 4, 10, 0, 0, 9, 1, 1, 2, 2]
        let spectrum = SpectrumData(name: "g", counts: counts, channelEnergies: energies)
        let dropped = try FitData(spectrum: spectrum, grouping: .minimumCounts(7))
        #expect(dropped.channelMap.groups == [0..<2, 2..<3, 3..<6])
        #expect(dropped.counts == [7, 10, 9])   // the trailing 1+1+2+2 = 6 < 7 is dropped
        let merged = try FitData(spectrum: spectrum, grouping: .minimumCounts(7, leftover: .mergeIntoPrevious))
        #expect(merged.channelMap.groups == [0..<2, 2..<3, 3..<10])
        #expect(merged.counts == [7, 10, 15])
        // Groups do not straddle an ignored range: 4–5 keV ignored splits the runs.
        let split = try FitData(spectrum: spectrum, band: BandSelection(operations: [.ignore(4.2...4.8)]), grouping: .minimumCounts(7))
        #expect(split.channelMap.groups == [0..<2, 2..<3, 5..<6])   // channel 3 and channels 6–9 are leftovers
        #expect(split.counts == [7, 10, 9])
        #expect(throws: FitError.self) { try FitData(spectrum: spectrum, grouping: .minimumCounts(0)) }
    }

    @Test func groupingFromTheFile() throws {
        var spectrum = SpectrumData(name: "f", counts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], channelEnergies: energies,
                                    grouping: [1, -1, -1, 1, -1, 1, 1, -1, -1, -1])
        let data = try FitData(spectrum: spectrum, grouping: .file)
        #expect(data.channelMap.groups == [0..<3, 3..<5, 5..<6, 6..<10])
        #expect(data.counts == [6, 9, 6, 34])
        // A band keeps whole groups whose span touches it; a bad channel drops its group.
        spectrum.quality = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
        let banded = try FitData(spectrum: spectrum, band: .only(2.5...5.5), grouping: .file)
        #expect(banded.channelMap.groups == [0..<3, 5..<6])
    }

    @Test func backgroundIsGroupedWithTheSource() throws {
        let spectrum = SpectrumData(name: "b", counts: [3, 4, 10, 0, 0, 9, 1, 1, 2, 2], background: BackgroundSpectrum(
            counts: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], ratios: [1, 3, 2, 2, 2, 2, 2, 2, 2, 2]), channelEnergies: energies)
        let data = try FitData(spectrum: spectrum, grouping: .minimumCounts(7))
        #expect(data.backgroundCounts == [2, 1, 3])
        #expect(data.backgroundRatios == [2, 2, 2])
        let fromExposures = BackgroundSpectrum(counts: [1], sourceExposure: 1000, backgroundExposure: 4000,
                                               sourceBackscale: 0.01, backgroundBackscale: 0.05)
        #expect(abs(fromExposures.ratios[0] - 20) < 1e-12)
    }

    @Test func channelMapSums() {
        let map = ChannelMap(channelCount: 6, groups: [0..<2, 3..<6])
        #expect(map.sum([1, 2, 3, 4, 5, 6]) == [3, 15])
        let single = ChannelMap(channelCount: 4, groups: [1..<2, 3..<4])
        #expect(single.sum([1, 2, 3, 4]) == [2, 4])
    }
}
