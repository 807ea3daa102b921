// Example: define an instrument in a file and simulate through it next to a built-in one.
//
// A 2 eV microcalorimeter (microcalorimeter-2ev.yaml, beside this file) and the built-in
// 5 eV XRISM Resolve both observe the core of a Perseus-like cluster, `tbabs*bapec` with
// kT = 4 keV, Z = 0.6 solar, z = 0.0179 and 160 km/s turbulence (Hitomi Collaboration 2016).
// The program writes one fakeit spectrum per instrument (OGIP PHA + RMF + ARF) and prints the
// counts of the Fe XXV Heα complex and the peak of the resonance line w. With 160 km/s the
// line is ~8 eV FWHM (σ = v/c · E), already resolved at 5 eV: better resolution sharpens it only a little.
//
//   swift run -c release custom-instrument-example [OUTPUT_DIRECTORY]
import Foundation
import Perseus

let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let output = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : FileManager.default.temporaryDirectory.path

do {
    var registry = try InstrumentRegistry.standard()
    try registry.add(path: here.appendingPathComponent("microcalorimeter-2ev.yaml").path)

    var model = try Model("tbabs*bapec")
    for assignment in ["tbabs.nH=0.138", "bapec.kT=4", "bapec.Abundanc=0.6", "bapec.Redshift=0.0179",
                       "bapec.Velocity=160", "bapec.norm=0.5"] {
        try model.apply(assignment)
    }
    // The Fe XXV Heα complex at z = 0.0179: x, y, z and w lie between 6.58 and 6.72 keV at rest.
    let complex = (6.58 / 1.0179)...(6.72 / 1.0179)
    let lineW = 6.7004 / 1.0179

    for name in ["xrism-resolve", "microcal-2ev"] {
        let instrument = try registry.instrument(named: name)
        let folder = try instrument.folder(band: 6.0...7.0)
        let result = try FakeIt.simulate(model: model, folder: folder, exposure: 100_000,
                                         options: FakeIt.Options(seed: 2016))
        let path = URL(fileURLWithPath: output).appendingPathComponent("perseus-core-\(name).pha").path
        let files = try FakeIt.write(result, folder: folder, identity: instrument.identity, to: path, overwrite: true)

        let energies = result.channels.energies
        var inComplex = 0.0, peak = 0.0, peakEnergy = 0.0
        for k in 0..<energies.count {
            let centre = 0.5 * (energies.lo[k] + energies.hi[k])
            if complex.contains(centre) { inComplex += result.counts[k] }
            if abs(centre - lineW) < 0.01, result.expected[k] > peak { peak = result.expected[k]; peakEnergy = centre }
        }
        let width = (energies.hi[0] - energies.lo[0]) * 1000
        print("\(name): \(result.channels.count) channels of \(String(format: "%.1f", width)) eV, "
              + "\(Int(result.counts.reduce(0, +))) counts in 6-7 keV, \(Int(inComplex)) in Fe XXV Heα; "
              + "line w peaks at \(String(format: "%.4f", peakEnergy)) keV with \(String(format: "%.0f", peak / width)) expected counts/eV")
        print("  wrote \(files.spectrum) (+ \(files.rmf)\(files.arf.map { ", \($0)" } ?? ""))")
    }
} catch {
    FileHandle.standardError.write(Data("custom-instrument-example: \(error)\n".utf8))
    exit(1)
}
