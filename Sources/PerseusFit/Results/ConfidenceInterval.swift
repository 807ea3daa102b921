/// A profile-likelihood confidence interval of one parameter, with XSPEC's `error` semantics:
/// the parameter is stepped away from its best fit, every other free parameter is re-fitted at
/// each step, and the interval ends where the statistic has risen by ``deltaStatistic`` above
/// the minimum (1.0 for 1σ of one parameter, 2.706 for 90 %).
public struct ConfidenceInterval: Sendable, Equatable {
    /// XSPEC's nine-letter error string, one flag per position (T when set).
    public struct Flags: OptionSet, Sendable, Equatable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// 1. A lower statistic than the best fit was found during the search.
        public static let newMinimumFound = Flags(rawValue: 1 << 0)
        /// 2. The profile decreased while moving away from the best fit.
        public static let nonMonotonic = Flags(rawValue: 1 << 1)
        /// 3. A re-fit at a profile point did not converge.
        public static let minimisationProblem = Flags(rawValue: 1 << 2)
        /// 4. The search reached the hard lower limit before Δstat did (the lower end is that limit).
        public static let hitLowerLimit = Flags(rawValue: 1 << 3)
        /// 5. Likewise at the hard upper limit.
        public static let hitUpperLimit = Flags(rawValue: 1 << 4)
        /// 6. The parameter is not free.
        public static let frozen = Flags(rawValue: 1 << 5)
        /// 7. No crossing was found below the best fit within the allowed trials.
        public static let lowerSearchFailed = Flags(rawValue: 1 << 6)
        /// 8. Likewise above.
        public static let upperSearchFailed = Flags(rawValue: 1 << 7)
        /// 9. χ² fits only: the reduced χ² exceeds the allowed maximum (XSPEC's default 2), so no
        ///    interval is computed.
        public static let reducedChiSquaredTooHigh = Flags(rawValue: 1 << 8)
    }

    /// Qualified name of the parameter.
    public let parameter: String
    /// Its index in ``FitParameters/all``.
    public let index: Int
    /// Best-fit value.
    public let bestFit: Double
    /// Lower end: where Δstat reaches the target, or the hard lower limit (flag 4).
    public let lower: Double
    /// Upper end, likewise.
    public let upper: Double
    /// The Δstat defining the interval.
    public let deltaStatistic: Double
    public let flags: Flags

    /// XSPEC's error string, e.g. `FFFFFFFFF` for a clean interval, `FFFTFFFFF` when the lower
    /// end is a hard limit.
    public var xspecErrorString: String {
        String((0..<9).map { flags.rawValue & (1 << $0) != 0 ? "T" : "F" })
    }

    /// Both ends were found (possibly at a hard limit) by converged re-fits.
    public var isComplete: Bool {
        flags.isDisjoint(with: [.lowerSearchFailed, .upperSearchFailed, .minimisationProblem, .frozen, .reducedChiSquaredTooHigh])
    }

    /// Whether `value` lies inside [lower, upper].
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}

/// Settings of the confidence-interval search (XSPEC: `error stopat 20 0.01 maximum 2.0 2.706`).
public struct ConfidenceIntervalOptions: Sendable, Equatable {
    /// Δstat of the interval: 1.0 (1σ), 2.706 (90 %, XSPEC's default), 4.0, 6.635, …
    public var deltaStatistic: Double = 2.706
    /// A crossing is accepted when |Δstat − target| is at most this (XSPEC's `toler`, 0.01).
    public var tolerance: Double = 0.01
    /// Profile re-fits allowed per direction (XSPEC's `ntrial` is 20).
    public var maximumTrials: Int = 30
    /// How many times the whole computation may restart from a newly found minimum.
    public var maximumRestarts: Int = 3
    /// χ² fits with a larger reduced χ² get no intervals (flag 9), as in XSPEC.
    public var maximumReducedChiSquared: Double = 2.0

    public init(deltaStatistic: Double = 2.706) {
        self.deltaStatistic = deltaStatistic
    }
}

/// Confidence intervals together with the fit they refer to.
public struct ConfidenceIntervalReport: Sendable {
    /// The best fit around which the intervals were computed: the input fit, or a better one if
    /// the search found a lower minimum (then every interval was recomputed around it).
    public let fit: FitResult
    public let intervals: [ConfidenceInterval]
    /// Number of restarts from new minima.
    public let restarts: Int
}
