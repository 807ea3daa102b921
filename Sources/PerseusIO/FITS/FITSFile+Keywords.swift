import CFITSIO
import Foundation

/// A header keyword value to write.
public enum FITSKeywordValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case real(Double)
    case logical(Bool)
}

/// Reading and writing header keywords of the current HDU.
///
/// The `optional…` readers return nil when the keyword is absent; the plain readers throw
/// `FITSError.missingKeyword`. A keyword whose value cannot be converted to the type asked for
/// (a word where a number is expected, a blank value) throws `FITSError.invalidKeyword` with the
/// value as written. Numbers written as quoted strings ('0') are converted by cfitsio, as
/// XSPEC's reader does.
extension FITSFile {
    /// cfitsio status codes this layer handles itself.
    static let keywordNotFound: Int32 = 202      // KEY_NO_EXIST
    static let valueUndefined: Int32 = 204       // VALUE_UNDEFINED
    static let conversionFailures: Set<Int32> = [204, 404, 405, 406, 407, 408, 409, 410, 411, 412]

    /// Whether the current HDU has the keyword.
    public func hasKeyword(_ name: String) throws(FITSError) -> Bool {
        try rawValue(name) != nil
    }

    /// The value field of a keyword exactly as written (quotes included), or nil if absent.
    public func rawValue(_ name: String) throws(FITSError) -> String? {
        var value = [CChar](repeating: 0, count: 128)
        var comment = [CChar](repeating: 0, count: 128)
        let status = try attempt { handle, status in ffgkey(handle, name, &value, &comment, &status) }
        if status == FITSFile.keywordNotFound { return nil }
        if status > 0 {
            throw .invalidKeyword(file: path, hdu: currentHDUName, keyword: name, value: "(unreadable)", expected: "a valid header card")
        }
        return FITSLibrary.string(from: value)
    }

    /// A string keyword (long-string CONTINUE convention supported), trailing blanks removed.
    public func optionalString(_ name: String) throws(FITSError) -> String? {
        var pointer: UnsafeMutablePointer<CChar>?
        var comment = [CChar](repeating: 0, count: 128)
        let status = try attempt { handle, status in ffgkls(handle, name, &pointer, &comment, &status) }
        defer { if let pointer { free(pointer) } }
        if status == FITSFile.keywordNotFound { return nil }
        if status > 0 { throw try conversionError(name, expected: "a string") }
        guard let pointer else { return nil }
        var text = String(cString: pointer)
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// An integer keyword, or nil if absent.
    public func optionalInt(_ name: String) throws(FITSError) -> Int? {
        var value: Int64 = 0
        let status = try attempt { handle, status in ffgkyjj(handle, name, &value, nil, &status) }
        if status == FITSFile.keywordNotFound { return nil }
        if status > 0 { throw try conversionError(name, expected: "an integer") }
        guard let result = Int(exactly: value) else { throw try conversionError(name, expected: "an integer") }
        return result
    }

    /// A real keyword, or nil if absent.
    public func optionalDouble(_ name: String) throws(FITSError) -> Double? {
        var value: Double = 0
        let status = try attempt { handle, status in ffgkyd(handle, name, &value, nil, &status) }
        if status == FITSFile.keywordNotFound { return nil }
        if status > 0 { throw try conversionError(name, expected: "a number") }
        return value
    }

    /// A logical keyword (T or F), or nil if absent.
    public func optionalBool(_ name: String) throws(FITSError) -> Bool? {
        var value: Int32 = 0
        let status = try attempt { handle, status in ffgkyl(handle, name, &value, nil, &status) }
        if status == FITSFile.keywordNotFound { return nil }
        if status > 0 { throw try conversionError(name, expected: "a logical value T or F") }
        return value != 0
    }

    /// A string keyword that must be present.
    public func string(_ name: String) throws(FITSError) -> String {
        guard let value = try optionalString(name) else { throw missing(name) }
        return value
    }

    /// An integer keyword that must be present.
    public func int(_ name: String) throws(FITSError) -> Int {
        guard let value = try optionalInt(name) else { throw missing(name) }
        return value
    }

    /// A real keyword that must be present.
    public func double(_ name: String) throws(FITSError) -> Double {
        guard let value = try optionalDouble(name) else { throw missing(name) }
        return value
    }

    /// A logical keyword that must be present.
    public func bool(_ name: String) throws(FITSError) -> Bool {
        guard let value = try optionalBool(name) else { throw missing(name) }
        return value
    }

    private func missing(_ name: String) -> FITSError {
        .missingKeyword(file: path, hdu: currentHDUName, keyword: name)
    }

    private func conversionError(_ name: String, expected: String) throws(FITSError) -> FITSError {
        var raw = try rawValue(name) ?? ""
        if raw.hasPrefix("'"), raw.hasSuffix("'"), raw.count >= 2 {   // 'five    ' → 'five'
            var inner = String(raw.dropFirst().dropLast())
            while inner.hasSuffix(" ") { inner.removeLast() }
            raw = "'\(inner)'"
        }
        return .invalidKeyword(file: path, hdu: currentHDUName, keyword: name,
                               value: raw.isEmpty ? "(blank)" : raw, expected: expected)
    }

    // MARK: - Writing

    /// Writes (or replaces) a keyword in the current HDU.
    ///
    /// Reals are written with the fewest significant digits (up to 17) that read back as the
    /// same `Double`, so values round-trip exactly.
    public func writeKeyword(_ name: String, _ value: FITSKeywordValue, comment: String? = nil) throws(FITSError) {
        try requireWritable()
        let text = comment ?? ""
        switch value {
        case let .string(string):
            try call("writing keyword \(name)", item: name) { handle, status in
                if string.utf8.count > 68 {
                    ffplsw(handle, &status)   // announce the long-string convention once
                }
                ffukls(handle, name, string, text, &status)
            }
        case let .integer(integer):
            try call("writing keyword \(name)", item: name) { handle, status in
                ffukyj(handle, name, Int64(integer), text, &status)
            }
        case let .real(real):
            guard real.isFinite else {
                throw .invalidRequest(file: path, hdu: currentHDUName, problem: "keyword \(name) = \(real); FITS cannot store a non-finite keyword value")
            }
            let digits = FITSFile.shortestDigits(real)
            try call("writing keyword \(name)", item: name) { handle, status in
                ffukyd(handle, name, real, -Int32(digits), text, &status)
            }
        case let .logical(logical):
            try call("writing keyword \(name)", item: name) { handle, status in
                ffukyl(handle, name, logical ? 1 : 0, text, &status)
            }
        }
    }

    /// Appends a COMMENT card.
    public func writeComment(_ text: String) throws(FITSError) {
        try requireWritable()
        try call("writing a COMMENT card") { handle, status in ffpcom(handle, text, &status) }
    }

    /// Appends a HISTORY card.
    public func writeHistory(_ text: String) throws(FITSError) {
        try requireWritable()
        try call("writing a HISTORY card") { handle, status in ffphis(handle, text, &status) }
    }

    /// Writes the DATE keyword (UTC now).
    public func writeDate() throws(FITSError) {
        try requireWritable()
        try call("writing DATE") { handle, status in ffpdat(handle, &status) }
    }

    /// Computes and writes the CHECKSUM and DATASUM keywords of the current HDU (call last).
    public func writeChecksum() throws(FITSError) {
        try requireWritable()
        try call("writing CHECKSUM") { handle, status in ffpcks(handle, &status) }
    }

    /// Fewest significant digits (1…17) for which "%.nG" reads back as exactly `value`.
    static func shortestDigits(_ value: Double) -> Int {
        for digits in 1...16 {
            let text = String(format: "%.\(digits)G", value)
            if Double(text) == value { return digits }
        }
        return 17
    }
}
