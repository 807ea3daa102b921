/// What is fitted: a selected and grouped spectrum, the statistic, and the model's parameters
/// (starting values, limits, frozen flags, links). The model itself is passed to the fitter
/// separately because it holds per-thread scratch (see ``CountsModel``).
public struct FitProblem: Sendable {
    public let data: FitData
    public let statistic: FitStatistic
    public let parameters: FitParameters
    let kernel: StatisticKernel

    /// - Throws: ``FitError/backgroundNotSupported(statistic:)`` for Cash with a background.
    public init(data: FitData, statistic: FitStatistic = .cstat, parameters: FitParameters) throws(FitError) {
        self.data = data
        self.statistic = statistic
        self.parameters = parameters
        kernel = try StatisticKernel(statistic: statistic, data: data)
    }

    /// The same problem with other starting parameters (e.g. a parameter frozen at a value).
    public func with(parameters: FitParameters) -> FitProblem {
        FitProblem(data: data, statistic: statistic, parameters: parameters, kernel: kernel)
    }

    private init(data: FitData, statistic: FitStatistic, parameters: FitParameters, kernel: StatisticKernel) {
        self.data = data
        self.statistic = statistic
        self.parameters = parameters
        self.kernel = kernel
    }

    /// Name of the statistic computed (`wstat` when cstat meets a background).
    public var statisticName: String { kernel.name }

    /// The statistic and its per-bin contributions for `model` counts per bin.
    public func statistic(modelCounts: [Double]) -> (total: Double, contributions: [Double]) {
        precondition(modelCounts.count == data.count, "expected \(data.count) bins")
        let contributions = kernel.contributions(modelCounts)
        return (contributions.reduce(0, +), contributions)
    }
}
