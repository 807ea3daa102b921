import Foundation
import PerseusCore
import PerseusHDF5

/// A fit-results file: the ``FitResultsTable`` of `perseus fit --dataset` as one HDF5 file that
/// h5py reads directly (schema version 1, docs/fit-results.md).
///
/// Written under a temporary name and renamed into place when complete (``AtomicOutput``).
public enum FitResultsFile {
    /// Value of the root `format` attribute.
    public static let format = "perseus-fit-results"
    /// Schema version written; readers refuse newer ones.
    public static let version: Int64 = 1

    /// Writes `table` to `path`.
    /// - Throws: `OutputError` (file exists without `overwrite`, missing directory) or `HDF5Error`.
    public static func write(_ table: FitResultsTable, to path: String, overwrite: Bool = false,
                             created: Date = Date()) throws {
        let output = try AtomicOutput(path: path, overwrite: overwrite)
        try output.write { temporary in
            let file = try HDF5File(creating: temporary, mode: .exclusive)
            try write(table, into: file, created: created)
            try file.close()
        }
    }

    private static func write(_ table: FitResultsTable, into file: HDF5File, created: Date) throws {
        let d = table.description
        let n = table.count, p = table.parameters.count
        let root: [(String, HDF5AttributeValue)] = [
            ("format", .string(format)), ("schema_version", .int(version)), ("sample_count", .int(Int64(n))),
            ("expression", .string(d.expression)), ("statistic", .string(d.statistic)), ("band", .string(d.band)),
            ("grouping", .string(d.grouping)), ("abundance_table", .string(d.abundanceTable)), ("source", .string(d.source)),
            ("response", .string(d.response)), ("exposure", .double(d.exposure)), ("seed", .uint(d.seed)),
            ("delta_statistic", .double(d.deltaStatistic ?? 0)), ("software", .string("perseus")),
            ("software_version", .string(PerseusVersion.string)), ("created", .string(iso8601(created))),
        ]
        for (name, value) in root { try file.setAttribute(name, value) }

        func options(_ shape: [Int], bytes: Int) -> HDF5DatasetOptions {
            guard shape[0] > 0 else { return .contiguous }
            let rowBytes = shape.dropFirst().reduce(bytes, *)
            let rows = max(1, min(shape[0], HDF5DatasetOptions.targetChunkBytes / max(1, rowBytes)))
            return .compressed(level: 4, shuffle: true, chunkShape: [rows] + shape.dropFirst())
        }
        func numbers<T: HDF5Numeric>(_ name: String, _ values: [T], _ shape: [Int], _ attributes: [(String, HDF5AttributeValue)]) throws {
            let set = try file.createDataset(name, values: values, shape: shape, options: options(shape, bytes: MemoryLayout<T>.size))
            for (key, value) in attributes { try set.setAttribute(key, value) }
        }
        func strings(_ name: String, _ values: [String], _ attributes: [(String, HDF5AttributeValue)]) throws {
            let set = try file.createStringDataset(name, values: values)
            for (key, value) in attributes { try set.setAttribute(key, value) }
        }
        let names = HDF5AttributeValue.strings(table.parameters.map(\.name))
        let units = HDF5AttributeValue.strings(table.parameters.map(\.unit))
        let matrix: [(String, HDF5AttributeValue)] = [("parameter_names", names), ("parameter_units", units)]
        try numbers("sample_index", table.sampleIndex.map(Int64.init), [n],
                    [("description", .string("global sample index in the source dataset (its sample_index)"))])
        var labelAttributes: [(String, HDF5AttributeValue)] = [("description", .string("class of the sample in the source dataset (-1 if none)"))]
        if !table.classNames.isEmpty {
            labelAttributes += [("class_names", .strings(table.classNames)), ("class_is_anomaly", .ints(table.classIsAnomaly.map { $0 ? 1 : 0 }))]
        }
        try numbers("label", table.label.map(Int64.init), [n], labelAttributes)
        try numbers("status", table.status.map(Int64.init), [n],
                    [("description", .string("0 converged, 1 converged with a parameter at a limit, 2 converged with some errors undefined, 3 converged at a non-smooth point (approximate), "
                                             + ">= 10 failed (see status_text and message); failed rows hold NaN"))])
        try strings("status_text", table.statusText, [("description", .string("converged, converged-at-limit, converged-undefined-errors, or the failure code"))])
        try strings("message", table.message, [("description", .string("why the fit failed; empty when it converged"))])
        try numbers("statistic", table.statistic, [n], [("description", .string("fit statistic at the best fit (\(d.statistic); wstat with a background)"))])
        try numbers("bins", table.bins.map(Int64.init), [n], [("description", .string("fitted bins after band selection and grouping (-1 if failed)"))])
        try numbers("dof", table.degreesOfFreedom.map(Int64.init), [n], [("description", .string("bins minus free parameters (-1 if failed)"))])
        try numbers("values", table.values, [n, p], matrix + [
            ("parameter_free", .ints(table.parameters.map { $0.isFree ? 1 : 0 })),
            ("parameter_links", .strings(table.parameters.map(\.link))),
            ("description", .string("best-fit value of every parameter, frozen and linked ones included")),
        ])
        try numbers("errors", table.errors, [n, p], matrix + [("description", .string("1-sigma curvature errors of the free parameters; NaN otherwise"))])
        if let delta = d.deltaStatistic {
            try numbers("lower", table.lower, [n, p], matrix + [("delta_statistic", .double(delta)),
                                                                ("description", .string("lower end of the profile-likelihood interval"))])
            try numbers("upper", table.upper, [n, p], matrix + [("delta_statistic", .double(delta)),
                                                                ("description", .string("upper end of the profile-likelihood interval"))])
            try numbers("interval_flags", table.intervalFlags.map(Int64.init), [n, p], matrix + [
                ("description", .string("XSPEC error-string flags as bits (bit k-1 = flag k: 1 new minimum, 2 non-monotonic, "
                                        + "3 minimisation problem, 4/5 hit lower/upper hard limit, 6 not free, 7/8 lower/upper search failed, "
                                        + "9 reduced chi2 too high); 0 clean; -1 not computed")),
            ])
        }
        try numbers("iterations", table.iterations.map(Int64.init), [n], [("description", .string("Levenberg-Marquardt iterations"))])
        try numbers("model_evaluations", table.modelEvaluations.map(Int64.init), [n], [("description", .string("model evaluations"))])
    }

    /// Reads a fit-results file.
    /// - Throws: `HDF5Error`, or ``FitResultsFileError`` for a file of another format, a newer
    ///   schema, or columns whose shapes disagree.
    public static func read(_ path: String) throws -> FitResultsTable {
        let file = try HDF5File(opening: path)
        defer { try? file.close() }
        guard try file.hasAttribute("format"), try file.stringAttribute("format") == format else {
            throw FitResultsFileError.notAResultsFile(path: path)
        }
        let schema = try file.intAttribute("schema_version")
        guard schema >= 1, schema <= version else { throw FitResultsFileError.unsupportedSchema(path: path, version: schema) }
        let n = Int(try file.intAttribute("sample_count"))
        let hasDelta = try file.doubleAttribute("delta_statistic")
        let description = FitResultsTable.Description(
            expression: try file.stringAttribute("expression"), statistic: try file.stringAttribute("statistic"),
            band: try file.stringAttribute("band"), grouping: try file.stringAttribute("grouping"),
            abundanceTable: try file.stringAttribute("abundance_table"), source: try file.stringAttribute("source"),
            response: try file.stringAttribute("response"), exposure: try file.doubleAttribute("exposure"),
            seed: try file.uintAttribute("seed"), deltaStatistic: file.contains("lower") ? hasDelta : nil)
        let valueSet = try file.dataset("values")
        let names = try valueSet.stringsAttribute("parameter_names")
        let units = try valueSet.stringsAttribute("parameter_units")
        let free = try valueSet.intsAttribute("parameter_free")
        let links = try valueSet.stringsAttribute("parameter_links")
        guard units.count == names.count, free.count == names.count, links.count == names.count else {
            throw FitResultsFileError.malformed(path: path, object: "values", message: "parameter attributes of different lengths")
        }
        let p = names.count
        let parameters = (0..<p).map { FitResultsTable.Parameter(name: names[$0], unit: units[$0], isFree: free[$0] != 0, link: links[$0]) }
        let labelSet = try file.dataset("label")
        var classNames: [String] = [], anomalous: [Bool] = []
        if try labelSet.hasAttribute("class_names") {
            classNames = try labelSet.stringsAttribute("class_names")
            anomalous = try labelSet.intsAttribute("class_is_anomaly").map { $0 != 0 }
        }
        var table = FitResultsTable(description: description, parameters: parameters, classNames: classNames, classIsAnomaly: anomalous)
        func column<T: HDF5Numeric>(_ name: String, _ type: T.Type, width: Int = 1) throws -> [T] {
            let set = try file.dataset(name)
            let values: [T] = try set.read(as: T.self)
            guard values.count == n * width else {
                throw FitResultsFileError.malformed(path: path, object: name, message: "\(values.count) values; expected \(n * width)")
            }
            return values
        }
        func texts(_ name: String) throws -> [String] {
            let values = try file.dataset(name).readStrings()
            guard values.count == n else { throw FitResultsFileError.malformed(path: path, object: name, message: "\(values.count) strings; expected \(n)") }
            return values
        }
        let ints = { (name: String, width: Int) throws -> [Int] in try column(name, Int64.self, width: width).map { Int($0) } }
        let withIntervals = description.deltaStatistic != nil
        table.appendRows(sampleIndex: try ints("sample_index", 1), label: try ints("label", 1), status: try ints("status", 1),
                         statusText: try texts("status_text"), message: try texts("message"), statistic: try column("statistic", Double.self),
                         bins: try ints("bins", 1), degreesOfFreedom: try ints("dof", 1), values: try column("values", Double.self, width: p),
                         errors: try column("errors", Double.self, width: p),
                         lower: withIntervals ? try column("lower", Double.self, width: p) : [],
                         upper: withIntervals ? try column("upper", Double.self, width: p) : [],
                         intervalFlags: withIntervals ? try ints("interval_flags", p) : [],
                         iterations: try ints("iterations", 1), modelEvaluations: try ints("model_evaluations", 1))
        return table
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// A file that is not a readable fit-results file.
public enum FitResultsFileError: PerseusError, Equatable {
    case notAResultsFile(path: String)
    case unsupportedSchema(path: String, version: Int64)
    case malformed(path: String, object: String, message: String)

    public var description: String {
        switch self {
        case let .notAResultsFile(path):
            return "\(path): not a Perseus fit-results file (its root attribute 'format' is not '\(FitResultsFile.format)')"
        case let .unsupportedSchema(path, version):
            return "\(path): fit-results schema version \(version); this Perseus reads versions 1…\(FitResultsFile.version)"
        case let .malformed(path, object, message):
            return "\(path): \(object): \(message)"
        }
    }
}
