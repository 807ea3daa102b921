import Foundation

/// Updates parameters from their accumulated gradients.
///
/// Optimisers follow PyTorch's update rules exactly (`torch.optim.SGD`, `Adam`, `AdamW`), so
/// hyperparameters carry over. Parameters that are frozen or have received no gradient since the
/// last `zeroGradients()` are skipped, as PyTorch skips parameters whose `grad` is `None`.
///
/// An optimiser's state (step count, moment estimates, learning rate) is saved in checkpoints
/// through `state` and `restore(_:)`; per-parameter entries are keyed by the parameter's index in
/// `parameters` (as PyTorch's `state_dict` does), e.g. `3.exp_avg`.
public protocol Optimiser: AnyObject {
    /// The parameters updated, in a fixed order.
    var parameters: [Parameter] { get }
    /// Current learning rate (schedulers change it).
    var learningRate: Float { get set }
    /// Number of `step()` calls so far.
    var steps: Int { get }
    /// One update of every parameter with a gradient.
    func step()
    /// The optimiser's state as named tensors (scalars as one-element tensors).
    var state: [String: Tensor] { get }
    /// Restores a state taken from `state` of an optimiser of the same kind over parameters of
    /// the same shapes.
    func restore(_ state: [String: Tensor]) throws
    /// A short name of the algorithm ("SGD", "Adam", "AdamW") recorded in checkpoints.
    var algorithm: String { get }
}

extension Optimiser {
    /// Forgets every parameter's accumulated gradient (call before each backward pass).
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }
}

/// Reads a scalar entry of an optimiser state.
func stateScalar(_ state: [String: Tensor], _ key: String, _ algorithm: String) throws -> Float {
    guard let t = state[key], let v = t.scalar else {
        throw NeuralError.invalidArgument(operation: "\(algorithm).restore", detail: "state has no scalar '\(key)'")
    }
    return v
}

/// Reads a per-parameter buffer of an optimiser state, checking its shape.
func stateBuffer(_ state: [String: Tensor], _ key: String, shape: [Int], _ algorithm: String) throws -> TensorStorage? {
    guard let t = state[key] else { return nil }
    guard t.shape == shape else {
        throw NeuralError.shapeMismatch(operation: "\(algorithm).restore", detail: "'\(key)' has shape \(describe(t.shape)), the parameter \(describe(shape))")
    }
    return TensorStorage(copyOf: t.storage)
}

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

/// Adam (Kingma & Ba 2015) as `torch.optim.Adam`, with L2 weight decay added to the gradient;
/// `AdamW` is the same with decoupled weight decay (Loshchilov & Hutter 2019).
///
/// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; p ← p − (η/(1 − β₁ᵗ))·m/(√v/√(1 − β₂ᵗ) + ε).
/// One fused, vectorised pass per parameter (PyTorch's CPU default makes several).
public class Adam: Optimiser {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    let decoupled: Bool
    public private(set) var steps = 0
    var firstMoments: [TensorStorage?]
    var secondMoments: [TensorStorage?]
    var parameterSteps: [Int]
    public var algorithm: String { decoupled ? "AdamW" : "Adam" }

    public init(_ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        decoupled = false
        firstMoments = Array(repeating: nil, count: parameters.count)
        secondMoments = Array(repeating: nil, count: parameters.count)
        parameterSteps = Array(repeating: 0, count: parameters.count)
    }

    init(_ parameters: [Parameter], learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
         decoupled: Bool) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        firstMoments = Array(repeating: nil, count: parameters.count)
        secondMoments = Array(repeating: nil, count: parameters.count)
        parameterSteps = Array(repeating: 0, count: parameters.count)
    }

    public func step() {
        steps += 1
        for (i, p) in parameters.enumerated() where !p.isFrozen {
            guard let gradient = p.gradientStorage else { continue }
            if firstMoments[i] == nil {
                firstMoments[i] = TensorStorage(zeros: p.count)
                secondMoments[i] = TensorStorage(zeros: p.count)
            }
            parameterSteps[i] += 1
            let t = Double(parameterSteps[i])
            let bc1 = 1 - Foundation.pow(Double(beta1), t), bc2 = 1 - Foundation.pow(Double(beta2), t)
            let stepSize = SIMD16<Float>(repeating: Float(Double(learningRate) / bc1))
            let invRootBc2 = SIMD16<Float>(repeating: Float(1 / bc2.squareRoot()))
            let b1 = SIMD16<Float>(repeating: beta1), c1 = SIMD16<Float>(repeating: 1 - beta1)
            let b2 = SIMD16<Float>(repeating: beta2), c2 = SIMD16<Float>(repeating: 1 - beta2)
            let eps = SIMD16<Float>(repeating: epsilon)
            let l2 = SIMD16<Float>(repeating: decoupled ? 0 : weightDecay)
            let shrink = SIMD16<Float>(repeating: decoupled ? 1 - learningRate * weightDecay : 1)
            let w = p.storage.pointer, g = gradient.pointer
            let m = firstMoments[i]!.pointer, v = secondMoments[i]!.pointer
            parallelRanges(p.count, grain: 1 << 15) { r in
                var k = r.lowerBound
                while k &+ 16 <= r.upperBound {
                    let wv = Vector.load(w + k) * shrink
                    let gv = Vector.load(g + k) + l2 * wv
                    let mv = b1 * Vector.load(m + k) + c1 * gv
                    let vv = b2 * Vector.load(v + k) + c2 * gv * gv
                    Vector.store(mv, m + k)
                    Vector.store(vv, v + k)
                    Vector.store(wv - stepSize * mv / (vv.squareRoot() * invRootBc2 + eps), w + k)
                    k &+= 16
                }
                if k < r.upperBound {
                    let n = r.upperBound - k
                    let wv = Vector.loadPartial(w + k, n) * shrink
                    let gv = Vector.loadPartial(g + k, n) + l2 * wv
                    let mv = b1 * Vector.loadPartial(m + k, n) + c1 * gv
                    let vv = b2 * Vector.loadPartial(v + k, n) + c2 * gv * gv
                    Vector.storePartial(mv, m + k, n)
                    Vector.storePartial(vv, v + k, n)
                    Vector.storePartial(wv - stepSize * mv / (vv.squareRoot() * invRootBc2 + eps), w + k, n)
                }
            }
        }
    }

    public var state: [String: Tensor] {
        var out: [String: Tensor] = ["step": Tensor(Float(steps)), "lr": Tensor(learningRate)]
        for (i, p) in parameters.enumerated() {
            guard let m = firstMoments[i], let v = secondMoments[i] else { continue }
            out["\(i).exp_avg"] = Tensor(shape: p.shape, storage: TensorStorage(copyOf: m))
            out["\(i).exp_avg_sq"] = Tensor(shape: p.shape, storage: TensorStorage(copyOf: v))
            out["\(i).step"] = Tensor(Float(parameterSteps[i]))
        }
        return out
    }

    public func restore(_ state: [String: Tensor]) throws {
        steps = Int(try stateScalar(state, "step", algorithm))
        learningRate = try stateScalar(state, "lr", algorithm)
        for (i, p) in parameters.enumerated() {
            firstMoments[i] = try stateBuffer(state, "\(i).exp_avg", shape: p.shape, algorithm)
            secondMoments[i] = try stateBuffer(state, "\(i).exp_avg_sq", shape: p.shape, algorithm)
            parameterSteps[i] = state["\(i).step"]?.scalar.map { Int($0) } ?? 0
            if (firstMoments[i] == nil) != (secondMoments[i] == nil) {
                throw NeuralError.invalidArgument(operation: "\(algorithm).restore", detail: "parameter \(i) has only one of exp_avg and exp_avg_sq")
            }
        }
    }
}

/// Adam with decoupled weight decay (Loshchilov & Hutter 2019), as `torch.optim.AdamW`:
/// p ← p·(1 − η·λ) before the Adam update; the default λ is PyTorch's 0.01.
public final class AdamW: Adam {
    public override init(_ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 1e-2) {
        super.init(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay, decoupled: true)
    }
}
