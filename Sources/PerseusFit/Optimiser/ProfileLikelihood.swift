import Foundation

extension Fitter {
    /// Profile-likelihood confidence intervals (XSPEC's `error` command) around `fit`.
    ///
    /// For each requested parameter and each direction: the parameter is frozen at trial values
    /// (starting one curvature error × √Δ away, then extrapolating Δstat ∝ (θ − θ̂)²), all other
    /// free parameters are re-fitted (warm-started from the nearest previous solution) until
    /// Δstat brackets the target; the crossing is then found by interpolating √Δstat linearly
    /// (exact for a quadratic profile), safeguarded by bisection, to within
    /// ``ConfidenceIntervalOptions/tolerance``. Searches stop at the parameter's hard limits.
    /// If a re-fit finds a statistic lower than the best fit by more than the tolerance, the
    /// whole problem is re-fitted from there and every interval recomputed (at most
    /// ``ConfidenceIntervalOptions/maximumRestarts`` times; flag 1 is set on the results).
    ///
    /// - Parameters:
    ///   - indices: parameters (indices into ``FitParameters/all``) to compute; nil means every
    ///     free parameter. A parameter that is not free gets flag 6 and lower = upper = value.
    /// - Throws: ``FitError`` only if a re-fit from a new minimum fails.
    public func confidenceIntervals<Model: CountsModel>(around fit: FitResult, problem: FitProblem, model: inout Model,
                                                        indices: [Int]? = nil,
                                                        options intervalOptions: ConfidenceIntervalOptions = ConfidenceIntervalOptions(),
                                                        workspace: FitWorkspace? = nil, sampleIndex: UInt64 = 0) throws(FitError) -> ConfidenceIntervalReport {
        guard intervalOptions.deltaStatistic > 0, intervalOptions.deltaStatistic.isFinite else {
            throw .invalidOption(name: "deltaStatistic", value: "\(intervalOptions.deltaStatistic)", expected: "finite and > 0")
        }
        guard intervalOptions.tolerance > 0, intervalOptions.maximumTrials > 1 else {
            throw .invalidOption(name: "tolerance/maximumTrials", value: "\(intervalOptions.tolerance)/\(intervalOptions.maximumTrials)",
                                 expected: "tolerance > 0 and more than one trial")
        }
        let workspace = workspace ?? FitWorkspace()
        var best = fit
        var restarts = 0
        var sawNewMinimum = false
        while true {
            var intervals: [ConfidenceInterval] = []
            var newMinimum: FitParameters?
            let wanted = indices ?? best.parameters.freeIndices
            for index in wanted {
                let search = profileInterval(index: index, around: best, problem: problem, model: &model,
                                             options: intervalOptions, workspace: workspace, sampleIndex: sampleIndex)
                if let better = search.newMinimum {
                    newMinimum = better
                    break
                }
                var interval = search.interval
                if sawNewMinimum {
                    interval = ConfidenceInterval(parameter: interval.parameter, index: interval.index, bestFit: interval.bestFit,
                                                  lower: interval.lower, upper: interval.upper, deltaStatistic: interval.deltaStatistic,
                                                  flags: interval.flags.union(.newMinimumFound))
                }
                intervals.append(interval)
            }
            guard let start = newMinimum, restarts < intervalOptions.maximumRestarts else {
                if let start = newMinimum {
                    // Out of restarts: report what was found, flagged.
                    _ = start
                    let flagged = intervals.map {
                        ConfidenceInterval(parameter: $0.parameter, index: $0.index, bestFit: $0.bestFit, lower: $0.lower,
                                           upper: $0.upper, deltaStatistic: $0.deltaStatistic, flags: $0.flags.union(.newMinimumFound))
                    }
                    return ConfidenceIntervalReport(fit: best, intervals: flagged, restarts: restarts)
                }
                return ConfidenceIntervalReport(fit: best, intervals: intervals, restarts: restarts)
            }
            restarts += 1
            sawNewMinimum = true
            best = try self.fit(problem.with(parameters: start), model: &model, workspace: workspace, sampleIndex: sampleIndex)
        }
    }

    /// The statistic minimised over the other free parameters with parameter `index` frozen at
    /// `value`, started from `start` (values of all parameters). Nil if the re-fit failed.
    func profilePoint<Model: CountsModel>(index: Int, value: Double, start: FitParameters, problem: FitProblem,
                                          model: inout Model, workspace: FitWorkspace,
                                          sampleIndex: UInt64) -> (statistic: Double, parameters: FitParameters)? {
        let frozen = start.freezing(index, at: value)
        var inner = self
        inner.options.multiStartCount = 0
        do {
            let result = try inner.fit(problem.with(parameters: frozen), model: &model, workspace: workspace, sampleIndex: sampleIndex)
            return (result.statistic, result.parameters)
        } catch {
            return nil
        }
    }

    struct ProfileSearch {
        var interval: ConfidenceInterval
        /// Parameters (all, including the profiled one, free again) of a lower minimum.
        var newMinimum: FitParameters?
    }

    func profileInterval<Model: CountsModel>(index: Int, around fit: FitResult, problem: FitProblem, model: inout Model,
                                             options o: ConfidenceIntervalOptions, workspace: FitWorkspace,
                                             sampleIndex: UInt64) -> ProfileSearch {
        let parameter = fit.parameters.all[index]
        let best = parameter.value
        func interval(_ lower: Double, _ upper: Double, _ flags: ConfidenceInterval.Flags) -> ConfidenceInterval {
            ConfidenceInterval(parameter: parameter.name, index: index, bestFit: best, lower: lower, upper: upper,
                               deltaStatistic: o.deltaStatistic, flags: flags)
        }
        guard parameter.isFree else { return ProfileSearch(interval: interval(best, best, .frozen)) }
        if problem.statistic.hasNullHypothesisProbability, let reduced = fit.reducedStatistic, reduced > o.maximumReducedChiSquared {
            return ProfileSearch(interval: interval(best, best, .reducedChiSquaredTooHigh))
        }
        // Scale of the first step.
        var sigma = fit.error(ofParameter: index) ?? 0
        if !(sigma > 0 && sigma.isFinite) {
            sigma = best != 0 ? 0.1 * abs(best) : 0.01 * min(1, parameter.softMax - parameter.softMin)
        }
        var flags: ConfidenceInterval.Flags = []
        var ends: [Double] = [best, best]
        for (side, direction) in [-1.0, 1.0].enumerated() {
            let limit = direction < 0 ? parameter.hardMin : parameter.hardMax
            let limitFlag: ConfidenceInterval.Flags = direction < 0 ? .hitLowerLimit : .hitUpperLimit
            let failFlag: ConfidenceInterval.Flags = direction < 0 ? .lowerSearchFailed : .upperSearchFailed
            // Evaluated points: value, Δstat, solution.
            var inner = (value: best, delta: 0.0, solution: fit.parameters)
            var trials = 0
            var distance = sigma * o.deltaStatistic.squareRoot()
            var outer: (value: Double, delta: Double, solution: FitParameters)?
            // Bracketing.
            while outer == nil {
                if trials >= o.maximumTrials { flags.insert(failFlag); break }
                var value = best + direction * distance
                if direction < 0 ? value <= limit : value >= limit { value = limit }
                if value == inner.value { flags.insert(limitFlag); ends[side] = limit; break }
                trials += 1
                guard let point = profilePoint(index: index, value: value, start: inner.solution, problem: problem,
                                               model: &model, workspace: workspace, sampleIndex: sampleIndex) else {
                    flags.insert([.minimisationProblem, failFlag])
                    break
                }
                let delta = point.statistic - fit.statistic
                if delta < -o.tolerance {
                    var free = point.parameters
                    free = (try? FitParameters(free.all.enumerated().map { i, p in
                        var q = p
                        if i == index { q.isFrozen = false; q.value = min(q.softMax, max(q.softMin, q.value)) }
                        return q
                    })) ?? free
                    return ProfileSearch(interval: interval(best, best, .newMinimumFound), newMinimum: free)
                }
                if delta < inner.delta - o.tolerance { flags.insert(.nonMonotonic) }
                if delta >= o.deltaStatistic {
                    outer = (value, delta, point.parameters)
                } else {
                    inner = (value, delta, point.parameters)
                    if value == limit { flags.insert(limitFlag); ends[side] = limit; break }
                    // Δ ≈ c (θ − θ̂)²: aim 10 % beyond the target, grow at most fourfold per trial.
                    let factor = delta > 0 ? min(4, max(1.1, 1.05 * (o.deltaStatistic / delta).squareRoot())) : 4
                    distance = abs(value - best) * factor
                }
            }
            guard var high = outer else {
                // No crossing: report the farthest point reached (with the limit or failure flag).
                if !flags.contains(limitFlag) { ends[side] = inner.value }
                continue
            }
            // Root finding on √Δ, safeguarded.
            var low = inner
            var answer = high.value
            var keptLow = 0, keptHigh = 0
            while abs(high.delta - o.deltaStatistic) > o.tolerance {
                if trials >= o.maximumTrials { flags.insert(failFlag); break }
                let ra = max(0, low.delta).squareRoot(), rb = high.delta.squareRoot(), rt = o.deltaStatistic.squareRoot()
                var t = rb > ra ? (rt - ra) / (rb - ra) : 0.5
                if keptLow >= 2 || keptHigh >= 2 { t = 0.5; keptLow = 0; keptHigh = 0 }
                t = min(0.95, max(0.05, t))
                let value = low.value + (high.value - low.value) * t
                if value == low.value || value == high.value { break }
                trials += 1
                guard let point = profilePoint(index: index, value: value, start: abs(value - low.value) < abs(value - high.value) ? low.solution : high.solution,
                                               problem: problem, model: &model, workspace: workspace, sampleIndex: sampleIndex) else {
                    flags.insert([.minimisationProblem, failFlag])
                    break
                }
                let delta = point.statistic - fit.statistic
                if delta < -o.tolerance {
                    var free = point.parameters
                    free = (try? FitParameters(free.all.enumerated().map { i, p in
                        var q = p
                        if i == index { q.isFrozen = false; q.value = min(q.softMax, max(q.softMin, q.value)) }
                        return q
                    })) ?? free
                    return ProfileSearch(interval: interval(best, best, .newMinimumFound), newMinimum: free)
                }
                if abs(delta - o.deltaStatistic) <= o.tolerance {
                    high = (value, delta, point.parameters)
                    break
                }
                if delta < o.deltaStatistic {
                    low = (value, delta, point.parameters); keptHigh += 1; keptLow = 0
                } else {
                    high = (value, delta, point.parameters); keptLow += 1; keptHigh = 0
                }
            }
            // Final estimate: interpolate √Δ between the bracket ends (the ends are within the
            // tolerance or as close as the trials allowed).
            let ra = max(0, low.delta).squareRoot(), rb = high.delta.squareRoot(), rt = o.deltaStatistic.squareRoot()
            if abs(high.delta - o.deltaStatistic) <= o.tolerance {
                answer = high.value
            } else if rb > ra {
                answer = low.value + (high.value - low.value) * min(1, max(0, (rt - ra) / (rb - ra)))
            }
            ends[side] = answer
        }
        return ProfileSearch(interval: interval(ends[0], ends[1], flags))
    }
}
