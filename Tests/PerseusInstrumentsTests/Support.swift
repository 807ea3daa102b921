import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
import Testing
@testable import PerseusInstruments

/// Shared, loaded-once instruments and helpers for the PerseusInstruments tests.
enum Fixtures {
    static let registry: InstrumentRegistry = try! InstrumentRegistry.standard()
    /// Built-in instruments, loaded once (decoding NuSTAR's response takes a moment in debug builds).
    static let hitomi = try! registry.instrument(named: "hitomi-sxs")
    static let xrism = try! registry.instrument(named: "xrism-resolve")
    static let nustar = try! registry.instrument(named: "nustar-fpma")
    static let chandra = try! registry.instrument(named: "chandra-acis-i")

    static func instrument(_ name: String) -> Instrument {
        switch name {
        case "hitomi-sxs": return hitomi
        case "xrism-resolve": return xrism
        case "nustar-fpma": return nustar
        default: return chandra
        }
    }

    /// Evaluates `expression` with `assignments` on `grid`.
    static func flux(_ expression: String, _ assignments: [String], on grid: EnergyGrid) throws -> [Double] {
        var model = try Model(expression)
        for assignment in assignments { try model.apply(assignment) }
        return try model.compiled(for: grid).evaluate(model.values)
    }

    /// Sums of adjacent channels grouped from the first until each group has at least `minimum`
    /// counts of `reference`; a remainder below `minimum` joins the last group. Returns the group
    /// boundaries (channel indices).
    static func groups(_ reference: [Double], minimum: Double = 1000) -> [Int] {
        var edges = [0], total = 0.0
        for (i, c) in reference.enumerated() {
            total += c
            if total >= minimum { edges.append(i + 1); total = 0 }
        }
        if edges.last != reference.count {
            if edges.count > 1 { edges[edges.count - 1] = reference.count } else { edges.append(reference.count) }
        }
        return edges
    }

    static func groupSums(_ counts: [Double], _ edges: [Int]) -> [Double] {
        (0..<(edges.count - 1)).map { g in counts[edges[g]..<edges[g + 1]].reduce(0, +) }
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-instr-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
