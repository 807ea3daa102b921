import Testing
@testable import PerseusCore

/// Known answers for Philox4x64-10. The zero-key block is the Random123 known-answer vector;
/// the others were produced by NumPy's independent implementation (`numpy.random.Philox`,
/// which increments its counter before encrypting, so its first output for counter c is our
/// block c + 1).
@Suite struct PhiloxTests {
    @Test func zeroKeyMatchesRandom123() {
        let b = Philox4x64.block(counter: .zero, key: .zero)
        #expect(b == SIMD4(0x1655_4d9e_ca36_314c, 0xdb20_fe9d_672d_0fdc, 0xd7e7_72ce_e186_176b, 0x7e68_b68a_ec7b_a23b))
    }

    @Test func matchesNumPy() {
        let b1 = Philox4x64.block(counter: SIMD4(1, 0, 0, 0), key: .zero)
        #expect(b1 == SIMD4(0x02f4_ba64_08e4_d89b, 0x3dd6_2b0b_9ca8_c5b2, 0x1c86_67a5_5d90_2e79, 0x907d_7a05_2fd5_b4dc))
        let b2 = Philox4x64.block(counter: SIMD4(8, 1, 99, 0), key: SIMD2(0x0123_4567_89ab_cdef, 42))
        #expect(b2 == SIMD4(0xf784_882a_b2dc_4594, 0x1ce2_d5fc_36d1_6fc7, 0xb7cf_5877_4a8a_cbbd, 0xab05_4be4_fad0_a11f))
    }
}
