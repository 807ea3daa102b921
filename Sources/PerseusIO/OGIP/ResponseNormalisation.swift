import Foundation

/// How Perseus decides whether a response matrix is a pure redistribution matrix (RMF:
/// dimensionless probabilities) or a full response (RSP: the ARF already folded in, cm²).
///
/// CAL/GEN/92-002a classifies the matrix extension with HDUCLAS3: 'REDIST' (redistribution
/// only), 'DETECTOR' (detector efficiencies included but no mirror: still ≤ 1 per row) or
/// 'FULL' (everything, i.e. an RSP). The rule, in order:
/// 1. HDUCLAS3 = 'FULL' → RSP.
/// 2. HDUCLAS3 = 'REDIST' or 'DETECTOR' → RMF; if a row nevertheless sums to more than
///    `fullResponseRowSum` the file contradicts itself and reading fails (never a silent
///    reinterpretation).
/// 3. No HDUCLAS3 (older files): EXTNAME 'SPECRESP MATRIX' (the name the memo gives an RSP) →
///    RSP; otherwise the largest row sum decides: above `fullResponseRowSum` → RSP, else RMF.
///
/// A true RMF row sums to at most 1 (a little more from float rounding: the Chandra ACIS RMF
/// reaches 1.0013); an RSP row is an effective area in cm², tens to hundreds at the peak for
/// every X-ray telescope, so 1.5 separates the two with a wide margin.
public enum ResponseNormalisation {
    /// Largest row sum that a redistribution matrix may have.
    public static let fullResponseRowSum = 1.5

    /// Applies the rule above.
    /// - Returns: whether the matrix is a full response, or nil when the keyword and the row
    ///   sums contradict each other (HDUCLAS3 REDIST/DETECTOR with a row sum above the limit).
    public static func isFullResponse(hduClass3: String?, extensionName: String?, largestRowSum: Double) -> Bool? {
        switch hduClass3?.trimmingCharacters(in: .whitespaces).uppercased() {
        case "FULL":
            return true
        case "REDIST", "DETECTOR":
            return largestRowSum > fullResponseRowSum ? nil : false
        default:
            if extensionName?.trimmingCharacters(in: .whitespaces).uppercased() == "SPECRESP MATRIX" { return true }
            return largestRowSum > fullResponseRowSum
        }
    }
}
