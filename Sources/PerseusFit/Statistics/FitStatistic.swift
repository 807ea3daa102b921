import PerseusCore

/// The statistic a fit minimises.
///
/// | statistic | without background | with background | dof | null-hypothesis probability |
/// |---|---|---|---|---|
/// | `cstat` | ``CStatistic`` (XSPEC `cstat`) | ``WStatistic`` (XSPEC's W) | N − p | none |
/// | `cash` | ``CashStatistic`` | not supported | N − p | none |
/// | `chi` | ``ChiSquaredStatistic`` | background subtracted | N − p | P(χ²_{N−p} ≥ χ²) |
///
/// N is the number of fitted bins after band selection and grouping, p the number of free
/// parameters (linked and frozen parameters are not free).
public enum FitStatistic: Sendable, Equatable, CustomStringConvertible {
    /// XSPEC's C-statistic; the W-statistic when the spectrum has a background.
    case cstat
    /// The Cash (1979) statistic, 2 Σ (m − d ln m).
    case cash
    /// χ² with the given variance estimate.
    case chiSquared(ChiSquaredVariance)

    /// Parses `cstat` (or `wstat`: W is used whenever a background is present), `cash`, `chi`
    /// (data variance, XSPEC's default `weight standard`; also `chi-data`) and `chi-gehrels`.
    public init(parsing text: String) throws(FitError) {
        switch text.lowercased() {
        case "cstat", "c", "wstat", "w": self = .cstat
        case "cash": self = .cash
        case "chi", "chi2", "chisq", "chi-data", "chi2-data", "chi2datavar": self = .chiSquared(.data)
        case "chi-gehrels", "chi2-gehrels", "chi2gehrels": self = .chiSquared(.gehrels)
        default:
            throw .invalidOption(name: "statistic", value: text, expected: "cstat, cash, chi (chi-data) or chi-gehrels")
        }
    }

    public var description: String {
        switch self {
        case .cstat: return "cstat"
        case .cash: return "cash"
        case let .chiSquared(v): return v == .data ? "chi" : "chi-gehrels"
        }
    }

    /// Name of the statistic actually computed for data with or without background
    /// (`cstat`, `wstat`, `cash`, `chi`, `chi-gehrels`).
    public func name(withBackground: Bool) -> String {
        if case .cstat = self, withBackground { return "wstat" }
        return description
    }

    /// Whether a null-hypothesis probability is defined (χ² only).
    public var hasNullHypothesisProbability: Bool {
        if case .chiSquared = self { return true }
        return false
    }
}

/// The statistic bound to one spectrum's bins, with the data-only quantities precomputed.
/// Evaluates the total, per-bin contributions and the optimiser's weights from model counts.
struct StatisticKernel: Sendable {
    enum Kind: Sendable { case cstat, cash, wstat, chi }
    let kind: Kind
    let statistic: FitStatistic
    let count: Int
    /// Source counts (cstat, cash, wstat) or background-subtracted data (chi).
    let data: [Double]
    /// Background counts (wstat).
    let background: [Double]
    /// r per bin (wstat).
    let ratios: [Double]
    /// 1/σ² per bin (chi).
    let inverseVariance: [Double]

    init(statistic: FitStatistic, data fitData: FitData) throws(FitError) {
        self.statistic = statistic
        count = fitData.count
        switch statistic {
        case .cstat:
            if let b = fitData.backgroundCounts, let r = fitData.backgroundRatios {
                kind = .wstat
                data = fitData.counts
                background = b
                ratios = r
            } else {
                kind = .cstat
                data = fitData.counts
                background = []
                ratios = []
            }
            inverseVariance = []
        case .cash:
            guard fitData.backgroundCounts == nil else { throw .backgroundNotSupported(statistic: "cash") }
            kind = .cash
            data = fitData.counts
            background = []
            ratios = []
            inverseVariance = []
        case let .chiSquared(variance):
            kind = .chi
            background = []
            ratios = []
            if let b = fitData.backgroundCounts, let r = fitData.backgroundRatios {
                data = fitData.counts.indices.map { fitData.counts[$0] - b[$0] / r[$0] }
                // The background expected in the source spectrum is B/r, so its variance is σ²(B)/r².
                inverseVariance = fitData.counts.indices.map {
                    1 / ChiSquaredStatistic.variance(counts: fitData.counts[$0], backgroundCounts: b[$0], backgroundScale: 1 / r[$0], variance: variance)
                }
            } else {
                data = fitData.counts
                inverseVariance = fitData.counts.map { 1 / ChiSquaredStatistic.variance(counts: $0, variance: variance) }
            }
        }
    }

    var name: String {
        switch kind {
        case .cstat: return "cstat"
        case .wstat: return "wstat"
        case .cash: return "cash"
        case .chi: return statistic.description
        }
    }

    /// The statistic for model counts `m` (count values).
    func value(_ m: UnsafePointer<Double>) -> Double {
        data.withUnsafeBufferPointer { d in
            switch kind {
            case .cstat:
                return CStatistic.sum(counts: d.baseAddress!, model: m, count: count)
            case .cash:
                return CashStatistic.sum(counts: d.baseAddress!, model: m, count: count)
            case .wstat:
                return background.withUnsafeBufferPointer { b in
                    ratios.withUnsafeBufferPointer { r in
                        var total = 0.0
                        for i in 0..<count {
                            total += WStatistic.term(counts: d[i], backgroundCounts: b[i], ratio: r[i], model: m[i])
                        }
                        return total
                    }
                }
            case .chi:
                return inverseVariance.withUnsafeBufferPointer { w in
                    var total = 0.0
                    for i in 0..<count {
                        let x = d[i] - m[i]
                        total += x * x * w[i]
                    }
                    return total
                }
            }
        }
    }

    /// The factor s that minimises the statistic of s·m, for the initial renormalisation:
    /// Σd/Σm for cstat and Cash (exact), (Σd − Σb/r)/Σm for W (the background-subtracted
    /// version; an approximation), Σ(d m w)/Σ(m² w) for χ² (exact). Nil when undefined.
    func renormalisationFactor(_ m: UnsafePointer<Double>) -> Double? {
        var numerator = 0.0, denominator = 0.0
        switch kind {
        case .cstat, .cash:
            for i in 0..<count { numerator += data[i]; denominator += m[i] }
        case .wstat:
            for i in 0..<count { numerator += data[i] - background[i] / ratios[i]; denominator += m[i] }
        case .chi:
            for i in 0..<count {
                numerator += data[i] * m[i] * inverseVariance[i]
                denominator += m[i] * m[i] * inverseVariance[i]
            }
        }
        guard numerator > 0, denominator > 0 else { return nil }
        return numerator / denominator
    }

    /// Per-bin contributions (scalar formulas).
    func contributions(_ m: [Double]) -> [Double] {
        (0..<count).map { i in
            switch kind {
            case .cstat: return CStatistic.term(counts: data[i], model: m[i])
            case .cash: return CashStatistic.term(counts: data[i], model: m[i])
            case .wstat: return WStatistic.term(counts: data[i], backgroundCounts: background[i], ratio: ratios[i], model: m[i])
            case .chi:
                let x = data[i] - m[i]
                return x * x * inverseVariance[i]
            }
        }
    }

    /// γᵢ = −½ ∂S/∂mᵢ and κᵢ = ½ ∂²S/∂mᵢ² into `gradient` and `curvature`.
    func weights(_ m: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, curvature: UnsafeMutablePointer<Double>) {
        data.withUnsafeBufferPointer { d in
            switch kind {
            case .cstat, .cash:
                for i in 0..<count {
                    let mf = m[i] < CStatistic.modelFloor ? CStatistic.modelFloor : m[i]
                    let ratio = d[i] / mf
                    gradient[i] = ratio - 1
                    curvature[i] = ratio / mf
                }
            case .wstat:
                background.withUnsafeBufferPointer { b in
                    ratios.withUnsafeBufferPointer { r in
                        for i in 0..<count {
                            let w = WStatistic.weights(counts: d[i], backgroundCounts: b[i], ratio: r[i], model: m[i])
                            gradient[i] = w.gradient
                            curvature[i] = w.curvature
                        }
                    }
                }
            case .chi:
                inverseVariance.withUnsafeBufferPointer { w in
                    for i in 0..<count {
                        gradient[i] = (d[i] - m[i]) * w[i]
                        curvature[i] = w[i]
                    }
                }
            }
        }
    }
}
