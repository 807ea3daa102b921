import Foundation

/// Exact bin integrals of normalised Gaussian and Lorentzian line profiles, shared by
/// `gaussian`, `zgauss` and `lorentz`.
enum LineProfile {
    /// Writes the fraction of a Gaussian line (centre `center`, standard deviation `sigma` > 0,
    /// total `flux` over all energies) falling in each bin, times `flux`, into `out`.
    ///
    /// Fractions are differences of ½ erfc(|x|/√2) taken on the same side of the centre (and
    /// 1 − both tails for the bin that contains the centre), so far tails keep full relative
    /// precision. Bins more than 40σ from the centre are set to 0 (the exact value is below
    /// 1e-340 of the flux, under the smallest double).
    static func gaussian(edges: BinEdges, center: Double, sigma: Double, flux: Double,
                         into out: UnsafeMutablePointer<Double>) {
        let count = edges.count
        for i in 0..<count { out[i] = 0 }
        if sigma == 0 {
            deltaLine(edges: edges, center: center, flux: flux, into: out)
            return
        }
        let first = edges.firstBin(withUpperEdgeAbove: center - 40 * sigma)
        let inverse = 1 / (sigma * 2.0.squareRoot())
        // tail(x) = ½ erfc(|x|/√2) with x in units of σ; computed per edge.
        @inline(__always) func tail(_ energy: Double) -> Double { 0.5 * erfc(abs(energy - center) * inverse) }
        var i = first
        var lowerTail = i < count ? tail(edges.lower(i)) : 0
        while i < count {
            let lo = edges.lower(i)
            if lo > center + 40 * sigma { break }
            let hi = edges.upper(i)
            if !edges.isContiguous && i > first { lowerTail = tail(lo) }
            let upperTail = tail(hi)
            let fraction: Double
            if lo >= center {
                fraction = lowerTail - upperTail
            } else if hi <= center {
                fraction = upperTail - lowerTail
            } else {
                fraction = 1 - lowerTail - upperTail
            }
            out[i] = flux * fraction
            lowerTail = upperTail
            i += 1
        }
    }

    /// Writes a Lorentzian line normalised as XSPEC's `lorentz`: total `flux` over E > 0,
    ///
    ///     A(E) = flux · W / (π − 2 arctan(−2E_L/W)) / [(E − E_L)² + (W/2)²]
    ///
    /// so the bin integral is flux · [arctan(2(E₂−E_L)/W) − arctan(2(E₁−E_L)/W)] /
    /// (π/2 + arctan(2E_L/W)). The arctangent difference is formed as arctan((b−a)/(1+ab)) when
    /// ab > −1, which keeps relative precision in the far tails.
    static func lorentzian(edges: BinEdges, center: Double, width: Double, flux: Double,
                           into out: UnsafeMutablePointer<Double>) {
        let count = edges.count
        if width == 0 {
            for i in 0..<count { out[i] = 0 }
            deltaLine(edges: edges, center: center, flux: flux, into: out)
            return
        }
        let scale = 2 / width
        let normalisation = flux / (Double.pi / 2 + atan(center * scale))
        for i in 0..<count {
            let a = (edges.lower(i) - center) * scale
            let b = (edges.upper(i) - center) * scale
            let product = a * b
            let difference = product > -1 ? atan((b - a) / (1 + product)) : atan(b) - atan(a)
            out[i] = normalisation * difference
        }
    }

    /// All of `flux` into the bin with lower edge < center ≤ upper edge (XSPEC's rule for a line
    /// of zero width); nothing if the centre lies outside the grid or in a gap.
    static func deltaLine(edges: BinEdges, center: Double, flux: Double, into out: UnsafeMutablePointer<Double>) {
        if let bin = edges.bin(containing: center) { out[bin] += flux }
    }
}
