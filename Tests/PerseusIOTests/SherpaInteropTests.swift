import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Sherpa (CIAO's fitting engine, reading through astropy) loads what Perseus writes and
/// folds through it the same way.
@Suite(.enabled(if: Environment.hasSherpa, "sherpa not importable by python3"))
struct SherpaInteropTests {
    /// Sherpa reads a spectrum with its RMF and ARF and folds a flux through them.
    static let foldScript = """
    import sys, json, logging, warnings, numpy as np
    warnings.simplefilter('ignore')
    out, sys.stdout = sys.stdout, sys.stderr   # Sherpa reports what it reads on stdout
    logging.getLogger('sherpa').setLevel(logging.WARNING)
    from sherpa.astro import io
    pha = io.read_pha(sys.argv[1])
    rmf, arf = pha.get_rmf(), pha.get_arf()
    flux = np.array(json.loads(sys.argv[2]))
    counts = rmf.apply_rmf(arf.apply_arf(flux) * pha.exposure)
    out.write(json.dumps({'counts': pha.counts.tolist(), 'channels': pha.channel.tolist(), 'exposure': pha.exposure,
                      'backscal': float(pha.backscal), 'folded': np.asarray(counts).tolist(),
                      'offset': int(rmf.offset), 'detchans': int(rmf.detchans), 'specresp': arf.specresp.tolist()}))
    """

    @Test func sherpaLoadsSpectrumResponseAndAncillaryAndFoldsAlike() throws {
        let directory = try TemporaryDirectory()
        let energies = try EnergyGrid(edges: RawRMF.energyEdges)
        let channels = try EnergyGrid(edges: RawRMF.channelEdges)
        let identity = InstrumentIdentity(telescope: "TEST", instrument: "UNIT")
        let matrix = try ResponseMatrix(energies: energies, channelEnergies: channels, firstChannel: 0, dense: RawRMF.dense, identity: identity)
        let arf = try AncillaryResponse(energies: energies, effectiveArea: [50, 100, 150, 200], identity: identity)
        try matrix.write(to: directory.path("m.rmf"))
        try arf.write(to: directory.path("m.arf"))
        let spectrum = PHASpectrum(values: .counts([3, 0, 7, 1, 2]), exposure: 2500, firstChannel: 0,
                                   backgroundScale: .uniform(0.25),
                                   responseFile: directory.path("m.rmf"), ancillaryFile: directory.path("m.arf"), identity: identity)
        try spectrum.write(to: directory.path("s.pha"))

        let flux = [1e-3, 2e-3, 5e-4, 4e-3]
        let fluxJSON = String(decoding: try JSONSerialization.data(withJSONObject: flux), as: UTF8.self)
        let sherpa = try #require(try Python.json(Self.foldScript, arguments: [directory.path("s.pha"), fluxJSON]) as? [String: Any])
        #expect(sherpa["counts"] as? [Double] == [3, 0, 7, 1, 2])
        #expect(sherpa["channels"] as? [Double] == [0, 1, 2, 3, 4])
        #expect(sherpa["exposure"] as? Double == 2500 && sherpa["backscal"] as? Double == 0.25)
        #expect(sherpa["offset"] as? Int == 0 && sherpa["detchans"] as? Int == 5)
        #expect(sherpa["specresp"] as? [Double] == [50, 100, 150, 200])
        let ours = try ResponsePair(matrix: matrix, ancillary: arf).expectedCounts(photonFlux: flux, exposure: 2500)
        #expect(worstDifference(ours, sherpa["folded"] as? [Double] ?? []) < 1e-9)
    }

    static let typeIIScript = """
    import sys, json, logging, warnings
    warnings.simplefilter('ignore')
    out, sys.stdout = sys.stdout, sys.stderr
    logging.getLogger('sherpa').setLevel(logging.WARNING)
    from sherpa.astro import io
    sets = io.read_pha(sys.argv[1])
    sets = sets if isinstance(sets, list) else [sets]
    out.write(json.dumps([{'counts': s.counts.tolist(), 'exposure': s.exposure} for s in sets]))
    """

    /// Sherpa splits a type II file into one data set per row. It takes EXPOSURE from the
    /// header only, so the rows here share one exposure (written as a keyword); per-row
    /// exposures (an EXPOSURE column, which OGIP/92-007 allows and XSPEC reads) come back
    /// from Sherpa 4.19 as None — a Sherpa limitation, checked here so a change is noticed.
    @Test func sherpaReadsTypeIIRows() throws {
        let directory = try TemporaryDirectory()
        func spectra(exposures: [Double]) -> [PHASpectrum] {
            exposures.enumerated().map { index, exposure in
                PHASpectrum(values: .counts((0..<8).map { Double($0 * (index + 1)) }), exposure: exposure, firstChannel: 1,
                            identity: InstrumentIdentity(telescope: "HITOMI", instrument: "SXS"))
            }
        }
        let common = spectra(exposures: [500, 500, 500])
        try PHASpectrum.writeTypeII(common, to: directory.path("common.pha"))
        let rows = try #require(try Python.json(Self.typeIIScript, arguments: [directory.path("common.pha")]) as? [[String: Any]])
        #expect(rows.count == 3)
        for (row, spectrum) in zip(rows, common) {
            #expect(row["counts"] as? [Double] == spectrum.values.values)
            #expect(row["exposure"] as? Double == 500)
        }
        let varying = spectra(exposures: [100, 200, 300])
        try PHASpectrum.writeTypeII(varying, to: directory.path("varying.pha"))
        let varyingRows = try #require(try Python.json(Self.typeIIScript, arguments: [directory.path("varying.pha")]) as? [[String: Any]])
        #expect(varyingRows.map { $0["counts"] as? [Double] ?? [] } == varying.map(\.values.values))
        #expect(varyingRows.allSatisfy { $0["exposure"] is NSNull }, "Sherpa now reads EXPOSURE columns: update this note")
    }

    static let rmfScript = """
    import sys, json, logging, warnings, numpy as np
    warnings.simplefilter('ignore')
    out, sys.stdout = sys.stdout, sys.stderr
    logging.getLogger('sherpa').setLevel(logging.WARNING)
    from sherpa.astro import io
    rmf = io.read_rmf(sys.argv[1])
    photons = 1 + 0.25 * (np.arange(len(rmf.energ_lo)) % 7)
    out.write(json.dumps({'folded': np.asarray(rmf.apply_rmf(photons)).tolist(), 'offset': int(rmf.offset)}))
    """

    /// Sherpa's fold of the real Chandra and NuSTAR RMFs equals Perseus's.
    @Test(.enabled(if: Environment.hasReference, Environment.referenceSkip),
          arguments: ["responses/chandra/acisi_aimpt_cy19.rmf", "responses/nustar/nustar_fpma.rmf"])
    func sherpaFoldsRealMatricesAlike(_ relative: String) throws {
        let path = ReferenceData.path(relative)
        let matrix = try ResponseMatrix.read(path)
        let sherpa = try #require(try Python.json(Self.rmfScript, arguments: [path]) as? [String: Any])
        #expect(sherpa["offset"] as? Int == matrix.firstChannel)
        let photons = (0..<matrix.energyCount).map { 1 + 0.25 * Double($0 % 7) }
        let ours = try matrix.fold(photons)
        let theirs = sherpa["folded"] as? [Double] ?? []
        let scale = max(1, theirs.max() ?? 1)
        #expect(theirs.count == ours.count)
        #expect(zip(ours, theirs).map { abs($0 - $1) / scale }.max() ?? 1 < 1e-6)
    }
}
