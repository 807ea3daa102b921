/// Elementwise arithmetic with NumPy/PyTorch broadcasting, and the same with a scalar.
///
/// Gradients of a broadcast operand are summed over the dimensions it was stretched along, so a
/// bias of shape `[C]` added to `[N, C]` receives the column sums of the output gradient.
extension Tensor {
    typealias V = SIMD16<Float>

    static func broadcastShape(_ a: Tensor, _ b: Tensor, _ operation: String) throws -> [Int] {
        guard let out = Broadcast.shape(a.shape, b.shape) else {
            throw NeuralError.shapeMismatch(operation: operation, detail: "shapes \(describe(a.shape)) and \(describe(b.shape)) do not broadcast")
        }
        return out
    }

    /// The gradient `g` (of the broadcast shape) reduced to this tensor's shape.
    func reduced(_ g: Tensor) -> Tensor {
        g.shape == shape ? g : Tensor(shape: shape, storage: Broadcast.sum(g.storage, from: g.shape, to: shape))
    }

    /// Elementwise sum, broadcasting.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try broadcastShape(a, b, "add")
        let z = Broadcast.binary(a, b, out: out, AddMap())
        return result(shape: out, storage: z, inputs: [a, b]) {
            { g in [a.requiresGradient ? a.reduced(g) : nil, b.requiresGradient ? b.reduced(g) : nil] }
        }
    }

    /// Elementwise difference, broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try broadcastShape(a, b, "subtract")
        let z = Broadcast.binary(a, b, out: out, SubtractMap())
        return result(shape: out, storage: z, inputs: [a, b]) {
            { g in [a.requiresGradient ? a.reduced(g) : nil, b.requiresGradient ? b.reduced(g.negatedValues()) : nil] }
        }
    }

    /// Elementwise product, broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try broadcastShape(a, b, "multiply")
        let z = Broadcast.binary(a, b, out: out, MultiplyMap())
        return result(shape: out, storage: z, inputs: [a, b]) {
            { g in
                [a.requiresGradient ? a.reduced(Tensor(shape: out, storage: Broadcast.binary(g, b, out: out, MultiplyMap()))) : nil,
                 b.requiresGradient ? b.reduced(Tensor(shape: out, storage: Broadcast.binary(g, a, out: out, MultiplyMap()))) : nil]
            }
        }
    }

    /// Elementwise quotient, broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try broadcastShape(a, b, "divide")
        let z = Broadcast.binary(a, b, out: out, DivideMap())
        let quotient = Tensor(shape: out, storage: z)
        return result(shape: out, storage: z, inputs: [a, b]) {
            { g in
                let gOverB = Tensor(shape: out, storage: Broadcast.binary(g, b, out: out, DivideMap()))
                var gb: Tensor?
                if b.requiresGradient {
                    // ∂(a/b)/∂b = −(a/b)/b, so the gradient is −(g/b)·(a/b).
                    let p = Broadcast.binary(gOverB, quotient, out: out, NegatedProductMap())
                    gb = b.reduced(Tensor(shape: out, storage: p))
                }
                return [a.requiresGradient ? a.reduced(gOverB) : nil, gb]
            }
        }
    }

    /// Negation.
    public static prefix func - (a: Tensor) -> Tensor { a.scaled(by: -1) }

    /// Every element plus `s`.
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    /// `s` plus every element.
    public static func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
    /// Every element minus `s`.
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    /// `s` minus every element.
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    /// Every element times `s`.
    public static func * (a: Tensor, s: Float) -> Tensor { a.scaled(by: s) }
    /// `s` times every element.
    public static func * (s: Float, a: Tensor) -> Tensor { a.scaled(by: s) }
    /// Every element divided by `s`.
    public static func / (a: Tensor, s: Float) -> Tensor { a.scaled(by: 1 / s) }

    /// `s` divided by every element.
    public static func / (s: Float, a: Tensor) -> Tensor {
        let z = TensorStorage(uninitialized: a.count)
        let sv = V(repeating: s)
        Vector.parallelMap(a.storage.pointer, z.pointer, a.count) { sv / $0 }
        let out = Tensor(shape: a.shape, storage: z)
        return result(shape: a.shape, storage: z, inputs: [a]) {
            { g in
                // d(s/a)/da = −(s/a)/a
                let r = TensorStorage(uninitialized: a.count)
                Vector.parallelMap(g.storage.pointer, out.storage.pointer, a.storage.pointer, r.pointer, a.count) { g, q, x in -g * q / x }
                return [Tensor(shape: a.shape, storage: r)]
            }
        }
    }

    /// scale·x + shift, elementwise.
    func affine(scale: Float, shift: Float) -> Tensor {
        let z = TensorStorage(uninitialized: count)
        Vector.parallelMap(storage.pointer, z.pointer, count, AffineMap(a: V(repeating: scale), b: V(repeating: shift)))
        return Tensor.result(shape: shape, storage: z, inputs: [self]) {
            { g in [scale == 1 ? g : g.scaledValues(by: scale)] }
        }
    }

    /// scale·x, elementwise.
    func scaled(by scale: Float) -> Tensor {
        let z = TensorStorage(uninitialized: count)
        Vector.parallelMap(storage.pointer, z.pointer, count, AffineMap(a: V(repeating: scale), b: .zero))
        return Tensor.result(shape: shape, storage: z, inputs: [self]) {
            { g in [g.scaledValues(by: scale)] }
        }
    }

    /// −x as a constant (for use inside pullbacks).
    func negatedValues() -> Tensor { scaledValues(by: -1) }

    /// s·x as a constant (for use inside pullbacks).
    func scaledValues(by s: Float) -> Tensor {
        let z = TensorStorage(uninitialized: count)
        Vector.parallelMap(storage.pointer, z.pointer, count, AffineMap(a: V(repeating: s), b: .zero))
        return Tensor(shape: shape, storage: z)
    }
}
