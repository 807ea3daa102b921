/// A piecewise-linear emissivity density, as AtomDB tabulates continua and pseudo-continua.
///
/// The density [photons cm³ s⁻¹ keV⁻¹] is linear between consecutive `energies` and zero
/// outside `energies.first … energies.last`. Integrating it over an energy bin is exact
/// (XSPEC's apec integrates the same piecewise-linear function).
public struct EmissionCurve: Sendable, Equatable {
    /// Atomic number Z (1 … 30).
    public let element: Int
    /// Ion stage: 0 for the element's total (AtomDB's `rmJ = 0`), otherwise the spectroscopic
    /// ion number (1 = neutral, Z + 1 = fully stripped) of a per-ion continuum.
    public let ion: Int
    /// Node energies [keV], non-decreasing.
    public let energies: [Double]
    /// Density at each node [photons cm³ s⁻¹ keV⁻¹], for Anders & Grevesse (1989) abundances.
    public let values: [Double]

    public init(element: Int, ion: Int, energies: [Double], values: [Double]) {
        self.element = element
        self.ion = ion
        self.energies = energies
        self.values = values
    }

    /// The density at `energy` [photons cm³ s⁻¹ keV⁻¹] (linear interpolation, zero outside).
    public func value(at energy: Double) -> Double {
        guard let first = energies.first, let last = energies.last, energy >= first, energy <= last else { return 0 }
        var low = 0, high = energies.count - 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if energies[mid] <= energy { low = mid } else { high = mid }
        }
        let width = energies[high] - energies[low]
        guard width > 0 else { return values[high] }
        let t = (energy - energies[low]) / width
        return values[low] + t * (values[high] - values[low])
    }

    /// The exact integral of the density over `lower … upper` keV [photons cm³ s⁻¹].
    public func integral(from lower: Double, to upper: Double) -> Double {
        cumulative(upper) - cumulative(lower)
    }

    /// ∫ from the first node to `x`.
    private func cumulative(_ x: Double) -> Double {
        guard energies.count >= 2, x > energies[0] else { return 0 }
        var total = 0.0
        for k in 0..<(energies.count - 1) {
            let a = energies[k], b = energies[k + 1]
            if x >= b {
                total += 0.5 * (values[k] + values[k + 1]) * (b - a)
            } else {
                let t = x - a
                let slope = b > a ? (values[k + 1] - values[k]) / (b - a) : 0
                return total + values[k] * t + 0.5 * slope * t * t
            }
        }
        return total
    }
}
