/// Gradient clipping over a set of parameters, as PyTorch's `clip_grad_norm_` and
/// `clip_grad_value_`.
public enum GradientClipping {
    /// Scales every gradient by min(1, maxNorm/(‖g‖ + 1e-6)), where ‖g‖ is the Euclidean norm of
    /// all gradients together. Returns ‖g‖ before clipping (accumulated in double precision).
    @discardableResult
    public static func clipNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
        var total = 0.0
        for p in parameters where !p.isFrozen {
            guard let g = p.gradientStorage else { continue }
            total += Vector.dot(g.pointer, g.pointer, g.count)
        }
        let norm = Float(total.squareRoot())
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            let c = SIMD16<Float>(repeating: coefficient)
            for p in parameters where !p.isFrozen {
                guard let g = p.gradientStorage else { continue }
                Vector.parallelMap(UnsafePointer(g.pointer), g.pointer, g.count) { $0 * c }
            }
        }
        return norm
    }

    /// Clamps every gradient element to [−limit, limit].
    public static func clipValues(_ parameters: [Parameter], limit: Float) {
        let hi = SIMD16<Float>(repeating: abs(limit)), lo = -hi
        for p in parameters where !p.isFrozen {
            guard let g = p.gradientStorage else { continue }
            Vector.parallelMap(UnsafePointer(g.pointer), g.pointer, g.count) { v in
                var r = v.replacing(with: lo, where: v .< lo)
                r.replace(with: hi, where: v .> hi)
                return r
            }
        }
    }
}
