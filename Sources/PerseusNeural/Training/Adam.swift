import Foundation

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
