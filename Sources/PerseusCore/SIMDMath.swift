import Foundation

/// Natural logarithm and exponential on four doubles at once, for hot loops where the scalar
/// C library would serialise the work (the batched Poisson sampler).
///
/// Both use a small table to reduce the argument and a short polynomial for the rest; both are
/// accurate to about one unit in the last place over the domains stated (the tests check ≤ 2
/// ulp against the C library). They are deterministic functions of their inputs — a lane's
/// result never depends on the other lanes — which keeps every stream's draws reproducible.
public enum SIMDMath {
    public typealias Lanes = SIMD4<Double>
    @usableFromInline typealias Bits = SIMD4<UInt64>

    /// ln 2 in two parts: the leading part has 32 significant bits, so n · ln2High is exact for
    /// every |n| < 2²¹; ln2Low = ln 2 − ln2High.
    @usableFromInline static let ln2High = 0x1.62e42fee00000p-1
    @usableFromInline static let ln2Low = 0x1.a39ef35793c76p-33

    /// log(cⱼ) for the centres cⱼ = 1 + j/64, j = −16…32 (index j + 16), covering [0.75, 1.5).
    @usableFromInline static let logCentres: [Double] = (-16...32).map { Foundation.log(1 + Double($0) / 64) }
    /// 2^(j/64), j = 0…63.
    @usableFromInline static let powersOfTwo: [Double] = (0..<64).map { Foundation.exp2(Double($0) / 64) }

    /// log(x) for positive, finite, normal x (lanes outside give unspecified values).
    ///
    /// x = 2^e · m with m in [0.75, 1.5); the nearest centre c = 1 + j/64 has |m − c| ≤ 1/128 (and
    /// c = 1 exactly near x = 1, so results near 0 keep their relative precision);
    /// log m = log c + 2 atanh(s), s = (m − c)/(m + c), |s| < 0.0053, by its odd series to s⁹
    /// (truncation < 1e-20); log x = e·ln2 + log c + 2 atanh(s), ln 2 in two parts.
    @inlinable
    public static func log(_ x: Lanes) -> Lanes {
        let bits = unsafeBitCast(x, to: Bits.self)
        var m = unsafeBitCast((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000, to: Lanes.self)
        // Exponent as a double: place the biased exponent in the mantissa of 2^52, subtract.
        var e = unsafeBitCast((bits &>> 52) | 0x4330_0000_0000_0000, to: Lanes.self) - (0x1p52 + 1023)
        let high = m .>= 1.5
        m.replace(with: m * 0.5, where: high)
        e.replace(with: e + 1, where: high)
        let j = (((m - 1) * 64 + 0x1.8p52) - 0x1.8p52)   // nearest integer, exact arithmetic
        let c = 1 + j * (1.0 / 64)
        let index = SIMD4<Int64>(truncatingIfNeeded: unsafeBitCast(j + (0x1.8p52 + 16), to: Bits.self) & 63)
        let i0 = Int(index[0]), i1 = Int(index[1]), i2 = Int(index[2]), i3 = Int(index[3])
        let logC = logCentres.withUnsafeBufferPointer { Lanes($0[i0], $0[i1], $0[i2], $0[i3]) }
        let s = (m - c) / (m + c)
        let s2 = s * s
        var p: Lanes = s2 * (1.0 / 9) + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        let atanh2 = 2 * s + 2 * s * s2 * p
        return e * ln2High + (logC + (e * ln2Low + atanh2))
    }

    /// log(1 + z) for z > −1 with 1 + z finite, accurate also for tiny z:
    /// log1p(z) = log(w) − ((w − 1) − z)/w with w = 1 + z rounded (the rounding of w corrected to
    /// first order), and z itself where w rounds to 1.
    @inlinable
    public static func log1p(_ z: Lanes) -> Lanes {
        let w = 1 + z
        let corrected = log(w) - ((w - 1) - z) / w
        return corrected.replacing(with: z, where: w .== 1)
    }

    /// exp(x) for −708 ≤ x ≤ 709 (lanes outside give unspecified values).
    ///
    /// x = (64n + j) ln2/64 + r with |r| ≤ ln2/128; exp x = 2ⁿ · 2^(j/64) · e^r, the middle factor
    /// from a table and e^r by its Taylor series to r⁶ (truncation < 4e-18 relative).
    @inlinable
    public static func exp(_ x: Lanes) -> Lanes {
        let shifted = x * (64 / 0x1.62e42fefa39efp-1) + 0x1.8p52
        let nj = shifted - 0x1.8p52                  // nearest integer to 64x/ln2
        let r = (x - nj * (ln2High / 64)) - nj * (ln2Low / 64)
        var p: Lanes = r * (1.0 / 720) + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // The low bits of `shifted` hold 64n + j in two's complement.
        let integer = unsafeBitCast(shifted, to: Bits.self)
        let j = integer & 63
        let n = integer &>> 6   // only its low 11 bits are used: (n + 1023) mod 2048
        let table = powersOfTwo.withUnsafeBufferPointer {
            Lanes($0[Int(j[0])], $0[Int(j[1])], $0[Int(j[2])], $0[Int(j[3])])
        }
        let scale = unsafeBitCast(((n &+ 1023) & 0x7FF) &<< 52, to: Lanes.self)
        return p * table * scale
    }

    /// out[i] = exp(scale · x[i]) for i in 0..<count, four at a time. `x` and `out` must not
    /// overlap. Arguments outside [−708, 709] (results that underflow, overflow, or NaN) are
    /// recomputed with `Foundation.exp` in a second pass, which is skipped when the caller
    /// passes the range of `x` and it shows every argument is inside.
    public static func exp(scale: Double, _ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count: Int,
                           inputRange: ClosedRange<Double>? = nil) {
        var i = 0
        while i + 4 <= count {
            let y = scale * UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self)
            let clamped = y.clamped(lowerBound: Lanes(repeating: -708), upperBound: Lanes(repeating: 709))
            UnsafeMutableRawPointer(out + i).storeBytes(of: exp(clamped), as: Lanes.self)
            i += 4
        }
        if i < count {
            var y = Lanes(repeating: 0)
            for lane in 0..<(count - i) { y[lane] = Swift.min(Swift.max(scale * x[i + lane], -708), 709) }
            let e = exp(y)
            for lane in 0..<(count - i) { out[i + lane] = e[lane] }
        }
        if let range = inputRange {
            let a = scale * range.lowerBound, b = scale * range.upperBound
            if Swift.min(a, b) >= -708 && Swift.max(a, b) <= 709 { return }
        }
        for j in 0..<count {
            let y = scale * x[j]
            if !(y >= -708 && y <= 709) { out[j] = Foundation.exp(y) }
        }
    }
}

