import Testing
@testable import PerseusPhysics

/// Values, hard limits, soft bounds, freezing, links and the free-parameter vector.
struct ParameterValuesTests {
    func twoLines() throws -> Model { try Model("tbabs*(gaussian + gaussian)") }

    @Test func defaultsComeFromXSPEC() throws {
        let model = try Model("tbabs*(cutoffpl + zgauss)")
        let expected: [(String, Double, Bool)] = [
            ("tbabs.nH", 1, false), ("cutoffpl.PhoIndex", 1, false), ("cutoffpl.HighECut", 15, false), ("cutoffpl.norm", 1, false),
            ("zgauss.LineE", 6.5, false), ("zgauss.Sigma", 0.1, false), ("zgauss.Redshift", 0, true), ("zgauss.norm", 1, false),
        ]
        #expect(model.parameters.map(\.name) == expected.map(\.0))
        #expect(model.values == expected.map(\.1))
        #expect(model.parameters.map(\.isFrozen) == expected.map(\.2))
        #expect(try model.parameter("cutoffpl.HighECut").unit == "keV")
        #expect(try model.parameter("tbabs.nH").unit == "10^22")
        #expect(try model.parameter("HighECut").hardMin == 0.01)
        #expect(try model.parameter("HighECut").softMin == 1)
    }

    @Test func valuesOutsideHardLimitsAreRejectedNamingTheLimits() throws {
        var model = try twoLines()
        #expect(throws: ModelParameterError.outOfLimits(parameter: "gaussian_1.Sigma", value: 25, min: 0, max: 20)) {
            try model.set("gaussian_1.Sigma", to: 25)
        }
        #expect(throws: ModelParameterError.outOfLimits(parameter: "tbabs.nH", value: -0.1, min: 0, max: 1e6)) {
            try model.set("tbabs.nH", to: -0.1)
        }
        #expect(throws: ModelParameterError.self) { try model.set("tbabs.nH", to: .nan) }
        #expect(ModelParameterError.outOfLimits(parameter: "gaussian_1.Sigma", value: 25, min: 0, max: 20).description
                == "gaussian_1.Sigma = 25.0 is outside its hard limits [0.0, 20.0]")
        #expect(model.values == (try twoLines()).values)   // nothing changed
        try model.set("gaussian_1.Sigma", to: 20)
        #expect(try model.value("gaussian_1.Sigma") == 20)
    }

    @Test func softBoundsStayInsideHardLimits() throws {
        var model = try twoLines()
        try model.setSoftBounds("gaussian_2.LineE", 6...7)
        #expect(try model.parameter("gaussian_2.LineE").softMin == 6)
        #expect(throws: ModelParameterError.invalidBounds(parameter: "gaussian_2.Sigma", min: 0, max: 30, hardMin: 0, hardMax: 20)) {
            try model.setSoftBounds("gaussian_2.Sigma", 0...30)
        }
        #expect(model.freeBounds[model.freeParameterNames.firstIndex(of: "gaussian_2.LineE")!] == 6...7)
    }

    @Test func linksCopyAndTransformValues() throws {
        var model = try Model("tbabs*(gaussian + gaussian + gaussian)")
        try model.set("gaussian_1.LineE", to: 6.4)
        try model.link("gaussian_2.LineE", to: "gaussian_1.LineE")
        try model.apply("gaussian_3.LineE = 2*gaussian_1.LineE + 0.5")
        try model.apply("gaussian_2.Sigma=gaussian_1.Sigma/2")
        #expect(try model.value("gaussian_2.LineE") == 6.4)
        #expect(try model.value("gaussian_3.LineE") == 13.3)
        #expect(try model.value("gaussian_2.Sigma") == 0.05)
        try model.set("gaussian_1.LineE", to: 1)
        #expect(try model.value("gaussian_2.LineE") == 1)
        #expect(try model.value("gaussian_3.LineE") == 2.5)
        #expect(try model.parameter("gaussian_3.LineE").link?.description == "2*gaussian_1.LineE + 0.5")
        #expect(!(try model.parameter("gaussian_3.LineE").isFree))
        #expect(!model.freeParameterNames.contains("gaussian_2.LineE"))
    }

    @Test(arguments: [
        ("gaussian_1.LineE", 1.0, 0.0), ("2*gaussian_1.LineE", 2.0, 0.0), ("gaussian_1.LineE*2", 2.0, 0.0),
        ("gaussian_1.LineE + 0.5", 1.0, 0.5), ("0.5 + gaussian_1.LineE", 1.0, 0.5), ("gaussian_1.LineE - 0.5", 1.0, -0.5),
        ("-(0.5 - gaussian_1.LineE)", 1.0, -0.5), ("(gaussian_1.LineE + 1)/2", 0.5, 0.5), ("1e-1*gaussian_1.LineE", 0.1, 0.0),
        ("gaussian_1.LineE + gaussian_1.LineE", 2.0, 0.0),
    ])
    func parsesLinearLinks(text: String, scale: Double, offset: Double) throws {
        var model = try twoLines()
        try model.link("gaussian_2.LineE", to: text)
        let link = try #require(try model.parameter("gaussian_2.LineE").link)
        #expect(link.source == (try model.index(of: "gaussian_1.LineE")))
        #expect(abs(link.scale - scale) < 1e-15)
        #expect(abs(link.offset - offset) < 1e-15)
    }

    @Test(arguments: [
        ("gaussian_1.LineE * gaussian_1.Sigma", 18),
        ("gaussian_1.LineE + gaussian_1.Sigma", 18),
        ("1 / gaussian_1.LineE", 3),
        ("gaussian_1.LineE / 0", 18),
        ("gaussian_1.LineE +", 19),
        ("(gaussian_1.LineE", 18),
        ("gaussian_1.LineE $", 18),
        ("", 1),
    ])
    func rejectsNonlinearOrMalformedLinks(text: String, column: Int) throws {
        var model = try twoLines()
        do {
            try model.link("gaussian_2.LineE", to: text)
            Issue.record("expected an error for '\(text)'")
        } catch {
            guard case let .malformedLink(_, errorColumn, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(errorColumn == column)
        }
        #expect(try model.parameter("gaussian_2.LineE").link == nil)
    }

    @Test func constantRightHandSideSetsTheValue() throws {
        var model = try twoLines()
        try model.apply("gaussian_2.LineE=7.1")
        try model.apply("gaussian_2.Sigma = 2*0.05")
        #expect(try model.value("gaussian_2.LineE") == 7.1)
        #expect(try model.value("gaussian_2.Sigma") == 0.1)
        #expect(throws: ModelParameterError.malformedAddress("gaussian_2.LineE")) { try model.apply("gaussian_2.LineE") }
        #expect(throws: ModelParameterError.malformedAddress("=3")) { try model.apply("=3") }
    }

    @Test func cyclesAndSettingLinkedParametersAreRejected() throws {
        var model = try Model("gaussian + gaussian + gaussian")
        try model.link("gaussian_2.LineE", to: "gaussian_1.LineE")
        try model.link("gaussian_3.LineE", to: "gaussian_2.LineE + 1")
        #expect(throws: ModelParameterError.linkCycle(parameter: "gaussian_1.LineE",
                                                      through: ["gaussian_1.LineE", "gaussian_3.LineE", "gaussian_2.LineE", "gaussian_1.LineE"])) {
            try model.link("gaussian_1.LineE", to: "gaussian_3.LineE")
        }
        #expect(throws: ModelParameterError.self) { try model.link("gaussian_1.Sigma", to: "gaussian_1.Sigma") }
        #expect(throws: ModelParameterError.linked(parameter: "gaussian_2.LineE", link: "gaussian_1.LineE")) {
            try model.set("gaussian_2.LineE", to: 3)
        }
        try model.unlink("gaussian_2.LineE")
        try model.set("gaussian_2.LineE", to: 3)
        #expect(try model.value("gaussian_3.LineE") == 4)
    }

    @Test func linkedValuesMustRespectTheirLimits() throws {
        var model = try twoLines()
        try model.set("gaussian_1.Sigma", to: 8)
        #expect(throws: ModelParameterError.self) { try model.link("gaussian_2.Sigma", to: "3*gaussian_1.Sigma") }
        #expect(try model.parameter("gaussian_2.Sigma").link == nil)
        try model.link("gaussian_2.Sigma", to: "2*gaussian_1.Sigma")
        #expect(throws: ModelParameterError.outOfLimits(parameter: "gaussian_2.Sigma (= 2*gaussian_1.Sigma)", value: 22, min: 0, max: 20)) {
            try model.set("gaussian_1.Sigma", to: 11)
        }
        #expect(try model.value("gaussian_1.Sigma") == 8)
        #expect(try model.value("gaussian_2.Sigma") == 16)
    }

    @Test func freeVectorRoundTripsAndAppliesLinks() throws {
        var model = try Model("tbabs*(gaussian + gaussian)")
        try model.freeze("tbabs.nH")
        try model.link("gaussian_2.Sigma", to: "gaussian_1.Sigma")
        #expect(model.freeParameterNames == ["gaussian_1.LineE", "gaussian_1.Sigma", "gaussian_1.norm", "gaussian_2.LineE", "gaussian_2.norm"])
        #expect(model.freeValues == [6.5, 0.1, 1, 6.5, 1])
        #expect(model.freeBounds == [0...1e6, 0...10, 0...1e24, 0...1e6, 0...1e24])
        #expect(model.freeHardLimits[1] == 0...20)
        try model.setFreeValues([6.7, 0.2, 2, 6.9, 3])
        #expect(model.freeValues == [6.7, 0.2, 2, 6.9, 3])
        #expect(try model.value("gaussian_2.Sigma") == 0.2)
        #expect(throws: ModelParameterError.freeValueCount(expected: 5, got: 2)) { try model.setFreeValues([1, 2]) }
        #expect(throws: ModelParameterError.self) { try model.setFreeValues([6.7, 30, 2, 6.9, 3]) }
        #expect(model.freeValues == [6.7, 0.2, 2, 6.9, 3])
        try model.thaw("tbabs.nH")
        #expect(model.freeParameterNames.first == "tbabs.nH")
    }
}
