import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// CompiledModel and ModelEvaluator: XSPEC's sum/product semantics, caching, determinism and
/// concurrent evaluation.
struct CompiledModelTests {
    let grid = try! EnergyGrid.linear(from: 0.5, to: 20, step: 0.01)

    @Test func expressionIsTheProductOfFactorsAndSumOfTerms() throws {
        var model = try Model("tbabs*(powerlaw + gaussian)*phabs + bremss")
        for assignment in ["tbabs.nH=0.2", "phabs.nH=0.05", "PhoIndex=1.7", "powerlaw.norm=0.3",
                           "LineE=6.4", "Sigma=0.1", "gaussian.norm=0.01", "kT=5", "bremss.norm=0.02"] {
            try model.apply(assignment)
        }
        let combined = try model.compiled(for: grid).evaluate(model.values)
        let tbabs = try Support.evaluate(TBabs(), on: grid, [0.2])
        let phabs = try Support.evaluate(PHabs(), on: grid, [0.05])
        let powerlaw = try Support.evaluate(PowerLaw(), on: grid, [1.7, 0.3])
        let gaussian = try Support.evaluate(Gaussian(), on: grid, [6.4, 0.1, 0.01])
        let bremss = try Support.evaluate(Bremsstrahlung(), on: grid, [5, 0.02])
        var manual = [Double](repeating: 0, count: grid.count)
        for i in 0..<grid.count {
            let absorbed: Double = tbabs[i] * (powerlaw[i] + gaussian[i]) * phabs[i]
            manual[i] = absorbed + bremss[i]
        }
        #expect(Support.maxRelativeError(combined, manual) < 1e-14)
    }

    @Test func purelyMultiplicativeExpressionEvaluatesToTheFactor() throws {
        let model = try Model("phabs*wabs")
        let compiled = try model.compiled(for: grid)
        #expect(compiled.kind == .multiplicative)
        let factor = try compiled.evaluate([0.3, 0.1])
        let phabs = try Support.evaluate(PHabs(), on: grid, [0.3])
        let wabs = try Support.evaluate(WAbs(), on: grid, [0.1])
        #expect(factor == zip(phabs, wabs).map(*))
        #expect(factor.allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test func repeatedComponentsSharePreparationButNotParameters() throws {
        var model = try Model("gaussian + gaussian")
        try model.apply("gaussian_1.LineE=2")
        try model.apply("gaussian_2.LineE=5")
        let compiled = try model.compiled(for: grid)
        #expect(compiled.prepared.count == 1)
        let values = try compiled.evaluate(model.values)
        let near2 = grid.lo.firstIndex { $0 >= 1.995 }!, near5 = grid.lo.firstIndex { $0 >= 4.995 }!
        #expect(abs(values[near2] - values[near5]) < 1e-12)
        #expect(abs(values.reduce(0, +) - 2) < 1e-12)
    }

    @Test func cachedComponentsGiveTheSameResultsAsFreshOnes() throws {
        var model = try Model("tbabs*(powerlaw + lorentz)")
        try model.apply("nH=0.1")
        let compiled = try model.compiled(for: grid)
        var evaluator = compiled.makeEvaluator()
        var values = model.values
        var outputs: [[Double]] = []
        for step in 0..<6 {
            values[1] = 1.5 + 0.1 * Double(step % 3)      // PhoIndex varies; tbabs and lorentz cached
            outputs.append(try evaluator.evaluate(values))
            let fresh = try compiled.evaluate(values)
            #expect(outputs.last! == fresh)
        }
        #expect(outputs[0] == outputs[3])
        #expect(outputs[0] != outputs[1])
        values[0] = 0.2                                    // nH changes: tbabs recomputed
        #expect(try evaluator.evaluate(values) == compiled.evaluate(values))
        #expect(try evaluator.evaluate(values) != outputs[0])
    }

    @Test func rejectsBadInputWithoutTouchingTheOutput() throws {
        let model = try Model("tbabs*powerlaw")
        let compiled = try model.compiled(for: grid)
        var evaluator = compiled.makeEvaluator()
        var output = [Double](repeating: 7, count: grid.count)
        #expect(throws: ModelEvaluationError.parameterCount(expected: 3, got: 2)) { try evaluator.evaluate([1, 2], into: &output) }
        #expect(throws: ModelEvaluationError.outOfLimits(parameter: "powerlaw.PhoIndex", value: 11, min: -3, max: 10)) {
            try evaluator.evaluate([0.1, 11, 1], into: &output)
        }
        #expect(throws: ModelEvaluationError.outOfLimits(parameter: "tbabs.nH", value: .infinity, min: 0, max: 1e6)) {
            try evaluator.evaluate([.infinity, 2, 1], into: &output)
        }
        #expect(output.allSatisfy { $0 == 7 })
    }

    @Test func preparationErrorsNameTheComponentAndGrid() throws {
        let model = try Model("tbabs*bremss")
        let grid = try EnergyGrid.linear(from: 0.05, to: 1, step: 0.05)
        do {
            _ = try model.compiled(for: grid)
            Issue.record("expected an error")
        } catch {
            #expect(error.component == "tbabs")
            #expect(error.description.hasPrefix("cannot prepare tbabs for the 19-bin grid 0.05–1.0 keV: "))
        }
    }

    @Test func evaluationIsDeterministicAndThreadSafe() async throws {
        var model = try Model("tbabs*(cutoffpl + bknpower + lorentz + lorentz + gaussian + bremss)")
        for assignment in ["nH=0.05", "cutoffpl.PhoIndex=1.29", "HighECut=41.13", "lorentz_1.LineE=6.4", "lorentz_2.LineE=10",
                           "bknpower.norm=0.01", "gaussian.LineE=3", "bremss.kT=3"] {
            try model.apply(assignment)
        }
        let compiled = try model.compiled(for: try EnergyGrid.linear(from: 1.6, to: 40, step: 0.04))
        // 16 parameter sets, evaluated serially and then concurrently from 8 tasks with their own
        // evaluators, each task going through the sets in a different order.
        var sets: [[Double]] = []
        for k in 0..<16 {
            var v = model.values
            v[1] = 1 + 0.05 * Double(k)          // cutoffpl.PhoIndex
            v[0] = 0.01 * Double(k % 4)           // tbabs.nH (cache hits and misses)
            sets.append(v)
        }
        let parameterSets = sets
        let serial = try parameterSets.map { try compiled.evaluate($0) }
        let results = try await withThrowingTaskGroup(of: [(Int, [Double])].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var evaluator = compiled.makeEvaluator()
                    var out: [(Int, [Double])] = []
                    for j in 0..<parameterSets.count {
                        let k = (j * 5 + task) % parameterSets.count
                        out.append((k, try evaluator.evaluate(parameterSets[k])))
                    }
                    return out
                }
            }
            var all: [(Int, [Double])] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(results.count == 8 * 16)
        for (k, values) in results {
            #expect(values == serial[k], "parameter set \(k)")
        }
    }
}
