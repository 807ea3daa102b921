import Foundation
import PerseusCore
@testable import PerseusNeural

/// Finite-difference gradient checking for the tests.
///
/// For inputs x₁…xₖ (made trainable parameters) and a function f, the scalar
/// L = Σ f(x)ᵢ·Rᵢ with fixed random weights R is differentiated by the tape, and every partial
/// derivative ∂L/∂xⱼ is compared with the central difference (L(x + h·eⱼ) − L(x − h·eⱼ))/(2h),
/// where L is evaluated from the Float32 forward pass but summed in double precision.
enum GradientCheck {
    struct Failure: CustomStringConvertible {
        let input: Int, element: Int
        let analytic: Double, numeric: Double
        var description: String { "input \(input) element \(element): tape \(analytic), finite difference \(numeric)" }
    }

    /// Returns the elements whose tape and finite-difference gradients disagree by more than
    /// `absolute + relative·max(|tape|, |numeric|)` (empty when all agree), and the number checked.
    static func failures(_ inputs: [Tensor], step h: Float = 1e-2, absolute: Double = 2e-3, relative: Double = 2e-2,
                         seed: UInt64 = 7, _ f: ([Tensor]) throws -> Tensor) throws -> (failures: [Failure], checked: Int) {
        let parameters = inputs.map { Parameter($0) }
        let probe = try withoutGradients { try f(parameters.map(\.tensor)) }
        var stream = RandomStream(seed: seed, purpose: .testing)
        let weights = try Tensor(uniform: probe.shape, in: -1..<1, stream: &stream)
        let loss = try (f(parameters.map(\.tensor)) * weights).sum()
        try loss.backward()
        func value() throws -> Double {
            try withoutGradients {
                let y = try f(parameters.map(\.tensor))
                var s = 0.0
                for (a, b) in zip(y.scalars, weights.scalars) { s += Double(a) * Double(b) }
                return s
            }
        }
        var out: [Failure] = []
        var checked = 0
        for (k, p) in parameters.enumerated() {
            let analytic = p.gradient?.scalars ?? [Float](repeating: 0, count: p.count)
            var values = p.value.scalars
            for j in 0..<values.count {
                let original = values[j]
                values[j] = original + h
                try p.assign(Tensor(shape: p.shape, values: values))
                let plus = try value()
                values[j] = original - h
                try p.assign(Tensor(shape: p.shape, values: values))
                let minus = try value()
                values[j] = original
                try p.assign(Tensor(shape: p.shape, values: values))
                let numeric = (plus - minus) / (2 * Double(h))
                let a = Double(analytic[j])
                checked += 1
                if abs(a - numeric) > absolute + relative * max(abs(a), abs(numeric)) {
                    out.append(Failure(input: k, element: j, analytic: a, numeric: numeric))
                }
            }
        }
        return (out, checked)
    }

    /// A tensor of uniform values in `range` from a test stream.
    static func uniform(_ shape: [Int], _ range: Range<Float> = -1..<1, seed: UInt64 = 1) throws -> Tensor {
        var stream = RandomStream(seed: seed, purpose: .testing, index: UInt64(shape.reduce(1, *)))
        return try Tensor(uniform: shape, in: range, stream: &stream)
    }

    /// Uniform values kept at least `gap` away from 0 (for functions with a kink there).
    static func awayFromZero(_ shape: [Int], gap: Float = 0.1, seed: UInt64 = 1) throws -> Tensor {
        let t = try uniform(shape, -1..<1, seed: seed)
        return try Tensor(shape: shape, values: t.scalars.map { $0 < 0 ? $0 - gap : $0 + gap })
    }
}
