import Foundation
import Testing
import PerseusCore

/// The vector functions agree with the C library's correctly-rounded-in-practice scalar ones
/// to within a few units in the last place over their domains.
@Suite struct SIMDMathTests {
    static func ulps(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / max(abs(b), .leastNormalMagnitude).ulp
    }

    func check(_ inputs: [Double], _ vector: (SIMD4<Double>) -> SIMD4<Double>, _ scalar: (Double) -> Double,
               tolerance: Double) -> Double {
        var worst = 0.0
        var i = 0
        while i + 4 <= inputs.count {
            let x = SIMD4(inputs[i], inputs[i + 1], inputs[i + 2], inputs[i + 3])
            let y = vector(x)
            for lane in 0..<4 { worst = max(worst, Self.ulps(y[lane], scalar(x[lane]))) }
            i += 4
        }
        return worst
    }

    var stream = RandomStream(seed: 2024, purpose: .testing)

    @Test mutating func logarithm() {
        // Log-uniform over the whole normal range plus values near 1, √2 and powers of two.
        var inputs = (0..<200_000).map { _ in Foundation.exp((stream.uniform() - 0.5) * 1400) }
        inputs += (0..<40_000).map { _ in 1 + (stream.uniform() - 0.5) * 1e-3 }
        inputs += [1, 2, 0.5, 2.0.squareRoot(), 1e-300, 1e300, 3, 10, 1.0000000000000002, 0.9999999999999999]
        inputs += [Double](repeating: 1, count: (4 - inputs.count % 4) % 4)
        let worst = check(inputs, SIMDMath.log, Foundation.log, tolerance: 2)
        #expect(worst <= 2, "worst log error \(worst) ulp")
        // Near 1 the result is tiny: check absolute accuracy relative to the argument scale.
        let nearOne = SIMDMath.log(SIMD4(1 + 1e-10, 1 - 1e-10, 1 + 1e-6, 1))
        #expect(abs(nearOne[0] - Foundation.log(1 + 1e-10)) < 1e-25)
        #expect(nearOne[3] == 0)
    }

    @Test mutating func logarithmOfOnePlus() {
        var inputs = (0..<100_000).map { _ in (stream.uniform() - 0.5) * 0.8 }
        inputs += (0..<100_000).map { _ in (stream.uniform() - 0.5) * 1e-12 }
        inputs += (0..<100_000).map { _ in Foundation.exp(stream.uniform() * 20) - 1 }
        let worst = check(inputs, SIMDMath.log1p, Foundation.log1p, tolerance: 3)
        #expect(worst <= 3, "worst log1p error \(worst) ulp")
    }

    @Test mutating func exponential() {
        var inputs = (0..<200_000).map { _ in (stream.uniform() - 0.5) * 1400 }
        inputs += (0..<100_000).map { _ in -stream.uniform() * 10 }
        inputs += [0, -708, 709, 1, -1, 1e-300, -1e-300, 0.5 * Foundation.log(2.0)]
        inputs += [Double](repeating: 0, count: (4 - inputs.count % 4) % 4)
        let worst = check(inputs, SIMDMath.exp, Foundation.exp, tolerance: 2)
        #expect(worst <= 2, "worst exp error \(worst) ulp")
    }
}
