/// Elementwise functions of one tensor, vectorised (see `VectorMath` for their accuracy), with
/// their derivatives for the tape.
///
/// Each function is a small type conforming to `ElementwiseFunction`, so that the generic
/// forward and pullback loops are specialised and fully inlined for it.
protocol ElementwiseFunction {
    typealias V = SIMD16<Float>
    /// f(x).
    @inline(__always) func value(_ x: V) -> V
    /// g·f′(x), given the output gradient g, the input x and the output y = f(x).
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V
    /// Whether `gradient` reads x (otherwise only y is kept for the pullback).
    var gradientNeedsInput: Bool { get }
}

extension Tensor {
    /// Applies `f` elementwise into fresh storage.
    @inline(__always)
    func mapped<F: VectorMap1>(_ f: F) -> TensorStorage {
        let z = TensorStorage(uninitialized: count)
        Vector.parallelMap(storage.pointer, z.pointer, count, f)
        return z
    }

    @inline(__always)
    func mapped(_ f: (SIMD16<Float>) -> SIMD16<Float>) -> TensorStorage {
        withoutActuallyEscaping(f) { f in mapped(ClosureMap1(f: f)) }
    }

    /// f(g, saved) elementwise as a constant, for pullbacks.
    @inline(__always)
    static func combine<F: VectorMap2>(_ g: Tensor, _ saved: Tensor, _ f: F) -> Tensor {
        let z = TensorStorage(uninitialized: g.count)
        Vector.parallelMap(g.storage.pointer, saved.storage.pointer, z.pointer, g.count, f)
        return Tensor(shape: g.shape, storage: z)
    }

    @inline(__always)
    static func combine<F: VectorMap3>(_ g: Tensor, _ s1: Tensor, _ s2: Tensor, _ f: F) -> Tensor {
        let z = TensorStorage(uninitialized: g.count)
        Vector.parallelMap(g.storage.pointer, s1.storage.pointer, s2.storage.pointer, z.pointer, g.count, f)
        return Tensor(shape: g.shape, storage: z)
    }

    @inline(__always)
    static func combine(_ g: Tensor, _ saved: Tensor, _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        withoutActuallyEscaping(f) { f in combine(g, saved, ClosureMap2(f: f)) }
    }

    @inline(__always)
    static func combine(_ g: Tensor, _ s1: Tensor, _ s2: Tensor,
                        _ f: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        withoutActuallyEscaping(f) { f in combine(g, s1, s2, ClosureMap3(f: f)) }
    }

    /// f(x) recorded with f's derivative.
    func applying<F: ElementwiseFunction>(_ f: F) -> Tensor {
        let y = Tensor(shape: shape, storage: mapped(ForwardMap(f: f)))
        return Tensor.result(shape: shape, storage: y.storage, inputs: [self]) {
            if f.gradientNeedsInput {
                let x = self.detached()
                return { g in [Tensor.combine(g, x, y, GradientFromInput(f: f))] }
            }
            return { g in [Tensor.combine(g, y, GradientFromOutput(f: f))] }
        }
    }
}

/// An elementwise function and its derivative as vector maps.
struct ForwardMap<F: ElementwiseFunction>: VectorMap1 {
    let f: F
    @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { f.value(x) }
}
struct GradientFromInput<F: ElementwiseFunction>: VectorMap3 {
    let f: F
    @inline(__always) func callAsFunction(_ g: SIMD16<Float>, _ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> {
        f.gradient(g, x, y)
    }
}
struct GradientFromOutput<F: ElementwiseFunction>: VectorMap2 {
    let f: F
    @inline(__always) func callAsFunction(_ g: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { f.gradient(g, .zero, y) }
}

struct ExpFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { VectorMath.exp(x) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g * y }
    var gradientNeedsInput: Bool { false }
}

struct LogFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { VectorMath.log(x) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g / x }
    var gradientNeedsInput: Bool { true }
}

struct SqrtFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { x.squareRoot() }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g * 0.5 / y }
    var gradientNeedsInput: Bool { false }
}

struct PowFunction: ElementwiseFunction {
    let exponent: Float
    @inline(__always) func power(_ v: V, _ e: Float) -> V {
        if e == e.rounded(), Swift.abs(e) <= 64 {
            var n = Int(Swift.abs(e))
            var base = v, acc = V(repeating: 1)
            while n > 0 {
                if n & 1 == 1 { acc *= base }
                base *= base
                n >>= 1
            }
            return e < 0 ? 1 / acc : acc
        }
        var r = VectorMath.exp(VectorMath.log(v) * e)
        if e > 0 { r.replace(with: 0, where: v .== 0) }
        return r
    }
    @inline(__always) func value(_ x: V) -> V { power(x, exponent) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g * exponent * power(x, exponent - 1) }
    var gradientNeedsInput: Bool { true }
}

struct ReluFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { x.replacing(with: 0, where: x .< 0) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g.replacing(with: 0, where: y .<= 0) }
    var gradientNeedsInput: Bool { false }
}

struct LeakyReluFunction: ElementwiseFunction {
    let slope: Float
    @inline(__always) func value(_ x: V) -> V { x.replacing(with: x * slope, where: x .< 0) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g.replacing(with: g * slope, where: x .<= 0) }
    var gradientNeedsInput: Bool { true }
}

struct GeluFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { x * VectorMath.normalCDF(x) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V {
        let (cdf, density) = VectorMath.normalCDFAndDensity(x)
        return g * (cdf + x * density)
    }
    var gradientNeedsInput: Bool { true }
}

struct SoftplusFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { VectorMath.softplus(x) }
    /// σ(x) = e^{x − softplus(x)}: one exponential, no division, accurate for every x.
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g * VectorMath.exp(x - y) }
    var gradientNeedsInput: Bool { true }
}

struct TanhFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { VectorMath.tanh(x) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g * (1 - y * y) }
    var gradientNeedsInput: Bool { false }
}

struct SigmoidFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { VectorMath.sigmoid(x) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { g * y * (1 - y) }
    var gradientNeedsInput: Bool { false }
}

struct AbsFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { x.replacing(with: -x, where: x .< 0) }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V {
        var d = g.replacing(with: -g, where: x .< 0)
        d.replace(with: 0, where: x .== 0)
        return d
    }
    var gradientNeedsInput: Bool { true }
}

struct SquareFunction: ElementwiseFunction {
    @inline(__always) func value(_ x: V) -> V { x * x }
    @inline(__always) func gradient(_ g: V, _ x: V, _ y: V) -> V { 2 * g * x }
    var gradientNeedsInput: Bool { true }
}

/// e^x, elementwise.
public func exp(_ x: Tensor) -> Tensor { x.applying(ExpFunction()) }

/// Natural logarithm, elementwise (−∞ at 0, NaN below).
public func log(_ x: Tensor) -> Tensor { x.applying(LogFunction()) }

/// Square root, elementwise (NaN below 0).
public func sqrt(_ x: Tensor) -> Tensor { x.applying(SqrtFunction()) }

/// xᵖ elementwise for a constant exponent p. Integer exponents (|p| ≤ 64) are exact repeated
/// products (so negative bases work); other exponents use e^{p·log x} (NaN for x < 0).
public func pow(_ x: Tensor, _ p: Float) -> Tensor { x.applying(PowFunction(exponent: p)) }

/// max(x, 0), elementwise; the derivative at 0 is taken as 0.
public func relu(_ x: Tensor) -> Tensor { x.applying(ReluFunction()) }

/// x for x > 0, slope·x otherwise.
public func leakyRelu(_ x: Tensor, slope: Float = 0.01) -> Tensor { x.applying(LeakyReluFunction(slope: slope)) }

/// Gaussian error linear unit in its exact form, x·Φ(x) = x·(1 + erf(x/√2))/2 (Hendrycks &
/// Gimpel 2016; PyTorch's `gelu` with `approximate="none"`). Φ is evaluated through erfc so that
/// the result keeps its relative accuracy for very negative x.
public func gelu(_ x: Tensor) -> Tensor { x.applying(GeluFunction()) }

/// Softplus log(1 + eˣ), computed stably as max(x, 0) + log1p(e^{−|x|}); derivative sigmoid(x).
public func softplus(_ x: Tensor) -> Tensor { x.applying(SoftplusFunction()) }

/// Hyperbolic tangent, elementwise.
public func tanh(_ x: Tensor) -> Tensor { x.applying(TanhFunction()) }

/// Logistic sigmoid 1/(1 + e^{−x}), elementwise.
public func sigmoid(_ x: Tensor) -> Tensor { x.applying(SigmoidFunction()) }

/// |x|, elementwise; the derivative at 0 is taken as 0.
public func abs(_ x: Tensor) -> Tensor { x.applying(AbsFunction()) }

/// x², elementwise.
public func square(_ x: Tensor) -> Tensor { x.applying(SquareFunction()) }
