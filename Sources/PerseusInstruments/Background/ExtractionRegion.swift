import Foundation

/// The region of the detector a spectrum (and its background) is extracted from: a circle of
/// `radius` arcmin whose centre lies `offsetX`, `offsetY` arcmin from the aimpoint, in the
/// detector's own coordinates (for NuSTAR the DET1 grid, at a fixed pointing).
///
/// It sets the background normalisations (aperture-image sum, pixels on each detector) and the
/// BACKSCAL written to PHA files. `area(squareArcmin:)` is the circle of that area at the aimpoint.
public struct ExtractionRegion: Sendable, Equatable, CustomStringConvertible {
    /// Radius [arcmin].
    public var radius: Double
    /// Offset of the centre from the aimpoint along the detector x and y axes [arcmin].
    public var offsetX: Double
    public var offsetY: Double

    /// A circle of `radius` arcmin centred `offsetX`, `offsetY` arcmin from the aimpoint.
    public static func circle(radius: Double, offsetX: Double = 0, offsetY: Double = 0) -> ExtractionRegion {
        ExtractionRegion(radius: radius, offsetX: offsetX, offsetY: offsetY)
    }

    /// The circle of `squareArcmin` arcmin² centred on the aimpoint.
    public static func area(squareArcmin: Double) -> ExtractionRegion {
        ExtractionRegion(radius: (max(0, squareArcmin) / Double.pi).squareRoot(), offsetX: 0, offsetY: 0)
    }

    public var description: String {
        offsetX == 0 && offsetY == 0
            ? "circle of radius \(radius)′ at the aimpoint"
            : "circle of radius \(radius)′ centred (\(offsetX)′, \(offsetY)′) from the aimpoint"
    }

    /// Checks the numbers are usable.
    func validate(instrument: String) throws(InstrumentError) {
        guard radius.isFinite, radius > 0, offsetX.isFinite, offsetY.isFinite else {
            throw .background(instrument: instrument, problem: "region \(description): the radius must be a finite number of arcmin > 0 and the offsets finite")
        }
    }
}
