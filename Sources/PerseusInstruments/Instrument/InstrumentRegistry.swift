import Foundation
import PerseusCore

/// The instruments Perseus knows: the built-in ones (`hitomi-sxs`, `xrism-resolve`,
/// `nustar-fpma`, `chandra-acis-i`, defined by the YAML files embedded from Responses/) and any
/// the user adds from instrument files. A value type: add files to a copy.
///
/// ```swift
/// var registry = try InstrumentRegistry.standard()
/// try registry.add(path: "my-instruments/")          // a file or a directory of *.yaml
/// let instrument = try registry.instrument(named: "my-camera")
/// ```
public struct InstrumentRegistry: Sendable {
    /// Names of the built-in instruments, in listing order.
    public static let builtInNames = ["hitomi-sxs", "xrism-resolve", "nustar-fpma", "chandra-acis-i"]

    /// Definitions by name, and the order names were added in.
    public private(set) var definitions: [String: InstrumentDefinition] = [:]
    public private(set) var names: [String] = []

    /// An empty registry.
    public init() {}

    /// The built-in instruments.
    /// - Throws: `InstrumentError.corruptEmbeddedData` only for a defective build.
    public static func standard() throws(InstrumentError) -> InstrumentRegistry {
        var registry = InstrumentRegistry()
        for name in builtInNames {
            let file = "\(name).yaml"
            guard let text = EmbeddedFiles.text(file) else { throw .corruptEmbeddedData(name: file, problem: "not embedded in this build") }
            registry.add(try InstrumentDefinition.parse(text, origin: "built-in:\(file)", directory: nil))
        }
        return registry
    }

    /// Adds (or replaces) a definition.
    public mutating func add(_ definition: InstrumentDefinition) {
        if definitions[definition.name] == nil { names.append(definition.name) }
        definitions[definition.name] = definition
    }

    /// Adds the instrument file at `path`, or every `*.yaml` / `*.yml` file of the directory at
    /// `path`; returns the names added.
    @discardableResult
    public mutating func add(path: String) throws(InstrumentError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .invalidDefinition(origin: path, line: nil, key: nil, message: "no such file or directory")
        }
        var files = [path]
        if isDirectory.boolValue {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
            guard !files.isEmpty else { throw .invalidDefinition(origin: path, line: nil, key: nil, message: "the directory holds no *.yaml instrument file") }
        }
        var added: [String] = []
        for file in files {
            let definition = try InstrumentDefinition.read(path: file)
            add(definition)
            added.append(definition.name)
        }
        return added
    }

    /// The definition named `name`.
    /// - Throws: `InstrumentError.unknownInstrument` listing the valid names.
    public func definition(named name: String) throws(InstrumentError) -> InstrumentDefinition {
        guard let definition = definitions[name] ?? definitions[name.lowercased()] else {
            throw .unknownInstrument(name: name, valid: names)
        }
        return definition
    }

    /// Loads the instrument `name`, with optional user RMF/ARF files overriding its response.
    /// `band` [keV] replaces the default band.
    public func instrument(named name: String, rmf: String? = nil, arf: String? = nil, band: ClosedRange<Double>? = nil) throws -> Instrument {
        try Instrument(definition: try definition(named: name), rmf: rmf, arf: arf, band: band)
    }

    /// Resolves what a user wrote: a registered name, or the path of an instrument file.
    public func instrument(_ nameOrPath: String, rmf: String? = nil, arf: String? = nil, band: ClosedRange<Double>? = nil) throws -> Instrument {
        if definitions[nameOrPath] == nil, nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/") {
            return try Instrument(definition: try InstrumentDefinition.read(path: nameOrPath), rmf: rmf, arf: arf, band: band)
        }
        return try instrument(named: nameOrPath, rmf: rmf, arf: arf, band: band)
    }
}
