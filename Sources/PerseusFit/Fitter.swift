import Foundation
import PerseusCore

/// Fits spectra: Levenberg–Marquardt adapted to the statistic (XSPEC's `leven`), with a
/// Nelder–Mead fallback and seeded multi-start, curvature errors and profile-likelihood
/// confidence intervals.
///
/// ```swift
/// let data = try FitData(spectrum: spectrum, band: .only(0.3...10), grouping: .none)
/// let problem = try FitProblem(data: data, statistic: .cstat, parameters: parameters)
/// var model = MyCountsModel(...)
/// let result = try Fitter().fit(problem, model: &model)
/// let report = try Fitter().confidenceIntervals(around: result, problem: problem, model: &model)
/// ```
///
/// **Determinism.** A fit is a pure function of the problem, the model, the options and the
/// sample index (which keys the multi-start streams): the same inputs give the same bits on any
/// thread. All sums run in a fixed order.
public struct Fitter: Sendable {
    public var options: FitOptions

    public init(options: FitOptions = FitOptions()) {
        self.options = options
    }

    /// Fits `problem` starting from its parameter values.
    /// - Parameters:
    ///   - model: predicts counts per detector channel; must have `problem.data.channelMap.channelCount` channels.
    ///   - workspace: scratch to reuse across fits on this thread (a new one if nil).
    ///   - sampleIndex: keys the multi-start random streams (use the sample's index in a batch).
    /// - Throws: ``FitError`` for bad input, a model that fails at the start, or a fit that does
    ///   not converge by any method.
    public func fit<Model: CountsModel>(_ problem: FitProblem, model: inout Model, workspace: FitWorkspace? = nil,
                                        sampleIndex: UInt64 = 0) throws(FitError) -> FitResult {
        try options.validate()
        let data = problem.data
        guard model.channelCount == data.channelMap.channelCount else {
            throw .modelChannelMismatch(spectrum: data.name, modelChannels: model.channelCount, spectrumChannels: data.channelMap.channelCount)
        }
        if let computed = model.computedChannels, let first = data.channelMap.groups.first?.lowerBound,
           let last = data.channelMap.groups.last?.upperBound, first < computed.lowerBound || last > computed.upperBound {
            throw .incompatibleResponse(reason: "\(data.name): the fitted channels \(first)..<\(last) (0-based) are not all among the channels "
                                        + "\(computed.lowerBound)..<\(computed.upperBound) the model computes (its band)")
        }
        let freeCount = problem.parameters.freeIndices.count
        guard data.count >= freeCount else {
            throw .tooFewChannels(spectrum: data.name, channels: data.count, freeParameters: freeCount)
        }
        let engine = Minimiser(kernel: problem.kernel, map: data.channelMap, parameters: problem.parameters,
                               options: options, workspace: workspace ?? FitWorkspace(), model: model)
        defer { model = engine.model }
        return try run(engine, problem: problem, sampleIndex: sampleIndex)
    }

    /// The whole strategy on a prepared engine.
    func run<Model: CountsModel>(_ engine: Minimiser<Model>, problem: FitProblem, sampleIndex: UInt64) throws(FitError) -> FitResult {
        let data = problem.data
        let n = engine.freeCount
        var x = problem.parameters.freeValues
        var statistic = x.withUnsafeBufferPointer { engine.evaluate($0.baseAddress!, into: engine.workspace.current.pointer) }
        if !statistic.isFinite {
            throw startFailure(engine, problem: problem)
        }
        if n == 0 {
            return makeResult(engine, problem: problem, x: x, statistic: statistic, method: .evaluation, fallback: false)
        }
        if options.renormalisationThreshold.isFinite, let scaled = renormalised(engine, problem: problem, x: x, statistic: statistic) {
            (x, statistic) = scaled
        }
        let start = x

        // 1. Levenberg–Marquardt from the start.
        var outcome = x.withUnsafeMutableBufferPointer { engine.levenbergMarquardt($0.baseAddress!, statistic: &statistic) }
        if outcome.converged {
            return makeResult(engine, problem: problem, x: x, statistic: statistic, method: .levenbergMarquardt, fallback: false)
        }
        let firstReason = outcome.reason

        // 2. Nelder–Mead from the best point so far, then Levenberg–Marquardt again.
        if options.useNelderMeadFallback && options.nelderMeadIterations > 0 {
            var y = x
            var s = y.withUnsafeMutableBufferPointer { engine.nelderMead($0.baseAddress!) }
            if s.isFinite {
                outcome = y.withUnsafeMutableBufferPointer { engine.levenbergMarquardt($0.baseAddress!, statistic: &s) }
                if outcome.converged {
                    return makeResult(engine, problem: problem, x: y, statistic: s, method: .nelderMeadThenLevenbergMarquardt, fallback: true)
                }
            }
        }

        // The lowest statistic any stage has reached; a multi-start minimum above it is another
        // (worse) local minimum, not an answer.
        let lowest = min(statistic, engine.lowestStatistic)

        // 3. Seeded multi-start.
        var best: (x: [Double], statistic: Double)?
        for startIndex in 0..<options.multiStartCount {
            var stream = RandomStream(seed: options.seed, purpose: .fitting, index: sampleIndex, substream: UInt64(startIndex))
            var y = (0..<n).map { k -> Double in
                let x0 = start[k], lo = engine.lower[k], hi = engine.upper[k]
                var v: Double
                if x0 > 0 && lo >= 0 {
                    v = x0 * Foundation.pow(10, stream.uniform(in: -1..<1))
                } else {
                    let w = max(abs(x0), 1)
                    let a = max(lo, x0 - w), b = min(hi, x0 + w)
                    v = a + (b - a) * stream.uniform()
                }
                return min(hi, max(lo, v))
            }
            var s = y.withUnsafeBufferPointer { engine.evaluate($0.baseAddress!, into: engine.workspace.current.pointer) }
            guard s.isFinite else { continue }
            let result = y.withUnsafeMutableBufferPointer { engine.levenbergMarquardt($0.baseAddress!, statistic: &s) }
            if result.converged && s < (best?.statistic ?? .infinity) {
                best = (y, s)
            }
        }
        if let best, best.statistic <= lowest + options.criticalDelta {
            // Re-run from the winner so the engine's curvature describes that point.
            var y = best.x
            var s = y.withUnsafeBufferPointer { engine.evaluate($0.baseAddress!, into: engine.workspace.current.pointer) }
            let result = y.withUnsafeMutableBufferPointer { engine.levenbergMarquardt($0.baseAddress!, statistic: &s) }
            if result.converged {
                return makeResult(engine, problem: problem, x: y, statistic: s, method: .multiStart, fallback: true)
            }
        }
        throw .notConverged(spectrum: data.name, reason: firstReason, statistic: statistic, iterations: engine.iterations)
    }

    /// XSPEC's `renorm` at the start (see ``FitOptions/renormalisationThreshold``): the free values with every
    /// normalisation scaled by the kernel's best common factor, and their statistic, if that
    /// lowers the statistic; the counts of the returned point are left in `workspace.current`.
    func renormalised<Model: CountsModel>(_ engine: Minimiser<Model>, problem: FitProblem, x: [Double],
                                          statistic: Double) -> (x: [Double], statistic: Double)? {
        let all = problem.parameters.all
        let norms = all.indices.filter { all[$0].isNormalisation }
        guard norms.contains(where: { all[$0].isFree }) else { return nil }
        for i in norms where !all[i].isFree {
            guard let link = all[i].link, all[link.source].isNormalisation, link.offset == 0 else { return nil }
        }
        let threshold = options.renormalisationThreshold
        guard let factor = problem.kernel.renormalisationFactor(engine.workspace.current.pointer),
              factor.isFinite, factor > 0, factor > threshold || factor < 1 / threshold, abs(factor - 1) > 1e-6 else { return nil }
        var y = x
        for (k, index) in engine.freeIndex.enumerated() where all[index].isNormalisation {
            y[k] = min(engine.upper[k], max(engine.lower[k], x[k] * factor))
        }
        let trial = y.withUnsafeBufferPointer { engine.evaluate($0.baseAddress!, into: engine.workspace.trial.pointer) }
        guard trial < statistic else { return nil }
        swap(&engine.workspace.current, &engine.workspace.trial)
        return (y, trial)
    }

    func startFailure<Model: CountsModel>(_ engine: Minimiser<Model>, problem: FitProblem) -> FitError {
        let values = zip(problem.parameters.names, problem.parameters.values).map { "\($0)=\($1)" }.joined(separator: ", ")
        switch engine.lastFailure {
        case let .threw(reason)?:
            return .modelFailed(spectrum: problem.data.name, reason: reason)
        case let .nonFinite(bin, value)?:
            return .nonFiniteModel(spectrum: problem.data.name, channel: problem.data.channelMap.groups[bin].lowerBound,
                                   value: value, parameters: values)
        case let .nonFiniteStatistic(value)?:
            return .modelFailed(spectrum: problem.data.name, reason: "the statistic is \(value) at \(values)")
        case nil:
            return .modelFailed(spectrum: problem.data.name, reason: "unknown failure at \(values)")
        }
    }

    /// Assembles the result at `x` (the engine's last curvature describes `x`).
    func makeResult<Model: CountsModel>(_ engine: Minimiser<Model>, problem: FitProblem, x: [Double], statistic: Double,
                                        method: FitMethod, fallback: Bool) -> FitResult {
        let data = problem.data
        let parameters = problem.parameters.settingFreeValues(x)
        let n = engine.freeCount
        var warnings: [FitWarning] = []
        var errors = [Double?](repeating: nil, count: n)
        var covariance: [Double]?
        var indices: [Int] = []
        if n > 0 {
            let c = engine.covariance()
            errors = c.errors
            covariance = c.matrix
            indices = c.indices
            for k in 0..<n {
                let name = parameters.all[engine.freeIndex[k]].name
                if engine.pegged[k] {
                    warnings.append(.parameterAtLimit(name: name, value: x[k], isUpper: x[k] >= engine.upper[k]))
                } else if engine.insensitive[k] {
                    warnings.append(.insensitiveParameter(name: name))
                }
            }
            if c.singular { warnings.append(.singularCurvature) }
        }
        if fallback { warnings.append(.usedFallback(method)) }
        if engine.convergedNonSmooth { warnings.append(.nonSmoothMinimum) }
        if engine.convergedFlat { warnings.append(.flatMinimum) }
        let modelCounts = Array(UnsafeBufferPointer(start: engine.workspace.current.pointer, count: data.count))
        let dof = data.count - n
        var probability: Double?
        if problem.statistic.hasNullHypothesisProbability && dof > 0 {
            probability = ChiSquaredDistribution.survival(statistic, degreesOfFreedom: Double(dof))
        }
        return FitResult(spectrum: data.name, parameters: parameters, statisticName: problem.kernel.name, statistic: statistic,
                         binCount: data.count, degreesOfFreedom: dof, nullHypothesisProbability: probability,
                         errors: errors, covariance: covariance, covarianceIndices: indices, modelCounts: modelCounts,
                         method: method, iterations: engine.iterations, modelEvaluations: engine.evaluations, warnings: warnings)
    }
}
