import Foundation
import Testing

/// Locates the project's reference data (`../shared/data` beside the checkout) for tests.
///
/// The library never reads this folder; tests use it to check Perseus against real files and
/// skip, with `ReferenceData.skipReason`, where it is absent. `PERSEUS_REFERENCE_DATA` overrides
/// the location.
public enum ReferenceData {
    /// The reference-data directory, or nil if it does not exist.
    public static let directory: URL? = {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["PERSEUS_REFERENCE_DATA"] {
            return manager.fileExists(atPath: override) ? URL(fileURLWithPath: override) : nil
        }
        let candidate = packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared").appendingPathComponent("data")
        return manager.fileExists(atPath: candidate.path) ? candidate : nil
    }()

    /// Whether the reference data is present.
    public static var isAvailable: Bool { directory != nil }

    /// Message for tests skipped because the data is absent.
    public static let skipReason: Comment =
        "reference data ../shared/data not found (set PERSEUS_REFERENCE_DATA to its path to run this test)"

    /// Path of `relative` inside the reference data (e.g. "responses/nustar/nustar_fpma.rmf").
    /// Only call from tests enabled by `isAvailable`.
    public static func path(_ relative: String) -> String {
        (directory ?? URL(fileURLWithPath: "/nonexistent")).appendingPathComponent(relative).path
    }

    /// Whether a particular file of the reference data exists.
    public static func has(_ relative: String) -> Bool {
        directory.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent(relative).path) } ?? false
    }

    /// The package root (the checkout containing Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()
}
