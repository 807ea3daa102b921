import Testing
@testable import PerseusPhysics

/// Addressing parameters by XSPEC names: repeats, case, prefixes, ambiguity, unknown names.
struct ParameterAddressingTests {
    /// `tbabs*(bknpower + lorentz + lorentz)`: repeated lorentz, two PhoIndx parameters.
    let model: Model

    init() throws {
        model = try Model("tbabs*(bknpower + lorentz + lorentz)")
    }

    @Test func namesFollowXSPEC() {
        #expect(model.parameterNames == [
            "tbabs.nH",
            "bknpower.PhoIndx1", "bknpower.BreakE", "bknpower.PhoIndx2", "bknpower.norm",
            "lorentz_1.LineE", "lorentz_1.Width", "lorentz_1.norm",
            "lorentz_2.LineE", "lorentz_2.Width", "lorentz_2.norm",
        ])
    }

    @Test(arguments: [
        ("tbabs.nH", 0), ("TBABS.NH", 0), ("tb.n", 0), ("nH", 0),
        ("bknpower.BreakE", 2), ("bkn.b", 2), ("BreakE", 2), ("bknpower.phoindx2", 3),
        ("lorentz_2.LineE", 8), ("lorentz_2.line", 8), ("lor_2.w", 9), ("lorentz_1.norm", 7),
        ("  lorentz_1.Width ", 6),
    ])
    func resolvesAddresses(address: String, index: Int) throws {
        #expect(try model.index(of: address) == index)
    }

    @Test func singleInstanceAcceptsNumberedLabel() throws {
        #expect(try model.index(of: "tbabs_1.nH") == 0)
        #expect(try model.index(of: "bknpower_1.norm") == 4)
    }

    @Test func ambiguousAddressesListCandidates() {
        #expect(throws: ModelParameterError.ambiguousComponent(address: "lorentz.LineE", candidates: ["lorentz_1", "lorentz_2"])) {
            try model.index(of: "lorentz.LineE")
        }
        #expect(throws: ModelParameterError.ambiguousParameter(address: "bknpower.PhoIndx", candidates: ["PhoIndx1", "PhoIndx2"])) {
            try model.index(of: "bknpower.PhoIndx")
        }
        #expect(throws: ModelParameterError.ambiguousParameter(address: "norm",
                                                               candidates: ["bknpower.norm", "lorentz_1.norm", "lorentz_2.norm"])) {
            try model.index(of: "norm")
        }
        #expect(throws: ModelParameterError.malformedAddress("lorentz_1.")) {
            try model.index(of: "lorentz_1.")
        }
    }

    @Test func unknownAddressesListTheValidOnes() {
        #expect(throws: ModelParameterError.unknownComponent(address: "apec.kT",
                                                             valid: ["tbabs", "bknpower", "lorentz_1", "lorentz_2"])) {
            try model.index(of: "apec.kT")
        }
        #expect(throws: ModelParameterError.unknownComponent(address: "lorentz_3.LineE",
                                                             valid: ["tbabs", "bknpower", "lorentz_1", "lorentz_2"])) {
            try model.index(of: "lorentz_3.LineE")
        }
        #expect(throws: ModelParameterError.unknownParameter(address: "tbabs.kT", valid: ["nH"])) {
            try model.index(of: "tbabs.kT")
        }
        #expect(throws: ModelParameterError.malformedAddress("")) { try model.index(of: "") }
    }

    @Test func errorMessagesNameWhatWasExpected() {
        let error = ModelParameterError.unknownParameter(address: "tbabs.kT", valid: ["nH"])
        #expect(error.description == "no parameter matches 'tbabs.kT'; valid: nH")
        let ambiguous = ModelParameterError.ambiguousComponent(address: "lorentz.LineE", candidates: ["lorentz_1", "lorentz_2"])
        #expect(ambiguous.description.contains("lorentz_1, lorentz_2"))
    }
}
