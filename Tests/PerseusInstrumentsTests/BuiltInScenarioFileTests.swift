import Foundation
import Testing
import PerseusTestSupport
@testable import PerseusInstruments

/// The built-in scenario files parse and describe the studies' datasets.
@Suite struct BuiltInScenarioFileTests {
    static func file(_ name: String) -> String {
        ReferenceData.packageRoot.appendingPathComponent("Scenarios/\(name).yaml").path
    }

    @Test func ichinohe2019() throws {
        let s = try ScenarioParser.read(path: Self.file("ichinohe2019"))
        #expect(s.instrument == "hitomi-sxs" && s.band == 1.8...9.0)
        #expect(s.classes.map(\.name) == ["1T", "2T", "NEI"] && s.classes.map(\.count) == [10000, 1000, 1000])
        #expect(s.classes.map(\.isAnomaly) == [false, true, true])
    }

    @Test func lin2024() throws {
        let s = try ScenarioParser.read(path: Self.file("lin2024"))
        #expect(s.instrument == "nustar-fpma" && s.exposure == 1e6 && s.band == 3...80 && s.background == .all)
        #expect(s.classes.map(\.count) == [10000, 1000, 1000] && s.classes.map(\.isAnomaly) == [false, false, true])
        // The anchored 2T priors are shared by training and test classes.
        #expect(s.classes[1].parameters.map(\.address) == s.classes[0].parameters.map(\.address))
        #expect(s.classes[1].parameters.map(\.prior) == s.classes[0].parameters.map(\.prior))
    }
}

/// The embedded copies are the files of Scenarios/.
@Suite struct EmbeddedScenarioTests {
    @Test func embeddedTextsEqualTheFiles() throws {
        #expect(BuiltInScenarios.names == ["ichinohe2019", "lin2024"])
        for name in BuiltInScenarios.names {
            let file = try String(contentsOfFile: BuiltInScenarioFileTests.file(name), encoding: .utf8)
            #expect(BuiltInScenarios.text(named: name) == file, "\(name): rebuild after editing (touch Sources/PerseusData/scenarios.S)")
            #expect(try BuiltInScenarios.scenario(named: name).name == name)
        }
        #expect(throws: ScenarioError.self) { try BuiltInScenarios.scenario(named: "nope") }
    }
}
