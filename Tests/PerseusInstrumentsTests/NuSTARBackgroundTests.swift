import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
import Testing
@testable import PerseusInstruments

/// The NuSTAR FPMA background (Wik et al. 2014) reproduces nuskybgd-py's presets: count rates
/// per keV computed here independently — the presets read from ratios.json, the normalisation
/// formulas written out below, the models folded through the real RMF, be.arf, fcxbA.arf and
/// diag.rmf with PerseusIO — agree with Perseus's background for the default region; Poisson
/// draws average to the expected background.
@Suite(.serialized) struct NuSTARBackgroundTests {
    
    static let bands: [ClosedRange<Double>] = [3...6, 6...10, 10...20, 20...40, 40...80]

    /// Region pixels per detector of the default 4′ circle at DET1 (180, 180), counted here.
    static func defaultRegionPixels() -> [Int] {
        let radius = 4 * 60 / 2.45810736
        var pixels = [0, 0, 0, 0]
        for y in 0..<360 {
            for x in 0..<360 {
                let dx = Double(x) + 0.5 - 180, dy = Double(y) + 0.5 - 180
                guard dx * dx + dy * dy <= radius * radius else { continue }
                pixels[dx >= 0 ? (dy >= 0 ? 0 : 3) : (dy >= 0 ? 1 : 2)] += 1
            }
        }
        return pixels
    }

    /// Counts per keV per second in each band from native-channel counts over `exposure`.
    static func ratesPerKeV(_ counts: [Double], lo: [Double], hi: [Double], exposure: Double) -> [Double] {
        bands.map { band in
            var sum = 0.0, width = 0.0
            for c in counts.indices where lo[c] >= band.lowerBound - 1e-6 && hi[c] <= band.upperBound + 1e-6 {
                sum += counts[c]; width += hi[c] - lo[c]
            }
            return sum / width / exposure
        }
    }

    @Test(.enabled(if: ReferenceData.isAvailable, ReferenceData.skipReason))
    func backgroundOnlySpectraHaveThePresetRatesPerKeV() throws {
        let presets = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ReferenceData.path("nustar-background/ratios.json")))) as! [String: Any]
        let models = Dictionary(uniqueKeysWithValues: (presets["models"] as! [[String: Any]]).map {
            (String(($0["name"] as! String).split(separator: ":")[1]), $0["components"] as! [String: Any])
        })
        func module(_ model: String, _ component: String) -> [String: Any] {
            (models[model]![component] as! [String: Any])["A"] as! [String: Any]
        }
        func number(_ dictionary: [String: Any], _ key: String) -> Double { (dictionary[key] as! NSNumber).doubleValue }

        let pixels = Self.defaultRegionPixels()
        let area = Double(pixels.reduce(0, +))
        #expect(pixels.allSatisfy { $0 == pixels[0] })
        #expect(abs(area / (Double.pi * pow(4 * 60 / 2.45810736, 2)) - 1) < 0.005)

        let exposure = 1e5
        let folder = try Fixtures.nustar.folder(background: true)
        let perseus = try folder.backgroundExpectedCounts(exposure: exposure)
        let statistics = try folder.regionStatistics(folder.defaultRegion!)
        #expect(statistics.detectorPixels == pixels)
        #expect(perseus.backscal == area / 1e6)

        // The real responses.
        let rmf = try ResponseMatrix.read(ReferenceData.path("responses/nustar/nustar_fpma.rmf"))
        let be = try AncillaryResponse.read(ReferenceData.path("nustar-background/be.arf"), onGrid: rmf.energies, agreement: .binCount)
        let fcxb = try AncillaryResponse.read(ReferenceData.path("nustar-background/fcxbA.arf"), onGrid: rmf.energies)
        let diag = try ResponseMatrix.read(ReferenceData.path("nustar-background/diag.rmf"))
        func fold(_ expression: String, _ assignments: [String], matrix: ResponseMatrix, arf: AncillaryResponse?) throws -> [Double] {
            var model = try Model(expression)
            for a in assignments { try model.apply(a) }
            let flux = try model.compiled(for: matrix.energies).evaluate(model.values)
            return try ResponsePair(matrix: matrix, ancillary: arf).expectedCounts(photonFlux: flux, exposure: exposure)
        }

        // aperture: 0.002353/32 × Σ aperture image (the image sum is checked against astropy below).
        let ap = module("apbgd", "cutoffpl")
        let shape = ["PhoIndex=\(number(ap, "phoindex"))", "HighECut=\(number(ap, "highecut"))"]
        let aperture = try fold("cutoffpl", shape + ["norm=\(0.002353 / 32 * statistics.apertureSum)"], matrix: rmf, arf: be)
        // fcxb: 0.002353 × 1.5 × (2.45810736/3600 × 1000)² × BACKSCAL.
        let fcxbNorm = 0.002353 * 1.5 * pow(2.45810736 / 3600 * 1000, 2) * area / 1e6
        let focused = try fold("cutoffpl", shape + ["norm=\(fcxbNorm)"], matrix: rmf, arf: fcxb)
        // lines: Σ_d f_d A_d / (25 × 599.75) for apec and each lorentz.
        func detectorNorm(_ factors: [Any], per divisor: Double) -> Double {
            zip(factors.map { ($0 as! NSNumber).doubleValue }, pixels).map { $0 * Double($1) }.reduce(0, +) / divisor
        }
        let intbgd = models["intbgd"]!
        var lines = [Double](repeating: 0, count: rmf.channelCount)
        for (key, value) in intbgd {
            let p = (value as! [String: Any])["A"] as! [String: Any]
            let norm = detectorNorm(p["ifactors"] as! [Any], per: 25 * 599.75)
            let counts = key == "apec"
                ? try fold("apec", ["kT=\(number(p, "kt"))", "Abundanc=\(number(p, "abundanc"))", "Redshift=\(number(p, "redshift"))", "norm=\(norm)"], matrix: rmf, arf: nil)
                : try fold("lorentz", ["LineE=\(number(p, "linee"))", "Width=\(number(p, "width"))", "norm=\(norm)"], matrix: rmf, arf: nil)
            for c in lines.indices { lines[c] += counts[c] }
        }
        #expect(intbgd.count == 30)
        // continuum: Σ_d f_d A_d / 599.75 through diag.rmf.
        let n = module("intn", "bknpower")
        let continuum = try fold("bknpower", ["PhoIndx1=\(number(n, "phoindx1"))", "BreakE=\(number(n, "breake"))",
                                              "PhoIndx2=\(number(n, "phoindx2"))", "norm=\(detectorNorm(n["ifactors"] as! [Any], per: 599.75))"],
                                 matrix: diag, arf: nil)

        let nativeLo = rmf.channelEnergies.lo, nativeHi = rmf.channelEnergies.hi
        let outLo = folder.channels.energies.lo, outHi = folder.channels.energies.hi
        var totalExpected = [Double](repeating: 0, count: Self.bands.count)
        for (name, reference) in [("aperture", aperture), ("fcxb", focused), ("lines", lines), ("continuum", continuum)] {
            let expected = Self.ratesPerKeV(reference, lo: nativeLo, hi: nativeHi, exposure: exposure)
            let component = try #require(perseus.components.first { $0.name == name })
            let measured = Self.ratesPerKeV(component.counts, lo: outLo, hi: outHi, exposure: exposure)
            for b in Self.bands.indices {
                totalExpected[b] += expected[b]
                print("\(name) \(Self.bands[b]) keV: preset \(expected[b]) counts/s/keV, Perseus \(measured[b])")
                #expect(abs(measured[b] / expected[b] - 1) < 0.005, "\(name) in \(Self.bands[b]) keV")
            }
        }
        let total = Self.ratesPerKeV(perseus.total, lo: outLo, hi: outHi, exposure: exposure)
        for b in Self.bands.indices { #expect(abs(total[b] / totalExpected[b] - 1) < 0.005) }
    }

    /// The embedded DET1 aperture image equals nuskybgd's transformation of detA_det1.img, summed
    /// over the default region (astropy + scipy, independently).
    @Test(.enabled(if: ReferenceData.isAvailable && Python.canImport("astropy", "scipy"), "needs ../shared/data, astropy and scipy"))
    func apertureSumMatchesAstropy() throws {
        let code = """
        import sys, json, numpy as np
        from astropy.io import fits
        from scipy import ndimage
        img = fits.open(sys.argv[1])[0].data.astype(float)
        img = ndimage.shift(img, [2.0 / 0.12096, -3.4 / 0.12096], order=1, mode='grid-wrap', prefilter=False)
        img = 3.1865e-5 * 0.32 * 0.12096**2 * img
        img = img[108:468, 108:468] + 0.00495 * 0.7
        y, x = np.mgrid[0:360, 0:360]
        r = 4 * 60 / 2.45810736
        mask = (x + 0.5 - 180)**2 + (y + 0.5 - 180)**2 <= r * r
        print(json.dumps(float(img[mask].sum())))
        """
        let expected = (try Python.json(code, arguments: [ReferenceData.path("nustar-background/detA_det1.img.gz")]) as! NSNumber).doubleValue
        let model = try #require(Fixtures.nustar.backgroundModel)
        let statistics = try model.statistics(of: model.defaultRegion)
        #expect(abs(statistics.apertureSum / expected - 1) < 1e-6, "Perseus \(statistics.apertureSum), astropy \(expected)")
    }

    @Test func normsScaleWithTheRegion() throws {
        let model = try #require(Fixtures.nustar.backgroundModel)
        let small = try model.statistics(of: .circle(radius: 2))
        let large = try model.statistics(of: .circle(radius: 4))
        #expect(abs(Double(large.pixels) / Double(small.pixels) - 4) < 0.02)
        let fcxb = model.components.first { $0.name == "fcxb" }!
        let continuum = model.components.first { $0.name == "continuum" }!
        #expect(abs(model.norm(fcxb.terms[0], of: fcxb, statistics: large) / model.norm(fcxb.terms[0], of: fcxb, statistics: small) - Double(large.pixels) / Double(small.pixels)) < 1e-12)
        #expect(model.norm(continuum.terms[0], of: continuum, statistics: large) > 3.9 * model.norm(continuum.terms[0], of: continuum, statistics: small))
        // An area region is the circle of that area; a region off the detectors is an error.
        #expect(abs(ExtractionRegion.area(squareArcmin: Double.pi * 16).radius - 4) < 1e-12)
        #expect { _ = try model.statistics(of: .circle(radius: 1, offsetX: 30)) } throws: { "\($0)".contains("covers no detector pixel") }
        #expect(throws: InstrumentError.self) { _ = try model.statistics(of: .circle(radius: -1)) }
    }

    /// Background-only fakeit spectra (source norm 0): the mean of many draws is the expected
    /// background (χ² over channels).
    @Test
    func backgroundDrawsAverageToTheExpectedBackground() throws {
        let folder = try Fixtures.nustar.folder(background: true)
        var model = try Model("powerlaw")
        try model.apply("powerlaw.norm=0")
        let draws = 200
        var sums = [Double](repeating: 0, count: folder.channelCount)
        var expected: [Double] = []
        for i in 0..<draws {
            let result = try FakeIt.simulate(model: model, folder: folder, exposure: 1e5,
                                             options: .init(background: true, seed: 21, index: UInt64(i)))
            #expect(result.expectedSource.allSatisfy { $0 == 0 })
            expected = result.background!.total
            for c in sums.indices { sums[c] += result.counts[c] }
        }
        var statistic = 0.0, dof = 0
        for (s, mu) in zip(sums, expected) where Double(draws) * mu >= 20 {
            let m = Double(draws) * mu
            statistic += (s - m) * (s - m) / m
            dof += 1
        }
        let p = ChiSquaredDistribution.survival(statistic, degreesOfFreedom: Double(dof))
        #expect(dof > 500)
        #expect(p > 1e-3, "χ² = \(statistic) for \(dof) channels")
    }

    /// Components can be selected by name; unknown names are listed.
    @Test
    func componentSelection() throws {
        let folder = try Fixtures.nustar.folder(background: true)
        let all = try folder.backgroundExpectedCounts(exposure: 1e5)
        let some = try folder.backgroundExpectedCounts(exposure: 1e5, components: ["fcxb", "continuum"])
        #expect(some.components.map(\.name) == ["fcxb", "continuum"])
        #expect(some.total.reduce(0, +) < all.total.reduce(0, +))
        #expect { _ = try folder.backgroundExpectedCounts(exposure: 1e5, components: ["neutrons"]) } throws: {
            "\($0)".contains("no component 'neutrons'; components: aperture, fcxb, lines, continuum")
        }
    }
}
