import Foundation

/// Gauss–Legendre quadrature rules on [−1, 1], computed once by Newton's method on the Legendre
/// polynomials (nodes accurate to ~1e-15).
struct GaussLegendre: Sendable {
    /// Nodes in increasing order.
    let nodes: [Double]
    /// Weights, summing to 2.
    let weights: [Double]

    init(order n: Int) {
        precondition(n >= 1)
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<(n + 1) / 2 {
            // Initial guess (Tricomi), then Newton on P_n.
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in stride(from: 2, through: n, by: 1) {
                    let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1
                    p1 = p2
                }
                // p1 = P_n(x), p0 = P_{n-1}(x)
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            let w = 2 / ((1 - x * x) * derivative * derivative)
            nodes[i] = -x
            nodes[n - 1 - i] = x
            weights[i] = w
            weights[n - 1 - i] = w
        }
        self.nodes = nodes
        self.weights = weights
    }

    static let order6 = GaussLegendre(order: 6)
    static let order8 = GaussLegendre(order: 8)

    /// ∫ f over [start, start + width]. The width is passed separately so that it keeps its
    /// full precision when `start` is large compared with it.
    @inline(__always)
    func integrate(from start: Double, width: Double, _ f: (Double) -> Double) -> Double {
        let half = 0.5 * width, middle = start + half
        var sum = 0.0
        for k in 0..<nodes.count { sum += weights[k] * f(middle + half * nodes[k]) }
        return sum * half
    }
}
