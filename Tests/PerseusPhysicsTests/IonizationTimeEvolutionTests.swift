import Foundation
import Testing
@testable import PerseusPhysics

/// Properties every non-equilibrium solution must have: particle number conserved, fractions
/// non-negative, τ → 0 gives the initial state, τ → ∞ the equilibrium, and a plasma heated from
/// neutral ionises monotonically.
@Suite("Ionization: time evolution")
struct IonizationTimeEvolutionTests {
    static let temperatures: [Double] = [0.001, 0.02, 0.1, 0.3, 1, 2, 5, 8.6, 10, 20, 50, 86]
    static let timescales: [Double] = [0, 1e2, 1e6, 1e8, 1e9, 1e10, 3e10, 1e11, 1e12, 1e13, 1e14, 1e16]

    @Test func conservesParticlesAndStaysNonNegative() throws {
        let solver = try IonizationSolver()
        var worstSum = 0.0
        for kT in Self.temperatures {
            let modes = try solver.modes(kT: kT)
            var out = IonFractions(elements: ChemicalElement.all)
            for tau in Self.timescales {
                try modes.fractions(tau: tau, into: &out)
                for element in ChemicalElement.all {
                    let f = try #require(out[element])
                    worstSum = max(worstSum, abs(f.reduce(0, +) - 1))
                    #expect(f.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(element) kT=\(kT) tau=\(tau)")
                }
            }
        }
        #expect(worstSum < 1e-10, "largest |Σf - 1| = \(worstSum)")
    }

    @Test func zeroTimescaleIsTheInitialStateAndSmallTimescalesStayNearIt() throws {
        let solver = try IonizationSolver()
        for kT in [0.1, 1, 5, 30] {
            let modes = try solver.modes(kT: kT)
            for element in [ChemicalElement.oxygen, .silicon, .iron, .nickel] {
                let f = try modes.fractions(of: element, tau: 0)
                #expect(abs(f[0] - 1) < IonizationModes.reconstructionTolerance)
                // After τ the neutral fraction is exactly e^{-S_0 τ} (nothing recombines into it
                // while the ions are empty, to first order): check 1 - f_0 ≈ S_0 τ for S_0 τ = 1e-4.
                let s0 = try modes.rates(of: element).ionization[0]
                let tau = 1e-4 / s0
                let g = try modes.fractions(of: element, tau: tau)
                #expect(abs((1 - g[0]) / 1e-4 - 1) < 1e-3, "\(element) kT=\(kT): 1-f0 = \(1 - g[0])")
                #expect(abs(g[1] / 1e-4 - 1) < 2e-3)
            }
            // From equilibrium at another temperature, τ = 0 returns that equilibrium.
            let start = try solver.equilibrium(element: .iron, kT: min(86, 3 * kT))
            let back = try modes.fractions(of: .iron, tau: 0, initial: .equilibrium(kT: min(86, 3 * kT)))
            #expect(zip(start, back).allSatisfy { abs($0 - $1) < IonizationModes.reconstructionTolerance })
        }
    }

    @Test func largeTimescalesReachEquilibrium() throws {
        let solver = try IonizationSolver()
        for kT in Self.temperatures {
            let modes = try solver.modes(kT: kT)
            for element in ChemicalElement.all {
                let eq = try modes.equilibrium(of: element)
                // The slowest relaxation time -1/λ_min sets "large".
                let slowest = try modes.eigenvalues(of: element).max()!
                let tau = 60 / -slowest
                let f = try modes.fractions(of: element, tau: tau)
                let g = try modes.fractions(of: element, tau: tau, initial: .equilibrium(kT: min(86, 4 * kT)))
                for q in 0..<element.stageCount {
                    #expect(abs(f[q] - eq[q]) < 1e-10, "\(element)+\(q) kT=\(kT)")
                    #expect(abs(g[q] - eq[q]) < 1e-10, "\(element)+\(q) kT=\(kT) recombining")
                }
            }
        }
    }

    /// A birth–death chain started in its lowest state is stochastically increasing in time, so
    /// the mean charge of a plasma heated from neutral never decreases (Keilson & Kester 1977).
    @Test func meanChargeRisesMonotonicallyWhenHeatedFromNeutral() throws {
        let solver = try IonizationSolver()
        let taus = (0...80).map { pow(10, 6 + 0.1 * Double($0)) }
        for kT in [0.05, 0.5, 2, 10, 60] {
            let modes = try solver.modes(kT: kT)
            for element in ChemicalElement.all {
                var previous = -1.0
                for tau in taus {
                    let f = try modes.fractions(of: element, tau: tau)
                    let mean = f.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
                    #expect(mean >= previous - 1e-9, "\(element) kT=\(kT) tau=\(tau): \(mean) < \(previous)")
                    previous = mean
                }
                let eq = try modes.equilibrium(of: element).enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
                #expect(previous <= eq + 1e-9)
            }
        }
    }

    @Test func xspecConventionHoldsHydrogenAndHeliumFullyIonised() throws {
        let modes = try IonizationSolver().modes(kT: 1, elements: [.hydrogen, .helium, .oxygen])
        let tau = 1e7
        let xspec = try modes.fractions(tau: tau, convention: .xspecNEI)
        let physical = try modes.fractions(tau: tau)
        #expect(Array(try #require(xspec[.hydrogen])) == [0, 1])
        #expect(Array(try #require(xspec[.helium])) == [0, 0, 1])
        #expect(try #require(physical[.helium])[2] < 0.99)      // still ionising at τ = 1e7
        #expect(xspec[.oxygen] == physical[.oxygen])
    }

    @Test func rejectsBadTimescalesAndInitialStates() throws {
        let solver = try IonizationSolver()
        for tau in [-1, -1e-30, .nan, .infinity] {
            #expect(throws: IonizationError.self) { try solver.fractions(element: .iron, kT: 1, tau: tau) }
        }
        let modes = try solver.modes(kT: 1, elements: [.oxygen])
        #expect(throws: IonizationError.self) { try modes.fractions(of: .oxygen, tau: 1e10, initialFractions: [1, 0]) }
        #expect(throws: IonizationError.self) {
            try modes.fractions(of: .oxygen, tau: 1e10, initialFractions: [0.5, 0.6, 0, 0, 0, 0, 0, 0, 0])
        }
        #expect(throws: IonizationError.self) { try modes.fractions(of: .iron, tau: 1e10) }   // not decomposed
        #expect(throws: IonizationError.self) { try modes.fractions(of: .oxygen, tau: 1e10, initial: .equilibrium(kT: 500)) }
    }
}
