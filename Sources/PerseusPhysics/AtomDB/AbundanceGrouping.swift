/// How element abundances enter a plasma model: each element Z belongs to one group whose
/// multiplier is a model parameter (or 1 for the fixed group), on top of a fixed per-element
/// factor.
///
/// The weight of element Z in the summed emission is `elementFactor[Z] × multiplier[group[Z]]`.
/// For XSPEC's apec, `elementFactor[Z] = table[Z] / angr[Z]` (times the trace abundance for the
/// trace elements) and the groups are {H, He, trace elements} (multiplier 1) and {C, N, O, Ne,
/// Mg, Al, Si, S, Ar, Ca, Fe, Ni} (multiplier = Abundanc); vapec has one group per variable element.
public struct AbundanceGrouping: Sendable, Equatable {
    /// Group index of each element, index Z − 1.
    public let groupOfElement: [Int]
    /// Fixed factor of each element, index Z − 1.
    public let elementFactor: [Double]
    /// Number of groups (multipliers expected at evaluation).
    public let groupCount: Int

    public init(groupOfElement: [Int], elementFactor: [Double]) {
        precondition(groupOfElement.count == ChemicalElement.maximumAtomicNumber && elementFactor.count == ChemicalElement.maximumAtomicNumber,
                     "one group and one factor per element H … Zn")
        self.groupOfElement = groupOfElement
        self.elementFactor = elementFactor
        self.groupCount = (groupOfElement.max() ?? 0) + 1
    }
}
