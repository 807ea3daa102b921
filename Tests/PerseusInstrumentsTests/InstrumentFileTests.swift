import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
import Testing
@testable import PerseusInstruments

/// Instrument files: the registry, custom instruments, user responses overriding built-in ones,
/// and errors that name the file, line and key.
@Suite struct InstrumentFileTests {
    @Test func registryListsTheBuiltInsAndRefusesUnknownNames() throws {
        let registry = Fixtures.registry
        #expect(registry.names == ["hitomi-sxs", "xrism-resolve", "nustar-fpma", "chandra-acis-i"])
        #expect {
            _ = try registry.definition(named: "suzaku-xis")
        } throws: { error in
            "\(error)" == "unknown instrument 'suzaku-xis'; valid instruments: hitomi-sxs, xrism-resolve, nustar-fpma, chandra-acis-i (or give --instrument-file PATH)"
        }
        let nustar = Fixtures.nustar
        #expect(nustar.defaultExposure == 1e6 && nustar.defaultBand == 3.0...80.0)
        #expect(nustar.identity.telescope == "NuSTAR" && nustar.identity.instrument == "FPMA")
        #expect(nustar.backgroundComponents == ["aperture", "fcxb", "lines", "continuum"])
        for name in registry.names {
            let instrument = Fixtures.instrument(name)
            #expect(instrument.modelGrid.isContiguous)
            #expect(instrument.modelGrid.lo[0] > 0, "\(name): the model grid starts above 0 keV")
        }
    }

    /// Writes a small RMF/ARF pair and an instrument file naming them, relative to the file.
    static func customInstrument(in directory: URL, extra: String = "") throws -> String {
        let energies = try EnergyGrid.linear(from: 1, to: 5, step: 0.5)
        let channels = try EnergyGrid.linear(from: 1, to: 5, step: 0.5)
        let dense = (0..<8).map { i in (0..<8).map { j in i == j ? 0.8 : (abs(i - j) == 1 ? 0.1 : 0) } }
        let rmf = try ResponseMatrix(energies: energies, channelEnergies: channels, firstChannel: 1, dense: dense,
                                     identity: InstrumentIdentity(telescope: "TOY", instrument: "CAM"))
        try rmf.write(to: directory.appendingPathComponent("toy.rmf").path)
        let arf = try AncillaryResponse(energies: energies, effectiveArea: [10, 20, 30, 40, 50, 60, 70, 80])
        try arf.write(to: directory.appendingPathComponent("toy.arf").path)
        let text = """
        # a toy camera
        name: toy-camera
        telescope: TOY
        instrument: CAM
        response:
          rmf: toy.rmf
          arf: toy.arf
        band: [1.5, 4.5]
        binning: 2
        exposure: 5000
        \(extra)
        """
        let path = directory.appendingPathComponent("toy.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func customInstrumentFromFilesRelativeToTheDefinition() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.customInstrument(in: directory)
        var registry = Fixtures.registry
        let added = try registry.add(path: directory.path)
        #expect(added == ["toy-camera"])
        let toy = try registry.instrument(named: "toy-camera")
        // Native channels 1…8 cover 1–5 keV in 0.5 keV; band 1.5–4.5 keV holds channels 2…7; pairs
        // (2,3), (4,5), (6,7) are output channels 1, 2, 3.
        #expect(toy.channels.firstChannel == 1 && toy.channels.count == 3)
        #expect(toy.channels.energies.lo == [1.5, 2.5, 3.5] && toy.channels.energies.hi == [2.5, 3.5, 4.5])
        let counts = try toy.defaultFolder.expectedCounts(photonFlux: [Double](repeating: 1, count: toy.modelGrid.count), exposure: 1)
        #expect(counts.count == 3 && counts.allSatisfy { $0 > 0 })
        #expect(toy.responseDescription.contains("toy.rmf") && toy.responseDescription.contains("toy.arf"))
    }

    @Test func userResponsesOverrideTheBuiltIn() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.customInstrument(in: directory)
        let rmf = directory.appendingPathComponent("toy.rmf").path, arf = directory.appendingPathComponent("toy.arf").path
        // The user's RMF with chandra's ARF: different grids, refused with both sizes named.
        #expect {
            _ = try Fixtures.registry.instrument(named: "chandra-acis-i", rmf: rmf)
        } throws: { error in
            "\(error)".contains("has 8 energy bins") && "\(error)".contains("but chandra-acis-i's ARF has 1024") && "\(error)".contains("--arf")
        }
        // The built-in band (0.5–7 keV) does not fit the toy response: a clear error, not a silent change.
        #expect {
            _ = try Fixtures.registry.instrument(named: "chandra-acis-i", rmf: rmf, arf: arf)
        } throws: { error in
            "\(error)".contains("cover 1.0–5.0 keV; with your own RMF choose a band inside its channels (--band LO:HI)")
        }
        let overridden = try Fixtures.registry.instrument(named: "chandra-acis-i", rmf: rmf, arf: arf, band: 1.0...5.0)
        #expect(overridden.response.matrix.energyCount == 8)
        #expect(overridden.responseDescription == "RMF \(rmf) + ARF \(arf)")
        #expect(overridden.channels.count == 8 && overridden.identity.telescope == "CHANDRA")
    }

    @Test(arguments: [
        ("name: x\ntelescope: T\ninstrument: I\nresponse: {builtin: nustar-fpma}\nband: [3, 80]\nexposure: 1e5\ncolour: red\n",
         "line 7, colour: unknown key"),
        ("name: x\ntelescope: T\ninstrument: I\nresponse: {builtin: nustar-fpma}\nband: [80, 3]\nexposure: 1e5\n",
         "line 5, band: expected [LOW, HIGH] keV with 0 ≤ LOW < HIGH"),
        ("name: x\ntelescope: T\ninstrument: I\nresponse: {builtin: nustar-fpma}\nband: [3, 80]\n",
         "exposure: missing; this key is required"),
        ("name: x\ntelescope: T\ninstrument: I\nresponse: {}\nband: [3, 80]\nexposure: 1e5\n",
         "response: give builtin: NAME or rmf: FILE"),
        ("name: x\ntelescope: T\ninstrument: I\nresponse: {builtin: nustar-fpma}\nband: [3, 80]\nexposure: ten\n",
         "line 6, exposure: expected a number, got 'ten'"),
        ("name: x\n  telescope: [\n", "not valid YAML"),
    ])
    func invalidFilesNameLineAndKey(_ text: String, _ expected: String) throws {
        #expect {
            _ = try InstrumentDefinition.parse(text, origin: "bad.yaml", directory: nil)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("bad.yaml") && message.contains(expected)
        }
    }

    @Test func missingFilesAreReported() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.customInstrument(in: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("toy.arf"))
        let definition = try InstrumentDefinition.read(path: path)
        #expect(throws: (any Error).self) { _ = try Instrument(definition: definition) }
        var registry = InstrumentRegistry()
        #expect(throws: InstrumentError.self) { try registry.add(path: directory.appendingPathComponent("nothing.yaml").path) }
    }
}
