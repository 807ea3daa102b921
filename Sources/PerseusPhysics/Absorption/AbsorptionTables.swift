import Foundation
import PerseusCore
import PerseusData

/// The photo-absorption cross sections embedded in Perseus, decoded once.
///
/// Derived by `scripts/derive_absorption.py` from the astromodels 2.6.0 tables in
/// ../shared/data/absorption (computed with XSPEC; BSD-3, see the README's credits): tbabs for
/// the `angr`, `aspl` and `wilm` abundance tables, phabs for `angr` and `aspl`, wabs (fixed
/// Morrison & McCammon abundances). The blob layout is documented in the script.
public enum AbsorptionTables {
    /// Tables keyed by "model_abundance", e.g. "tbabs_wilm".
    public static let all: [String: CrossSectionTable] = decode()

    /// Abundance tables available for `model`, sorted.
    public static func abundanceTables(for model: String) -> [String] {
        all.values.filter { $0.model == model }.map(\.abundanceTable).sorted()
    }

    /// The table of `model` for `abundanceTable`, or nil.
    public static func table(model: String, abundanceTable: String) -> CrossSectionTable? {
        all["\(model)_\(abundanceTable.lowercased())"]
    }

    private static func decode() -> [String: CrossSectionTable] {
        let blob = perseus_absorption_cross_sections()
        let bytes = UnsafeRawBufferPointer(start: blob.bytes, count: blob.size)
        // The blob is produced by our own script and checked by tests; a malformed one is a
        // build defect, not user input.
        precondition(bytes.count >= 16 && bytes[0] == 0x50 && bytes[1] == 0x58 && bytes[2] == 0x53 && bytes[3] == 0x41,
                     "embedded absorption_xsect.bin is malformed (bad magic); rerun scripts/derive_absorption.py")
        var offset = 4
        func u32() -> Int {
            let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
            offset += 4
            return Int(value)
        }
        func f64() -> Double {
            let value = Double(bitPattern: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
            offset += 8
            return value
        }
        func f32s(_ count: Int) -> [Double] {
            let values = (0..<count).map { i in
                Double(Float(bitPattern: bytes.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self).littleEndian))
            }
            offset += 4 * count
            return values
        }
        func text(_ length: Int) -> String {
            let raw = bytes[offset..<(offset + length)].prefix { $0 != 0 }
            offset += length
            return String(decoding: raw, as: UTF8.self)
        }
        let version = u32()
        precondition(version == 1, "embedded absorption_xsect.bin has format version \(version); expected 1")
        let count = u32(), tableCount = u32()
        precondition(bytes.count == 16 + 4 * count + tableCount * (32 + 24 + 4 * count),
                     "embedded absorption_xsect.bin has \(bytes.count) bytes; inconsistent with its header")
        let energies = f32s(count)
        var tables: [String: CrossSectionTable] = [:]
        for _ in 0..<tableCount {
            let name = text(16), abundance = text(8), model = text(8)
            let slope = f64()
            _ = f64()   // lower end of the fit range [keV]
            _ = f64()   // largest fit residual
            let sigma = f32s(count)
            tables[name] = CrossSectionTable(model: model, abundanceTable: abundance, energies: energies,
                                             sigma: sigma, highEnergySlope: slope)
        }
        return tables
    }
}
