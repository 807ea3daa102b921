/// Contiguous vector kernels on raw Float32 pointers: 16 lanes at a time, the ragged end handled
/// by the same SIMD code on a zero-padded vector (so each function has one definition).
enum Vector {
    typealias V = SIMD16<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// The first `n` < 16 floats at `p`, zero-padded (a short copy through memory: per-lane
    /// inserts compile to slow scalar code).
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ n: Int) -> V {
        var v = V(repeating: 0)
        withUnsafeMutableBytes(of: &v) { $0.baseAddress!.copyMemory(from: p, byteCount: n &* 4) }
        return v
    }

    @inline(__always)
    static func storePartial(_ v: V, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        withUnsafeBytes(of: v) { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: n &* 4) }
    }

    /// y[i] += x[i] (a plain loop that the compiler vectorises with its own remainder handling).
    @inline(__always)
    static func accumulate(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i < n { y[i] += x[i]; i &+= 1 }
    }

    /// y[i] = f(x[i]).
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: (V) -> V) {
        var i = 0
        while i &+ 16 <= n {
            store(f(load(x + i)), y + i)
            i &+= 16
        }
        if i < n { storePartial(f(loadPartial(x + i, n &- i)), y + i, n &- i) }
    }

    /// z[i] = f(x[i], y[i]).
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ n: Int,
                    _ f: (V, V) -> V) {
        var i = 0
        while i &+ 16 <= n {
            store(f(load(x + i), load(y + i)), z + i)
            i &+= 16
        }
        if i < n { storePartial(f(loadPartial(x + i, n &- i), loadPartial(y + i, n &- i)), z + i, n &- i) }
    }

    /// w[i] = f(x[i], y[i], z[i]).
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                    _ w: UnsafeMutablePointer<Float>, _ n: Int, _ f: (V, V, V) -> V) {
        var i = 0
        while i &+ 16 <= n {
            store(f(load(x + i), load(y + i), load(z + i)), w + i)
            i &+= 16
        }
        if i < n {
            let m = n &- i
            storePartial(f(loadPartial(x + i, m), loadPartial(y + i, m), loadPartial(z + i, m)), w + i, m)
        }
    }

    /// Parallel `map` for large arrays (split at multiples of 16 elements).
    @inline(__always)
    static func parallelMap(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, grain: Int = 1 << 15,
                            _ f: (V) -> V) {
        parallelRanges(n, grain: grain) { r in map(x + r.lowerBound, y + r.lowerBound, r.count, f) }
    }

    @inline(__always)
    static func parallelMap(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ n: Int,
                            grain: Int = 1 << 15, _ f: (V, V) -> V) {
        parallelRanges(n, grain: grain) { r in map(x + r.lowerBound, y + r.lowerBound, z + r.lowerBound, r.count, f) }
    }

    @inline(__always)
    static func parallelMap(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                            _ w: UnsafeMutablePointer<Float>, _ n: Int, grain: Int = 1 << 15, _ f: (V, V, V) -> V) {
        parallelRanges(n, grain: grain) { r in
            map(x + r.lowerBound, y + r.lowerBound, z + r.lowerBound, w + r.lowerBound, r.count, f)
        }
    }

    /// y[i] += x[i].
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int) {
        parallelMap(x, UnsafePointer(y), y, n) { a, b in a + b }
    }

    /// Σ x[i], accumulated in 16 Float lanes per block of 4096 elements and then in Double over
    /// blocks, so the result does not depend on how work is split.
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var total = 0.0
        var start = 0
        while start < n {
            let m = min(4096, n - start)
            total += Double(blockSum(x + start, m))
            start += m
        }
        return total
    }

    @inline(__always)
    static func blockSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = V(repeating: 0)
        var i = 0
        while i &+ 16 <= n { acc += load(x + i); i &+= 16 }
        if i < n { acc += loadPartial(x + i, n &- i) }
        return acc.sum()
    }

    /// Σ x[i]·y[i] in the same blocked order as `sum`.
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Double {
        var total = 0.0
        var start = 0
        while start < n {
            let m = min(4096, n - start)
            var acc = V(repeating: 0)
            var i = 0
            while i &+ 16 <= m { acc += load(x + start + i) * load(y + start + i); i &+= 16 }
            if i < m { acc += loadPartial(x + start + i, m &- i) * loadPartial(y + start + i, m &- i) }
            total += Double(acc.sum())
            start += m
        }
        return total
    }
}
