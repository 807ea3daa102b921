import Foundation
import PerseusCore
import PerseusIO
import Testing
@testable import PerseusInstruments

/// Band selection and binning produce the channels the studies use.
@Suite struct ChannelGridTests {
    @Test func builtInChannelGrids() throws {
        // NuSTAR 3–80 keV: PI 35 (3.00–3.04 keV) to PI 1959 (79.96–80.00 keV).
        let nustar = Fixtures.nustar.channels
        #expect(nustar.firstChannel == 35 && nustar.count == 1925)
        #expect(abs(nustar.energies.lo[0] - 3.0) < 1e-6 && abs(nustar.energies.hi[1924] - 80.0) < 1e-5)
        // Hitomi SXS 1.8–9.0 keV at 1 eV: 7200 channels, channel n covering n eV to n + 1 eV.
        let sxs = Fixtures.hitomi.channels
        #expect(sxs.count == 7200 && sxs.firstChannel == 1800 && sxs.binning == 2)
        for n in [0, 3600, 7199] {
            #expect(abs(sxs.energies.lo[n] - Double(1800 + n) * 1e-3) < 1e-6)
            #expect(abs(sxs.energies.hi[n] - Double(1801 + n) * 1e-3) < 1e-6)
        }
        // XRISM 0.3–12 keV at 1 eV.
        #expect(Fixtures.xrism.channels.count == 11700 && Fixtures.xrism.channels.firstChannel == 300)
        // Chandra 0.5–7 keV: the 14.6 eV channels wholly inside.
        let acis = Fixtures.chandra.channels
        #expect(acis.energies.lo[0] >= 0.5 && acis.energies.hi[acis.count - 1] <= 7.0)
        #expect(acis.energies.lo[0] - 0.0146 < 0.5 && acis.energies.hi[acis.count - 1] + 0.0146 > 7.0)
    }

    @Test func unalignedBandsKeepWholeBinsOnly() throws {
        let folder = try Fixtures.hitomi.folder(band: 2.00025...2.0101)
        // 0.5 eV channels 4000.5 eV…: the first whole 1 eV bin starts at 2001 eV, the last ends at 2010 eV.
        #expect(folder.channels.firstChannel == 2001)
        #expect(folder.channels.count == 9)
    }

    @Test func bandsOutsideTheResponseAreRefused() throws {
        #expect {
            _ = try Fixtures.nustar.folder(band: 1.0...50.0)
        } throws: { error in
            "\(error)".contains("reaches beyond the response's channels, which cover 3.0–80.0 keV")
        }
        #expect(throws: InstrumentError.self) { _ = try Fixtures.nustar.folder(band: 5.0...5.01) }   // no whole channel
        #expect(throws: InstrumentError.self) { _ = try Fixtures.nustar.folder(binning: 0) }
    }
}
