import Foundation
import PerseusCore
@testable import PerseusPhysics
import PerseusTestSupport
import Testing

/// Helpers shared by the PerseusPhysics tests.
enum Support {
    /// Whether Python with the named modules is available for cross-checks.
    static let hasScipy = Python.canImport("numpy", "scipy")
    static let hasMpmath = Python.canImport("mpmath")
    static let hasAstropy = Python.canImport("numpy", "astropy")
    static let scipySkip: Testing.Comment = "python3 with numpy and scipy is not available"
    static let mpmathSkip: Testing.Comment = "python3 with mpmath is not available"

    /// Evaluates `expression` on `grid` after the assignments (NAME=VALUE or NAME=LINK).
    static func evaluate(_ expression: String, on grid: EnergyGrid, _ assignments: [String] = [],
                         context: ModelContext = ModelContext()) throws -> [Double] {
        var model = try Model(expression, context: context)
        for assignment in assignments { try model.apply(assignment) }
        return try model.compiled(for: grid).evaluate(model.values)
    }

    /// Evaluates one component directly with explicit parameter values.
    static func evaluate(_ component: any SpectralComponent, on grid: EnergyGrid, _ parameters: [Double]) throws -> [Double] {
        let prepared = try component.prepared(for: grid)
        var output = [Double](repeating: .nan, count: grid.count)
        parameters.withUnsafeBufferPointer { p in
            output.withUnsafeMutableBufferPointer { o in prepared.evaluate(parameters: p, into: o) }
        }
        return output
    }

    /// Largest |a − b| / max(|b|, floor).
    static func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-300) -> Double {
        precondition(a.count == b.count)
        var worst = 0.0
        for (x, y) in zip(a, b) {
            if x == y { continue }
            worst = max(worst, abs(x - y) / max(abs(y), floor))
        }
        return worst
    }

    /// JSON text of an array of doubles (for passing to Python).
    static func json(_ values: [Double]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: values)
        return String(decoding: data, as: UTF8.self)
    }

    /// JSON text of rows of doubles.
    static func json(rows: [[Double]]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: rows)
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs Python code printing a JSON list of numbers.
    static func pythonNumbers(_ code: String, _ arguments: [String] = []) throws -> [Double] {
        let value = try Python.json(code, arguments: arguments)
        guard let numbers = value as? [Any] else { throw InvalidArgument("python did not print a list: \(value)") }
        return numbers.map { ($0 as? NSNumber)?.doubleValue ?? Double.nan }
    }
}
