import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Every real response in ../shared/data read by Perseus and, independently, by astropy.
@Suite struct RealResponseTests {
    static let matrices = [
        "responses/nustar/nustar_fpma.rmf",
        "responses/hitomi/ah_sxs_5ev_20130806.rmf",
        "responses/hitomi/ah100040030_sxs_cl2_HP_small.rmf",
        "responses/chandra/acisi_aimpt_cy19.rmf",
        "nustar-background/diag.rmf",
    ]
    static let ancillaries = [
        "responses/nustar/nustar_fpma.arf",
        "responses/nustar/nu40101010002_srcA_sr.arf",
        "responses/hitomi/hitomi_sxs.arf",
        "responses/hitomi/ah100040030sxs_p0px1010_ptsrc.arf",
        "responses/chandra/acisi_aimpt_cy19.arf",
        "responses/xrism/resolve_pnt_heasim_noGV_20190701.arf",
        "nustar-background/fcxbA.arf",
    ]

    /// astropy's independent reading of an RMF: sizes, numbering, counts of stored and
    /// non-zero elements inside the channel groups, every row sum, and a fold of
    /// photons[i] = 1 + 0.25 (i mod 7).
    static let astropyMatrix = """
    import sys, json, numpy as np
    from astropy.io import fits
    with fits.open(sys.argv[1]) as h:
        names = [x.name for x in h]
        m = h['MATRIX'] if 'MATRIX' in names else h['SPECRESP MATRIX']
        d = m.data
        col = m.columns.names.index('F_CHAN') + 1
        first = int(m.header.get('TLMIN%d' % col, 1))
        detchans = int(m.header['DETCHANS'])
        lo = np.asarray(d['ENERG_LO'], dtype=float); hi = np.asarray(d['ENERG_HI'], dtype=float)
        ngrp = np.asarray(d['N_GRP']); fchan = d['F_CHAN']; nchan = d['N_CHAN']; mat = d['MATRIX']
        photons = 1 + 0.25 * (np.arange(len(d)) % 7)
        counts = np.zeros(detchans)
        sums = []; stored = 0; nonzero = 0
        for i in range(len(d)):
            f = np.atleast_1d(fchan[i]); n = np.atleast_1d(nchan[i]); v = np.atleast_1d(mat[i]).astype(np.float64)
            used = 0; s = 0.0
            for g in range(int(ngrp[i])):
                c0 = int(f[g]) - first; k = int(n[g])
                vals = v[used:used + k]
                counts[c0:c0 + k] += vals * photons[i]
                s += vals.sum(); stored += k; nonzero += int(np.count_nonzero(vals)); used += k
            sums.append(float(s))
        eb = h['EBOUNDS'].data
        print(json.dumps({'energies': len(d), 'channels': detchans, 'first': first, 'stored': stored,
                          'nonzero': nonzero, 'sums': sums, 'counts': counts.tolist(),
                          'elo': float(lo[0]), 'ehi': float(hi[-1]),
                          'cmin': float(eb['E_MIN'][0]), 'cmax': float(eb['E_MAX'][-1])}))
    """

    @Test(.enabled(if: Environment.hasReferenceAndAstropy, Environment.referenceAndAstropySkip), arguments: matrices)
    func matrixAgreesWithAstropy(_ relative: String) throws {
        let path = ReferenceData.path(relative)
        let matrix = try ResponseMatrix.read(path)
        let reference = try #require(try Python.json(Self.astropyMatrix, arguments: [path]) as? [String: Any])
        #expect(matrix.energyCount == reference["energies"] as? Int)
        #expect(matrix.channelCount == reference["channels"] as? Int)
        #expect(matrix.firstChannel == reference["first"] as? Int)
        #expect(matrix.storedCount == reference["stored"] as? Int)
        #expect(matrix.nonzeroCount == reference["nonzero"] as? Int)
        #expect(same(matrix.energies.lo[0], reference["elo"] as? Double))
        #expect(same(matrix.energies.hi.last, reference["ehi"] as? Double))
        #expect(same(matrix.channelEnergies.lo[0], reference["cmin"] as? Double))
        #expect(same(matrix.channelEnergies.hi.last, reference["cmax"] as? Double))

        let sums = try #require(reference["sums"] as? [Double])
        let ours = matrix.rowSums()
        try #require(sums.count == ours.count)
        let worstSum = zip(ours, sums).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worstSum < 1e-6, "largest relative row-sum difference \(worstSum)")

        let photons = (0..<matrix.energyCount).map { 1 + 0.25 * Double($0 % 7) }
        let counts = try matrix.fold(photons)
        let expected = try #require(reference["counts"] as? [Double])
        try #require(expected.count == counts.count)
        let scale = max(1, expected.max() ?? 1)
        let worstFold = zip(counts, expected).map { abs($0 - $1) / scale }.max() ?? 0
        #expect(worstFold < 1e-9, "largest fold difference \(worstFold) (relative to the peak)")
    }

    @Test(.enabled(if: Environment.hasReference, Environment.referenceSkip))
    func classificationOfTheRealMatrices() throws {
        // HDUCLAS3 = 'REDIST' for the CALDB RMFs, 'FULL' for the NuSTAR background diag.rmf.
        #expect(try !ResponseMatrix.read(ReferenceData.path("responses/nustar/nustar_fpma.rmf")).isFullResponse)
        #expect(try !ResponseMatrix.read(ReferenceData.path("responses/chandra/acisi_aimpt_cy19.rmf")).isFullResponse)
        #expect(try ResponseMatrix.read(ReferenceData.path("nustar-background/diag.rmf")).isFullResponse)
    }

    static let astropyAncillary = """
    import sys, json, numpy as np
    from astropy.io import fits
    with fits.open(sys.argv[1]) as h:
        d = h['SPECRESP'].data
        print(json.dumps({'lo': np.asarray(d['ENERG_LO'], float).tolist(), 'hi': np.asarray(d['ENERG_HI'], float).tolist(),
                          'area': np.asarray(d['SPECRESP'], float).tolist(), 'telescop': h['SPECRESP'].header.get('TELESCOP')}))
    """

    @Test(.enabled(if: Environment.hasReferenceAndAstropy, Environment.referenceAndAstropySkip), arguments: ancillaries)
    func ancillaryAgreesWithAstropy(_ relative: String) throws {
        let path = ReferenceData.path(relative)
        let arf = try AncillaryResponse.read(path)
        let reference = try #require(try Python.json(Self.astropyAncillary, arguments: [path]) as? [String: Any])
        #expect(worstDifference(arf.energies.lo, reference["lo"] as? [Double] ?? []) < 1e-12)
        #expect(worstDifference(arf.energies.hi, reference["hi"] as? [Double] ?? []) < 1e-12)
        #expect(worstDifference(arf.effectiveArea, reference["area"] as? [Double] ?? []) < 1e-12)
        #expect(arf.identity.telescope == reference["telescop"] as? String)
    }

    /// be.arf (NuSTAR Be-shield transmission) stores its edges rounded to 0.1 keV and clipped at
    /// 165 keV: rows 211 and 212 both read 10.0–10.0 keV. Read on its own it is refused with
    /// the row named; read onto the RMF grid with `.binCount` (what XSPEC checks) it loads,
    /// values unchanged.
    @Test(.enabled(if: Environment.hasReferenceAndAstropy, Environment.referenceAndAstropySkip))
    func beryliumShieldArfNeedsAnExplicitGrid() throws {
        let path = ReferenceData.path("nustar-background/be.arf")
        let error = #expect(throws: OGIPError.self) { try AncillaryResponse.read(path) }
        #expect(error?.description.contains("be.arf[SPECRESP] ENERG_LO/ENERG_HI") == true)
        #expect(error?.description.contains("bin 210") == true)

        let matrix = try ResponseMatrix.read(ReferenceData.path("responses/nustar/nustar_fpma.rmf"))
        #expect(throws: OGIPError.self) { try AncillaryResponse.read(path, onGrid: matrix.energies) }
        let arf = try AncillaryResponse.read(path, onGrid: matrix.energies, agreement: .binCount)
        #expect(arf.energies == matrix.energies)
        let reference = try #require(try Python.json(Self.astropyAncillary, arguments: [path]) as? [String: Any])
        #expect(worstDifference(arf.effectiveArea, reference["area"] as? [Double] ?? []) < 1e-12)
        _ = try ResponsePair(matrix: matrix, ancillary: arf)
    }
}
