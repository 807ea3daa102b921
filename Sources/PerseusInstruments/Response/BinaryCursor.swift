/// Reads little-endian values from an embedded blob, failing (instead of crashing) when the blob
/// is shorter than its own header says.
struct BinaryCursor {
    let bytes: UnsafeRawBufferPointer
    let name: String
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, name: String) {
        self.bytes = bytes
        self.name = name
    }

    var remaining: Int { bytes.count - offset }

    private mutating func advance(_ count: Int) throws(InstrumentError) -> Int {
        guard count >= 0, count <= remaining else {
            throw .corruptEmbeddedData(name: name, problem: "needs \(count) more bytes at offset \(offset) but has \(remaining)")
        }
        defer { offset += count }
        return offset
    }

    mutating func magic(_ expected: String) throws(InstrumentError) {
        let start = try advance(4)
        let found = String(decoding: bytes[start..<(start + 4)], as: UTF8.self)
        guard found == expected else {
            throw .corruptEmbeddedData(name: name, problem: "magic is '\(found)', expected '\(expected)'")
        }
    }

    mutating func u32() throws(InstrumentError) -> Int {
        Int(bytes.loadUnaligned(fromByteOffset: try advance(4), as: UInt32.self).littleEndian)
    }

    mutating func i32() throws(InstrumentError) -> Int {
        Int(Int32(bitPattern: bytes.loadUnaligned(fromByteOffset: try advance(4), as: UInt32.self).littleEndian))
    }

    mutating func u16() throws(InstrumentError) -> UInt16 {
        bytes.loadUnaligned(fromByteOffset: try advance(2), as: UInt16.self).littleEndian
    }

    mutating func varint() throws(InstrumentError) -> Int {
        var value = 0, shift = 0
        while true {
            let byte = bytes[try advance(1)]
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            guard shift < 35 else { throw .corruptEmbeddedData(name: name, problem: "varint too long at offset \(offset)") }
        }
    }

    /// `count` float32 values widened to Double.
    mutating func floats(_ count: Int) throws(InstrumentError) -> [Double] {
        let start = try advance(4 * count)
        return (0..<count).map { Double(Float(bitPattern: bytes.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self).littleEndian)) }
    }

    /// `count` float32 values.
    mutating func float32s(_ count: Int) throws(InstrumentError) -> [Float] {
        let start = try advance(4 * count)
        return (0..<count).map { Float(bitPattern: bytes.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self).littleEndian) }
    }

    mutating func u32s(_ count: Int) throws(InstrumentError) -> [Int] {
        let start = try advance(4 * count)
        return (0..<count).map { Int(bytes.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self).littleEndian) }
    }

    mutating func u16s(_ count: Int) throws(InstrumentError) -> [UInt16] {
        let start = try advance(2 * count)
        return (0..<count).map { bytes.loadUnaligned(fromByteOffset: start + 2 * $0, as: UInt16.self).littleEndian }
    }
}
