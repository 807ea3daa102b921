import Testing
import PerseusCore

/// Special functions against SciPy 1.17 reference values (scipy.special.gammainc/gammaincc,
/// scipy.stats.chi2.sf, scipy.stats.kstwobign.sf).
@Suite struct SpecialFunctionTests {
    @Test func incompleteGamma() {
        #expect(abs(SpecialFunctions.regularizedGammaP(2.5, 1.3) - 0.23863473215498604) < 1e-13)
        #expect(abs(SpecialFunctions.regularizedGammaQ(2.5, 1.3) - 0.761365267845014) < 1e-13)
        #expect(abs(SpecialFunctions.regularizedGammaQ(50, 80) / 0.0001307839765914092 - 1) < 1e-10)
        #expect(abs(SpecialFunctions.regularizedGammaQ(1e6, 1e6 + 3000) / 0.0013617406462175913 - 1) < 1e-7)
    }

    @Test func distributions() {
        #expect(abs(ChiSquaredDistribution.survival(30, degreesOfFreedom: 20) - 0.06985366069940986) < 1e-12)
        #expect(abs(KolmogorovDistribution.survival(1.0) - 0.26999967167735456) < 1e-12)
        #expect(abs(NormalDistribution.cdf(1.959963984540054) - 0.975) < 1e-12)
    }
}
