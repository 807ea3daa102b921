/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
/// decay, as `torch.optim.SGD`: g ← g + λ·p; b ← g on the first step, else μ·b + (1 − τ)·g;
/// g ← g + μ·b (Nesterov) or b; p ← p − η·g.
public final class SGD: Optimiser {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let nesterov: Bool
    public private(set) var steps = 0
    var buffers: [TensorStorage?]
    public var algorithm: String { "SGD" }

    public init(_ parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        steps += 1
        let lr = SIMD16<Float>(repeating: learningRate), wd = SIMD16<Float>(repeating: weightDecay)
        let mu = SIMD16<Float>(repeating: momentum), damp = SIMD16<Float>(repeating: 1 - dampening)
        for (i, p) in parameters.enumerated() where !p.isFrozen {
            guard let gradient = p.gradientStorage else { continue }
            let w = p.storage.pointer, g = gradient.pointer
            if momentum == 0 {
                Vector.parallelMap(UnsafePointer(w), UnsafePointer(g), w, p.count) { w, g in w - lr * (g + wd * w) }
                continue
            }
            let first = buffers[i] == nil
            if first { buffers[i] = TensorStorage(uninitialized: p.count) }
            let b = buffers[i]!.pointer
            let nest = nesterov
            parallelRanges(p.count, grain: 1 << 15) { r in
                var k = r.lowerBound
                while k < r.upperBound {
                    let n = Swift.min(16, r.upperBound - k)
                    let wv = n == 16 ? Vector.load(w + k) : Vector.loadPartial(w + k, n)
                    let gv0 = n == 16 ? Vector.load(g + k) : Vector.loadPartial(g + k, n)
                    let gv = gv0 + wd * wv
                    let bv: SIMD16<Float>
                    if first { bv = gv } else {
                        let old = n == 16 ? Vector.load(b + k) : Vector.loadPartial(b + k, n)
                        bv = mu * old + damp * gv
                    }
                    let update = nest ? gv + mu * bv : bv
                    let nw = wv - lr * update
                    if n == 16 { Vector.store(bv, b + k); Vector.store(nw, w + k) } else {
                        Vector.storePartial(bv, b + k, n); Vector.storePartial(nw, w + k, n)
                    }
                    k += 16
                }
            }
        }
    }

    public var state: [String: Tensor] {
        var out: [String: Tensor] = ["step": Tensor(Float(steps)), "lr": Tensor(learningRate)]
        for (i, b) in buffers.enumerated() {
            if let b { out["\(i).momentum_buffer"] = Tensor(shape: parameters[i].shape, storage: TensorStorage(copyOf: b)) }
        }
        return out
    }

    public func restore(_ state: [String: Tensor]) throws {
        steps = Int(try stateScalar(state, "step", algorithm))
        learningRate = try stateScalar(state, "lr", algorithm)
        for (i, p) in parameters.enumerated() {
            buffers[i] = try stateBuffer(state, "\(i).momentum_buffer", shape: p.shape, algorithm)
        }
    }
}
