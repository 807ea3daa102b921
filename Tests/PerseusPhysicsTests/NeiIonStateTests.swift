import Foundation
import Testing
@testable import PerseusPhysics

/// The ion populations inside nei: particle number, equilibrium limit, relaxation.
@Suite("nei: ion populations")
struct NeiIonStateTests {
    static let taus: [Double] = [0, 1e8, 1e9, 3e9, 1e10, 3e10, 1e11, 3e11, 1e12, 1e13, 1e14]

    /// Σ_q f_q = 1 for every element at every τ (particle number is conserved), fractions are
    /// non-negative, and the equilibrium fractions sum to 1 too.
    @Test(arguments: [0.0808, 1.0, 5.0, 79.9])
    func particleNumberIsConservedAtEveryTau(kT: Double) throws {
        for tau in Self.taus {
            let state = try NeiFixtures.nei.ionState(kT: kT, tau: tau)
            #expect(state.nonEquilibrium.elements.count == 28)   // Z = 3 … 30 (angr has every one)
            for element in state.nonEquilibrium.elements {
                let f = Array(state.nonEquilibrium[element]!), e = Array(state.equilibrium[element]!)
                #expect(abs(f.reduce(0, +) - 1) <= 1e-12, "\(element) kT \(kT) tau \(tau): sum \(f.reduce(0, +))")
                #expect(abs(e.reduce(0, +) - 1) <= 1e-12)
                #expect(f.allSatisfy { $0 >= 0 } && e.allSatisfy { $0 >= 0 })
            }
        }
    }

    /// τ = 0 is the neutral start XSPEC's nei assumes (to the eigenmode reconstruction's
    /// 1e-10, `IonizationModes.reconstructionTolerance`); the factor of the neutral ion is then
    /// the cap (its equilibrium population at keV temperatures is essentially nil).
    @Test func startsNeutral() throws {
        let state = try NeiFixtures.nei.ionState(kT: 2, tau: 0)
        for element in state.nonEquilibrium.elements {
            #expect(abs(state.nonEquilibrium[element]!.first! - 1) <= 1e-10)
        }
        #expect(state.lineFactor(element: .iron, charge: 0) == NeiIonScaling.default.maximumRatio)
        #expect(state.lineFactor(element: .iron, charge: 24) == 0)
    }

    /// The total-variation distance ½ Σ |f − f_eq| of every element never grows with τ and
    /// vanishes at large τ, where every line factor is 1 to rounding.
    @Test func relaxesMonotonicallyToEquilibrium() throws {
        var previous: [ChemicalElement: Double] = [:]
        for tau in Self.taus {
            let state = try NeiFixtures.nei.ionState(kT: 3, tau: tau)
            for element in state.nonEquilibrium.elements {
                let f = state.nonEquilibrium[element]!, e = state.equilibrium[element]!
                let distance = 0.5 * zip(f, e).reduce(0) { $0 + abs($1.0 - $1.1) }
                #expect(distance <= (previous[element] ?? 1) + 1e-12, "\(element) at tau \(tau)")
                previous[element] = distance
            }
        }
        for (element, distance) in previous { #expect(distance <= 1e-9, "\(element): \(distance) at tau 1e14") }
        let state = try NeiFixtures.nei.ionState(kT: 3, tau: 1e14)
        for element in state.nonEquilibrium.elements {
            let e = Array(state.equilibrium[element]!)
            for q in e.indices where e[q] > 1e-8 {
                #expect(abs(state.lineFactor(element: element, charge: q) - 1) <= 1e-6, "\(element) q = \(q)")
            }
        }
    }

    /// The equilibrium inside nei is the solver's, and the non-equilibrium populations are the
    /// solver's from the neutral start (the same CHIANTI rates for both).
    @Test func populationsAreTheSolversOwn() throws {
        let solver = try IonizationSolver()
        let state = try NeiFixtures.nei.ionState(kT: 4.2, tau: 2.5e10)
        for element in [ChemicalElement.oxygen, .silicon, .iron, .nickel] {
            #expect(Array(state.equilibrium[element]!) == (try solver.equilibrium(element: element, kT: 4.2)))
            let f = try solver.fractions(element: element, kT: 4.2, tau: 2.5e10)
            let mine = Array(state.nonEquilibrium[element]!)
            for q in f.indices { #expect(abs(mine[q] - f[q]) <= 1e-14, "\(element) q = \(q)") }
        }
    }

    /// The cap bounds every factor; below it the factor is exactly f_NEI/f_eq.
    @Test func lineFactorsFollowTheScalingRule() throws {
        let state = try NeiFixtures.nei.ionState(kT: 6, tau: 3e10)
        let cap = NeiIonScaling.default.maximumRatio
        for element in state.nonEquilibrium.elements {
            let f = Array(state.nonEquilibrium[element]!), e = Array(state.equilibrium[element]!)
            for q in f.indices {
                let factor = state.lineFactor(element: element, charge: q)
                #expect(factor <= cap && factor >= 0)
                if e[q] > 0 && f[q] / e[q] < cap { #expect(factor == f[q] / e[q]) }
            }
        }
        #expect(state.lineFactor(element: .hydrogen, charge: 0) == 1)
        #expect(state.lineFactor(element: .helium, charge: 1) == 1)
    }
}
