import PerseusCore

/// Running per-channel statistics of a batch-normalisation layer (PyTorch's `running_mean`,
/// `running_var` and `num_batches_tracked` buffers).
public final class RunningStatistics: @unchecked Sendable {
    /// Number of channels.
    public let channels: Int
    let meanStorage: TensorStorage
    let varianceStorage: TensorStorage
    /// Number of training batches folded into the statistics.
    public internal(set) var batchesTracked: Int = 0

    /// Statistics starting at mean 0 and variance 1.
    public init(channels: Int) {
        self.channels = channels
        meanStorage = TensorStorage(zeros: channels)
        varianceStorage = TensorStorage(repeating: 1, count: channels)
    }

    /// The running mean `[C]`.
    public var mean: Tensor { Tensor(shape: [channels], storage: TensorStorage(copyOf: meanStorage)) }
    /// The running (unbiased) variance `[C]`.
    public var variance: Tensor { Tensor(shape: [channels], storage: TensorStorage(copyOf: varianceStorage)) }

    /// Replaces the statistics (used when loading a checkpoint).
    public func assign(mean: Tensor, variance: Tensor, batchesTracked: Int) throws {
        guard mean.shape == [channels], variance.shape == [channels] else {
            throw NeuralError.shapeMismatch(operation: "RunningStatistics.assign", detail: "expected [\(channels)], got mean \(describe(mean.shape)) and variance \(describe(variance.shape))")
        }
        meanStorage.pointer.update(from: mean.storage.pointer, count: channels)
        varianceStorage.pointer.update(from: variance.storage.pointer, count: channels)
        self.batchesTracked = batchesTracked
    }
}

/// Batch normalisation over channel axis 1 of `[N, C]`, `[N, C, L]` or `[N, C, H, W]`
/// (Ioffe & Szegedy 2015, as PyTorch's `batch_norm`).
///
/// Training: each channel is standardised with the mean and biased variance of the batch (over N
/// and all positions), y = γ·(x − μ)/√(σ² + ε) + β, and the running statistics move by
/// `momentum`: running ← (1 − momentum)·running + momentum·batch, with the *unbiased* batch
/// variance. Inference: the running statistics are used instead (and not changed).
/// `scale` (γ) and `shift` (β) are `[C]` or absent.
public func batchNorm(_ x: Tensor, scale: Tensor?, shift: Tensor?, statistics: RunningStatistics,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) throws -> Tensor {
    let op = "batchNorm"
    guard x.rank >= 2, x.shape[1] == statistics.channels else {
        throw NeuralError.shapeMismatch(operation: op, detail: "input \(describe(x.shape)) for \(statistics.channels) channels; expected [N, \(statistics.channels), …]")
    }
    let channels = x.shape[1]
    for (name, t) in [("scale", scale), ("shift", shift)] {
        if let t, t.shape != [channels] {
            throw NeuralError.shapeMismatch(operation: op, detail: "\(name) \(describe(t.shape)); expected [\(channels)]")
        }
    }
    let n = x.shape[0], positions = x.count / Swift.max(n * channels, 1)
    let m = n * positions
    if training && m < 2 {
        throw NeuralError.invalidArgument(operation: op, detail: "training needs more than one value per channel, got input \(describe(x.shape))")
    }
    let xp = UnsafePointer(x.storage.pointer)
    let y = TensorStorage(uninitialized: x.count)
    let meanStorage = TensorStorage(uninitialized: channels), inverseStd = TensorStorage(uninitialized: channels)
    let batchVariance = TensorStorage(uninitialized: channels)
    let gamma = scale.map { UnsafePointer($0.storage.pointer) }, beta = shift.map { UnsafePointer($0.storage.pointer) }
    let yp = y.pointer, mu = meanStorage.pointer, inv = inverseStd.pointer, bv = batchVariance.pointer
    let runningMean = statistics.meanStorage.pointer, runningVariance = statistics.varianceStorage.pointer
    parallelFor(channels) { c in
        var mean: Float, variance: Float
        if training {
            // One pass of shifted sums: Σ(x − K) and Σ(x − K)² with K = the channel's first value,
            // which avoids the cancellation of E[x²] − E[x]² when |mean| ≫ σ.
            let k = xp[c * positions]
            let kv = SIMD16<Float>(repeating: k)
            var s1 = 0.0, s2 = 0.0
            for i in 0..<n {
                let row = xp + (i * channels + c) * positions
                var start = 0
                while start < positions {
                    let len = Swift.min(4096, positions - start)
                    var a1 = SIMD16<Float>(repeating: 0), a2 = SIMD16<Float>(repeating: 0)
                    var j = 0
                    while j &+ 16 <= len { let d = Vector.load(row + start + j) - kv; a1 += d; a2 += d * d; j &+= 16 }
                    if j < len {
                        var d = Vector.loadPartial(row + start + j, len &- j) - kv
                        for l in (len &- j)..<16 { d[l] = 0 }
                        a1 += d; a2 += d * d
                    }
                    s1 += Double(a1.sum()); s2 += Double(a2.sum())
                    start += len
                }
            }
            let d1 = s1 / Double(m)
            mean = Float(Double(k) + d1)
            variance = Float(Swift.max(s2 / Double(m) - d1 * d1, 0))
            bv[c] = variance
        } else {
            mean = runningMean[c]
            variance = runningVariance[c]
        }
        let istd = 1 / (variance + epsilon).squareRoot()
        mu[c] = mean
        inv[c] = istd
        // y = a·x + b with a = γ/σ, b = β − μ·a.
        let a = (gamma?[c] ?? 1) * istd, b = (beta?[c] ?? 0) - mean * a
        let av = SIMD16<Float>(repeating: a), bvec = SIMD16<Float>(repeating: b)
        for i in 0..<n {
            let o = (i * channels + c) * positions
            Vector.map(xp + o, yp + o, positions) { $0 * av + bvec }
        }
    }
    if training {
        let unbiased = Float(m) / Float(m - 1)
        for c in 0..<channels {
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mu[c]
            runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * bv[c] * unbiased
        }
        statistics.batchesTracked += 1
    }
    var inputs = [x]
    if let scale { inputs.append(scale) }
    if let shift { inputs.append(shift) }
    return Tensor.result(shape: x.shape, storage: y, inputs: inputs) {
        let needX = x.requiresGradient, needScale = scale?.requiresGradient ?? false, needShift = shift?.requiresGradient ?? false
        let gammaValues = scale?.detached()
        let xValues = x.detached()
        let xShape = x.shape
        return { g in
            let gp = UnsafePointer(g.storage.pointer), xs = UnsafePointer(xValues.storage.pointer)
            let gx = needX ? TensorStorage(uninitialized: g.count) : nil
            let dGamma = TensorStorage(uninitialized: channels), dBeta = TensorStorage(uninitialized: channels)
            let gammaP = gammaValues.map { UnsafePointer($0.storage.pointer) }
            let dg = dGamma.pointer, db = dBeta.pointer
            let mu = UnsafePointer(meanStorage.pointer), istd = UnsafePointer(inverseStd.pointer)
            parallelFor(channels) { c in
                // Σg and Σg·x in one pass; Σg·x̂ = (Σg·x − μ·Σg)/σ.
                var sg = 0.0, sgx = 0.0
                for i in 0..<n {
                    let o = (i * channels + c) * positions
                    let (s, d) = Vector.sumAndDot(gp + o, xs + o, positions)
                    sg += s
                    sgx += d
                }
                let sgxhat = (sgx - Double(mu[c]) * sg) * Double(istd[c])
                dg[c] = Float(sgxhat)
                db[c] = Float(sg)
                guard let gx else { return }
                let k = (gammaP?[c] ?? 1) * istd[c]
                let kv = SIMD16<Float>(repeating: k)
                if training {
                    // dx = γ/σ · (g − mean(g) − x̂·mean(g·x̂)) = k·g + bx·x + c0 with x̂ = (x − μ)/σ.
                    let mg = Float(sg / Double(m)), mgx = Float(sgxhat / Double(m))
                    let bx = -k * istd[c] * mgx
                    let c0 = -k * mg + k * istd[c] * mgx * mu[c]
                    let bxv = SIMD16<Float>(repeating: bx), c0v = SIMD16<Float>(repeating: c0)
                    for i in 0..<n {
                        let o = (i * channels + c) * positions
                        Vector.map(gp + o, xs + o, gx.pointer + o, positions) { g, x in kv * g + bxv * x + c0v }
                    }
                } else {
                    for i in 0..<n {
                        let o = (i * channels + c) * positions
                        Vector.map(gp + o, gx.pointer + o, positions) { $0 * kv }
                    }
                }
            }
            var grads: [Tensor?] = [gx.map { Tensor(shape: xShape, storage: $0) }]
            if scale != nil { grads.append(needScale ? Tensor(shape: [channels], storage: dGamma) : nil) }
            if shift != nil { grads.append(needShift ? Tensor(shape: [channels], storage: dBeta) : nil) }
            return grads
        }
    }
}

/// Inverted dropout: each element is zeroed with probability `probability` and the survivors are
/// scaled by 1/(1 − probability), so the expectation is unchanged. The mask is drawn from
/// `stream` (one uniform per element, in row-major order).
public func dropout(_ x: Tensor, probability: Float, stream: inout RandomStream) throws -> Tensor {
    guard probability >= 0, probability < 1 else {
        throw NeuralError.invalidArgument(operation: "dropout", detail: "probability must be in [0, 1), got \(probability)")
    }
    if probability == 0 { return x }
    let mask = TensorStorage(uninitialized: x.count)
    let keep = 1 / (1 - probability)
    let p = Double(probability)
    for i in 0..<x.count { mask.pointer[i] = stream.uniform() < p ? 0 : keep }
    let maskTensor = Tensor(shape: x.shape, storage: mask)
    let y = Tensor.combine(x.detached(), maskTensor, MultiplyMap())
    return Tensor.result(shape: x.shape, storage: y.storage, inputs: [x]) {
        { g in [Tensor.combine(g, maskTensor, MultiplyMap())] }
    }
}
