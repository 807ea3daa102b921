import Foundation
import Testing
import PerseusCore

/// The array form of the vector exponential against Foundation.exp.
struct SIMDExpArrayTests {
    @Test func agreesWithFoundationExpEverywhere() {
        var stream = RandomStream(seed: 7, purpose: .testing, index: 0)
        var x = (0..<200_000).map { _ in -745.5 + 1455.5 * stream.uniform() }
        x += [0, -0.0, 1e-300, -1e-300, 0.5 * log(2.0), -0.5 * log(2.0), -708, 709, -708.0001, 709.0001,
              -744, -745.2, -800, 710, 1e5, -1e5, .infinity, -.infinity]
        var out = [Double](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                SIMDMath.exp(scale: 1, input.baseAddress!, into: output.baseAddress!, count: input.count)
            }
        }
        var worst = 0.0
        for (value, argument) in zip(out, x) {
            let expected = Foundation.exp(argument)
            if expected == 0 || expected.isInfinite || expected < Double.leastNormalMagnitude {
                #expect(value == expected, "exp(\(argument))")
            } else {
                worst = max(worst, abs(value - expected) / expected)
            }
        }
        #expect(worst < 5e-16)   // about 2 ulp
    }

    @Test func propagatesNaNAndScales() {
        let x: [Double] = [.nan, 2, -3]
        var out = [Double](repeating: 0, count: 3)
        x.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                SIMDMath.exp(scale: -0.5, input.baseAddress!, into: output.baseAddress!, count: 3)
            }
        }
        #expect(out[0].isNaN)
        #expect(abs(out[1] - exp(-1)) < 1e-16)
        #expect(abs(out[2] - exp(1.5)) < 4e-16 * exp(1.5))
    }
}
