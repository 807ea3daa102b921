/// Geometry of a 1-D sliding window: kernel size, stride, zero padding at both ends, dilation.
struct Window1D: Equatable {
    var kernel: Int
    var stride: Int
    var padding: Int
    var dilation: Int

    /// Number of window positions over an input of `length` (PyTorch's formula).
    func outputLength(_ length: Int) -> Int {
        (length + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
    }

    /// Positions t in 0..<positions whose tap k lands inside 0..<length.
    @inline(__always)
    func validRange(tap k: Int, length: Int, positions: Int) -> Range<Int> {
        // t·stride − padding + k·dilation ∈ [0, length)
        let offset = k * dilation - padding
        var lo = 0
        if offset < 0 { lo = (-offset + stride - 1) / stride }
        var hi = positions
        let limit = length - offset   // t·stride < limit
        if limit <= 0 { hi = 0 } else { hi = Swift.min(positions, (limit - 1) / stride + 1) }
        return lo..<Swift.max(lo, hi)
    }
}

/// im2col / col2im: unfolding the receptive fields of a convolution into the columns of a matrix
/// so that the convolution becomes one matrix product (and folding them back, summing overlaps).
enum Unfold {
    /// cols[(c·K + k), t] = x[c, t·s − p + k·d] (0 outside), for `positions` values of t; rows
    /// of `cols` are `ld` floats apart (≥ positions, so several samples can sit side by side).
    static func im2col1D(_ x: UnsafePointer<Float>, channels: Int, length: Int, window w: Window1D, positions: Int,
                         into cols: UnsafeMutablePointer<Float>, ld: Int) {
        for c in 0..<channels {
            let xc = x + c * length
            for k in 0..<w.kernel {
                let row = cols + (c * w.kernel + k) * ld
                let valid = w.validRange(tap: k, length: length, positions: positions)
                if valid.lowerBound > 0 { row.update(repeating: 0, count: valid.lowerBound) }
                if valid.upperBound < positions { (row + valid.upperBound).update(repeating: 0, count: positions - valid.upperBound) }
                let offset = k * w.dilation - w.padding
                if w.stride == 1 {
                    if !valid.isEmpty { (row + valid.lowerBound).update(from: xc + valid.lowerBound + offset, count: valid.count) }
                } else {
                    var src = valid.lowerBound * w.stride + offset
                    for t in valid {
                        row[t] = xc[src]
                        src &+= w.stride
                    }
                }
            }
        }
    }

    /// x[c, t·s − p + k·d] += cols[(c·K + k), t]; `x` must be initialised (usually to zero).
    static func col2im1D(_ cols: UnsafePointer<Float>, channels: Int, length: Int, window w: Window1D, positions: Int,
                         into x: UnsafeMutablePointer<Float>, ld: Int) {
        for c in 0..<channels {
            let xc = x + c * length
            for k in 0..<w.kernel {
                let row = cols + (c * w.kernel + k) * ld
                let valid = w.validRange(tap: k, length: length, positions: positions)
                let offset = k * w.dilation - w.padding
                if w.stride == 1 {
                    if !valid.isEmpty {
                        Vector.accumulate(row + valid.lowerBound, into: xc + valid.lowerBound + offset, valid.count)
                    }
                } else {
                    var dst = valid.lowerBound * w.stride + offset
                    for t in valid {
                        xc[dst] += row[t]
                        dst &+= w.stride
                    }
                }
            }
        }
    }

    /// 2-D unfolding: cols[((c·KH + i)·KW + j), oh·OW + ow] = x[c, oh·sh − ph + i·dh, ow·sw − pw + j·dw].
    static func im2col2D(_ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                         vertical v: Window1D, horizontal h: Window1D, outHeight: Int, outWidth: Int,
                         into cols: UnsafeMutablePointer<Float>, ld: Int) {
        for c in 0..<channels {
            let xc = x + c * height * width
            for i in 0..<v.kernel {
                let rows = v.validRange(tap: i, length: height, positions: outHeight)
                let rowOffset = i * v.dilation - v.padding
                for j in 0..<h.kernel {
                    let dst = cols + ((c * v.kernel + i) * h.kernel + j) * ld
                    let columns = h.validRange(tap: j, length: width, positions: outWidth)
                    let colOffset = j * h.dilation - h.padding
                    if rows.lowerBound > 0 { dst.update(repeating: 0, count: rows.lowerBound * outWidth) }
                    if rows.upperBound < outHeight {
                        (dst + rows.upperBound * outWidth).update(repeating: 0, count: (outHeight - rows.upperBound) * outWidth)
                    }
                    for oh in rows {
                        let src = xc + (oh * v.stride + rowOffset) * width
                        let out = dst + oh * outWidth
                        if columns.lowerBound > 0 { out.update(repeating: 0, count: columns.lowerBound) }
                        if columns.upperBound < outWidth {
                            (out + columns.upperBound).update(repeating: 0, count: outWidth - columns.upperBound)
                        }
                        if h.stride == 1 {
                            if !columns.isEmpty {
                                (out + columns.lowerBound).update(from: src + columns.lowerBound + colOffset, count: columns.count)
                            }
                        } else {
                            var s = columns.lowerBound * h.stride + colOffset
                            for ow in columns { out[ow] = src[s]; s &+= h.stride }
                        }
                    }
                }
            }
        }
    }

    /// Folds 2-D columns back, adding into `x` (which must be initialised).
    static func col2im2D(_ cols: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                         vertical v: Window1D, horizontal h: Window1D, outHeight: Int, outWidth: Int,
                         into x: UnsafeMutablePointer<Float>, ld: Int) {
        for c in 0..<channels {
            let xc = x + c * height * width
            for i in 0..<v.kernel {
                let rows = v.validRange(tap: i, length: height, positions: outHeight)
                let rowOffset = i * v.dilation - v.padding
                for j in 0..<h.kernel {
                    let src = cols + ((c * v.kernel + i) * h.kernel + j) * ld
                    let columns = h.validRange(tap: j, length: width, positions: outWidth)
                    let colOffset = j * h.dilation - h.padding
                    if columns.isEmpty { continue }
                    for oh in rows {
                        let dst = xc + (oh * v.stride + rowOffset) * width
                        let row = src + oh * outWidth
                        if h.stride == 1 {
                            Vector.accumulate(row + columns.lowerBound, into: dst + columns.lowerBound + colOffset, columns.count)
                        } else {
                            var s = columns.lowerBound * h.stride + colOffset
                            for ow in columns { dst[s] += row[ow]; s &+= h.stride }
                        }
                    }
                }
            }
        }
    }
}
