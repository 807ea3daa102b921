import Foundation

/// Exponentials over arrays, written so the compiler can vectorise the loop.
///
/// `exp(y)` is computed as 2ⁿ·e^r with n = round(y/ln 2) and |r| ≤ ln 2 / 2, e^r by its Taylor
/// series to r¹³ (truncation < 5e-18 relative) and ln 2 split into a high and a low part so the
/// reduction is exact to double precision (Cody & Waite). Measured against `Foundation.exp` over
/// [−745, 709] the relative difference is below 4e-16 (tested in VectorExpTests). Arguments
/// outside [−708, 709] (results that underflow to subnormals, overflow, or NaN) are recomputed
/// with `Foundation.exp`, so every input gets the correctly signed, finite-or-infinite result.
enum VectorExp {
    /// out[i] = exp(scale · x[i]) for i in 0..<count. `x` and `out` must not overlap.
    static func exp(scale: Double, _ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count: Int) {
        let log2e = 1.4426950408889634
        let ln2High = 6.93147180369123816490e-01   // ln 2 rounded to 33 bits: k·ln2High is exact
        let ln2Low = 1.90821492927058770002e-10
        let shifter = 6755399441055744.0            // 1.5·2⁵²: adding it rounds to an integer
        let shifterBits = Int64(bitPattern: shifter.bitPattern)
        var outOfRange: UInt8 = 0
        for i in 0..<count {
            let y = scale * x[i]
            let inRange = y >= -708.0 && y <= 709.0
            outOfRange |= inRange ? 0 : 1
            let clamped = Swift.min(Swift.max(y, -708.0), 709.0)
            let shifted = clamped * log2e + shifter
            let k = shifted - shifter
            let r = (clamped - k * ln2High) - k * ln2Low
            var p = 1.6059043836821614599e-10         // 1/13!
            p = p * r + 2.0876756987868098979e-09     // 1/12!
            p = p * r + 2.5052108385441718775e-08     // 1/11!
            p = p * r + 2.7557319223985890653e-07     // 1/10!
            p = p * r + 2.7557319223985890653e-06     // 1/9!
            p = p * r + 2.4801587301587301587e-05     // 1/8!
            p = p * r + 1.9841269841269841270e-04     // 1/7!
            p = p * r + 1.3888888888888888889e-03     // 1/6!
            p = p * r + 8.3333333333333333333e-03     // 1/5!
            p = p * r + 4.1666666666666666667e-02     // 1/4!
            p = p * r + 1.6666666666666666667e-01     // 1/3!
            p = p * r + 0.5
            p = p * r + 1.0
            p = p * r + 1.0
            let n = Int64(bitPattern: shifted.bitPattern) &- shifterBits
            let twoToN = Double(bitPattern: UInt64(bitPattern: (n &+ 1023) &<< 52))
            out[i] = p * twoToN
        }
        if outOfRange != 0 {
            for i in 0..<count {
                let y = scale * x[i]
                if !(y >= -708.0 && y <= 709.0) { out[i] = Foundation.exp(y) }
            }
        }
    }
}
