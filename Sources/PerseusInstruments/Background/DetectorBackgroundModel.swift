import Foundation
import PerseusCore
import PerseusIO

/// A background model made of spectral components, each folded through its own response and
/// normalised by the extraction region: the form of the NuSTAR model of Wik et al. (2014, ApJ
/// 792, 48) as nuskybgd-py (NuSTAR/nuskybgd-py, MIT) applies it.
///
/// The built-in `nustar-fpma` background (Responses/nustar-fpma-background.yaml, derived by
/// `scripts/derive_nustar_background.py`, which documents every number) has four components:
///
/// | component | spectrum | response | norm for a region |
/// |---|---|---|---|
/// | `aperture` (stray light) | cutoffpl Γ 1.29, E_cut 41.13 keV | RMF × be.arf | 0.002353/32 × Σ aperture image |
/// | `fcxb` (focused CXB) | same | RMF × fcxbA.arf | 0.002353 × 1.5 × (2.45810736/3600 × 1000)² × BACKSCAL |
/// | `lines` (instrumental + solar) | apec (kT 1.14579, Z 1.32692) + 29 lorentz | RMF (1 cm²) | Σ_d f_d A_d / (25 × 599.75) per term |
/// | `continuum` (instrumental) | bknpower Γ₁ −0.05, E_b 124 keV, Γ₂ −0.85 | diag.rmf (identity) | Σ_d f_d A_d / 599.75 |
///
/// A_d is the number of DET1 pixels (2.45810736″) of the region on detector d, f_d the preset
/// factor of detector d, BACKSCAL = Σ_d A_d / 1000², and the aperture image is nuskybgd's DET1
/// stray-light image summed over the region's detector pixels. Norms are in XSPEC's units of each
/// model (photons cm⁻² s⁻¹ keV⁻¹ at 1 keV for the power laws, photons cm⁻² s⁻¹ for the lines, apec's
/// emission measure), and the cm² are those of each component's response. Counts per channel are
/// norm × (the term folded with norm 1) × exposure.
public struct DetectorBackgroundModel: Sendable {
    /// How a component's norm follows from the region.
    public enum NormalisationRule: Sendable, Equatable {
        /// norm = factor × (sum of the aperture image over the region's detector pixels).
        case perApertureSum(Double)
        /// norm = factor × BACKSCAL (region pixels on the detectors / 1000²).
        case perBackscal(Double)
        /// norm = Σ_d detectors[d] × pixels_d / divisor.
        case perDetectorPixels(Double)
    }

    /// Which response a component is folded through.
    public enum ResponseKind: Sendable, Equatable {
        /// The instrument's RMF alone (1 cm²).
        case rmf
        /// The RMF times a named effective-area curve of the model (`be`, `fcxb`).
        case rmfTimes(String)
        /// The identity: energy bin i of the background grid is channel i (diag.rmf), 1 cm².
        case diagonal
    }

    /// One spectral term: a model with fixed parameters, its norm set by the rule.
    public struct Term: Sendable, Equatable {
        public var model: String
        /// Parameter values by XSPEC name (everything but norm).
        public var parameters: [(name: String, value: Double)]
        /// One factor per detector (rules that use detector pixels).
        public var detectors: [Double]?

        public static func == (a: Term, b: Term) -> Bool {
            a.model == b.model && a.detectors == b.detectors && a.parameters.map(\.name) == b.parameters.map(\.name)
                && a.parameters.map(\.value) == b.parameters.map(\.value)
        }
    }

    public struct Component: Sendable, Equatable {
        public var name: String
        public var description: String
        public var response: ResponseKind
        public var rule: NormalisationRule
        public var terms: [Term]
    }

    /// Pixel statistics of a region.
    public struct RegionStatistics: Sendable, Equatable {
        /// Sum of the aperture image over the region's detector pixels.
        public var apertureSum: Double
        /// Region pixels on each detector.
        public var detectorPixels: [Int]
        /// Region pixels on the detectors.
        public var pixels: Int { detectorPixels.reduce(0, +) }
        /// BACKSCAL: region pixels / 1000² (nuskybgd's convention).
        public var backscal: Double { Double(pixels) / 1e6 }
    }

    /// Name of the model (`nustar-fpma`), for messages.
    public let name: String
    public let components: [Component]
    /// DET1 pixel size [arcsec].
    public let pixelArcsec: Double
    /// Centre of the detector array (the aimpoint) [DET1 pixels]; pixel (i, j) covers [i, i+1) × [j, j+1).
    public let arrayCentre: (x: Double, y: Double)
    /// Side of one detector [DET1 pixels]; detectors are the quadrants around the centre.
    public let detectorSize: Double
    /// The region used when none is given.
    public let defaultRegion: ExtractionRegion
    /// The aperture image, `imageHeight` rows of `imageWidth` pixels.
    let image: [Float]
    let imageWidth: Int
    let imageHeight: Int
    /// Energy grid of the effective-area curves and of the diagonal response.
    public let energies: EnergyGrid
    /// Effective-area curves on `energies` [cm²], by name.
    public let areas: [String: [Double]]

    /// Region pixels on the detectors and the aperture sum.
    public func statistics(of region: ExtractionRegion) throws(InstrumentError) -> RegionStatistics {
        try region.validate(instrument: name)
        let cx = arrayCentre.x + region.offsetX * 60 / pixelArcsec
        let cy = arrayCentre.y + region.offsetY * 60 / pixelArcsec
        let r = region.radius * 60 / pixelArcsec
        var pixels = [0, 0, 0, 0]
        var sum = 0.0
        let x0 = max(0, Int((cx - r).rounded(.down))), x1 = min(imageWidth - 1, Int((cx + r).rounded(.up)))
        let y0 = max(0, Int((cy - r).rounded(.down))), y1 = min(imageHeight - 1, Int((cy + r).rounded(.up)))
        if x0 <= x1, y0 <= y1 {
            for j in y0...y1 {
                for i in x0...x1 {
                    let dx = Double(i) + 0.5 - cx, dy = Double(j) + 0.5 - cy
                    guard dx * dx + dy * dy <= r * r, let detector = detector(x: i, y: j) else { continue }
                    pixels[detector] += 1
                    sum += Double(image[j * imageWidth + i])
                }
            }
        }
        guard pixels.reduce(0, +) > 0 else {
            throw .background(instrument: name, problem: "region \(region.description) covers no detector pixel")
        }
        return RegionStatistics(apertureSum: sum, detectorPixels: pixels)
    }

    /// Detector of DET1 pixel (x, y): 0 upper right, 1 upper left, 2 lower left, 3 lower right of
    /// the array centre, nil off the array.
    func detector(x: Int, y: Int) -> Int? {
        let px = Double(x) + 0.5 - arrayCentre.x, py = Double(y) + 0.5 - arrayCentre.y
        guard abs(px) < detectorSize, abs(py) < detectorSize else { return nil }
        switch (px >= 0, py >= 0) {
        case (true, true): return 0
        case (false, true): return 1
        case (false, false): return 2
        case (true, false): return 3
        }
    }

    /// The norm of `term` of `component` for a region.
    public func norm(_ term: Term, of component: Component, statistics: RegionStatistics) -> Double {
        switch component.rule {
        case let .perApertureSum(factor): return factor * statistics.apertureSum
        case let .perBackscal(factor): return factor * statistics.backscal
        case let .perDetectorPixels(divisor):
            let factors = term.detectors ?? []
            var sum = 0.0
            for d in 0..<min(factors.count, statistics.detectorPixels.count) { sum += factors[d] * Double(statistics.detectorPixels[d]) }
            return sum / divisor
        }
    }
}
