/// The continua of one temperature (and the wide parts of the pseudo-continua) of all elements,
/// resampled onto one common set of nodes.
///
/// A sum of piecewise-linear functions is piecewise linear on the union of their nodes, so the
/// resampling is exact. Where a curve starts or ends with a non-zero value the density jumps;
/// the jump is represented by two nodes at the same energy (left and right limits), a segment of
/// zero width that contributes nothing to any integral.
struct SmoothEmission: Sendable {
    /// Node energies [keV], non-decreasing.
    let energies: [Double]
    /// Density per element at each node [photons cm³ s⁻¹ keV⁻¹], node-major:
    /// `values[node * ChemicalElement.count + Z − 1]`. Stored as Float: the tabulated values are
    /// float32, and the resampled ones carry a relative rounding error of 6e-8.
    let values: [Float]

    /// Builds the union representation of `curves` (any elements, any node sets).
    init(curves: [EmissionCurve]) {
        let stride = ChemicalElement.count
        var all: [Double] = []
        for curve in curves { all.append(contentsOf: curve.energies) }
        all.sort()
        var union: [Double] = []
        union.reserveCapacity(all.count)
        for e in all where union.last != e { union.append(e) }
        // Left and right limits of every element's total density at every union energy.
        var left = [Double](repeating: 0, count: union.count * stride)
        var right = [Double](repeating: 0, count: union.count * stride)
        for curve in curves where curve.energies.count >= 2 {
            let z = curve.element - 1
            let e = curve.energies, v = curve.values
            var k = 0
            // first union index at or above the curve's first node
            var u = SmoothEmission.lowerBound(union, e[0])
            while u < union.count && union[u] <= e[e.count - 1] {
                let x = union[u]
                while k + 1 < e.count - 1 && e[k + 1] < x { k += 1 }
                // value(s) at x: interior interpolation, or limits at nodes
                var l: Double, r: Double
                if x == e[0] {
                    l = 0
                    // right limit: last of any duplicated first nodes
                    var j = 0
                    while j + 1 < e.count && e[j + 1] == x { j += 1 }
                    r = v[j]
                } else if x == e[e.count - 1] {
                    var j = e.count - 1
                    while j > 0 && e[j - 1] == x { j -= 1 }
                    l = v[j]
                    r = 0
                } else {
                    // locate segment with e[k] <= x <= e[k+1]
                    while k + 1 < e.count && e[k + 1] < x { k += 1 }
                    if e[k + 1] == x {
                        // at an interior node: left limit = first duplicate, right = last duplicate
                        var j1 = k + 1
                        while j1 + 1 < e.count && e[j1 + 1] == x { j1 += 1 }
                        l = v[k + 1]
                        r = v[j1]
                    } else {
                        let w = e[k + 1] - e[k]
                        let t = w > 0 ? (x - e[k]) / w : 0
                        l = v[k] + t * (v[k + 1] - v[k])
                        r = l
                    }
                }
                left[u * stride + z] += l
                right[u * stride + z] += r
                u += 1
            }
        }
        var energies: [Double] = []
        var values: [Float] = []
        energies.reserveCapacity(union.count + 16)
        values.reserveCapacity((union.count + 16) * stride)
        for u in union.indices {
            let base = u * stride
            var jump = false
            for z in 0..<stride where left[base + z] != right[base + z] { jump = true; break }
            if jump {
                energies.append(union[u])
                for z in 0..<stride { values.append(Float(left[base + z])) }
            }
            energies.append(union[u])
            for z in 0..<stride { values.append(Float(right[base + z])) }
        }
        self.energies = energies
        self.values = values
    }

    var count: Int { energies.count }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var low = 0, high = a.count
        while low < high {
            let mid = (low + high) / 2
            if a[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
