import Foundation
import Testing
@testable import PerseusNeural

/// Accuracy of the vectorised elementary functions against double-precision libm, in units in
/// the last place of the Float32 result (or relative error where that is the stated bound).
@Suite struct VectorMathTests {
    /// Largest error over `inputs` in ulps of the correctly rounded Float32 result.
    func worstUlps(_ inputs: [Float], _ f: (SIMD16<Float>) -> SIMD16<Float>, _ reference: (Double) -> Double) -> Double {
        var worst = 0.0
        var i = 0
        while i < inputs.count {
            var v = SIMD16<Float>(repeating: 1)
            let n = min(16, inputs.count - i)
            for j in 0..<n { v[j] = inputs[i + j] }
            let r = f(v)
            for j in 0..<n {
                let exact = reference(Double(inputs[i + j]))
                let ulp = Double(Float(exact).ulp)
                if exact.isFinite { worst = max(worst, abs(Double(r[j]) - exact) / ulp) }
            }
            i += 16
        }
        return worst
    }

    func grid(_ lo: Float, _ hi: Float, _ n: Int = 20000) -> [Float] {
        (0..<n).map { lo + (hi - lo) * Float($0) / Float(n - 1) }
    }

    @Test func expAndLog() {
        #expect(worstUlps(grid(-86.9, 88.7), { VectorMath.exp($0) }, Foundation.exp) <= 2)
        #expect(worstUlps(grid(1e-6, 1e6, 50000) + grid(0.5, 2), { VectorMath.log($0) }, Foundation.log) <= 2)
        let specials = VectorMath.exp(SIMD16<Float>(-100, 100, .infinity, -.infinity, .nan, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        #expect(specials[0] == 0 && specials[1] == .infinity && specials[2] == .infinity && specials[3] == 0)
        #expect(specials[4].isNaN && specials[5] == 1)
        let logs = VectorMath.log(SIMD16<Float>(0, -1, .infinity, 1e-40, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))
        #expect(logs[0] == -.infinity && logs[1].isNaN && logs[2] == .infinity)
        #expect(abs(Double(logs[3]) - Foundation.log(Double(Float(1e-40)))) < 1e-4)
    }

    @Test func tanhSigmoidSoftplus() {
        #expect(worstUlps(grid(-9, 9), { VectorMath.tanh($0) }, Foundation.tanh) <= 4)
        #expect(worstUlps(grid(-20, 20), { VectorMath.sigmoid($0) }, { 1 / (1 + Foundation.exp(-$0)) }) <= 4)
        #expect(worstUlps(grid(-30, 30), { VectorMath.softplus($0) }, { $0 > 0 ? $0 + Foundation.log1p(Foundation.exp(-$0)) : Foundation.log1p(Foundation.exp($0)) }) <= 4)
        // log1p keeps tiny arguments.
        #expect(abs(VectorMath.log1p(SIMD16<Float>(repeating: 1e-10))[0] - 1e-10) < 1e-16)
    }

    @Test func normalDistributionFunctions() {
        // Φ keeps its relative accuracy deep in the lower tail (where 1 + erf would cancel).
        // The rounding of x² in single precision limits the relative accuracy to about x²·2⁻²⁴.
        func worstRelative(_ lo: Float, _ hi: Float, _ f: (SIMD16<Float>) -> SIMD16<Float>, _ exact: (Double) -> Double) -> Double {
            grid(lo, hi).map { x in abs(Double(f(SIMD16<Float>(repeating: x))[0]) - exact(Double(x))) / exact(Double(x)) }.max()!
        }
        let phi = { (x: Double) in 0.5 * erfc(-x / 2.0.squareRoot()) }
        let density = { (x: Double) in Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }
        #expect(worstRelative(-5, 6, { VectorMath.normalCDF($0) }, phi) < 3e-6)
        #expect(worstRelative(-12, -5, { VectorMath.normalCDF($0) }, phi) < 3e-5)
        #expect(worstUlps(grid(-4, 4), { VectorMath.normalPDF($0) }, density) <= 8)
        #expect(worstRelative(0, 4, { VectorMath.erfc($0) }, { erfc($0) }) < 1.5e-6)
        #expect(worstUlps(grid(-4, 0), { VectorMath.erfc($0) }, { erfc($0) }) <= 4)
        let both = VectorMath.normalCDFAndDensity(SIMD16<Float>(repeating: -1.3))
        #expect(both.cdf == VectorMath.normalCDF(SIMD16<Float>(repeating: -1.3)))
        #expect(abs(Double(both.density[0]) - density(-1.3)) < 1e-7)
        #expect(worstRelative(-10, 10, { VectorMath.normalPDF($0) }, density) < 5e-6)
    }
}
