/// NumPy-style broadcasting: shapes are aligned at their last dimension, and a dimension of
/// size 1 (or a missing leading dimension) stretches to match the other operand.
enum Broadcast {
    /// The broadcast shape of `a` and `b`, or `nil` if they are incompatible.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Element strides of `shape` viewed inside `target` (same rank after left-padding with 1s):
    /// 0 along dimensions that are stretched.
    static func strides(of shape: [Int], in target: [Int]) -> [Int] {
        let rank = target.count
        let padded = [Int](repeating: 1, count: rank - shape.count) + shape
        var strides = [Int](repeating: 0, count: rank)
        var s = 1
        for i in stride(from: rank - 1, through: 0, by: -1) {
            strides[i] = (padded[i] == 1 && target[i] != 1) ? 0 : s
            s *= padded[i]
        }
        return strides
    }

    /// Merges adjacent dimensions along which every operand is either contiguous or constant,
    /// so loops run over as few, as long, dimensions as possible. Size-1 dimensions are dropped.
    static func merge(_ shape: [Int], _ strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
        var dims: [Int] = []
        var st: [[Int]] = strides.map { _ in [] }
        for i in 0..<shape.count where shape[i] != 1 {
            if let last = dims.last {
                let canMerge = strides.indices.allSatisfy { k in
                    let prev = st[k].last!, cur = strides[k][i]
                    return (prev == 0 && cur == 0) || (cur != 0 && prev == cur * shape[i])
                }
                if canMerge {
                    dims[dims.count - 1] = last * shape[i]
                    for k in strides.indices { st[k][st[k].count - 1] = strides[k][i] }
                    continue
                }
            }
            dims.append(shape[i])
            for k in strides.indices { st[k].append(strides[k][i]) }
        }
        if dims.isEmpty { return ([1], strides.map { _ in [1] }) }
        return (dims, st)
    }

    /// z = f(a, b) with broadcasting to `out`.
    static func binary<F: VectorMap2>(_ a: Tensor, _ b: Tensor, out: [Int], _ f: F) -> TensorStorage {
        let count = Tensor.count(of: out)
        let z = TensorStorage(uninitialized: count)
        let pa = UnsafePointer(a.storage.pointer), pb = UnsafePointer(b.storage.pointer), pz = z.pointer
        if count == 0 { return z }
        if a.shape == b.shape {
            Vector.parallelMap(pa, pb, pz, count, f)
            return z
        }
        let merged = merge(out, [strides(of: a.shape, in: out), strides(of: b.shape, in: out)])
        let dims = merged.shape
        let sa = merged.strides[0], sb = merged.strides[1]
        let rank = dims.count
        let inner = dims[rank - 1]
        let ia = sa[rank - 1], ib = sb[rank - 1]
        let outer = count / inner
        @inline(__always) func row(_ oa: Int, _ ob: Int, _ oz: Int) {
            switch (ia != 0, ib != 0) {
            case (true, true): Vector.map(pa + oa, pb + ob, pz + oz, inner, f)
            case (true, false):
                Vector.map(pa + oa, pz + oz, inner, RightScalar(f: f, v: SIMD16<Float>(repeating: pb[ob])))
            case (false, true):
                Vector.map(pb + ob, pz + oz, inner, LeftScalar(f: f, v: SIMD16<Float>(repeating: pa[oa])))
            case (false, false):
                let r = f(SIMD16<Float>(repeating: pa[oa]), SIMD16<Float>(repeating: pb[ob]))[0]
                (pz + oz).update(repeating: r, count: inner)
            }
        }
        if rank == 1 {
            parallelRanges(inner, grain: 1 << 15) { r in
                switch (ia != 0, ib != 0) {
                case (true, true): Vector.map(pa + r.lowerBound, pb + r.lowerBound, pz + r.lowerBound, r.count, f)
                case (true, false):
                    Vector.map(pa + r.lowerBound, pz + r.lowerBound, r.count, RightScalar(f: f, v: SIMD16<Float>(repeating: pb[0])))
                case (false, true):
                    Vector.map(pb + r.lowerBound, pz + r.lowerBound, r.count, LeftScalar(f: f, v: SIMD16<Float>(repeating: pa[0])))
                case (false, false):
                    let value = f(SIMD16<Float>(repeating: pa[0]), SIMD16<Float>(repeating: pb[0]))[0]
                    (pz + r.lowerBound).update(repeating: value, count: r.count)
                }
            }
            return z
        }
        let grainRows = max(1, (1 << 15) / max(inner, 1))
        parallelRanges(outer, grain: grainRows, alignment: 1) { rows in
            // Odometer over the outer dimensions, started at rows.lowerBound.
            var index = [Int](repeating: 0, count: rank - 1)
            var rem = rows.lowerBound
            for d in stride(from: rank - 2, through: 0, by: -1) { index[d] = rem % dims[d]; rem /= dims[d] }
            var oa = 0, ob = 0
            for d in 0..<(rank - 1) { oa += index[d] * sa[d]; ob += index[d] * sb[d] }
            for r in rows {
                row(oa, ob, r * inner)
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1; oa += sa[d]; ob += sb[d]
                    if index[d] < dims[d] { break }
                    oa -= sa[d] * dims[d]; ob -= sb[d] * dims[d]; index[d] = 0
                    d -= 1
                }
            }
        }
        return z
    }

    /// Sums `source` (of shape `from`) down to `to`, which must broadcast to `from`: the gradient
    /// of a broadcast. Serial, in a fixed order.
    static func sum(_ source: TensorStorage, from: [Int], to: [Int]) -> TensorStorage {
        if from == to { return source }
        let out = TensorStorage(zeros: Tensor.count(of: to))
        let count = source.count
        if count == 0 { return out }
        let rank = from.count
        var contiguous = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { contiguous[i] = contiguous[i + 1] * from[i + 1] }
        let merged = merge(from, [contiguous, strides(of: to, in: from)])
        let dims = merged.shape
        let st = merged.strides[1]
        let r = dims.count
        let inner = dims[r - 1]
        let innerStride = st[r - 1]
        let ps = UnsafePointer(source.pointer), po = out.pointer
        var index = [Int](repeating: 0, count: r - 1)
        var oo = 0
        var offset = 0
        while offset < count {
            if innerStride != 0 {
                Vector.accumulate(ps + offset, into: po + oo, inner)
            } else {
                po[oo] += Float(Vector.sum(ps + offset, inner))
            }
            offset += inner
            var d = r - 2
            while d >= 0 {
                index[d] += 1; oo += st[d]
                if index[d] < dims[d] { break }
                oo -= st[d] * dims[d]; index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// Copies `source` (of shape `from`) stretched to the shape `to` it broadcasts to.
    static func expand(_ source: TensorStorage, from: [Int], to: [Int]) -> TensorStorage {
        if from == to { return source }
        let zero = Tensor(shape: [], storage: TensorStorage(zeros: 1))
        return binary(Tensor(shape: from, storage: source), zero, out: to, FirstMap())
    }
}

/// f(x, v) and f(v, x) for a fixed vector v.
struct RightScalar<F: VectorMap2>: VectorMap1 {
    let f: F, v: SIMD16<Float>
    @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { f(x, v) }
}
struct LeftScalar<F: VectorMap2>: VectorMap1 {
    let f: F, v: SIMD16<Float>
    @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { f(v, x) }
}
