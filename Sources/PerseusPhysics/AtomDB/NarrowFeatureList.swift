/// The narrow parts of the pseudo-continua of one temperature, as a list of triangular features.
///
/// A piecewise-linear density f with nodes eⱼ and values Vⱼ is exactly Σⱼ Vⱼ hⱼ(E), where hⱼ is
/// the "hat" that rises linearly from 0 at eⱼ₋₁ to 1 at eⱼ and falls back to 0 at eⱼ₊₁. AtomDB's
/// pseudo-continua (weak lines binned at ~1 eV) are mostly isolated narrow spikes, so each
/// node whose hat is narrower than `TemperatureRecord.narrowFeatureWidth` is stored here and
/// evaluated like a line (its whole flux lands in one bin unless it straddles a bin edge, when it
/// is split exactly); the remaining nodes stay in `SmoothEmission`.
struct NarrowFeatureList: Sendable {
    /// Peak energy eⱼ [keV], ascending.
    var centres: [Double] = []
    /// eⱼ − eⱼ₋₁ [keV] (0 for a curve's first node: the density jumps there).
    var leftWidths: [Double] = []
    /// eⱼ₊₁ − eⱼ [keV] (0 for a curve's last node).
    var rightWidths: [Double] = []
    /// Vⱼ [photons cm³ s⁻¹ keV⁻¹].
    var values: [Double] = []
    /// Atomic number Z.
    var elements: [UInt8] = []
    /// Widest left width in the list [keV] (bounds the search for features reaching a bin).
    var maxLeftWidth = 0.0
    /// Widest right width in the list [keV].
    var maxRightWidth = 0.0

    var count: Int { centres.count }

    mutating func sortByCentre() {
        let order = centres.indices.sorted { (centres[$0], $0) < (centres[$1], $1) }
        centres = order.map { centres[$0] }
        leftWidths = order.map { leftWidths[$0] }
        rightWidths = order.map { rightWidths[$0] }
        values = order.map { values[$0] }
        elements = order.map { elements[$0] }
        maxLeftWidth = leftWidths.max() ?? 0
        maxRightWidth = rightWidths.max() ?? 0
    }

    /// Index of the first feature with centre > `energy`.
    func firstIndex(above energy: Double) -> Int {
        var low = 0, high = centres.count
        while low < high {
            let mid = (low + high) / 2
            if centres[mid] <= energy { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// ∫ of a unit-height hat with peak at 0, left width `a`, right width `b`, from −∞ to `x`.
@inline(__always)
func hatCumulative(_ x: Double, left a: Double, right b: Double) -> Double {
    if x <= -a { return 0 }
    if x <= 0 { return a > 0 ? (x + a) * (x + a) / (2 * a) : 0 }
    if x >= b { return 0.5 * (a + b) }
    let r = b - x
    return 0.5 * a + (b * b - r * r) / (2 * b)
}
