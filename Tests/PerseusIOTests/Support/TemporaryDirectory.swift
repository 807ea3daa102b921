import Foundation
import PerseusTestSupport
import Testing

/// A fresh directory for one test's files, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Path of `name` inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Copies `source` into the directory as `name` (writable) and returns the new path.
    func copy(_ source: String, as name: String) throws -> String {
        let destination = path(name)
        try FileManager.default.copyItem(atPath: source, toPath: destination)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: destination)
        return destination
    }
}

/// Conditions shared by the tests.
enum Environment {
    /// Reference data available (../shared/data).
    static let hasReference = ReferenceData.isAvailable
    static let referenceSkip = ReferenceData.skipReason
    /// Whether python3 can import astropy and numpy (checked once).
    static let hasAstropy = Python.canImport("astropy", "numpy")
    static let astropySkip: Testing.Comment = "astropy/numpy not importable by python3"
    /// Whether python3 can import Sherpa's OGIP reader (checked once).
    static let hasSherpa = Python.canImport("sherpa.astro.io", "astropy")
    /// Reference data and astropy both available.
    static let hasReferenceAndAstropy = ReferenceData.isAvailable && hasAstropy
    static let referenceAndAstropySkip: Testing.Comment =
        "needs ../shared/data (set PERSEUS_REFERENCE_DATA) and python3 with astropy"
}

/// Largest |a − b| / max(1, |b|) over two arrays of equal length (∞ when lengths differ).
/// Used where numbers pass through JSON, whose parsing in Foundation can move the last digit.
func worstDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

/// Whether two numbers agree to 1e-12 relative (JSON round trip of a double).
func same(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return false }
    return abs(a - b) <= 1e-12 * max(1, abs(b))
}
