import Foundation

/// The pair of full AtomDB APEC tables (line list and compressed continua) in a user's AtomDB
/// installation.
///
/// Users point Perseus at AtomDB as they point XSPEC and pyatomdb at it: with a directory given
/// as `--atomdb DIR`, or in the `ATOMDB` environment variable (the option wins when both are
/// set). The tables are looked for in DIR and then in DIR/.. (so pointing at an AtomDB
/// installation's root, or at a folder inside it such as `APED/`, both work), under AtomDB's
/// names `apec_v<version>_line.fits` and `apec_v<version>_coco.fits` (optionally `.gz`), or the
/// version-less `apec_line.fits` / `apec_coco.fits` that AtomDB installations link to the
/// current version. When several versions are present, 3.0.9 (the version Perseus's embedded
/// table derives from and is validated against) is taken if present, else the newest.
public struct AtomDBFiles: Sendable, Equatable {
    /// Path of the line table (`…_line.fits`).
    public let lineFile: String
    /// Path of the continuum table (`…_coco.fits`).
    public let continuumFile: String
    /// The version in the file names ("3.0.9"), or "" for the version-less names.
    public let version: String

    public init(lineFile: String, continuumFile: String, version: String) {
        self.lineFile = lineFile
        self.continuumFile = continuumFile
        self.version = version
    }

    /// The environment variable XSPEC and pyatomdb use for the AtomDB directory.
    public static let environmentVariable = "ATOMDB"

    /// The tables named by `--atomdb` (`option`) or else by `ATOMDB` in `environment`; nil when
    /// neither is set (use the embedded table).
    /// - Throws: `AtomDBError.filesNotFound` if the directory given has no table pair.
    public static func resolve(option: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(AtomDBError) -> AtomDBFiles? {
        if let option, !option.isEmpty { return try locate(in: option, source: "--atomdb") }
        if let value = environment[environmentVariable], !value.isEmpty {
            return try locate(in: value, source: "the \(environmentVariable) environment variable")
        }
        return nil
    }

    /// Finds the table pair in `directory` or its parent.
    /// - Parameter source: where the directory came from, for the error message.
    public static func locate(in directory: String, source: String) throws(AtomDBError) -> AtomDBFiles {
        let base = URL(fileURLWithPath: directory)
        let candidates = [base.standardizedFileURL.path, base.deletingLastPathComponent().standardizedFileURL.path]
        for folder in candidates {
            if let found = pair(in: folder) { return found }
        }
        throw .filesNotFound(searched: candidates, source: source)
    }

    private static func pair(in folder: String) -> AtomDBFiles? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let present = Set(names)
        func file(_ stem: String) -> String? {
            for suffix in [".fits", ".fits.gz"] where present.contains(stem + suffix) {
                return (folder as NSString).appendingPathComponent(stem + suffix)
            }
            return nil
        }
        // Versions that have both files.
        var versions: [String] = []
        for name in names where name.hasPrefix("apec_v") && (name.hasSuffix("_line.fits") || name.hasSuffix("_line.fits.gz")) {
            let version = String(name.dropFirst("apec_v".count).prefix { $0 != "_" })
            if file("apec_v\(version)_coco") != nil { versions.append(version) }
        }
        let numeric: (String) -> [Int] = { $0.split(separator: ".").map { Int($0) ?? 0 } }
        let chosen = versions.contains("3.0.9") ? "3.0.9" : versions.max { numeric($0).lexicographicallyPrecedes(numeric($1)) }
        if let version = chosen, let line = file("apec_v\(version)_line"), let coco = file("apec_v\(version)_coco") {
            return AtomDBFiles(lineFile: line, continuumFile: coco, version: version)
        }
        if let line = file("apec_line"), let coco = file("apec_coco") {
            return AtomDBFiles(lineFile: line, continuumFile: coco, version: "")
        }
        return nil
    }
}
