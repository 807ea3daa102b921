import Testing
import PerseusCore
@testable import PerseusPhysics

/// Binding expressions to registered components: XSPEC's product/sum rules, unknown and
/// ambiguous names, repeated components, and the registry.
struct ModelBindingTests {
    @Test func unknownComponentListsTheValidOnes() {
        let registry = ComponentRegistry.builtIn
        #expect(throws: ModelExpressionError(expression: "tbabs*apec", column: 7,
                                             reason: .unknownComponent(name: "apec", valid: registry.names))) {
            try Model("tbabs*apec", context: ModelContext(registry: registry))
        }
        do {
            _ = try Model("apec", context: ModelContext(registry: registry))
            Issue.record("expected an error")
        } catch {
            #expect(error.summary.hasPrefix("unknown component apec at column 1"))
            #expect(error.summary.contains("valid: bknpower, bremss, cutoffpl, gaussian, lorentz, phabs, powerlaw, tbabs, wabs, zgauss, zpowerlw"))
        }
    }

    @Test func additiveTimesAdditiveIsRejected() {
        #expect(throws: ModelExpressionError(expression: "powerlaw*powerlaw", column: 10,
                                             reason: .additiveProduct(first: "powerlaw", firstColumn: 1, second: "powerlaw"))) {
            try Model("powerlaw*powerlaw")
        }
        #expect(throws: ModelExpressionError(expression: "tbabs*(powerlaw+gaussian)*bremss", column: 27,
                                             reason: .additiveProduct(first: "(powerlaw + gaussian)", firstColumn: 8, second: "bremss"))) {
            try Model("tbabs*(powerlaw+gaussian)*bremss")
        }
    }

    @Test func multiplicativeTermsCannotBeAdded() {
        #expect(throws: ModelExpressionError(expression: "powerlaw + phabs", column: 12,
                                             reason: .multiplicativeInSum(term: "phabs"))) {
            try Model("powerlaw + phabs")
        }
        #expect(throws: ModelExpressionError(expression: "tbabs*(phabs + wabs)", column: 8,
                                             reason: .multiplicativeInSum(term: "phabs"))) {
            try Model("tbabs*(phabs + wabs)")
        }
    }

    @Test func kindsFollowXSPEC() throws {
        #expect(try Model("tbabs").kind == .multiplicative)
        #expect(try Model("phabs*wabs*tbabs").kind == .multiplicative)
        #expect(try Model("phabs*wabs*powerlaw").kind == .additive)
        #expect(try Model("powerlaw*phabs").kind == .additive)
        #expect(try Model("bknpower + lorentz + lorentz").kind == .additive)
    }

    @Test func repeatedComponentsAreNumberedInOrderOfAppearance() throws {
        let model = try Model("lorentz + bknpower + lorentz + lorentz")
        #expect(model.instances.map(\.label) == ["lorentz_1", "bknpower", "lorentz_2", "lorentz_3"])
        #expect(model.instances.map(\.occurrence) == [1, 1, 2, 3])
        #expect(model.parameterNames.prefix(4) == ["lorentz_1.LineE", "lorentz_1.Width", "lorentz_1.norm", "bknpower.PhoIndx1"])
        #expect(model.parameters.count == 3 + 4 + 3 + 3)
    }

    @Test func namesAreCaseInsensitiveAndAbbreviable() throws {
        let model = try Model("TBabs*(PO + gauss)")
        #expect(model.instances.map(\.name) == ["tbabs", "powerlaw", "gaussian"])
        #expect(throws: ModelExpressionError(expression: "p", column: 1,
                                             reason: .unknownComponent(name: "p", valid: ComponentRegistry.standard.names))) {
            try Model("p")
        }
        #expect(throws: ModelExpressionError(expression: "ph*z", column: 4,
                                             reason: .unknownComponent(name: "z", valid: ComponentRegistry.standard.names))) {
            try Model("ph*z")
        }
        #expect(try Model("tbabs*zp").instances.map(\.name) == ["tbabs", "zpowerlw"])
    }

    @Test func ambiguousAbbreviationListsCandidates() throws {
        #expect(throws: ModelExpressionError(expression: "tbabs*b", column: 7,
                                             reason: .unknownComponent(name: "b", valid: ComponentRegistry.standard.names))) {
            try Model("tbabs*b")
        }
        var registry = ComponentRegistry.standard
        registry.register("bknpower2", kind: .additive) { _ in BrokenPowerLaw() }
        #expect(throws: ModelExpressionError(expression: "tbabs*(br + bkn)", column: 13,
                                             reason: .ambiguousComponent(name: "bkn", candidates: ["bknpower", "bknpower2"]))) {
            try Model("tbabs*(br + bkn)", context: ModelContext(registry: registry))
        }
        // An exact name wins over longer names it abbreviates.
        #expect(try Model("bknpower", context: ModelContext(registry: registry)).instances[0].name == "bknpower")
    }

    @Test func registryExtensionsAreUsedAndKindsChecked() throws {
        struct Constant: SpectralComponent {
            var name: String { "flat" }
            var kind: ComponentKind { .additive }
            var parameters: [ParameterInfo] { [.norm] }
            func prepared(for grid: EnergyGrid) throws -> any PreparedComponent { Prepared() }
            struct Prepared: PreparedComponent {
                func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
                    for i in output.indices { output[i] = parameters[0] }
                }
            }
        }
        var registry = ComponentRegistry.standard
        registry.register("flat", kind: .additive) { _ in Constant() }
        let model = try Model("tbabs*flat", context: ModelContext(registry: registry))
        #expect(model.parameterNames == ["tbabs.nH", "flat.norm"])

        registry.register("liar", kind: .multiplicative) { _ in Constant() }
        #expect(throws: ModelExpressionError.self) { try Model("liar*flat", context: ModelContext(registry: registry)) }

        struct Failure: Error, CustomStringConvertible { var description: String { "no tables here" } }
        registry.register("broken", kind: .additive) { _ in throw Failure() }
        #expect(throws: ModelExpressionError(expression: "tbabs*broken", column: 7,
                                             reason: .componentUnavailable(name: "broken", reason: "no tables here"))) {
            try Model("tbabs*broken", context: ModelContext(registry: registry))
        }
    }

    @Test func abundanceTableSelectsCrossSectionsOrFailsClearly() throws {
        _ = try Model("tbabs*powerlaw", context: ModelContext(abundanceTable: "wilm"))
        _ = try Model("phabs*powerlaw", context: ModelContext(abundanceTable: "aspl"))
        _ = try Model("wabs*powerlaw", context: ModelContext(abundanceTable: "lodd"))   // wabs has fixed abundances
        do {
            _ = try Model("tbabs*powerlaw", context: ModelContext(abundanceTable: "feld"))
            Issue.record("expected an error")
        } catch {
            #expect(error.column == 1)
            #expect(error.summary.contains("tbabs has no cross sections for abundance table 'feld'; available: angr, aspl, wilm"))
        }
        #expect(throws: ModelExpressionError.self) {
            try Model("phabs*powerlaw", context: ModelContext(abundanceTable: "wilm"))
        }
    }
}
