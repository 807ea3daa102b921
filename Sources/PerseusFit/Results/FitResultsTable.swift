import Foundation

/// The best-fit parameters and statistics of many samples, one row per sample, in memory: what
/// `perseus fit --dataset` collects and writes as a fit-results file (``FitResultsFile``;
/// schema in docs/fit-results.md).
///
/// A sample whose fit failed is a row like any other, with its failure status and message and
/// NaN values: nothing is dropped.
public struct FitResultsTable: Sendable, Equatable {
    /// What the table describes (root attributes of the file).
    public struct Description: Sendable, Equatable {
        /// The model expression, e.g. `tbabs*apec`.
        public var expression: String
        /// The statistic requested (`cstat`, `cash`, `chi`, …).
        public var statistic: String
        /// The band and grouping in words.
        public var band: String
        public var grouping: String
        public var abundanceTable: String
        /// The dataset the samples come from (path as given).
        public var source: String
        /// The response used, in words (files or instrument).
        public var response: String
        /// Exposure [s].
        public var exposure: Double
        /// Seed of the multi-start streams.
        public var seed: UInt64
        /// Δstat of the confidence intervals, nil when none were computed.
        public var deltaStatistic: Double?

        public init(expression: String, statistic: String, band: String, grouping: String, abundanceTable: String,
                    source: String, response: String, exposure: Double, seed: UInt64, deltaStatistic: Double?) {
            self.expression = expression
            self.statistic = statistic
            self.band = band
            self.grouping = grouping
            self.abundanceTable = abundanceTable
            self.source = source
            self.response = response
            self.exposure = exposure
            self.seed = seed
            self.deltaStatistic = deltaStatistic
        }
    }

    /// One model parameter (a column of ``values``).
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var unit: String
        /// Free in the fit (neither frozen nor linked).
        public var isFree: Bool
        /// The link, e.g. `= apec_1.Abundanc`, or "" when not linked.
        public var link: String

        public init(name: String, unit: String, isFree: Bool, link: String) {
            self.name = name
            self.unit = unit
            self.isFree = isFree
            self.link = link
        }
    }

    public var description: Description
    public var parameters: [Parameter]
    /// Class names and anomaly flags of the source dataset (empty if it had none).
    public var classNames: [String]
    public var classIsAnomaly: [Bool]

    // Per-sample columns (N rows; matrices are row-major N × P).
    public private(set) var sampleIndex: [Int] = []
    public private(set) var label: [Int] = []
    /// ``FitStatus/number`` (0 converged, 1 at a limit, 2 some errors undefined, 3 non-smooth
    /// minimum, 4 flat valley, ≥ 10 failed).
    public private(set) var status: [Int] = []
    /// ``FitStatus/code``.
    public private(set) var statusText: [String] = []
    /// The failure's description ("" for a converged fit).
    public private(set) var message: [String] = []
    /// The statistic at the best fit (NaN when failed).
    public private(set) var statistic: [Double] = []
    /// Fitted bins and degrees of freedom (−1 when failed).
    public private(set) var bins: [Int] = []
    public private(set) var degreesOfFreedom: [Int] = []
    /// Best-fit value of every parameter (NaN when failed).
    public private(set) var values: [Double] = []
    /// 1σ curvature errors (NaN for parameters that are not free, undefined errors and failures).
    public private(set) var errors: [Double] = []
    /// Profile-likelihood interval ends and XSPEC error flags (``ConfidenceInterval/Flags`` bits),
    /// present when intervals were computed (NaN / −1 where not).
    public private(set) var lower: [Double] = []
    public private(set) var upper: [Double] = []
    public private(set) var intervalFlags: [Int] = []
    public private(set) var iterations: [Int] = []
    public private(set) var modelEvaluations: [Int] = []

    public init(description: Description, parameters: [Parameter], classNames: [String] = [], classIsAnomaly: [Bool] = []) {
        self.description = description
        self.parameters = parameters
        self.classNames = classNames
        self.classIsAnomaly = classIsAnomaly
    }

    /// Number of samples (rows).
    public var count: Int { status.count }
    /// Whether interval columns are kept.
    public var hasIntervals: Bool { description.deltaStatistic != nil }

    /// Appends one sample's outcome.
    /// - Precondition: a successful fit has one value per parameter of the table.
    public mutating func append(_ outcome: BatchFitOutcome, sampleIndex index: Int, label classLabel: Int = -1) {
        let p = parameters.count
        let status = outcome.status
        sampleIndex.append(index)
        label.append(classLabel)
        self.status.append(status.number)
        statusText.append(status.code)
        switch outcome.fit {
        case let .success(result):
            precondition(result.parameters.count == p, "the fit has \(result.parameters.count) parameters; the table \(p)")
            message.append("")
            statistic.append(result.statistic)
            bins.append(result.binCount)
            degreesOfFreedom.append(result.degreesOfFreedom)
            values += result.values
            errors += (0..<p).map { result.error(ofParameter: $0) ?? .nan }
            iterations.append(result.iterations)
            modelEvaluations.append(result.modelEvaluations)
        case let .failure(error):
            message.append(error.description)
            statistic.append(.nan)
            bins.append(-1)
            degreesOfFreedom.append(-1)
            values += [Double](repeating: .nan, count: p)
            errors += [Double](repeating: .nan, count: p)
            iterations.append(0)
            modelEvaluations.append(0)
        }
        if hasIntervals {
            var lo = [Double](repeating: .nan, count: p), hi = lo, flags = [Int](repeating: -1, count: p)
            for interval in outcome.intervals?.intervals ?? [] where interval.index < p {
                lo[interval.index] = interval.lower
                hi[interval.index] = interval.upper
                flags[interval.index] = Int(interval.flags.rawValue)
            }
            lower += lo
            upper += hi
            intervalFlags += flags
        }
    }

    /// Appends rows read from a file (columns already checked for shape).
    mutating func appendRows(sampleIndex: [Int], label: [Int], status: [Int], statusText: [String], message: [String],
                             statistic: [Double], bins: [Int], degreesOfFreedom: [Int], values: [Double], errors: [Double],
                             lower: [Double], upper: [Double], intervalFlags: [Int], iterations: [Int], modelEvaluations: [Int]) {
        self.sampleIndex += sampleIndex
        self.label += label
        self.status += status
        self.statusText += statusText
        self.message += message
        self.statistic += statistic
        self.bins += bins
        self.degreesOfFreedom += degreesOfFreedom
        self.values += values
        self.errors += errors
        self.lower += lower
        self.upper += upper
        self.intervalFlags += intervalFlags
        self.iterations += iterations
        self.modelEvaluations += modelEvaluations
    }

    /// Number of rows whose fit failed (status ≥ 10).
    public var failureCount: Int { status.filter { $0 >= 10 }.count }

    /// Failures by status code, most frequent first.
    public var failuresByCode: [(code: String, count: Int)] {
        var counts: [String: Int] = [:]
        for (number, code) in zip(status, statusText) where number >= 10 { counts[code, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public static func == (a: FitResultsTable, b: FitResultsTable) -> Bool {
        func same(_ x: [Double], _ y: [Double]) -> Bool {
            x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
        }
        return a.description == b.description && a.parameters == b.parameters && a.classNames == b.classNames
            && a.classIsAnomaly == b.classIsAnomaly && a.sampleIndex == b.sampleIndex && a.label == b.label && a.status == b.status
            && a.statusText == b.statusText && a.message == b.message && same(a.statistic, b.statistic) && a.bins == b.bins
            && a.degreesOfFreedom == b.degreesOfFreedom && same(a.values, b.values) && same(a.errors, b.errors)
            && same(a.lower, b.lower) && same(a.upper, b.upper) && a.intervalFlags == b.intervalFlags
            && a.iterations == b.iterations && a.modelEvaluations == b.modelEvaluations
    }
}
