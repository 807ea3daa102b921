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
    static func map<F: VectorMap1>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        var i = 0
        while i &+ 16 <= n {
            store(f(load(x + i)), y + i)
            i &+= 16
        }
        if i < n { storePartial(f(loadPartial(x + i, n &- i)), y + i, n &- i) }
    }

    /// z[i] = f(x[i], y[i]).
    @inline(__always)
    static func map<F: VectorMap2>(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ n: Int,
                                   _ f: F) {
        var i = 0
        while i &+ 16 <= n {
            store(f(load(x + i), load(y + i)), z + i)
            i &+= 16
        }
        if i < n { storePartial(f(loadPartial(x + i, n &- i), loadPartial(y + i, n &- i)), z + i, n &- i) }
    }

    /// w[i] = f(x[i], y[i], z[i]).
    @inline(__always)
    static func map<F: VectorMap3>(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                                   _ w: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
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

    /// Closure forms of `map` (inlined with the closure literal at each call site; do not pass
    /// them a closure captured from elsewhere in a hot loop).
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: (V) -> V) {
        var i = 0
        while i &+ 16 <= n {
            store(f(load(x + i)), y + i)
            i &+= 16
        }
        if i < n { storePartial(f(loadPartial(x + i, n &- i)), y + i, n &- i) }
    }

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

    /// Parallel `map` for large arrays (split at multiples of 16 elements). The function is a
    /// generic value rather than a closure so that the loop body is specialised and inlined in
    /// every thread's range (a closure captured by the parallel body would be called through a
    /// pointer for every vector, with its 16 lanes passed in four SSE registers).
    @inline(__always)
    static func parallelMap<F: VectorMap1>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                                           grain: Int = 1 << 15, _ f: F) {
        parallelRanges(n, grain: grain) { r in map(x + r.lowerBound, y + r.lowerBound, r.count, f) }
    }

    @inline(__always)
    static func parallelMap<F: VectorMap2>(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>,
                                           _ n: Int, grain: Int = 1 << 15, _ f: F) {
        parallelRanges(n, grain: grain) { r in map(x + r.lowerBound, y + r.lowerBound, z + r.lowerBound, r.count, f) }
    }

    @inline(__always)
    static func parallelMap<F: VectorMap3>(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                                           _ w: UnsafeMutablePointer<Float>, _ n: Int, grain: Int = 1 << 15, _ f: F) {
        parallelRanges(n, grain: grain) { r in
            map(x + r.lowerBound, y + r.lowerBound, z + r.lowerBound, w + r.lowerBound, r.count, f)
        }
    }

    @inline(__always)
    static func parallelMap(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, grain: Int = 1 << 15,
                            _ f: (V) -> V) {
        withoutActuallyEscaping(f) { f in parallelMap(x, y, n, grain: grain, ClosureMap1(f: f)) }
    }

    @inline(__always)
    static func parallelMap(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ n: Int,
                            grain: Int = 1 << 15, _ f: (V, V) -> V) {
        withoutActuallyEscaping(f) { f in parallelMap(x, y, z, n, grain: grain, ClosureMap2(f: f)) }
    }

    @inline(__always)
    static func parallelMap(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
                            _ w: UnsafeMutablePointer<Float>, _ n: Int, grain: Int = 1 << 15, _ f: (V, V, V) -> V) {
        withoutActuallyEscaping(f) { f in parallelMap(x, y, z, w, n, grain: grain, ClosureMap3(f: f)) }
    }

    /// y[i] += x[i].
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int) {
        parallelMap(x, UnsafePointer(y), y, n, AddMap())
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

    /// (Σ x[i], Σ x[i]·y[i]) in one pass, in the same blocked order as `sum` and `dot`.
    @inline(__always)
    static func sumAndDot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> (Double, Double) {
        var total = 0.0, products = 0.0
        var start = 0
        while start < n {
            let m = min(4096, n - start)
            var a = V(repeating: 0), b = V(repeating: 0)
            var i = 0
            while i &+ 16 <= m {
                let xv = load(x + start + i)
                a += xv
                b += xv * load(y + start + i)
                i &+= 16
            }
            if i < m {
                let xv = loadPartial(x + start + i, m &- i)
                a += xv
                b += xv * loadPartial(y + start + i, m &- i)
            }
            total += Double(a.sum())
            products += Double(b.sum())
            start += m
        }
        return (total, products)
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

/// A vectorised function of one, two or three 16-lane arguments, passed to the loops as a value
/// of a concrete type so that it is inlined into them.
protocol VectorMap1 { func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> }
protocol VectorMap2 { func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> }
protocol VectorMap3 { func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>, _ z: SIMD16<Float>) -> SIMD16<Float> }

/// Adapters for closures (called indirectly; used where speed does not matter).
struct ClosureMap1: VectorMap1 {
    let f: (SIMD16<Float>) -> SIMD16<Float>
    @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { f(x) }
}
struct ClosureMap2: VectorMap2 {
    let f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>
    @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { f(x, y) }
}
struct ClosureMap3: VectorMap3 {
    let f: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>
    @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>, _ z: SIMD16<Float>) -> SIMD16<Float> { f(x, y, z) }
}

struct AddMap: VectorMap2 { @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { x + y } }
struct SubtractMap: VectorMap2 { @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { x - y } }
struct MultiplyMap: VectorMap2 { @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { x * y } }
struct DivideMap: VectorMap2 { @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { x / y } }
struct NegatedProductMap: VectorMap2 { @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { -x * y } }
struct FirstMap: VectorMap2 { @inline(__always) func callAsFunction(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> { x } }
/// a·x + b.
struct AffineMap: VectorMap1 {
    let a: SIMD16<Float>, b: SIMD16<Float>
    @inline(__always) func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float> { x * a + b }
}
