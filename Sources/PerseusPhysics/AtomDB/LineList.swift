/// Emission lines of one tabulated temperature, sorted by energy (struct of arrays).
///
/// Each line keeps its element and ion, so that models which do not assume ionisation
/// equilibrium (`nei`) can scale every ion's lines by that ion's population.
public struct LineList: Sendable, Equatable {
    /// Line energies [keV], `hc / λ` with XSPEC's hc = 12.3984191 keV Å, ascending.
    public let energies: [Double]
    /// Atomic number Z of each line's element (1 … 30).
    public let elements: [UInt8]
    /// Spectroscopic ion number of each line's emitting ion (1 = neutral; Fe XXV = 25).
    public let ions: [UInt8]
    /// Line emissivity [photons cm³ s⁻¹] (AtomDB's `Epsilon`): photons emitted per unit volume
    /// and time divided by n_e n_H, for Anders & Grevesse (1989) abundances and the equilibrium
    /// ion populations at this temperature.
    public let emissivities: [Double]
    /// An identifier of each line's transition (element, ion, upper and lower level), the same
    /// for that line at every temperature of the table it comes from, so that a line can be
    /// followed across temperatures (`NeiLineExtrapolation`); empty when the source gives no
    /// such identity.
    public let transitions: [UInt32]

    /// Creates a list, sorting the lines by energy (ties keep their order).
    /// - Parameter transitions: nil, or one identifier per line (see `transitions`).
    public init(energies: [Double], elements: [UInt8], ions: [UInt8], emissivities: [Double], transitions: [UInt32]? = nil) {
        precondition(elements.count == energies.count && ions.count == energies.count && emissivities.count == energies.count
                     && (transitions == nil || transitions!.count == energies.count), "LineList: arrays of different lengths")
        let order = energies.indices.sorted { (energies[$0], $0) < (energies[$1], $1) }
        self.energies = order.map { energies[$0] }
        self.elements = order.map { elements[$0] }
        self.ions = order.map { ions[$0] }
        self.emissivities = order.map { emissivities[$0] }
        self.transitions = transitions.map { t in order.map { t[$0] } } ?? []
    }

    /// Whether every line carries a transition identifier.
    public var hasTransitions: Bool { transitions.count == energies.count }

    /// Number of lines.
    public var count: Int { energies.count }

    /// Index of the first line with energy > `energy`.
    public func firstIndex(above energy: Double) -> Int {
        var low = 0, high = energies.count
        while low < high {
            let mid = (low + high) / 2
            if energies[mid] <= energy { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
