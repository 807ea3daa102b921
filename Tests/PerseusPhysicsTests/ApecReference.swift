import Foundation
import PerseusTestSupport

/// An independent, straightforward reading of the full AtomDB 3.0.9 FITS tables in Python
/// (astropy + numpy), computing an apec spectrum the way XSPEC defines it, to check Perseus
/// against. It shares no code with Perseus or its scripts.
enum ApecReference {
    static let lineFile = "atomdb/apec_v3.0.9_line.fits"
    static let cocoFile = "atomdb/apec_v3.0.9_coco.fits"

    /// Whether the tables and astropy are available.
    static let isAvailable = ReferenceData.has(lineFile) && ReferenceData.has(cocoFile) && Python.canImport("astropy", "numpy")

    /// The spectrum [photons cm⁻² s⁻¹ per bin] on the bins `edges[i] … edges[i+1]` [keV].
    /// - Parameters:
    ///   - weights: weight of each element Z = 1 … 30 relative to the tables' (Anders & Grevesse)
    ///     abundances, i.e. abundance × table[Z]/angr[Z].
    static func spectrum(edges: [Double], kT: Double, weights: [Double], redshift z: Double = 0,
                         norm: Double = 1) throws -> [Double] {
        let input: [String: Any] = ["edges": edges, "kT": kT, "weights": weights, "z": z, "norm": norm,
                                    "line": ReferenceData.path(lineFile), "coco": ReferenceData.path(cocoFile)]
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-apec-reference-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: input).write(to: file)
        let result = try Python.json(code, arguments: [file.path])
        guard let values = result as? [Double] else { throw ReferenceFailure(message: "unexpected output from the Python reference") }
        return values
    }

    /// Line energies [keV] (hc/λ, hc = 12.3984191 keV Å) of element Z, ion, upper and lower level
    /// at tabulated temperature index `hdu` (0-based row of PARAMETERS), from the FITS table.
    static func lineEnergy(element: Int, ion: Int, upper: Int, lower: Int, temperature: Int) throws -> Double {
        let code = """
        import sys
        from astropy.io import fits
        d = fits.open(sys.argv[1])[int(sys.argv[2]) + 2].data
        m = (d['Element'] == int(sys.argv[3])) & (d['Ion'] == int(sys.argv[4])) & (d['UpperLev'] == int(sys.argv[5])) & (d['LowerLev'] == int(sys.argv[6]))
        print(12.3984191 / float(d['Lambda'][m][0]))
        """
        let text = try Python.run(code, arguments: [ReferenceData.path(lineFile), "\(temperature)", "\(element)", "\(ion)", "\(upper)", "\(lower)"])
        guard let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ReferenceFailure(message: "no line energy in output '\(text)'")
        }
        return value
    }

    static let code = """
    import json, sys
    import numpy as np
    from astropy.io import fits

    p = json.load(open(sys.argv[1]))
    edges = np.array(p['edges']) * (1.0 + p['z'])          # source-frame bin edges
    w = np.array(p['weights'])
    line = fits.open(p['line'])
    coco = fits.open(p['coco'])
    kT = np.array(line['PARAMETERS'].data['kT'], dtype=float)

    # XSPEC: the two tabulated temperatures around kT, weights linear in kT.
    i = int(np.searchsorted(kT, p['kT'], side='right')) - 1
    if kT[i] == p['kT']:
        terms = [(i, 1.0)]
    else:
        f = (p['kT'] - kT[i]) / (kT[i + 1] - kT[i])
        terms = [(i, 1.0 - f), (i + 1, f)]

    def integrate(x, y, a, b):
        # exact integrals of the linear interpolation through (x, y), zero outside, over [a, b]
        F = np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(x))])
        def at(e):
            e = np.clip(e, x[0], x[-1])
            k = np.clip(np.searchsorted(x, e, side='right') - 1, 0, len(x) - 2)
            dx = x[k + 1] - x[k]
            s = np.where(dx > 0, (y[k + 1] - y[k]) / np.where(dx > 0, dx, 1.0), 0.0)
            u = e - x[k]
            return F[k] + y[k] * u + 0.5 * s * u * u
        return at(b) - at(a)

    spec = np.zeros(len(edges) - 1)
    a, b = edges[:-1], edges[1:]
    for t, c in terms:
        d = line[t + 2].data
        E = 12.3984191 / d['Lambda'].astype(float)
        flux = d['Epsilon'].astype(float) * w[d['Element'] - 1]
        idx = np.searchsorted(edges, E, side='left') - 1       # bin with lo < E <= hi
        ok = (idx >= 0) & (idx < len(spec))
        spec += c * np.bincount(idx[ok], weights=flux[ok], minlength=len(spec))
        for r in coco[t + 2].data:
            if r['rmJ'] != 0 or w[r['Z'] - 1] == 0:
                continue
            for e_col, v_col, n_col in (('E_Cont', 'Continuum', 'N_Cont'), ('E_Pseudo', 'Pseudo', 'N_Pseudo')):
                n = r[n_col]
                if n >= 2:
                    x, y = r[e_col][:n].astype(float), r[v_col][:n].astype(float)
                    spec += c * w[r['Z'] - 1] * integrate(x, y, a, b)
    spec *= p['norm'] * 1e14 / (1.0 + p['z'])
    print(json.dumps(spec.tolist()))
    """
}

struct ReferenceFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Comparison of two spectra bin by bin, over the bins holding ≥ `floor` of the peak.
struct SpectrumComparison {
    let worst: Double
    let worstBin: Int
    let countedBins: Int
    let totalRatio: Double

    init(_ value: [Double], reference: [Double], floor: Double = 1e-4) {
        let peak = reference.max() ?? 0
        var worst = 0.0, bin = -1, counted = 0
        for i in reference.indices where reference[i] >= floor * peak && reference[i] > 0 {
            counted += 1
            let d = abs(value[i] - reference[i]) / reference[i]
            if d > worst { worst = d; bin = i }
        }
        self.worst = worst
        self.worstBin = bin
        self.countedBins = counted
        self.totalRatio = value.reduce(0, +) / reference.reduce(0, +)
    }
}
