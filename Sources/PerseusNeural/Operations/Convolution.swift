/// Convolutions as matrix products over unfolded receptive fields (im2col). Samples are spread
/// over the compute threads (each with single-threaded BLAS) and unfolded a few at a time, side by
/// side in one matrix: enough columns that packing the weight matrix is amortised over a large
/// product, few enough that the unfolded matrix stays in cache. Layouts and output-size formulas
/// are PyTorch's (`Conv1d`, `ConvTranspose1d`, `Conv2d`; cross-correlation, no kernel flip;
/// groups = 1).
struct ConvolutionPlan {
    /// Batch size.
    var samples: Int
    /// Elements per sample on the unfolded side (the input of a convolution, the output of a
    /// transposed convolution) and on the other side (`channels × positions`).
    var unfoldedSidePerSample: Int
    var channelSidePerSample: Int
    /// Rows of the unfolded matrix (channels × kernel taps) and its columns per sample (window
    /// positions).
    var unfoldedRows: Int
    var positions: Int
    /// Channels on the side that is *not* unfolded (output channels of a convolution, input
    /// channels of a transposed convolution).
    var channels: Int
    /// Unfolds one sample (of the unfolded side) into `unfoldedRows` rows of `positions` columns,
    /// rows `ld` floats apart.
    var unfold: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    /// Folds one sample's columns (rows `ld` apart) back, adding.
    var fold: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void

    /// Number of fixed sample groups whose weight gradients are summed separately (and then in
    /// order); also the most threads the weight-gradient pass can use.
    static let gradientSlots = 8

    /// Samples unfolded side by side per matrix product: about 1024 columns, at most 2 MiB of
    /// unfolded matrix, at most 16 samples.
    var groupSize: Int {
        let byColumns = Swift.max(1, 1024 / Swift.max(positions, 1))
        let byCache = Swift.max(1, (1 << 19) / Swift.max(unfoldedRows * positions, 1))
        return Swift.min(byColumns, byCache, 16)
    }
}

/// Copies `count` samples' `[rows, positions]` blocks (each sample `stride` floats apart in `source`)
/// side by side into `[rows, count·positions]`, or back.
@inline(__always)
private func gather(_ source: UnsafePointer<Float>, stride: Int, count: Int, rows: Int, positions: Int,
                    into destination: UnsafeMutablePointer<Float>) {
    let ld = count * positions
    for j in 0..<count {
        for r in 0..<rows {
            (destination + r * ld + j * positions).update(from: source + j * stride + r * positions, count: positions)
        }
    }
}

@inline(__always)
private func scatter(_ source: UnsafePointer<Float>, count: Int, rows: Int, positions: Int,
                     into destination: UnsafeMutablePointer<Float>, stride: Int, bias: UnsafePointer<Float>?) {
    let ld = count * positions
    for j in 0..<count {
        for r in 0..<rows {
            let dst = destination + j * stride + r * positions, src = source + r * ld + j * positions
            if let bias {
                let b = SIMD16<Float>(repeating: bias[r])
                Vector.map(src, dst, positions) { $0 + b }
            } else {
                dst.update(from: src, count: positions)
            }
        }
    }
}

extension ConvolutionPlan {
    /// y_n = W·unfold(x_n) + b: W is `[channels, unfoldedRows]`, y is `[N, channels, positions]`.
    func convolve(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                  into y: UnsafeMutablePointer<Float>) {
        let group = groupSize
        let groups = (samples + group - 1) / group
        parallelBlocks(groups) { groupRange, _ in
            let colsStorage = TensorStorage(uninitialized: unfoldedRows * group * positions)
            let outStorage = TensorStorage(uninitialized: group > 1 ? channels * group * positions : 0)
            defer { withExtendedLifetime((colsStorage, outStorage)) {} }
            let cols = colsStorage.pointer, out = outStorage.pointer
            for gi in groupRange {
                let first = gi * group, count = Swift.min(group, samples - first), ld = count * positions
                for j in 0..<count { unfold(x + (first + j) * unfoldedSidePerSample, cols + j * positions, ld) }
                if count == 1 {
                    let yn = y + first * channelSidePerSample
                    if let bias {
                        for c in 0..<channels { (yn + c * positions).update(repeating: bias[c], count: positions) }
                    }
                    BLAS.gemm(transposeA: false, transposeB: false, m: channels, n: positions, k: unfoldedRows,
                              a: w, lda: unfoldedRows, b: cols, ldb: positions, beta: bias == nil ? 0 : 1, c: yn, ldc: positions)
                } else {
                    BLAS.gemm(transposeA: false, transposeB: false, m: channels, n: ld, k: unfoldedRows,
                              a: w, lda: unfoldedRows, b: cols, ldb: ld, c: out, ldc: ld)
                    scatter(out, count: count, rows: channels, positions: positions,
                            into: y + first * channelSidePerSample, stride: channelSidePerSample, bias: bias)
                }
            }
        }
    }

    /// Gradients of `convolve`: dW = Σ_n g_n·unfold(x_n)ᵀ and dx_n = fold(Wᵀ·g_n).
    func convolveBackward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                          weightGradient: UnsafeMutablePointer<Float>?, inputGradient: UnsafeMutablePointer<Float>?) {
        // The weight gradient is summed per fixed slot of samples (in fixed groups within a slot)
        // and the slots are added in order, so the result does not depend on the thread count.
        let slots = Swift.min(samples, ConvolutionPlan.gradientSlots)
        let group = groupSize
        let wSize = channels * unfoldedRows
        let partialStorage = TensorStorage(uninitialized: slots * wSize)
        defer { withExtendedLifetime(partialStorage) {} }
        let partials = partialStorage.pointer
        if weightGradient != nil { partials.update(repeating: 0, count: slots * wSize) }
        parallelBlocks(slots) { slotRange, _ in
            let colsStorage = TensorStorage(uninitialized: unfoldedRows * group * positions)
            let gStorage = TensorStorage(uninitialized: group > 1 ? channels * group * positions : 0)
            defer { withExtendedLifetime((colsStorage, gStorage)) {} }
            let cols = colsStorage.pointer, gathered = gStorage.pointer
            for slot in slotRange {
                let lo = samples * slot / slots, hi = samples * (slot + 1) / slots
                for first in stride(from: lo, to: hi, by: group) {
                    let count = Swift.min(group, hi - first), ld = count * positions
                    let gBlock: UnsafePointer<Float>
                    if count == 1 {
                        gBlock = g + first * channelSidePerSample
                    } else {
                        gather(g + first * channelSidePerSample, stride: channelSidePerSample, count: count, rows: channels,
                               positions: positions, into: gathered)
                        gBlock = UnsafePointer(gathered)
                    }
                    if weightGradient != nil {
                        for j in 0..<count { unfold(x + (first + j) * unfoldedSidePerSample, cols + j * positions, ld) }
                        BLAS.gemm(transposeA: false, transposeB: true, m: channels, n: unfoldedRows, k: ld,
                                  a: gBlock, lda: ld, b: cols, ldb: ld, beta: 1, c: partials + slot * wSize, ldc: unfoldedRows)
                    }
                    if let inputGradient {
                        BLAS.gemm(transposeA: true, transposeB: false, m: unfoldedRows, n: ld, k: channels,
                                  a: w, lda: unfoldedRows, b: gBlock, ldb: ld, c: cols, ldc: ld)
                        for j in 0..<count {
                            let dx = inputGradient + (first + j) * unfoldedSidePerSample
                            dx.update(repeating: 0, count: unfoldedSidePerSample)
                            fold(cols + j * positions, dx, ld)
                        }
                    }
                }
            }
        }
        if let weightGradient { sumSlots(partials, slots: slots, size: wSize, into: weightGradient) }
    }

    /// Transposed convolution: y_n = fold(Wᵀ·x_n) + b with W `[channels, unfoldedRows]` (PyTorch's
    /// `[in, out, k…]`), x `[N, channels, positions]`, y the folded side.
    func transposeConvolve(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>?,
                           outputChannels: Int, into y: UnsafeMutablePointer<Float>) {
        let perChannel = unfoldedSidePerSample / Swift.max(outputChannels, 1)
        let group = groupSize
        let groups = (samples + group - 1) / group
        parallelBlocks(groups) { groupRange, _ in
            let colsStorage = TensorStorage(uninitialized: unfoldedRows * group * positions)
            let xStorage = TensorStorage(uninitialized: group > 1 ? channels * group * positions : 0)
            defer { withExtendedLifetime((colsStorage, xStorage)) {} }
            let cols = colsStorage.pointer, gathered = xStorage.pointer
            for gi in groupRange {
                let first = gi * group, count = Swift.min(group, samples - first), ld = count * positions
                let xBlock: UnsafePointer<Float>
                if count == 1 {
                    xBlock = x + first * channelSidePerSample
                } else {
                    gather(x + first * channelSidePerSample, stride: channelSidePerSample, count: count, rows: channels,
                           positions: positions, into: gathered)
                    xBlock = UnsafePointer(gathered)
                }
                BLAS.gemm(transposeA: true, transposeB: false, m: unfoldedRows, n: ld, k: channels,
                          a: w, lda: unfoldedRows, b: xBlock, ldb: ld, c: cols, ldc: ld)
                for j in 0..<count {
                    let yn = y + (first + j) * unfoldedSidePerSample
                    if let bias {
                        for c in 0..<outputChannels { (yn + c * perChannel).update(repeating: bias[c], count: perChannel) }
                    } else {
                        yn.update(repeating: 0, count: unfoldedSidePerSample)
                    }
                    fold(cols + j * positions, yn, ld)
                }
            }
        }
    }

    /// Gradients of `transposeConvolve`: with G_n = unfold(g_n), dx_n = W·G_n and dW = Σ_n x_n·G_nᵀ.
    func transposeConvolveBackward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                   weightGradient: UnsafeMutablePointer<Float>?, inputGradient: UnsafeMutablePointer<Float>?) {
        let slots = Swift.min(samples, ConvolutionPlan.gradientSlots)
        let group = groupSize
        let wSize = channels * unfoldedRows
        let partialStorage = TensorStorage(uninitialized: slots * wSize)
        defer { withExtendedLifetime(partialStorage) {} }
        let partials = partialStorage.pointer
        if weightGradient != nil { partials.update(repeating: 0, count: slots * wSize) }
        parallelBlocks(slots) { slotRange, _ in
            let colsStorage = TensorStorage(uninitialized: unfoldedRows * group * positions)
            let bufferStorage = TensorStorage(uninitialized: group > 1 ? channels * group * positions : 0)
            defer { withExtendedLifetime((colsStorage, bufferStorage)) {} }
            let cols = colsStorage.pointer, buffer = bufferStorage.pointer
            for slot in slotRange {
                let lo = samples * slot / slots, hi = samples * (slot + 1) / slots
                for first in stride(from: lo, to: hi, by: group) {
                    let count = Swift.min(group, hi - first), ld = count * positions
                    for j in 0..<count { unfold(g + (first + j) * unfoldedSidePerSample, cols + j * positions, ld) }
                    if let inputGradient {
                        if count == 1 {
                            BLAS.gemm(transposeA: false, transposeB: false, m: channels, n: positions, k: unfoldedRows,
                                      a: w, lda: unfoldedRows, b: cols, ldb: positions,
                                      c: inputGradient + first * channelSidePerSample, ldc: positions)
                        } else {
                            BLAS.gemm(transposeA: false, transposeB: false, m: channels, n: ld, k: unfoldedRows,
                                      a: w, lda: unfoldedRows, b: cols, ldb: ld, c: buffer, ldc: ld)
                            scatter(buffer, count: count, rows: channels, positions: positions,
                                    into: inputGradient + first * channelSidePerSample, stride: channelSidePerSample, bias: nil)
                        }
                    }
                    if weightGradient != nil {
                        let xBlock: UnsafePointer<Float>
                        if count == 1 {
                            xBlock = x + first * channelSidePerSample
                        } else {
                            gather(x + first * channelSidePerSample, stride: channelSidePerSample, count: count, rows: channels,
                                   positions: positions, into: buffer)
                            xBlock = UnsafePointer(buffer)
                        }
                        BLAS.gemm(transposeA: false, transposeB: true, m: channels, n: unfoldedRows, k: ld,
                                  a: xBlock, lda: ld, b: cols, ldb: ld, beta: 1, c: partials + slot * wSize, ldc: unfoldedRows)
                    }
                }
            }
        }
        if let weightGradient { sumSlots(partials, slots: slots, size: wSize, into: weightGradient) }
    }

    /// weightGradient = Σ over slots of the partial sums, in slot order.
    private func sumSlots(_ partials: UnsafePointer<Float>, slots: Int, size: Int, into weightGradient: UnsafeMutablePointer<Float>) {
        weightGradient.update(from: partials, count: size)
        for b in 1..<Swift.max(slots, 1) { Vector.accumulate(partials + b * size, into: weightGradient, size) }
    }
}

/// Per-channel sums of g over the batch and the spatial positions: the bias gradient of a
/// convolution with `channels` channels and `positions` positions per channel.
func channelSums(_ g: UnsafePointer<Float>, samples: Int, channels: Int, positions: Int) -> TensorStorage {
    let out = TensorStorage(zeros: channels)
    for n in 0..<samples {
        for c in 0..<channels {
            out.pointer[c] += Float(Vector.sum(g + (n * channels + c) * positions, positions))
        }
    }
    return out
}

private func checkPositive(_ values: [(String, Int)], minimum: Int, _ operation: String) throws {
    for (name, v) in values where v < minimum {
        throw NeuralError.invalidArgument(operation: operation, detail: "\(name) must be ≥ \(minimum), got \(v)")
    }
}

/// 1-D convolution (cross-correlation) of x `[N, Cin, L]` with weight `[Cout, Cin, K]` and
/// optional bias `[Cout]`: output `[N, Cout, (L + 2p − d(K−1) − 1)/s + 1]` (PyTorch `conv1d`).
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, dilation: Int = 1) throws -> Tensor {
    let op = "conv1d"
    try checkPositive([("stride", stride), ("dilation", dilation)], minimum: 1, op)
    try checkPositive([("padding", padding)], minimum: 0, op)
    guard x.rank == 3, weight.rank == 3, x.shape[1] == weight.shape[1] else {
        throw NeuralError.shapeMismatch(operation: op, detail: "input \(describe(x.shape)) and weight \(describe(weight.shape)); expected [N, Cin, L] and [Cout, Cin, K]")
    }
    let (n, cin, length) = (x.shape[0], x.shape[1], x.shape[2])
    let (cout, kernel) = (weight.shape[0], weight.shape[2])
    if let bias, bias.shape != [cout] {
        throw NeuralError.shapeMismatch(operation: op, detail: "bias \(describe(bias.shape)); expected [\(cout)]")
    }
    let window = Window1D(kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    let outLength = window.outputLength(length)
    guard outLength > 0 else {
        throw NeuralError.invalidArgument(operation: op, detail: "input length \(length) is too short for kernel \(kernel), dilation \(dilation), padding \(padding)")
    }
    let plan = ConvolutionPlan(
        samples: n, unfoldedSidePerSample: cin * length, channelSidePerSample: cout * outLength,
        unfoldedRows: cin * kernel, positions: outLength, channels: cout,
        unfold: { Unfold.im2col1D($0, channels: cin, length: length, window: window, positions: outLength, into: $1, ld: $2) },
        fold: { Unfold.col2im1D($0, channels: cin, length: length, window: window, positions: outLength, into: $1, ld: $2) })
    let y = TensorStorage(uninitialized: n * cout * outLength)
    plan.convolve(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer, into: y.pointer)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.result(shape: [n, cout, outLength], storage: y, inputs: inputs) {
        convolutionPullback(plan, x: x, weight: weight, bias: bias, biasPositions: outLength)
    }
}

/// The pullback shared by `conv1d` and `conv2d`.
private func convolutionPullback(_ plan: ConvolutionPlan, x: Tensor, weight: Tensor, bias: Tensor?,
                                 biasPositions: Int) -> (Tensor) -> [Tensor?] {
    let xValues = x.detached(), wValues = weight.detached()
    let needX = x.requiresGradient, needW = weight.requiresGradient, needB = bias?.requiresGradient ?? false
    let xShape = x.shape, wShape = weight.shape
    return { g in
        let gx = needX ? TensorStorage(uninitialized: xValues.count) : nil
        let gw = needW ? TensorStorage(uninitialized: wValues.count) : nil
        plan.convolveBackward(g.storage.pointer, xValues.storage.pointer, wValues.storage.pointer,
                              weightGradient: gw?.pointer, inputGradient: gx?.pointer)
        let gb = needB ? channelSums(g.storage.pointer, samples: plan.samples, channels: plan.channels, positions: biasPositions) : nil
        return [gx.map { Tensor(shape: xShape, storage: $0) }, gw.map { Tensor(shape: wShape, storage: $0) },
                gb.map { Tensor(shape: [plan.channels], storage: $0) }]
    }
}

/// 1-D transposed convolution of x `[N, Cin, L]` with weight `[Cin, Cout, K]` (PyTorch's layout)
/// and optional bias `[Cout]`: output length (L − 1)·s − 2p + d(K − 1) + outputPadding + 1
/// (PyTorch `conv_transpose1d`). It is the gradient of `conv1d` with respect to its input.
public func convTranspose1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, dilation: Int = 1) throws -> Tensor {
    let op = "convTranspose1d"
    try checkPositive([("stride", stride), ("dilation", dilation)], minimum: 1, op)
    try checkPositive([("padding", padding), ("output padding", outputPadding)], minimum: 0, op)
    guard outputPadding < stride || outputPadding < dilation else {
        throw NeuralError.invalidArgument(operation: op, detail: "output padding \(outputPadding) must be smaller than the stride \(stride) or the dilation \(dilation)")
    }
    guard x.rank == 3, weight.rank == 3, x.shape[1] == weight.shape[0] else {
        throw NeuralError.shapeMismatch(operation: op, detail: "input \(describe(x.shape)) and weight \(describe(weight.shape)); expected [N, Cin, L] and [Cin, Cout, K]")
    }
    let (n, cin, length) = (x.shape[0], x.shape[1], x.shape[2])
    let (cout, kernel) = (weight.shape[1], weight.shape[2])
    if let bias, bias.shape != [cout] {
        throw NeuralError.shapeMismatch(operation: op, detail: "bias \(describe(bias.shape)); expected [\(cout)]")
    }
    let outLength = (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1
    guard outLength > 0 else {
        throw NeuralError.invalidArgument(operation: op, detail: "output length \(outLength) is not positive")
    }
    let window = Window1D(kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    // The unfolded side is the output: Cout·K rows over the L input positions.
    let plan = ConvolutionPlan(
        samples: n, unfoldedSidePerSample: cout * outLength, channelSidePerSample: cin * length,
        unfoldedRows: cout * kernel, positions: length, channels: cin,
        unfold: { Unfold.im2col1D($0, channels: cout, length: outLength, window: window, positions: length, into: $1, ld: $2) },
        fold: { Unfold.col2im1D($0, channels: cout, length: outLength, window: window, positions: length, into: $1, ld: $2) })
    let y = TensorStorage(uninitialized: n * cout * outLength)
    plan.transposeConvolve(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer, outputChannels: cout, into: y.pointer)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.result(shape: [n, cout, outLength], storage: y, inputs: inputs) {
        let xValues = x.detached(), wValues = weight.detached()
        let needX = x.requiresGradient, needW = weight.requiresGradient, needB = bias?.requiresGradient ?? false
        let xShape = x.shape, wShape = weight.shape
        return { g in
            let gx = needX ? TensorStorage(uninitialized: xValues.count) : nil
            let gw = needW ? TensorStorage(uninitialized: wValues.count) : nil
            plan.transposeConvolveBackward(g.storage.pointer, xValues.storage.pointer, wValues.storage.pointer,
                                           weightGradient: gw?.pointer, inputGradient: gx?.pointer)
            let gb = needB ? channelSums(g.storage.pointer, samples: n, channels: cout, positions: outLength) : nil
            return [gx.map { Tensor(shape: xShape, storage: $0) }, gw.map { Tensor(shape: wShape, storage: $0) },
                    gb.map { Tensor(shape: [cout], storage: $0) }]
        }
    }
}

/// 2-D convolution of x `[N, Cin, H, W]` with weight `[Cout, Cin, KH, KW]` and optional bias
/// `[Cout]` (PyTorch `conv2d`); stride, padding and dilation are (vertical, horizontal).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                   padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) throws -> Tensor {
    let op = "conv2d"
    try checkPositive([("stride", stride.0), ("stride", stride.1), ("dilation", dilation.0), ("dilation", dilation.1)], minimum: 1, op)
    try checkPositive([("padding", padding.0), ("padding", padding.1)], minimum: 0, op)
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[1] else {
        throw NeuralError.shapeMismatch(operation: op, detail: "input \(describe(x.shape)) and weight \(describe(weight.shape)); expected [N, Cin, H, W] and [Cout, Cin, KH, KW]")
    }
    let (n, cin, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
    if let bias, bias.shape != [cout] {
        throw NeuralError.shapeMismatch(operation: op, detail: "bias \(describe(bias.shape)); expected [\(cout)]")
    }
    let v = Window1D(kernel: kh, stride: stride.0, padding: padding.0, dilation: dilation.0)
    let h = Window1D(kernel: kw, stride: stride.1, padding: padding.1, dilation: dilation.1)
    let outH = v.outputLength(height), outW = h.outputLength(width)
    guard outH > 0, outW > 0 else {
        throw NeuralError.invalidArgument(operation: op, detail: "input \(height)×\(width) is too small for kernel \(kh)×\(kw)")
    }
    let plan = ConvolutionPlan(
        samples: n, unfoldedSidePerSample: cin * height * width, channelSidePerSample: cout * outH * outW,
        unfoldedRows: cin * kh * kw, positions: outH * outW, channels: cout,
        unfold: { Unfold.im2col2D($0, channels: cin, height: height, width: width, vertical: v, horizontal: h,
                                  outHeight: outH, outWidth: outW, into: $1, ld: $2) },
        fold: { Unfold.col2im2D($0, channels: cin, height: height, width: width, vertical: v, horizontal: h,
                                outHeight: outH, outWidth: outW, into: $1, ld: $2) })
    let y = TensorStorage(uninitialized: n * cout * outH * outW)
    plan.convolve(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer, into: y.pointer)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.result(shape: [n, cout, outH, outW], storage: y, inputs: inputs) {
        convolutionPullback(plan, x: x, weight: weight, bias: bias, biasPositions: outH * outW)
    }
}
