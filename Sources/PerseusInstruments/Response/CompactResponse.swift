import Foundation
import PerseusCore
import PerseusIO

/// A built-in response stored compactly in the binary, decoded into the ordinary `ResponseMatrix`
/// and `AncillaryResponse` that user files are read into, so everything downstream (band
/// selection, binning, folding, OGIP output) is the same for both.
///
/// The files are derived from the real CALDB responses by `scripts/derive_responses.py`, whose
/// docstring gives the layout. In brief: energies, channel bounds and the ARF are float32 copies;
/// the matrix is either a *polyline* per energy row (the fewest channels such that linear
/// interpolation between them stays within a tolerance of every element: NuSTAR, Chandra) or a
/// table of normalised *line-spread profiles* at knot energies, interpolated linearly between
/// knots and scaled by each row's exact sum (Hitomi SXS, whose rows all have the same shape
/// centred on their own channel). Matrix values are 16-bit logarithmic codes, v = 2^((k − 65535)
/// / 2048), a relative step of 3.4e-4. The script folds the decoded matrix against the real one
/// and prints the deviations; `BuiltInResponseAccuracyTests` repeats that with real models.
struct CompactResponse {
    /// The redistribution matrix, if the file has one (the XRISM file holds an ARF only).
    var matrix: ResponseMatrix?
    /// The effective area on the file's energy rows, if the file has one.
    var ancillary: AncillaryResponse?
    /// The energy rows.
    var energies: EnergyGrid

    /// Value of each 16-bit code.
    static let codeValues: [Double] = (0..<65536).map { $0 == 0 ? 0 : exp2((Double($0) - 65535) / 2048) }

    /// Decodes the embedded file `name` (e.g. `nustar-fpma.response`).
    static func decode(embedded name: String, identity: InstrumentIdentity) throws(InstrumentError) -> CompactResponse {
        guard let bytes = EmbeddedFiles.bytes(name) else {
            throw .corruptEmbeddedData(name: name, problem: "not embedded in this build")
        }
        return try decode(bytes, name: name, identity: identity)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, name: String, identity: InstrumentIdentity) throws(InstrumentError) -> CompactResponse {
        var cursor = BinaryCursor(bytes, name: name)
        try cursor.magic("PRSP")
        let version = try cursor.u32()
        guard version == 1 else { throw .corruptEmbeddedData(name: name, problem: "format version \(version), expected 1") }
        let kind = try cursor.u32()
        let energyCount = try cursor.u32(), channelCount = try cursor.u32()
        let firstChannel = try cursor.i32()
        let flags = try cursor.u32()
        func grid(_ lo: [Double], _ hi: [Double], _ what: String) throws(InstrumentError) -> EnergyGrid {
            do { return try EnergyGrid(lo: lo, hi: hi) } catch {
                throw .corruptEmbeddedData(name: name, problem: "\(what): \(error)")
            }
        }
        let energies = try grid(try cursor.floats(energyCount), try cursor.floats(energyCount), "energy grid")
        let channelLo = try cursor.floats(channelCount), channelHi = try cursor.floats(channelCount)
        var ancillary: AncillaryResponse?
        if flags & 1 != 0 {
            let area = try cursor.floats(energyCount)
            do {
                var arf = try AncillaryResponse(energies: energies, effectiveArea: area, identity: identity)
                arf.source = "built-in \(name)"
                ancillary = arf
            } catch { throw .corruptEmbeddedData(name: name, problem: "\(error)") }
        }
        guard kind != 0 else { return CompactResponse(matrix: nil, ancillary: ancillary, energies: energies) }
        let channels = try grid(channelLo, channelHi, "channel bounds")

        var rowRunStarts: [Int32] = [0]
        rowRunStarts.reserveCapacity(energyCount + 1)
        var runs: [ChannelRun] = []
        var values: [Float] = []
        let table = codeValues
        /// Appends one row from its dense values over channel indices `first ..< first + row.count`,
        /// trimming zeros at both ends.
        func appendRow(first: Int, _ row: ArraySlice<Float>) {
            var lo = row.startIndex, hi = row.endIndex
            while lo < hi, row[lo] == 0 { lo += 1 }
            while hi > lo, row[hi - 1] == 0 { hi -= 1 }
            if hi > lo {
                runs.append(ChannelRun(channel: Int32(first + lo - row.startIndex), count: Int32(hi - lo), valueOffset: Int32(values.count)))
                values.append(contentsOf: row[lo..<hi])
            }
            rowRunStarts.append(Int32(runs.count))
        }

        switch kind {
        case 1:
            let knotCounts = try cursor.u32s(energyCount)
            let streamLength = try cursor.u32()
            guard streamLength <= cursor.remaining else {
                throw .corruptEmbeddedData(name: name, problem: "knot stream of \(streamLength) bytes but \(cursor.remaining) remain")
            }
            var scratch: [Float] = []
            for row in 0..<energyCount {
                let count = knotCounts[row]
                guard count > 0 else { rowRunStarts.append(Int32(runs.count)); continue }
                var channel = [Int](repeating: 0, count: count)
                var value = [Double](repeating: 0, count: count)
                for k in 0..<count {
                    let step = try cursor.varint()
                    channel[k] = k == 0 ? step : channel[k - 1] + step
                    value[k] = table[Int(try cursor.u16())]
                    guard channel[k] < channelCount, k == 0 || step > 0 else {
                        throw .corruptEmbeddedData(name: name, problem: "row \(row): knot \(k) at channel index \(channel[k]) (of \(channelCount))")
                    }
                }
                let first = channel[0]
                scratch.removeAll(keepingCapacity: true)
                scratch.append(Float(value[0]))
                for k in 1..<max(1, count) {
                    // Linear interpolation, written as numpy.interp evaluates it.
                    let slope = (value[k] - value[k - 1]) / Double(channel[k] - channel[k - 1])
                    for c in (channel[k - 1] + 1)...channel[k] {
                        scratch.append(c == channel[k] ? Float(value[k]) : Float(slope * Double(c - channel[k - 1]) + value[k - 1]))
                    }
                }
                appendRow(first: first, scratch[...])
            }
        case 2:
            let shift = try cursor.i32(), offsetLow = try cursor.i32()
            let width = try cursor.u32(), knotCount = try cursor.u32()
            let knots = try cursor.u32s(knotCount)
            let sums = try cursor.floats(energyCount)
            let codes = try cursor.u16s(knotCount * width)
            guard knotCount >= 2, knots.first == 0, knots.last == energyCount - 1,
                  zip(knots, knots.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw .corruptEmbeddedData(name: name, problem: "profile knots must rise from row 0 to row \(energyCount - 1)")
            }
            let profiles = codes.map { table[Int($0)] }
            var segment = 0
            var scratch = [Float](repeating: 0, count: width)
            for row in 0..<energyCount {
                while segment < knotCount - 2, row > knots[segment + 1] { segment += 1 }
                let a = knots[segment], b = knots[segment + 1]
                let w = Double(row - a) / Double(b - a)
                let p0 = segment * width, p1 = (segment + 1) * width
                for j in 0..<width {
                    scratch[j] = Float(((1 - w) * profiles[p0 + j] + w * profiles[p1 + j]) * sums[row])
                }
                // Channel index of profile element j: row + shift + offsetLow + j; clip to the file's channels.
                let base = row + shift + offsetLow
                let lo = max(0, -base), hi = min(width, channelCount - base)
                if hi > lo { appendRow(first: base + lo, scratch[lo..<hi]) } else { rowRunStarts.append(Int32(runs.count)) }
            }
        default:
            throw .corruptEmbeddedData(name: name, problem: "unknown matrix kind \(kind)")
        }
        do {
            var matrix = try ResponseMatrix(energies: energies, channelEnergies: channels, firstChannel: firstChannel,
                                            rowRunStarts: rowRunStarts, runs: runs, values: values, identity: identity,
                                            channelType: "PI", threshold: 0)
            matrix.source = "built-in \(name)"
            return CompactResponse(matrix: matrix, ancillary: ancillary, energies: energies)
        } catch {
            throw .corruptEmbeddedData(name: name, problem: "\(error)")
        }
    }
}
