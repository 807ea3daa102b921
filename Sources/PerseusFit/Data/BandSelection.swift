import Foundation

/// Which channels are fitted, by energy: XSPEC's `notice`/`ignore` in keV.
///
/// Operations apply in order to a mask that starts with every channel noticed (XSPEC's state
/// after loading a spectrum). A range [a, b] keV selects every channel whose energy interval
/// [lo, hi] overlaps it with positive length or contains a point of it: hi > a and lo < b, or
/// lo ≤ a ≤ hi when a = b. So a channel straddling a band edge is noticed by `notice` and
/// ignored by `ignore`, as in XSPEC, which maps each energy to the channel containing it.
///
/// ```swift
/// BandSelection.only(3...80)               // --band 3:80
/// try BandSelection(parsing: "0.3:2,4:10")  // two ranges
/// BandSelection(operations: [.ignore(6.2...6.8)])
/// ```
public struct BandSelection: Sendable, Equatable, CustomStringConvertible {
    public enum Operation: Sendable, Equatable {
        case notice(ClosedRange<Double>)
        case ignore(ClosedRange<Double>)
        case noticeAll
        case ignoreAll
    }

    public var operations: [Operation]

    public init(operations: [Operation] = []) {
        self.operations = operations
    }

    /// Every channel.
    public static let all = BandSelection()

    /// Only the channels overlapping the given ranges [keV].
    public static func only(_ ranges: ClosedRange<Double>...) -> BandSelection {
        BandSelection(operations: [.ignoreAll] + ranges.map { .notice($0) })
    }

    /// Parses `LO:HI[,LO:HI…]` in keV (a `-` may replace `:`; an empty side means unbounded, as
    /// in `:10` or `0.5:`), giving ``only(_:)`` of those ranges.
    /// - Throws: ``FitError/invalidBand(text:reason:)``.
    public init(parsing text: String) throws(FitError) {
        var ranges: [ClosedRange<Double>] = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = piece.trimmingCharacters(in: .whitespaces)
            guard !part.isEmpty else { throw .invalidBand(text: text, reason: "empty range") }
            let separator: Character = part.contains(":") ? ":" : "-"
            let sides = part.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2 else {
                throw .invalidBand(text: text, reason: "'\(part)' is not LO:HI in keV")
            }
            let lo = sides[0].isEmpty ? 0 : Double(sides[0])
            let hi = sides[1].isEmpty ? Double.infinity : Double(sides[1])
            guard let lo, let hi, !lo.isNaN, !hi.isNaN else {
                throw .invalidBand(text: text, reason: "'\(part)' has a bound that is not a number")
            }
            guard lo >= 0, hi > lo else {
                throw .invalidBand(text: text, reason: "'\(part)' needs 0 ≤ LO < HI")
            }
            ranges.append(lo...hi)
        }
        operations = [.ignoreAll] + ranges.map { .notice($0) }
    }

    /// Whether a channel [lo, hi] keV is touched by the range (see the type's documentation).
    static func overlaps(lo: Double, hi: Double, _ range: ClosedRange<Double>) -> Bool {
        if range.lowerBound == range.upperBound { return lo <= range.lowerBound && range.lowerBound <= hi }
        if lo == hi { return range.contains(lo) }
        return hi > range.lowerBound && lo < range.upperBound
    }

    /// The noticed mask over `energies`.
    public func mask(for energies: ChannelEnergies) -> [Bool] {
        var mask = [Bool](repeating: true, count: energies.count)
        for operation in operations {
            switch operation {
            case .noticeAll: mask = [Bool](repeating: true, count: energies.count)
            case .ignoreAll: mask = [Bool](repeating: false, count: energies.count)
            case let .notice(range):
                for i in mask.indices where Self.overlaps(lo: energies.lo[i], hi: energies.hi[i], range) { mask[i] = true }
            case let .ignore(range):
                for i in mask.indices where Self.overlaps(lo: energies.lo[i], hi: energies.hi[i], range) { mask[i] = false }
            }
        }
        return mask
    }

    /// The channels from the first noticed to the last noticed over `energies` (0-based, end
    /// exclusive), nil if none is noticed. Channel-by-channel selection and minimum-count
    /// grouping never fit a channel outside it (grouping from a file can: use
    /// ``FitData/channelSpan`` there).
    public func channelSpan(for energies: ChannelEnergies) -> Range<Int>? {
        let mask = self.mask(for: energies)
        guard let first = mask.firstIndex(of: true), let last = mask.lastIndex(of: true) else { return nil }
        return first..<(last + 1)
    }

    /// Whether this selection keeps every channel whatever the energies.
    public var isAll: Bool {
        var all = true
        for operation in operations {
            switch operation {
            case .noticeAll: all = true
            case .ignoreAll, .ignore: all = false
            case .notice: break
            }
        }
        return all
    }

    public var description: String {
        if operations.isEmpty { return "all channels" }
        return operations.map { operation -> String in
            switch operation {
            case .noticeAll: return "notice all"
            case .ignoreAll: return "ignore all"
            case let .notice(r): return "notice \(r.lowerBound)-\(r.upperBound) keV"
            case let .ignore(r): return "ignore \(r.lowerBound)-\(r.upperBound) keV"
            }
        }.joined(separator: ", ")
    }
}
