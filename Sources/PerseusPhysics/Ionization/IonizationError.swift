import Foundation
import PerseusCore

/// Errors of the ionisation-balance code: bad arguments, and an embedded table that does not
/// decode (which would mean a corrupted build).
public enum IonizationError: PerseusError, Equatable {
    /// The text or number does not name an element with Z = 1 … 30.
    case unknownElement(String)
    /// Electron temperature outside the rate tables, 10^4 … 10^9 K (8.617e-4 … 86.17 keV).
    case temperatureOutOfRange(kT: Double)
    /// Ionisation timescale τ = n_e t negative, NaN or infinite.
    case invalidTimescale(Double)
    /// Initial ion fractions that are not Z + 1 finite, non-negative numbers summing to 1.
    case invalidInitialFractions(element: String, reason: String)
    /// The embedded rate table is malformed (field and expectation named).
    case corruptRateTable(String)
    /// Both the eigenmode solution and the matrix-exponential fallback failed their checks
    /// (never seen; reported rather than returning wrong fractions).
    case solverFailure(element: String, kT: Double, tau: Double, reason: String)

    public var description: String {
        switch self {
        case let .unknownElement(text):
            return "unknown element '\(text)': expected a symbol (Fe), a name (iron) or an atomic number 1…30"
        case let .temperatureOutOfRange(kT):
            return "kT = \(kT) keV is outside the ionisation rate tables: expected "
                + String(format: "%.4g…%.4g", IonizationRateTable.minimumKT, IonizationRateTable.maximumKT)
                + " keV (T = 1e4…1e9 K)"
        case let .invalidTimescale(tau):
            return "ionisation timescale tau = \(tau) s cm^-3: expected a finite number >= 0"
        case let .invalidInitialFractions(element, reason):
            return "initial ion fractions for \(element): \(reason)"
        case let .corruptRateTable(reason):
            return "embedded ionisation rate table (ionization_rates.bin): \(reason)"
        case let .solverFailure(element, kT, tau, reason):
            return "ionisation solver for \(element) at kT = \(kT) keV, tau = \(tau) s cm^-3: \(reason)"
        }
    }
}
