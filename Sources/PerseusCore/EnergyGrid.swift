import Foundation

/// A grid of energy bins, each with a lower and an upper edge in keV.
///
/// Bins must have strictly positive width and increasing lower edges; adjacent bins may leave
/// gaps (real responses sometimes do) but may not overlap. Spectral models are integrated over
/// each bin exactly, so a model's value in bin i is a quantity per bin, not per keV.
public struct EnergyGrid: Sendable, Equatable, Hashable {
    /// Lower bin edges [keV].
    public let lo: [Double]
    /// Upper bin edges [keV].
    public let hi: [Double]

    /// Creates a grid from explicit bin edges, checking that it is well formed.
    /// - Throws: `EnergyGridError` naming the first offending bin.
    public init(lo: [Double], hi: [Double]) throws(EnergyGridError) {
        guard lo.count == hi.count else { throw .mismatchedEdges(lo: lo.count, hi: hi.count) }
        guard !lo.isEmpty else { throw .empty }
        for i in lo.indices {
            guard lo[i].isFinite, hi[i].isFinite else { throw .nonFinite(bin: i) }
            guard lo[i] >= 0 else { throw .negativeEnergy(bin: i, value: lo[i]) }
            guard hi[i] > lo[i] else { throw .nonPositiveWidth(bin: i, lo: lo[i], hi: hi[i]) }
            if i > 0 {
                guard lo[i] > lo[i - 1] else { throw .nonMonotonic(bin: i, previous: lo[i - 1], value: lo[i]) }
                // Overlap tolerance: edges in FITS files are often stored as float32.
                guard lo[i] >= hi[i - 1] - 1e-6 * max(1, abs(hi[i - 1])) else {
                    throw .overlapping(bin: i, previousHigh: hi[i - 1], low: lo[i])
                }
            }
        }
        self.lo = lo
        self.hi = hi
    }

    /// Creates a contiguous grid from `count + 1` increasing edges [keV].
    public init(edges: [Double]) throws(EnergyGridError) {
        guard edges.count >= 2 else { throw .empty }
        try self.init(lo: Array(edges.dropLast()), hi: Array(edges.dropFirst()))
    }

    /// A contiguous grid of equal bins of width `step` keV from `lower` up to `upper` keV.
    ///
    /// The number of bins is `round((upper - lower) / step)`; the last edge is exactly `upper`
    /// when the range is a whole number of steps (within 1e-9 of a step).
    public static func linear(from lower: Double, to upper: Double, step: Double) throws(EnergyGridError) -> EnergyGrid {
        guard lower.isFinite, upper.isFinite, step.isFinite, step > 0, upper > lower else {
            throw .invalidRange(lower: lower, upper: upper, step: step)
        }
        let exact = (upper - lower) / step
        let n = Int(exact.rounded())
        guard n >= 1, abs(exact - Double(n)) < 1e-6 else {
            throw .invalidRange(lower: lower, upper: upper, step: step)
        }
        let edges = (0...n).map { lower + Double($0) * step }
        return try EnergyGrid(edges: edges)
    }

    /// A contiguous grid of `count` logarithmically spaced bins from `lower` to `upper` keV.
    public static func logarithmic(from lower: Double, to upper: Double, count: Int) throws(EnergyGridError) -> EnergyGrid {
        guard lower > 0, upper > lower, count >= 1, lower.isFinite, upper.isFinite else {
            throw .invalidRange(lower: lower, upper: upper, step: Double(count))
        }
        let logLo = log(lower), logHi = log(upper)
        let edges = (0...count).map { i in
            i == 0 ? lower : i == count ? upper : exp(logLo + (logHi - logLo) * Double(i) / Double(count))
        }
        return try EnergyGrid(edges: edges)
    }

    /// Number of bins.
    public var count: Int { lo.count }
    /// Bin centres [keV].
    public var centers: [Double] { zip(lo, hi).map { 0.5 * ($0 + $1) } }
    /// Bin widths [keV].
    public var widths: [Double] { zip(lo, hi).map { $1 - $0 } }
    /// Lowest and highest edge [keV].
    public var range: ClosedRange<Double> { lo[0]...hi[hi.count - 1] }
    /// Whether every bin's upper edge equals the next bin's lower edge (to float32 precision).
    public var isContiguous: Bool {
        for i in 1..<lo.count where abs(lo[i] - hi[i - 1]) > 1e-6 * max(1, abs(hi[i - 1])) { return false }
        return true
    }

    /// Whether `other` has the same number of bins with edges equal within `relativeTolerance`.
    public func matches(_ other: EnergyGrid, relativeTolerance: Double = 1e-5) -> Bool {
        guard count == other.count else { return false }
        for i in 0..<count {
            let scale = max(abs(hi[i]), 1e-12)
            if abs(lo[i] - other.lo[i]) > relativeTolerance * scale
                || abs(hi[i] - other.hi[i]) > relativeTolerance * scale { return false }
        }
        return true
    }
}

/// Why an energy grid is not well formed.
public enum EnergyGridError: PerseusError, Equatable {
    case empty
    case mismatchedEdges(lo: Int, hi: Int)
    case nonFinite(bin: Int)
    case negativeEnergy(bin: Int, value: Double)
    case nonPositiveWidth(bin: Int, lo: Double, hi: Double)
    case nonMonotonic(bin: Int, previous: Double, value: Double)
    case overlapping(bin: Int, previousHigh: Double, low: Double)
    case invalidRange(lower: Double, upper: Double, step: Double)

    public var description: String {
        switch self {
        case .empty: return "energy grid has no bins"
        case let .mismatchedEdges(lo, hi): return "energy grid has \(lo) lower edges but \(hi) upper edges"
        case let .nonFinite(bin): return "energy grid bin \(bin) has a non-finite edge"
        case let .negativeEnergy(bin, value): return "energy grid bin \(bin) starts at \(value) keV; expected ≥ 0"
        case let .nonPositiveWidth(bin, lo, hi): return "energy grid bin \(bin) has lower edge \(lo) ≥ upper edge \(hi) keV"
        case let .nonMonotonic(bin, previous, value):
            return "energy grid is not increasing at bin \(bin): \(value) keV follows \(previous) keV"
        case let .overlapping(bin, previousHigh, low):
            return "energy grid bins overlap at bin \(bin): starts at \(low) keV before the previous bin ends at \(previousHigh) keV"
        case let .invalidRange(lower, upper, step):
            return "invalid grid \(lower):\(upper):\(step); expected LO < HI with (HI − LO) a whole number of STEP > 0"
        }
    }
}
