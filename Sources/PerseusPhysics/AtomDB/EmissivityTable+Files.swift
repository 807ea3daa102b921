import Foundation
import PerseusIO

extension EmissivityTable {
    /// Reads the full AtomDB APEC tables (XSPEC's and pyatomdb's `apec_v3.0.9_line.fits` and
    /// `apec_v3.0.9_coco.fits`, or any version in the same format).
    ///
    /// Format (AtomDB's "LINE MODEL" / "COMP CONT MODEL"): HDU `PARAMETERS` lists kT [keV] for
    /// each temperature; HDU 2 + t of the line file lists that temperature's lines (`Lambda` [Å],
    /// `Epsilon` [photons cm³ s⁻¹], `Element`, `Ion`, `UpperLev`, `LowerLev`: a line is the same
    /// transition at every temperature where its element, ion, levels and λ agree); HDU 2 + t of the continuum file lists per
    /// element (`Z`) and ion (`rmJ`, 0 = element total) the continuum (`E_Cont` [keV],
    /// `Continuum` [photons cm³ s⁻¹ keV⁻¹], first `N_Cont` valid) and pseudo-continuum
    /// (`E_Pseudo`, `Pseudo`, `N_Pseudo`), and the electron temperature in keyword TEMPERATURE [K].
    /// Every line is kept (none is folded); energies are 12.3984191 / Lambda keV as in XSPEC.
    ///
    /// Reading takes about a second (release build); each model component that names the
    /// directory reads the tables once, when it is built.
    /// - Throws: `AtomDBError.invalidFile` naming the file, HDU, row and field of a value that
    ///   is out of range; `AtomDBError.unreadable` with the FITS layer's description (file, HDU,
    ///   column or keyword) when a table cannot be read.
    public static func read(_ files: AtomDBFiles) throws(AtomDBError) -> EmissivityTable {
        do {
            let lineFile = try FITSFile.open(files.lineFile)
            defer { try? lineFile.close() }
            let cocoFile = try FITSFile.open(files.continuumFile)
            defer { try? cocoFile.close() }
            _ = try lineFile.moveToExtension(named: "PARAMETERS")
            let kT = try lineFile.readScalars("kT", as: Double.self)
            _ = try cocoFile.moveToExtension(named: "PARAMETERS")
            let cocoKT = try cocoFile.readScalars("kT", as: Double.self)
            guard kT == cocoKT else {
                throw AtomDBError.invalidFile(file: files.continuumFile, location: "PARAMETERS kT",
                                              expected: "the same \(kT.count) temperatures as \(files.lineFile) (found \(cocoKT.count))")
            }
            let hc = 12.3984191
            var records: [TemperatureRecord] = []
            // One identifier per (element, ion, upper level, lower level, float32 wavelength),
            // shared across temperatures (the compact table's derivation keys lines the same way;
            // one Fe XVI transition is listed at two wavelengths).
            var transitionIDs: [TransitionKey: UInt32] = [:]
            var levels: [TransitionLevels] = []
            records.reserveCapacity(kT.count)
            for t in kT.indices {
                // HDUs are numbered from 1: PRIMARY, PARAMETERS, then one per temperature.
                let hdu = t + 3
                try lineFile.moveTo(hdu: hdu)
                let where_ = "HDU \(hdu) (temperature \(t + 1), kT \(kT[t]) keV)"
                let lambda = try lineFile.readScalars("Lambda", as: Double.self)
                let epsilon = try lineFile.readScalars("Epsilon", as: Double.self)
                let element = try lineFile.readScalars("Element", as: Int32.self)
                let ion = try lineFile.readScalars("Ion", as: Int32.self)
                let upper = try lineFile.readScalars("UpperLev", as: Int32.self)
                let lower = try lineFile.readScalars("LowerLev", as: Int32.self)
                var energies = [Double](), elements = [UInt8](), ions = [UInt8](), emissivities = [Double]()
                var transitions = [UInt32]()
                energies.reserveCapacity(lambda.count)
                for i in lambda.indices {
                    let z = Int(element[i]), q = Int(ion[i])
                    guard (1...30).contains(z), (1...(z + 1)).contains(q), lambda[i] > 0, epsilon[i].isFinite, epsilon[i] >= 0 else {
                        throw AtomDBError.invalidFile(file: files.lineFile, location: "\(where_) row \(i + 1)",
                                                      expected: "Element 1–30, Ion 1–Z+1, Lambda > 0, Epsilon ≥ 0 (found \(z), \(q), \(lambda[i]), \(epsilon[i]))")
                    }
                    guard upper[i] >= 1, lower[i] >= 1 else {
                        throw AtomDBError.invalidFile(file: files.lineFile, location: "\(where_) row \(i + 1)",
                                                      expected: "UpperLev and LowerLev ≥ 1 (found \(upper[i]), \(lower[i]))")
                    }
                    let key = TransitionKey(element: UInt8(z), ion: UInt8(q), upper: upper[i], lower: lower[i],
                                            wavelength: Float(lambda[i]).bitPattern)
                    if let id = transitionIDs[key] {
                        transitions.append(id)
                    } else {
                        let id = UInt32(transitionIDs.count)
                        transitionIDs[key] = id
                        transitions.append(id)
                        levels.append(TransitionLevels(upper: UInt32(upper[i]), lower: UInt32(lower[i])))
                    }
                    energies.append(hc / lambda[i])
                    elements.append(UInt8(z))
                    ions.append(UInt8(q))
                    emissivities.append(epsilon[i])
                }
                try cocoFile.moveTo(hdu: hdu)
                let kelvin = try cocoFile.double("TEMPERATURE")
                let z = try cocoFile.readScalars("Z", as: Int32.self)
                let rmJ = try cocoFile.readScalars("rmJ", as: Int32.self)
                let nCont = try cocoFile.readScalars("N_Cont", as: Int32.self)
                let nPseudo = try cocoFile.readScalars("N_Pseudo", as: Int32.self)
                let eCont = try cocoFile.readCells("E_Cont", as: Double.self)
                let cont = try cocoFile.readCells("Continuum", as: Double.self)
                let ePseudo = try cocoFile.readCells("E_Pseudo", as: Double.self)
                let pseudo = try cocoFile.readCells("Pseudo", as: Double.self)
                var continua: [EmissionCurve] = [], pseudoContinua: [EmissionCurve] = []
                for r in z.indices {
                    let element = Int(z[r]), stage = Int(rmJ[r])
                    guard (1...30).contains(element), (0...(element + 1)).contains(stage) else {
                        throw AtomDBError.invalidFile(file: files.continuumFile, location: "\(where_) row \(r + 1)",
                                                      expected: "Z 1–30 and rmJ 0–Z+1 (found \(element), \(stage))")
                    }
                    func curve(_ e: FITSCells<Double>, _ v: FITSCells<Double>, _ n: Int32, _ name: String) throws(AtomDBError) -> EmissionCurve? {
                        let count = Int(n)
                        guard count >= 0, count <= e.count(r), count <= v.count(r) else {
                            throw AtomDBError.invalidFile(file: files.continuumFile, location: "\(where_) row \(r + 1) N_\(name)",
                                                          expected: "0 … \(min(e.count(r), v.count(r))) (found \(count))")
                        }
                        guard count >= 2 else { return nil }
                        let energies = Array(e[r].prefix(count)), values = Array(v[r].prefix(count))
                        for k in 1..<count where !(energies[k] >= energies[k - 1]) {
                            throw AtomDBError.invalidFile(file: files.continuumFile, location: "\(where_) row \(r + 1) E_\(name)[\(k + 1)]",
                                                          expected: "non-decreasing energies (found \(energies[k]) after \(energies[k - 1]))")
                        }
                        return EmissionCurve(element: element, ion: stage, energies: energies, values: values)
                    }
                    if let c = try curve(eCont, cont, nCont[r], "Cont") { continua.append(c) }
                    if let p = try curve(ePseudo, pseudo, nPseudo[r], "Pseudo") { pseudoContinua.append(p) }
                }
                records.append(TemperatureRecord(
                    kT: kT[t], electronTemperature: kelvin,
                    lines: LineList(energies: energies, elements: elements, ions: ions, emissivities: emissivities,
                                    transitions: transitions),
                    continua: continua, pseudoContinua: pseudoContinua))
            }
            let version = files.version.isEmpty ? "" : " \(files.version)"
            return try EmissivityTable(origin: "AtomDB\(version) (\(files.lineFile))", records: records, transitionLevels: levels)
        } catch let error as AtomDBError {
            throw error
        } catch let error as FITSError {
            throw AtomDBError.unreadable(error)
        } catch {
            throw AtomDBError.invalidFile(file: files.lineFile, location: "reading the APEC tables", expected: "readable FITS tables (\(error))")
        }
    }
}

/// A line's identity across the temperatures of the full tables.
private struct TransitionKey: Hashable {
    let element: UInt8
    let ion: UInt8
    let upper: Int32
    let lower: Int32
    let wavelength: UInt32
}
