import Foundation
import PerseusCore
import Yams

/// An instrument as declared in its YAML file (format: docs/instruments.md): names, where its
/// response comes from, its default band, binning and exposure, and its background. Reading a
/// definition is cheap; `Instrument` loads the response it names.
public struct InstrumentDefinition: Sendable, Equatable {
    /// Where the redistribution matrix comes from.
    public enum MatrixSource: Sendable, Equatable {
        /// An OGIP RMF (or RSP) file (absolute path).
        case file(String)
        /// A Gaussian line-spread function of `fwhm` keV on channels of `channelWidth` keV covering
        /// `range` keV, on the ARF's energy grid.
        case gaussian(fwhm: Double, channelWidth: Double, range: ClosedRange<Double>)
    }
    /// Where the effective area comes from.
    public enum AreaSource: Sendable, Equatable {
        /// An OGIP ARF file (absolute path).
        case file(String)
        /// No ARF: the matrix is used alone (an RSP, or 1 cm²).
        case none
    }

    /// Name used on the command line and in scenarios, e.g. `nustar-fpma`.
    public var name: String
    /// One line for listings.
    public var title: String
    /// TELESCOP, INSTRUME (and FILTER, DETNAM when given) written to output files.
    public var telescope: String
    public var instrument: String
    public var filter: String?
    public var detector: String?
    /// A built-in compact response (RMF and/or ARF), by name.
    public var builtInResponse: String?
    /// The matrix, when not (only) from the built-in response.
    public var matrix: MatrixSource?
    /// The effective area, when not from the built-in response.
    public var area: AreaSource?
    /// Default band [keV].
    public var band: ClosedRange<Double>
    /// Native channels per output channel.
    public var binning: Int
    /// Default exposure [s].
    public var exposure: Double
    /// A built-in background model by name (`nustar-fpma`), or nil.
    public var background: String?
    /// Free text shown by `perseus instruments`.
    public var notes: String
    /// The file it came from, or `built-in:NAME.yaml`.
    public var origin: String

    /// Keys an instrument file may have.
    static let keys = ["name", "title", "telescope", "instrument", "filter", "detector", "response", "band", "binning",
                       "exposure", "background", "notes"]

    /// Parses the YAML `text`; relative file names are taken relative to `directory`.
    public static func parse(_ text: String, origin: String, directory: String?) throws(InstrumentError) -> InstrumentDefinition {
        let doc = try YAMLDocument(text: text, origin: origin)
        let top = try doc.mapping(doc.root, "", allowed: keys)
        func value(_ key: String, required: Bool = false) throws(InstrumentError) -> String? {
            guard let node = top[key] else {
                if required { throw doc.error(doc.root, key, "missing; this key is required") }
                return nil
            }
            return try doc.string(node, key)
        }
        func path(_ value: String) -> String {
            let expanded = (value as NSString).expandingTildeInPath
            guard !expanded.hasPrefix("/"), let directory else { return expanded }
            return URL(fileURLWithPath: directory).appendingPathComponent(expanded).standardizedFileURL.path
        }
        let name = try value("name", required: true)!
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw doc.error(top["name"], "name", "'\(name)' is not a usable name; use letters, digits, '-', '_' or '.'")
        }

        let responseNode = try doc.required(top, "response", in: doc.root, "")
        let response = try doc.mapping(responseNode, "response", allowed: ["builtin", "rmf", "arf"])
        let builtIn = try response["builtin"].map { (n: Node) throws(InstrumentError) in try doc.string(n, "response.builtin") }
        var matrix: MatrixSource?
        if let node = response["rmf"] {
            if let file = node.scalar?.string {
                matrix = .file(path(file))
            } else {
                let entry = try doc.mapping(node, "response.rmf", allowed: ["gaussian"])
                guard let gaussianNode = entry["gaussian"] else { throw doc.error(node, "response.rmf", "expected a file name or {gaussian: …}") }
                let g = try doc.mapping(gaussianNode, "response.rmf.gaussian", allowed: ["fwhm", "channel_width", "range"])
                let fwhm = try doc.number(try doc.required(g, "fwhm", in: gaussianNode, "response.rmf.gaussian"), "response.rmf.gaussian.fwhm")
                let width = try doc.number(try doc.required(g, "channel_width", in: gaussianNode, "response.rmf.gaussian"), "response.rmf.gaussian.channel_width")
                let rangeNode = try doc.required(g, "range", in: gaussianNode, "response.rmf.gaussian")
                let range = try doc.numbers(rangeNode, "response.rmf.gaussian.range", count: 2)
                guard fwhm > 0, width > 0, range[0] >= 0, range[1] > range[0] else {
                    throw doc.error(gaussianNode, "response.rmf.gaussian", "expected fwhm > 0, channel_width > 0 and a range [LOW, HIGH] with 0 ≤ LOW < HIGH keV")
                }
                matrix = .gaussian(fwhm: fwhm, channelWidth: width, range: range[0]...range[1])
            }
        }
        var area: AreaSource?
        if let node = response["arf"] {
            let value = try doc.string(node, "response.arf")
            area = value.lowercased() == "none" ? AreaSource.none : .file(path(value))
        }
        guard builtIn != nil || matrix != nil else {
            throw doc.error(responseNode, "response", "give builtin: NAME or rmf: FILE (and arf: FILE or none)")
        }

        let bandNode = try doc.required(top, "band", in: doc.root, "")
        let band = try doc.numbers(bandNode, "band", count: 2)
        guard band[0] >= 0, band[1] > band[0] else { throw doc.error(bandNode, "band", "expected [LOW, HIGH] keV with 0 ≤ LOW < HIGH") }
        let binning = try top["binning"].map { (n: Node) throws(InstrumentError) in try doc.integer(n, "binning") } ?? 1
        guard binning >= 1 else { throw doc.error(top["binning"], "binning", "expected a whole number ≥ 1") }
        let exposureNode = try doc.required(top, "exposure", in: doc.root, "")
        let exposure = try doc.number(exposureNode, "exposure")
        guard exposure > 0 else { throw doc.error(exposureNode, "exposure", "expected a positive number of seconds") }
        var background: String?
        if let value = try value("background"), value.lowercased() != "none" {
            guard value.lowercased().hasPrefix("builtin:") else {
                throw doc.error(top["background"], "background", "expected none or builtin:NAME (built-in backgrounds: nustar-fpma)")
            }
            background = String(value.dropFirst("builtin:".count))
        }
        return InstrumentDefinition(
            name: name, title: try value("title") ?? name, telescope: try value("telescope", required: true)!,
            instrument: try value("instrument", required: true)!, filter: try value("filter"), detector: try value("detector"),
            builtInResponse: builtIn, matrix: matrix, area: area, band: band[0]...band[1], binning: binning, exposure: exposure,
            background: background, notes: try value("notes") ?? "", origin: origin)
    }

    /// Reads an instrument file.
    public static func read(path: String) throws(InstrumentError) -> InstrumentDefinition {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .invalidDefinition(origin: path, line: nil, key: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, origin: path, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// One line saying where the response comes from.
    public var responseDescription: String {
        var parts: [String] = []
        switch matrix {
        case let .file(path): parts.append("RMF \(path)")
        case let .gaussian(fwhm, width, _): parts.append("Gaussian RMF, FWHM \(fwhm * 1000) eV, \(width * 1000) eV channels")
        case nil: if let builtInResponse { parts.append("built-in compact response \(builtInResponse)") }
        }
        switch area {
        case let .file(path): parts.append("ARF \(path)")
        case .none?: parts.append("no ARF")
        case nil: if matrix != nil, let builtInResponse { parts.append("built-in ARF \(builtInResponse)") }
        }
        return parts.joined(separator: " + ")
    }
}
