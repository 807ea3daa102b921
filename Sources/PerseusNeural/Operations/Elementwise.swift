/// Elementwise functions of one tensor, vectorised (see `VectorMath` for their accuracy), with
/// their derivatives for the tape.
extension Tensor {
    /// Applies `f` elementwise into fresh storage.
    @inline(__always)
    func mapped(_ f: (SIMD16<Float>) -> SIMD16<Float>) -> TensorStorage {
        let z = TensorStorage(uninitialized: count)
        Vector.parallelMap(storage.pointer, z.pointer, count, f)
        return z
    }

    /// g ⊙ h(saved) as a constant, for pullbacks.
    @inline(__always)
    static func combine(_ g: Tensor, _ saved: Tensor, _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        let z = TensorStorage(uninitialized: g.count)
        Vector.parallelMap(g.storage.pointer, saved.storage.pointer, z.pointer, g.count, f)
        return Tensor(shape: g.shape, storage: z)
    }

    @inline(__always)
    static func combine(_ g: Tensor, _ s1: Tensor, _ s2: Tensor,
                        _ f: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        let z = TensorStorage(uninitialized: g.count)
        Vector.parallelMap(g.storage.pointer, s1.storage.pointer, s2.storage.pointer, z.pointer, g.count, f)
        return Tensor(shape: g.shape, storage: z)
    }

    /// A unary result whose derivative is a function of the input (`x`) and output (`y`).
    @inline(__always)
    func unary(_ f: (SIMD16<Float>) -> SIMD16<Float>,
               derivative: @escaping (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        let y = Tensor(shape: shape, storage: mapped(f))
        return Tensor.result(shape: shape, storage: y.storage, inputs: [self]) {
            let x = self.detached()
            return { g in [Tensor.combine(g, x, y) { g, x, y in derivative(g, x, y) }] }
        }
    }
}

/// e^x, elementwise.
public func exp(_ x: Tensor) -> Tensor {
    x.unary({ VectorMath.exp($0) }, derivative: { g, _, y in g * y })
}

/// Natural logarithm, elementwise (−∞ at 0, NaN below).
public func log(_ x: Tensor) -> Tensor {
    x.unary({ VectorMath.log($0) }, derivative: { g, x, _ in g / x })
}

/// Square root, elementwise (NaN below 0).
public func sqrt(_ x: Tensor) -> Tensor {
    x.unary({ $0.squareRoot() }, derivative: { g, _, y in g * 0.5 / y })
}

/// xᵖ elementwise for a constant exponent p. Integer exponents are exact repeated products (so
/// negative bases work); other exponents use e^{p·log x} (NaN for x < 0).
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    @inline(__always) func power(_ v: SIMD16<Float>, _ e: Float) -> SIMD16<Float> {
        if e == e.rounded(), abs(e) <= 64 {
            var n = Int(abs(e))
            var base = v, acc = SIMD16<Float>(repeating: 1)
            while n > 0 {
                if n & 1 == 1 { acc *= base }
                base *= base
                n >>= 1
            }
            return e < 0 ? 1 / acc : acc
        }
        var r = VectorMath.exp(VectorMath.log(v) * e)
        r.replace(with: 0, where: v .== 0 .& SIMD16<Float>(repeating: e) .> 0)
        return r
    }
    return x.unary({ power($0, p) }, derivative: { g, x, _ in g * p * power(x, p - 1) })
}

/// max(x, 0), elementwise; the derivative at 0 is taken as 0.
public func relu(_ x: Tensor) -> Tensor {
    x.unary({ $0.replacing(with: 0, where: $0 .< 0) },
            derivative: { g, x, _ in g.replacing(with: 0, where: x .<= 0) })
}

/// Gaussian error linear unit in its exact form, x·Φ(x) = x·(1 + erf(x/√2))/2 (Hendrycks &
/// Gimpel 2016; PyTorch's `gelu` with `approximate="none"`). Φ is evaluated through erfc so that
/// the result keeps its relative accuracy for very negative x.
public func gelu(_ x: Tensor) -> Tensor {
    x.unary({ $0 * VectorMath.normalCDF($0) },
            derivative: { g, x, _ in g * (VectorMath.normalCDF(x) + x * VectorMath.normalPDF(x)) })
}

/// Softplus log(1 + eˣ), computed stably as max(x, 0) + log1p(e^{−|x|}); derivative sigmoid(x).
public func softplus(_ x: Tensor) -> Tensor {
    x.unary({ VectorMath.softplus($0) }, derivative: { g, x, _ in g * VectorMath.sigmoid(x) })
}

/// Hyperbolic tangent, elementwise.
public func tanh(_ x: Tensor) -> Tensor {
    x.unary({ VectorMath.tanh($0) }, derivative: { g, _, y in g * (1 - y * y) })
}

/// Logistic sigmoid 1/(1 + e^{−x}), elementwise.
public func sigmoid(_ x: Tensor) -> Tensor {
    x.unary({ VectorMath.sigmoid($0) }, derivative: { g, _, y in g * y * (1 - y) })
}

/// |x|, elementwise; the derivative at 0 is taken as 0.
public func abs(_ x: Tensor) -> Tensor {
    x.unary({ $0.replacing(with: -$0, where: $0 .< 0) },
            derivative: { g, x, _ in
                var d = g.replacing(with: -g, where: x .< 0)
                d.replace(with: 0, where: x .== 0)
                return d
            })
}

/// x², elementwise.
public func square(_ x: Tensor) -> Tensor {
    x.unary({ $0 * $0 }, derivative: { g, x, _ in 2 * g * x })
}

/// ReLU with a learnable-free negative slope: x for x > 0, slope·x otherwise.
public func leakyRelu(_ x: Tensor, slope: Float = 0.01) -> Tensor {
    x.unary({ $0.replacing(with: $0 * slope, where: $0 .< 0) },
            derivative: { g, x, _ in g.replacing(with: g * slope, where: x .<= 0) })
}
