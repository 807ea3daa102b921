import Testing
import PerseusCore
@testable import PerseusInstruments

@Suite struct ScenarioParserTests {
    static let valid = """
    name: demo
    description: two classes
    instrument: nustar-fpma
    exposure: 1e6
    band: [3, 80]
    abundance: ANGR
    background: true
    region: {radius: 4}
    seed: 7
    classes:
      - name: 2T
        label: normal
        count: 100
        model: tbabs*(apec+apec)
        parameters:
          nH: 0.00858
          apec_1.kT: uniform(1, 10)
          apec_2.kT: uniform(1, 10)
          apec_1.Abundanc: uniform(0.1, 1)
          apec_2.Abundanc: = apec_1.Abundanc
          apec_1.norm: loguniform(0.01, 1)
          apec_2.norm: = apec_1.norm / 2
      - name: IC
        label: anomaly
        count: 10
        model: tbabs*(apec+powerlaw)
        parameters:
          powerlaw.PhoIndex: 2
          powerlaw.norm: uniform(2e-4, 2e-3)
    """

    @Test func parsesEveryField() throws {
        let s = try ScenarioParser.parse(Self.valid, origin: "demo.yaml")
        #expect(s.name == "demo" && s.instrument == "nustar-fpma" && s.exposure == 1e6 && s.band == 3...80)
        #expect(s.abundanceTable == "angr" && s.background == .all && s.region == .circle(radiusArcmin: 4) && s.seed == 7)
        #expect(s.classes.count == 2 && s.sampleCount == 110)
        #expect(s.classes[1].isAnomaly && !s.classes[0].isAnomaly)
        let p = s.classes[0].parameters
        #expect(p[0].prior == .fixed(0.00858))
        #expect(p[1].prior == .uniform(lower: 1, upper: 10))
        #expect(p[4].prior == .linked(to: "apec_1.Abundanc"))
        #expect(p[5].prior == .logUniform(lower: 0.01, upper: 1))
        if case .derived = p[6].prior {} else { Issue.record("expected a derived prior, got \(p[6].prior)") }
        #expect(p[1].location.line == 17)
        #expect(s.withClassCount(5).sampleCount == 10)
        #expect(s.sourceText == Self.valid)
    }

    /// Each bad file fails with the line and key of the problem.
    @Test(arguments: [
        ("name: x\ninstrument: a\nexposure: -5\nclasses: []", 3, "exposure"),
        ("name: x\ninstrument: a\nclasses:\n  - {name: a, label: normal, count: 1, model: po, parameters: {PhoIndex: 'uniform(3, 1)'}}", 4, "classes[1].parameters.PhoIndex"),
        ("name: x\nclasses:\n  - {name: a, label: normal, count: 1, model: po}", nil, "instrument"),
        ("name: x\ninstrument: a\nexposre: 5\nclasses:\n  - {name: a, label: normal, count: 1, model: po}", 3, "exposre"),
        ("name: x\ninstrument: a\nclasses:\n  - {name: a, label: weird, count: 1, model: po}", 4, "classes[1].label"),
        ("name: x\ninstrument: a\nclasses:\n  - {name: a, label: normal, count: 1.5, model: po}", 4, "classes[1].count"),
        ("name: x\ninstrument: a\nband: [9, 2]\nclasses:\n  - {name: a, label: normal, count: 1, model: po}", 3, "band"),
        ("name: x\ninstrument: a\nclasses:\n  - {name: a, label: normal, count: 1, model: po, parameters: {norm: 'triangle(1,2)'}}", 4, "classes[1].parameters.norm"),
        ("name: x\ninstrument: a\nclasses:\n  - {name: a, label: normal, count: 1, model: po}\n  - {name: A, label: anomaly, count: 1, model: po}", 5, "classes[2].name"),
        ("name: [x\n", 2, nil),
    ] as [(String, Int?, String?)])
    func badFilesNameLineAndKey(text: String, line: Int?, key: String?) {
        do {
            _ = try ScenarioParser.parse(text, origin: "bad.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
            #expect(error.description.hasPrefix("bad.yaml"), "\(error)")
        }
    }
}
