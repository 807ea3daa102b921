import Foundation

/// How a loss turns per-element terms into the value returned.
public enum LossReduction: Sendable, Equatable {
    /// Mean over all elements (PyTorch's default).
    case mean
    /// Sum over all elements.
    case sum
    /// Sum over every axis but the first, then mean over the first (the batch): the mean
    /// per-sample loss, as used by VAEs and flows.
    case batchMean
    /// The per-element terms, unreduced.
    case none
}

extension Tensor {
    func reduced(by reduction: LossReduction) -> Tensor {
        switch reduction {
        case .mean: return mean()
        case .sum: return sum()
        case .batchMean: return sum() * (1 / Float(Swift.max(rank == 0 ? 1 : shape[0], 1)))
        case .none: return self
        }
    }
}

private func requireSameShape(_ a: Tensor, _ b: Tensor, _ op: String, _ names: (String, String)) throws {
    guard a.shape == b.shape else {
        throw NeuralError.shapeMismatch(operation: op, detail: "\(names.0) \(describe(a.shape)) and \(names.1) \(describe(b.shape)) must have the same shape")
    }
}

/// A per-element loss term ℓ(a, b) with its partial derivatives.
protocol PointwiseLoss {
    typealias V = SIMD16<Float>
    func value(_ a: V, _ b: V) -> V
    func derivativeA(_ a: V, _ b: V) -> V
    func derivativeB(_ a: V, _ b: V) -> V
}

private struct LossValue<L: PointwiseLoss>: VectorMap2 {
    let l: L
    @inline(__always) func callAsFunction(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { l.value(a, b) }
}
private struct LossGradientA<L: PointwiseLoss>: VectorMap3 {
    let l: L
    @inline(__always) func callAsFunction(_ g: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { g * l.derivativeA(a, b) }
}
private struct LossGradientB<L: PointwiseLoss>: VectorMap3 {
    let l: L
    @inline(__always) func callAsFunction(_ g: SIMD16<Float>, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { g * l.derivativeB(a, b) }
}

/// The per-element terms of `loss`, fused into one pass forward and one backward.
private func pointwise<L: PointwiseLoss>(_ a: Tensor, _ b: Tensor, _ loss: L) -> Tensor {
    let z = TensorStorage(uninitialized: a.count)
    Vector.parallelMap(a.storage.pointer, b.storage.pointer, z.pointer, a.count, LossValue(l: loss))
    return Tensor.result(shape: a.shape, storage: z, inputs: [a, b]) {
        let av = a.detached(), bv = b.detached()
        let needA = a.requiresGradient, needB = b.requiresGradient
        return { g in
            [needA ? Tensor.combine(g, av, bv, LossGradientA(l: loss)) : nil,
             needB ? Tensor.combine(g, av, bv, LossGradientB(l: loss)) : nil]
        }
    }
}

private struct SquaredError: PointwiseLoss {
    @inline(__always) func value(_ p: V, _ t: V) -> V { (p - t) * (p - t) }
    @inline(__always) func derivativeA(_ p: V, _ t: V) -> V { 2 * (p - t) }
    @inline(__always) func derivativeB(_ p: V, _ t: V) -> V { 2 * (t - p) }
}

private struct AbsoluteError: PointwiseLoss {
    @inline(__always) func sign(_ d: V) -> V {
        var s = V(repeating: 0)
        s.replace(with: 1, where: d .> 0)
        s.replace(with: -1, where: d .< 0)
        return s
    }
    @inline(__always) func value(_ p: V, _ t: V) -> V { let d = p - t; return d.replacing(with: -d, where: d .< 0) }
    @inline(__always) func derivativeA(_ p: V, _ t: V) -> V { sign(p - t) }
    @inline(__always) func derivativeB(_ p: V, _ t: V) -> V { sign(t - p) }
}

private struct PoissonTerm: PointwiseLoss {
    let e: V, stirling: Float
    @inline(__always) func value(_ l: V, _ x: V) -> V {
        let lx = VectorMath.log(x + e)
        return l - x * VectorMath.log(l + e) + stirling * (x * lx - x + 0.5 * lx)
    }
    @inline(__always) func derivativeA(_ l: V, _ x: V) -> V { 1 - x / (l + e) }
    @inline(__always) func derivativeB(_ l: V, _ x: V) -> V {
        -VectorMath.log(l + e) + stirling * (VectorMath.log(x + e) + x / (x + e) - 1 + 0.5 / (x + e))
    }
}

private struct GaussianKLTerm: PointwiseLoss {
    @inline(__always) func value(_ m: V, _ lv: V) -> V { -0.5 * (1 + lv - m * m - VectorMath.exp(lv)) }
    @inline(__always) func derivativeA(_ m: V, _ lv: V) -> V { m }
    @inline(__always) func derivativeB(_ m: V, _ lv: V) -> V { 0.5 * (VectorMath.exp(lv) - 1) }
}

/// Mean squared error between `prediction` and `target` (same shape): (p − t)², reduced.
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
    try requireSameShape(prediction, target, "meanSquaredError", ("prediction", "target"))
    return pointwise(prediction, target, SquaredError()).reduced(by: reduction)
}

/// Mean absolute error |p − t|, reduced; the derivative at p = t is taken as 0.
public func meanAbsoluteError(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
    try requireSameShape(prediction, target, "meanAbsoluteError", ("prediction", "target"))
    return pointwise(prediction, target, AbsoluteError()).reduced(by: reduction)
}

/// Poisson negative log-likelihood of observed `counts` x given expected counts (`rate`) λ, in
/// the form Ichinohe & Yamada (2019, MNRAS 487, 2874; their public `log_poisson`) train their
/// VAE with: per element
///
///     ℓ = λ − x·log(λ + ε) + x·log(x + ε) − x + ½·log(x + ε)
///
/// i.e. −log P(x | λ) with log x! replaced by Stirling's x·log x − x + ½·log x (the constant
/// ½·log 2π dropped) when `includeStirlingTerm` is true; the last three terms do not depend on
/// λ. ε = 1e-7 is Keras's `epsilon()`, which they use. Rates must be ≥ 0 (e.g. a softplus output).
public func poissonNegativeLogLikelihood(rate: Tensor, counts: Tensor, epsilon: Float = 1e-7,
                                         includeStirlingTerm: Bool = true,
                                         reduction: LossReduction = .batchMean) throws -> Tensor {
    try requireSameShape(rate, counts, "poissonNegativeLogLikelihood", ("rate", "counts"))
    return pointwise(rate, counts, PoissonTerm(e: SIMD16<Float>(repeating: epsilon), stirling: includeStirlingTerm ? 1 : 0))
        .reduced(by: reduction)
}

/// Gaussian negative log-likelihood of `target` under N(`mean`, `variance`), elementwise, as
/// PyTorch's `GaussianNLLLoss`: ½·(log v + (μ − t)²/v) with v = max(variance, ε), plus ½·log 2π
/// when `full`. All three tensors have the same shape.
public func gaussianNegativeLogLikelihood(mean: Tensor, target: Tensor, variance: Tensor, epsilon: Float = 1e-6,
                                          full: Bool = false, reduction: LossReduction = .mean) throws -> Tensor {
    try requireSameShape(mean, target, "gaussianNegativeLogLikelihood", ("mean", "target"))
    try requireSameShape(mean, variance, "gaussianNegativeLogLikelihood", ("mean", "variance"))
    let e = SIMD16<Float>(repeating: epsilon)
    let constant: Float = full ? 0.5 * Float(Foundation.log(2 * Double.pi)) : 0
    let z = TensorStorage(uninitialized: mean.count)
    Vector.parallelMap(mean.storage.pointer, target.storage.pointer, variance.storage.pointer, z.pointer, mean.count) { m, t, v in
        let vv = v.replacing(with: e, where: v .< e)
        let d = m - t
        return 0.5 * (VectorMath.log(vv) + d * d / vv) + constant
    }
    let terms = Tensor.result(shape: mean.shape, storage: z, inputs: [mean, target, variance]) {
        let mv = mean.detached(), tv = target.detached(), vv = variance.detached()
        let needM = mean.requiresGradient, needT = target.requiresGradient, needV = variance.requiresGradient
        return { g in
            func clamp(_ v: SIMD16<Float>) -> SIMD16<Float> { v.replacing(with: e, where: v .< e) }
            let dm: Tensor? = (needM || needT) ? {
                let r = TensorStorage(uninitialized: g.count)
                Vector.parallelMap(mv.storage.pointer, tv.storage.pointer, vv.storage.pointer, r.pointer, g.count) { m, t, v in (m - t) / clamp(v) }
                return Tensor.combine(g, Tensor(shape: g.shape, storage: r)) { $0 * $1 }
            }() : nil
            let dv: Tensor? = needV ? {
                let r = TensorStorage(uninitialized: g.count)
                Vector.parallelMap(mv.storage.pointer, tv.storage.pointer, vv.storage.pointer, r.pointer, g.count) { m, t, v in
                    let c = clamp(v), d = m - t
                    return 0.5 * (1 / c - d * d / (c * c))
                }
                return Tensor.combine(g, Tensor(shape: g.shape, storage: r)) { $0 * $1 }
            }() : nil
            return [needM ? dm : nil, needT ? dm?.negatedValues() : nil, dv]
        }
    }
    return terms.reduced(by: reduction)
}

/// Kullback–Leibler divergence of the diagonal Gaussian N(μ, diag(e^{log σ²})) from N(0, I):
/// per element −½·(1 + log σ² − μ² − σ²), summed over the latent axis and, by default, averaged
/// over the batch (Kingma & Welling 2014, appendix B). `mean` and `logVariance` are `[N, d]`.
public func klDivergenceToStandardNormal(mean: Tensor, logVariance: Tensor,
                                         reduction: LossReduction = .batchMean) throws -> Tensor {
    try requireSameShape(mean, logVariance, "klDivergenceToStandardNormal", ("mean", "log variance"))
    return pointwise(mean, logVariance, GaussianKLTerm()).reduced(by: reduction)
}

/// log N(z; 0, I) per sample for z `[N, d]`: −½·Σ z² − (d/2)·log 2π, shape `[N]`. With the
/// log-determinants of a flow's layers this gives its log-likelihood (see `AffineCoupling`).
public func standardNormalLogDensity(_ z: Tensor) throws -> Tensor {
    guard z.rank == 2 else {
        throw NeuralError.shapeMismatch(operation: "standardNormalLogDensity", detail: "expected [N, d], got \(describe(z.shape))")
    }
    let d = Float(z.shape[1])
    return try (square(z).sum(axis: 1) * -0.5) - 0.5 * d * Float(Foundation.log(2 * Double.pi))
}
