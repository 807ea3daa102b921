/// Max and average pooling over 1-D signals `[N, C, L]` and images `[N, C, H, W]`, with
/// PyTorch's output sizes ((L + 2p − k)/s + 1, rounded down). Max pooling pads with −∞ and sends
/// each output's gradient to the first maximal input of its window; average pooling divides by
/// the full window size, padding included (PyTorch's default `count_include_pad=True`).
extension Tensor {
    fileprivate static func poolGeometry(_ x: Tensor, spatial: Int, kernel: [Int], stride: [Int], padding: [Int],
                                         _ op: String) throws -> (windows: [Window1D], out: [Int]) {
        guard x.rank == spatial + 2 else {
            throw NeuralError.shapeMismatch(operation: op, detail: "input \(describe(x.shape)); expected rank \(spatial + 2)")
        }
        var windows: [Window1D] = []
        var out: [Int] = []
        for d in 0..<spatial {
            guard kernel[d] >= 1, stride[d] >= 1, padding[d] >= 0, 2 * padding[d] <= kernel[d] else {
                throw NeuralError.invalidArgument(operation: op, detail: "kernel \(kernel), stride \(stride), padding \(padding): need kernel, stride ≥ 1 and 0 ≤ padding ≤ kernel/2")
            }
            let w = Window1D(kernel: kernel[d], stride: stride[d], padding: padding[d], dilation: 1)
            let o = w.outputLength(x.shape[2 + d])
            guard o > 0 else {
                throw NeuralError.invalidArgument(operation: op, detail: "input \(describe(x.shape)) is smaller than the kernel \(kernel)")
            }
            windows.append(w)
            out.append(o)
        }
        return (windows, out)
    }

    /// Pools every plane (n, c): `spatial` is 1 or 2; for 1-D, height is 1.
    fileprivate static func pool(_ x: Tensor, spatial: Int, windows: [Window1D], out: [Int], maximum: Bool) -> Tensor {
        let planes = x.shape[0] * x.shape[1]
        let (h, w) = spatial == 1 ? (1, x.shape[2]) : (x.shape[2], x.shape[3])
        let (oh, ow) = spatial == 1 ? (1, out[0]) : (out[0], out[1])
        let vw = spatial == 1 ? Window1D(kernel: 1, stride: 1, padding: 0, dilation: 1) : windows[0]
        let hw = spatial == 1 ? windows[0] : windows[1]
        let y = TensorStorage(uninitialized: planes * oh * ow)
        let argmax = maximum ? UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(planes * oh * ow, 1)) : nil
        let xp = UnsafePointer(x.storage.pointer), yp = y.pointer
        let scale = 1 / Float(vw.kernel * hw.kernel)
        let fast = maximum && vw == Window1D(kernel: 2, stride: 2, padding: 0, dilation: 1) && hw == vw
        parallelRanges(planes, grain: Swift.max(1, 4096 / Swift.max(h * w, 1)), alignment: 1) { range in
            for plane in range {
                let src = xp + plane * h * w
                let dst = yp + plane * oh * ow
                if fast {
                    // 2×2 windows, stride 2: the common CNN case, without window bookkeeping.
                    let arg = argmax! + plane * oh * ow
                    for i in 0..<oh {
                        let r0 = src + 2 * i * w, r1 = r0 + w
                        let base = Int32(2 * i * w)
                        for j in 0..<ow {
                            let a = r0[2 &* j], b = r0[2 &* j &+ 1], c = r1[2 &* j], d = r1[2 &* j &+ 1]
                            var best = a, at = base &+ Int32(2 &* j)
                            if b > best { best = b; at = base &+ Int32(2 &* j &+ 1) }
                            if c > best { best = c; at = base &+ Int32(w &+ 2 &* j) }
                            if d > best { best = d; at = base &+ Int32(w &+ 2 &* j &+ 1) }
                            dst[i &* ow &+ j] = best
                            arg[i &* ow &+ j] = at
                        }
                    }
                    continue
                }
                for i in 0..<oh {
                    let r0 = i * vw.stride - vw.padding
                    let rows = Swift.max(r0, 0)..<Swift.min(r0 + vw.kernel, h)
                    for j in 0..<ow {
                        let c0 = j * hw.stride - hw.padding
                        let cols = Swift.max(c0, 0)..<Swift.min(c0 + hw.kernel, w)
                        if maximum {
                            var best = -Float.infinity
                            var where_ = Int32(rows.lowerBound * w + cols.lowerBound)
                            for r in rows {
                                for c in cols where src[r * w + c] > best || src[r * w + c].isNaN {
                                    best = src[r * w + c]
                                    where_ = Int32(r * w + c)
                                }
                            }
                            dst[i * ow + j] = best
                            argmax![plane * oh * ow + i * ow + j] = where_
                        } else {
                            var s: Float = 0
                            for r in rows { for c in cols { s += src[r * w + c] } }
                            dst[i * ow + j] = s * scale
                        }
                    }
                }
            }
        }
        let outShape = Array(x.shape.prefix(2)) + out
        let inputShape = x.shape
        let saved = IndexBuffer(argmax)
        return result(shape: outShape, storage: y, inputs: [x]) {
            { g in
                let gx = TensorStorage(zeros: planes * h * w)
                let gp = UnsafePointer(g.storage.pointer), dx = gx.pointer
                parallelRanges(planes, grain: Swift.max(1, 4096 / Swift.max(h * w, 1)), alignment: 1) { range in
                    for plane in range {
                        let gsrc = gp + plane * oh * ow
                        let gdst = dx + plane * h * w
                        if let idx = saved.pointer {
                            let ip = idx + plane * oh * ow
                            for k in 0..<(oh * ow) { gdst[Int(ip[k])] += gsrc[k] }
                        } else {
                            for i in 0..<oh {
                                let r0 = i * vw.stride - vw.padding
                                for j in 0..<ow {
                                    let c0 = j * hw.stride - hw.padding
                                    let v = gsrc[i * ow + j] * scale
                                    for r in Swift.max(r0, 0)..<Swift.min(r0 + vw.kernel, h) {
                                        for c in Swift.max(c0, 0)..<Swift.min(c0 + hw.kernel, w) { gdst[r * w + c] += v }
                                    }
                                }
                            }
                        }
                    }
                }
                return [Tensor(shape: inputShape, storage: gx)]
            }
        }
    }
}

/// Owns the argmax indices saved by max pooling until the pullback is released.
final class IndexBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>?
    init(_ pointer: UnsafeMutablePointer<Int32>?) { self.pointer = pointer }
    deinit { pointer?.deallocate() }
}

/// 1-D max pooling of `[N, C, L]`; the stride defaults to the kernel size.
public func maxPool1d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
    let g = try Tensor.poolGeometry(x, spatial: 1, kernel: [kernel], stride: [stride ?? kernel], padding: [padding], "maxPool1d")
    return Tensor.pool(x, spatial: 1, windows: g.windows, out: g.out, maximum: true)
}

/// 1-D average pooling of `[N, C, L]`; the stride defaults to the kernel size.
public func avgPool1d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
    let g = try Tensor.poolGeometry(x, spatial: 1, kernel: [kernel], stride: [stride ?? kernel], padding: [padding], "avgPool1d")
    return Tensor.pool(x, spatial: 1, windows: g.windows, out: g.out, maximum: false)
}

/// 2-D max pooling of `[N, C, H, W]` with kernel (KH, KW); the stride defaults to the kernel.
public func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
    let s = stride ?? kernel
    let g = try Tensor.poolGeometry(x, spatial: 2, kernel: [kernel.0, kernel.1], stride: [s.0, s.1],
                                    padding: [padding.0, padding.1], "maxPool2d")
    return Tensor.pool(x, spatial: 2, windows: g.windows, out: g.out, maximum: true)
}

/// 2-D average pooling of `[N, C, H, W]` with kernel (KH, KW); the stride defaults to the kernel.
public func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
    let s = stride ?? kernel
    let g = try Tensor.poolGeometry(x, spatial: 2, kernel: [kernel.0, kernel.1], stride: [s.0, s.1],
                                    padding: [padding.0, padding.1], "avgPool2d")
    return Tensor.pool(x, spatial: 2, windows: g.windows, out: g.out, maximum: false)
}
