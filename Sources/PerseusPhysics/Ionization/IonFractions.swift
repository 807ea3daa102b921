/// Ion fractions of several elements, stored contiguously so that one value can be reused for
/// every evaluation of a spectral model without allocating.
///
/// For each element Z the Z + 1 fractions of charge q = 0 (neutral) … Z (bare nucleus) sum to 1.
public struct IonFractions: Sendable, Equatable {
    /// The elements, in the order given when the value was made.
    public let elements: [ChemicalElement]
    /// All fractions: those of `elements[i]` start at `offsets[i]`.
    public internal(set) var values: [Double]
    /// Start of each element's fractions in `values`.
    public let offsets: [Int]

    /// Zero-filled storage for `elements`.
    public init(elements: [ChemicalElement]) {
        self.elements = elements
        var offsets: [Int] = []
        var total = 0
        for e in elements {
            offsets.append(total)
            total += e.stageCount
        }
        self.offsets = offsets
        values = [Double](repeating: 0, count: total)
    }

    /// The Z + 1 fractions of `element` (neutral first), or nil if it is not included.
    public subscript(element: ChemicalElement) -> ArraySlice<Double>? {
        guard let i = elements.firstIndex(of: element) else { return nil }
        return values[offsets[i]..<(offsets[i] + element.stageCount)]
    }

    /// Mean charge Σ q f_q of `element`, or nil if it is not included.
    public func meanCharge(of element: ChemicalElement) -> Double? {
        guard let f = self[element] else { return nil }
        var sum = 0.0
        for (q, v) in f.enumerated() { sum += Double(q) * v }
        return sum
    }
}
