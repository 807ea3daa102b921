/// The Philox4x64-10 counter-based pseudo-random function (Salmon, Moraes, Dror & Shaw 2011,
/// "Parallel random numbers: as easy as 1, 2, 3", SC'11).
///
/// A pure function of a 256-bit counter and a 128-bit key returning 256 random bits. Because
/// nothing but the counter changes between calls, any block of any stream can be computed
/// directly, which is what makes sample *i* of a dataset independent of thread count and shard
/// layout. The same function backs NumPy's `numpy.random.Philox` bit generator, against which
/// the test suite checks known answers.
public enum Philox4x64 {
    @usableFromInline static let multiplier0: UInt64 = 0xD2E7_470E_E14C_6C93
    @usableFromInline static let multiplier1: UInt64 = 0xCA5A_8263_9512_1157
    @usableFromInline static let weyl0: UInt64 = 0x9E37_79B9_7F4A_7C15
    @usableFromInline static let weyl1: UInt64 = 0xBB67_AE85_84CA_A73B

    /// Applies the ten Philox rounds to `counter` under `key`.
    @inlinable
    public static func block(counter: SIMD4<UInt64>, key: SIMD2<UInt64>) -> SIMD4<UInt64> {
        var c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3]
        var k0 = key[0], k1 = key[1]
        for round in 0..<10 {
            if round > 0 {
                k0 = k0 &+ weyl0
                k1 = k1 &+ weyl1
            }
            let p0 = multiplier0.multipliedFullWidth(by: c0)
            let p1 = multiplier1.multipliedFullWidth(by: c2)
            let n0 = p1.high ^ c1 ^ k0
            let n2 = p0.high ^ c3 ^ k1
            c0 = n0
            c1 = p1.low
            c2 = n2
            c3 = p0.low
        }
        return SIMD4(c0, c1, c2, c3)
    }
}
