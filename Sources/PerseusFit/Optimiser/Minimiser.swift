import Foundation

/// What went wrong at a point the model could not be evaluated.
enum EvaluationFailure: Sendable {
    case threw(String)
    case nonFinite(bin: Int, value: Double)
    case nonFiniteStatistic(Double)
}

/// The result of one Levenberg–Marquardt run.
struct MinimiserOutcome {
    var converged: Bool
    var reason: String
}

/// Levenberg–Marquardt for Poisson (and Gaussian) likelihoods, in the form XSPEC's `leven`
/// method uses (Bevington's CURFIT with the statistic's own first and second derivatives with
/// respect to the model counts):
///
/// - the gradient and curvature are β_k = Σᵢ γᵢ ∂mᵢ/∂θ_k and α_kl = Σᵢ κᵢ ∂mᵢ/∂θ_k ∂mᵢ/∂θ_l with
///   γ = −½ ∂S/∂m and κ = ½ ∂²S/∂m² of the statistic (for `cstat` γ = d/m − 1, κ = d/m²), the
///   second derivatives of the model being neglected (Gauss–Newton);
/// - ∂m/∂θ_k by forward differences, one model evaluation per free parameter;
/// - each step solves (A + λ I) y = b with A = α scaled to unit diagonal (Marquardt's scaling,
///   as XSPEC normalises by the diagonal), δ = D^{-½} y; a step is kept if the statistic does not
///   increase (λ ÷ 10, not below 1e-30), otherwise λ × 10 and the step is recomputed, giving up
///   after 100 tries or λ > 1e300;
/// - convergence: the decrease the quadratic model still predicts at the current point, βᵀα⁻¹β
///   from a freshly differenced Jacobian, is at most ``FitOptions/remainingDecreaseTolerance``
///   and the model can be trusted there — the last kept iteration lowered the statistic by at most
///   XSPEC's critical delta (0.01), or βᵀα⁻¹β is itself below the critical delta and the last
///   step's actual decrease was within 10 % of its prediction. Also converged: a step taken from
///   such a trusted point whose observed rate of convergence (βᵀα⁻¹β now over its previous
///   value, linear for Poisson statistics) puts what remains below the tolerance; then the
///   Jacobian is not differenced again and the covariance is that of the step's starting point,
///   as in XSPEC.
///
/// About the Gauss–Newton approximation: for Poisson statistics the neglected Hessian
/// term Σ (1 − d/m) ∂²m/∂θ² averages to zero at the truth, so the iteration converges linearly
/// but fast (typically 10⁻³–10⁻² per iteration near the minimum).
///
/// **Bounds (own choice, documented):** free parameters stay within their soft limits. A step
/// that would cross a limit is projected onto it (XSPEC instead shortens that component by powers
/// of two and never lands on the limit). A parameter on a limit whose gradient points outwards is
/// *pegged* — left out of the step — for that iteration, and released as soon as the gradient
/// points back inside; one whose curvature is zero (the statistic ignores it) is left out too.
/// At convergence such parameters are reported as warnings and get no curvature error.
final class Minimiser<Model: CountsModel> {
    let kernel: StatisticKernel
    let map: ChannelMap
    let options: FitOptions
    let workspace: FitWorkspace
    var model: Model
    let parameters: FitParameters
    let bins: Int
    let channels: Int
    let parameterCount: Int
    let freeCount: Int
    let freeIndex: [Int]
    let linkTarget: [Int]
    let linkSource: [Int]
    let linkScale: [Double]
    let linkOffset: [Double]
    /// Soft limits of the free parameters.
    let lower: [Double]
    let upper: [Double]
    /// Hard limits of the free parameters (for profile searches).
    let hardLower: [Double]
    let hardUpper: [Double]
    let stepOverride: [Double?]
    let startScale: [Double]
    /// For each free parameter: the full indices that change with it (itself and, through links,
    /// its dependants), for ``CountsModel``'s Jacobian hint.
    let dependants: [[Int]]
    /// ``dependants`` flattened, with the start of each free parameter's list (and the end).
    let dependantsFlat: [Int]
    let dependantStarts: [Int]

    var evaluations = 0
    var iterations = 0
    /// The lowest finite statistic evaluated so far (any point, any stage).
    var lowestStatistic = Double.infinity
    var lastFailure: EvaluationFailure?
    /// Per free parameter, after a run: left out because on a limit, or because insensitive.
    var pegged: [Bool]
    /// Set when the last run converged by XSPEC's test alone at a point where the statistic has
    /// a kink, found by ``kinkedParameter(_:statistic:)`` (see ``levenbergMarquardt(_:statistic:)``).
    var convergedNonSmooth = false
    /// Set when the last run stopped in a flat valley: XSPEC's test met, no kink in evidence, and
    /// the statistic fell by at most the critical delta over the last ``flatWindow`` fresh
    /// iterations (see ``levenbergMarquardt(_:statistic:)``).
    var convergedFlat = false
    /// Fresh iterations over which a stalled statistic must have fallen by at most the critical
    /// delta for the valley to count as flat.
    static var flatWindow: Int { 10 }
    var insensitive: [Bool]
    /// Free parameters that took part in the last step computation.
    var active: [Int]

    init(kernel: StatisticKernel, map: ChannelMap, parameters: FitParameters, options: FitOptions,
         workspace: FitWorkspace, model: Model) {
        self.kernel = kernel
        self.map = map
        self.options = options
        self.workspace = workspace
        self.model = model
        self.parameters = parameters
        bins = map.count
        channels = map.channelCount
        parameterCount = parameters.count
        freeIndex = parameters.freeIndices
        freeCount = freeIndex.count
        let all = parameters.all
        linkTarget = parameters.linkOrder
        linkSource = parameters.linkOrder.map { all[$0].link!.source }
        linkScale = parameters.linkOrder.map { all[$0].link!.scale }
        linkOffset = parameters.linkOrder.map { all[$0].link!.offset }
        lower = freeIndex.map { all[$0].softMin }
        upper = freeIndex.map { all[$0].softMax }
        hardLower = freeIndex.map { all[$0].hardMin }
        hardUpper = freeIndex.map { all[$0].hardMax }
        stepOverride = freeIndex.map { all[$0].derivativeStep }
        startScale = freeIndex.map { abs(all[$0].value) }
        dependants = freeIndex.map { source in
            var set = [source]
            for target in parameters.linkOrder where set.contains(all[target].link!.source) { set.append(target) }
            return set.sorted()
        }
        dependantsFlat = dependants.flatMap { $0 }
        dependantStarts = dependants.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        pegged = [Bool](repeating: false, count: freeIndex.count)
        insensitive = [Bool](repeating: false, count: freeIndex.count)
        active = []
        active.reserveCapacity(freeIndex.count)
        workspace.reserve(channels: map.channelCount, parameters: parameters.count, bins: map.count, free: freeIndex.count)
        let full = workspace.full.pointer
        for (i, p) in all.enumerated() { full[i] = p.value }
    }

    // MARK: - Evaluation

    /// Model counts per bin at free values `x` into `out`; false (with ``lastFailure`` set) if
    /// the model threw or gave a non-finite count in a fitted bin. With `changedFree`, the point
    /// differs from the reference (the current point, see ``storeReference()``) only in that free
    /// parameter, and the model gets the hint.
    func predict(_ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, changedFree: Int? = nil) -> Bool {
        let full = workspace.full.pointer
        for k in 0..<freeCount { full[freeIndex[k]] = x[k] }
        for j in 0..<linkTarget.count { full[linkTarget[j]] = linkScale[j] * full[linkSource[j]] + linkOffset[j] }
        evaluations += 1
        let counts = workspace.channels.pointer
        do {
            let parameters = UnsafeBufferPointer(start: full, count: parameterCount)
            let output = UnsafeMutableBufferPointer(start: counts, count: channels)
            if let k = changedFree {
                try dependants[k].withUnsafeBufferPointer { changed in
                    try model.predict(parameters: parameters, into: output,
                                      reference: UnsafeBufferPointer(start: workspace.referenceFull.pointer, count: parameterCount),
                                      referenceCounts: UnsafeBufferPointer(start: workspace.referenceChannels.pointer, count: channels),
                                      changed: changed)
                }
            } else {
                try model.predict(parameters: parameters, into: output)
            }
        } catch {
            lastFailure = .threw("\(error)")
            return false
        }
        map.sum(counts, into: out)
        var bad = 0.0
        for g in 0..<bins { bad += out[g] - out[g] }   // NaN if any value is NaN or ±∞
        if !bad.isFinite || bad.isNaN {
            for g in 0..<bins where !out[g].isFinite {
                lastFailure = .nonFinite(bin: g, value: out[g])
                break
            }
            return false
        }
        return true
    }

    /// The statistic at `x` with the bin counts left in `out`; +∞ if the model failed.
    func evaluate(_ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) -> Double {
        guard predict(x, into: out) else { return .infinity }
        let s = kernel.value(out)
        guard s.isFinite else {
            lastFailure = .nonFiniteStatistic(s)
            return .infinity
        }
        if s < lowestStatistic { lowestStatistic = s }
        return s
    }

    // MARK: - Derivatives

    func derivativeStep(_ k: Int, at value: Double) -> Double {
        if let step = stepOverride[k] { return step }
        let r = options.relativeDerivativeStep
        if value != 0 { return r * abs(value) }
        if startScale[k] != 0 { return r * startScale[k] }
        return r * min(1, upper[k] - lower[k]) / 100
    }

    /// Forward-difference Jacobian rows at `x` (model counts of `x` in `workspace.current`).
    /// A parameter whose perturbed model cannot be evaluated on either side gets a zero row.
    ///
    /// With two or more free parameters and a valid reference, all columns are first asked of
    /// the model in one batch (``CountsModel/predict(points:parameters:into:reference:referenceCounts:changed:changedStarts:)``);
    /// if the model throws or gives a non-finite count there, the columns are redone one at a
    /// time with the fallbacks below. Either way each column is the same forward difference.
    func computeJacobian(_ x: UnsafeMutablePointer<Double>) {
        let jacobian = workspace.jacobian.pointer
        let current = workspace.current.pointer
        // The reference of the model's hint: the parameters and channel counts at x (one extra
        // evaluation would be needed if the last one was not at x, so re-evaluate only then).
        let referenceValid = storeReference(x)
        if referenceValid && freeCount > 1 && batchJacobian(x) { return }
        for k in 0..<freeCount {
            let row = jacobian + k * bins
            let xk = x[k]
            let h = derivativeStep(k, at: xk)
            var candidates: (Double, Double) = (xk + h, xk - h)
            if candidates.0 > upper[k] { candidates = (xk - h, xk + h) }
            var done = false
            for attempt in 0..<2 {
                var v = attempt == 0 ? candidates.0 : candidates.1
                if v > upper[k] { v = upper[k] }
                if v < lower[k] { v = lower[k] }
                let delta = v - xk
                guard delta != 0 else { continue }
                x[k] = v
                let ok = predict(x, into: row, changedFree: referenceValid ? k : nil)
                x[k] = xk
                if ok {
                    let inverse = 1 / delta
                    for g in 0..<bins { row[g] = (row[g] - current[g]) * inverse }
                    done = true
                    break
                }
            }
            if !done {
                for g in 0..<bins { row[g] = 0 }
            }
        }
    }

    /// Every Jacobian column in one model call (see ``computeJacobian(_:)``); false when the
    /// batch cannot be used (a step of zero, a model that throws or gives non-finite counts).
    func batchJacobian(_ x: UnsafeMutablePointer<Double>) -> Bool {
        let n = freeCount, p = parameterCount, c = channels
        let points = workspace.batchFull.pointer, counts = workspace.batchChannels.pointer
        let reference = workspace.referenceFull.pointer
        let delta = workspace.perturbed.pointer
        for k in 0..<n {
            let xk = x[k]
            let h = derivativeStep(k, at: xk)
            var v = xk + h > upper[k] ? xk - h : xk + h
            if v > upper[k] { v = upper[k] }
            if v < lower[k] { v = lower[k] }
            delta[k] = v - xk
            guard delta[k] != 0 else { return false }
            let point = points + k * p
            point.update(from: reference, count: p)
            point[freeIndex[k]] = v
            for j in 0..<linkTarget.count { point[linkTarget[j]] = linkScale[j] * point[linkSource[j]] + linkOffset[j] }
        }
        do {
            try dependantsFlat.withUnsafeBufferPointer { changed in
                try dependantStarts.withUnsafeBufferPointer { starts in
                    try model.predict(points: n, parameters: UnsafeBufferPointer(start: points, count: n * p),
                                      into: UnsafeMutableBufferPointer(start: counts, count: n * c),
                                      reference: UnsafeBufferPointer(start: reference, count: p),
                                      referenceCounts: UnsafeBufferPointer(start: workspace.referenceChannels.pointer, count: c),
                                      changed: changed, changedStarts: starts)
                }
            }
        } catch {
            return false
        }
        evaluations += n
        let jacobian = workspace.jacobian.pointer, current = workspace.current.pointer
        for k in 0..<n {
            let row = jacobian + k * bins
            map.sum(counts + k * c, into: row)
            var bad = 0.0
            for g in 0..<bins { bad += row[g] - row[g] }
            if bad.isNaN { return false }
            let inverse = 1 / delta[k]
            for g in 0..<bins { row[g] = (row[g] - current[g]) * inverse }
        }
        return true
    }

    /// Makes the workspace's reference the point `x`, whose channel counts are those of the last
    /// model call if that call was at `x` (its free values equal `x`; frozen values never change
    /// and links follow the free ones). Returns false otherwise (the model then gets no hint).
    func storeReference(_ x: UnsafePointer<Double>) -> Bool {
        let full = workspace.referenceFull.pointer
        let fullNow = workspace.full.pointer
        for i in 0..<parameterCount { full[i] = fullNow[i] }
        for k in 0..<freeCount where full[freeIndex[k]] != x[k] { return false }
        let channelsNow = workspace.channels.pointer, reference = workspace.referenceChannels.pointer
        for c in 0..<channels { reference[c] = channelsNow[c] }
        return true
    }

    /// α and β from the Jacobian and the statistic's weights at the current counts.
    func computeCurvature() {
        let ws = workspace
        let jacobian = ws.jacobian.pointer, gradient = ws.gradient.pointer, curvature = ws.curvature.pointer
        let weighted = ws.weighted.pointer, alpha = ws.alpha.pointer, beta = ws.beta.pointer
        kernel.weights(ws.current.pointer, gradient: gradient, curvature: curvature)
        let n = freeCount
        for k in 0..<n {
            let row = jacobian + k * bins
            beta[k] = DenseAlgebra.dot(gradient, row, bins)
            for g in 0..<bins { weighted[g] = curvature[g] * row[g] }
            for l in k..<n {
                let a = DenseAlgebra.dot(weighted, jacobian + l * bins, bins)
                alpha[k * n + l] = a
                alpha[l * n + k] = a
            }
        }
    }

    /// Scaled system (A + λI) y = b over the active set into workspace.factor / rhs, factorised.
    /// Returns false when the factorisation fails.
    func factorise(lambda: Double) -> Bool {
        let n = freeCount, m = active.count
        let alpha = workspace.alpha.pointer, factor = workspace.factor.pointer
        let beta = workspace.beta.pointer, rhs = workspace.rhs.pointer
        for a in 0..<m {
            let i = active[a]
            let si = alpha[i * n + i].squareRoot()
            for b in 0...a {
                let j = active[b]
                let value = a == b ? 1 + lambda : alpha[i * n + j] / (si * alpha[j * n + j].squareRoot())
                factor[a * m + b] = value
                factor[b * m + a] = value
            }
            rhs[a] = beta[i] / si
        }
        return DenseAlgebra.cholesky(factor, m)
    }

    /// βᵀα⁻¹β over the active set (a tiny damping is added if α is numerically singular).
    func remainingDecrease() -> Double {
        let m = active.count
        var lambda = 0.0
        for attempt in 0..<4 {
            if attempt > 0 { lambda = attempt == 1 ? 1e-12 : lambda * 1e3 }
            guard factorise(lambda: lambda) else { continue }
            let rhs = workspace.rhs.pointer
            let step = workspace.step.pointer
            for a in 0..<m { step[a] = rhs[a] }
            DenseAlgebra.solveCholesky(workspace.factor.pointer, m, step)
            var total = 0.0
            for a in 0..<m { total += rhs[a] * step[a] }
            return total
        }
        return .infinity
    }

    /// Updates ``pegged``, ``insensitive`` and ``active`` from α, β and the position.
    func updateActiveSet(_ x: UnsafePointer<Double>) {
        let n = freeCount
        let alpha = workspace.alpha.pointer, beta = workspace.beta.pointer
        active.removeAll(keepingCapacity: true)
        for k in 0..<n {
            let diagonal = alpha[k * n + k]
            insensitive[k] = !(diagonal > 0 && diagonal.isFinite)
            pegged[k] = (x[k] <= lower[k] && beta[k] <= 0) || (x[k] >= upper[k] && beta[k] >= 0)
            if !insensitive[k] && !pegged[k] { active.append(k) }
        }
    }

    // MARK: - Levenberg–Marquardt

    /// Minimises from `x` (free values, updated in place); `statistic` must be the statistic at
    /// `x` with its bin counts in `workspace.current`, and is updated.
    ///
    /// With ``FitOptions/broydenUpdates`` the Jacobian is recomputed by finite differences only
    /// at the start, when a step computed from an updated Jacobian fails, and before convergence
    /// is declared; after each accepted step it is corrected by Broyden's rank-one secant update
    /// (weighted by the diagonal of α so that it does not depend on the parameters' units), which
    /// makes the model's change along the step exact. Convergence and the covariance always use
    /// a freshly differenced Jacobian.
    func levenbergMarquardt(_ x: UnsafeMutablePointer<Double>, statistic: inout Double) -> MinimiserOutcome {
        var lambda = options.initialLambda
        var lastDelta = Double.infinity
        let trialFree = workspace.trialFree.pointer
        var needJacobian = true
        var fresh = false
        var iteration = 0
        /// Actual over predicted decrease of the last accepted step (1 for a perfect quadratic model).
        var lastRatio = Double.nan
        /// βᵀα⁻¹β at the previous iteration with a fresh Jacobian (for the convergence rate).
        var previousRemaining = Double.nan
        var stalledIterations = 0
        /// The statistic at each iteration with a fresh Jacobian (for the flatness test).
        var freshStatistics: [Double] = []
        convergedNonSmooth = false
        convergedFlat = false
        while iteration < options.maximumIterations {
            if needJacobian {
                computeJacobian(x)
                fresh = true
                needJacobian = false
            }
            iteration += 1
            iterations += 1
            computeCurvature()
            updateActiveSet(x)
            if active.isEmpty {
                if fresh { return MinimiserOutcome(converged: true, reason: "every free parameter is at a limit or insensitive") }
                needJacobian = true
                continue
            }
            let remaining = remainingDecrease()
            // XSPEC's test (last improvement ≤ critical delta), or a last step that the quadratic
            // model predicted well, so the small remaining decrease can be trusted.
            let trusted = lastDelta <= options.criticalDelta
                || (remaining <= options.criticalDelta && (iteration == 1 || abs(lastRatio - 1) <= 0.1))
            if remaining <= options.remainingDecreaseTolerance && trusted {
                if fresh { return MinimiserOutcome(converged: true, reason: "converged") }
                needJacobian = true
                continue
            }
            // Observed linear rate of the remaining decrease between fresh iterations: the Gauss–Newton
            // iteration converges linearly for Poisson statistics (the neglected term is
            // Σ (1 − d/m) ∂²m/∂θ²), typically by a factor 10⁻³–10⁻² per iteration near the minimum.
            let rate = fresh && previousRemaining.isFinite && previousRemaining > 0 ? remaining / previousRemaining : .nan
            if fresh { previousRemaining = remaining }
            if fresh { freshStatistics.append(statistic) }
            // A stall: the statistic changes by less than XSPEC's critical delta per iteration
            // while the decrease the quadratic model predicts does not shrink, as it would near a
            // smooth minimum. Two things do that. (1) A kink at a minimum (the model's derivative
            // jumps there, e.g. at one of apec's tabulated temperatures, between which spectra are
            // interpolated linearly): after three such iterations in a row the point is probed
            // (``kinkedParameter(_:statistic:)``), and if the statistic has a kink there the fit
            // has met XSPEC's own test and is flagged (its curvature errors are indicative).
            // (2) A long, flat, curved valley of a poorly constrained combination of parameters,
            // along which the iteration crawls: with no kink in evidence the iteration goes on; if
            // the statistic then falls by no more than the critical delta over the last
            // ``flatWindow`` fresh iterations, it is flat to that tolerance along the valley and the
            // fit stops there, flagged (``FitWarning/flatMinimum``).
            if fresh && rate.isFinite {
                stalledIterations = (lastDelta <= options.criticalDelta && rate > 0.5) ? stalledIterations + 1 : 0
                if stalledIterations >= 3 {
                    stalledIterations = 0
                    if kinkedParameter(x, statistic: statistic) != nil {
                        convergedNonSmooth = true
                        return MinimiserOutcome(converged: true, reason: "converged (XSPEC's test; the statistic has a kink here)")
                    }
                    let window = Self.flatWindow
                    if freshStatistics.count > window && freshStatistics[freshStatistics.count - 1 - window] - statistic <= options.criticalDelta {
                        convergedFlat = true
                        return MinimiserOutcome(converged: true, reason: "converged (XSPEC's test; the statistic is flat along a valley)")
                    }
                }
            }
            var accepted = false
            var clamped = false
            var attempts = 0
            while !accepted {
                attempts += 1
                if lambda > 1e300 || attempts > 100 { break }
                guard factorise(lambda: lambda) else { lambda *= 10; continue }
                let m = active.count
                let step = workspace.step.pointer, rhs = workspace.rhs.pointer
                for a in 0..<m { step[a] = rhs[a] }
                DenseAlgebra.solveCholesky(workspace.factor.pointer, m, step)
                let alpha = workspace.alpha.pointer
                for k in 0..<freeCount { trialFree[k] = x[k] }
                var moved = false
                for a in 0..<m {
                    let k = active[a]
                    var v = x[k] + step[a] / alpha[k * freeCount + k].squareRoot()
                    if v.isNaN { v = x[k] }
                    if v < lower[k] { v = lower[k] }
                    if v > upper[k] { v = upper[k] }
                    if v != x[k] + step[a] / alpha[k * freeCount + k].squareRoot() { clamped = true }
                    trialFree[k] = v
                    if v != x[k] { moved = true }
                }
                if !moved { break }
                let trialStatistic = evaluate(trialFree, into: workspace.trial.pointer)
                if trialStatistic <= statistic {
                    lastDelta = statistic - trialStatistic
                    let predicted = predictedDecrease(from: x, to: trialFree)
                    lastRatio = predicted > 0 ? lastDelta / predicted : .nan
                    statistic = trialStatistic
                    // Broyden only while the quadratic model predicts well; otherwise difference.
                    if options.broydenUpdates && abs(lastRatio - 1) <= 0.25 {
                        broydenUpdate(from: x, to: trialFree)
                        fresh = false
                    } else {
                        needJacobian = true
                    }
                    for k in 0..<freeCount { x[k] = trialFree[k] }
                    swap(&workspace.current, &workspace.trial)
                    if lambda > 1e-30 { lambda *= 0.1 }
                    accepted = true
                    // Final step: from a fresh linearisation whose quadratic model was confirmed by
                    // this step, the rate says what is left is below the tolerance. The curvature of
                    // the point the step started from is kept for the covariance (as XSPEC does), so
                    // the Jacobian is not differenced again.
                    if fresh && !clamped && rate.isFinite && rate < 0.1 && abs(lastRatio - 1) <= 0.1
                        && rate * remaining <= options.remainingDecreaseTolerance
                        && lastDelta <= options.criticalDelta {
                        return MinimiserOutcome(converged: true, reason: "converged (final Newton step)")
                    }
                } else if !fresh {
                    // The step came from an updated Jacobian: difference it afresh before
                    // blaming the damping.
                    needJacobian = true
                    break
                } else {
                    lambda *= 10
                }
            }
            if !accepted && !needJacobian {
                // At the limit of what the numbers resolve: converged if the quadratic model says
                // there is nothing worth having left.
                if remaining <= max(options.criticalDelta, options.remainingDecreaseTolerance) {
                    return MinimiserOutcome(converged: true, reason: "converged (no representable improvement)")
                }
                if lastDelta <= options.criticalDelta {
                    // XSPEC's test is met (the last accepted step changed the statistic by less
                    // than the critical delta) and no step, however short, lowers it further.
                    // With a kink in evidence the point is flagged (see above); otherwise the
                    // quadratic model's predicted decrease is beyond what the finite-difference
                    // derivatives resolve, and the fit has converged as XSPEC defines it.
                    if kinkedParameter(x, statistic: statistic) != nil {
                        convergedNonSmooth = true
                        return MinimiserOutcome(converged: true, reason: "converged (XSPEC's test; the statistic has a kink here)")
                    }
                    return MinimiserOutcome(converged: true, reason: "converged (XSPEC's test; no step lowers the statistic further)")
                }
                return MinimiserOutcome(converged: false, reason: "no step lowers the statistic (λ = \(lambda))")
            }
        }
        return MinimiserOutcome(converged: false, reason: "maximum of \(options.maximumIterations) iterations reached")
    }

    /// 2βᵀδ − δᵀαδ for the step `from` → `to`: the decrease the quadratic model predicts.
    func predictedDecrease(from x: UnsafePointer<Double>, to y: UnsafePointer<Double>) -> Double {
        let alpha = workspace.alpha.pointer, beta = workspace.beta.pointer
        let n = freeCount
        var linear = 0.0, quadratic = 0.0
        for k in 0..<n {
            let dk = y[k] - x[k]
            guard dk != 0 else { continue }
            linear += beta[k] * dk
            for l in 0..<n {
                let dl = y[l] - x[l]
                if dl != 0 { quadratic += dk * alpha[k * n + l] * dl }
            }
        }
        return 2 * linear - quadratic
    }

    /// Broyden's secant update of the Jacobian for the step `from` → `to`, whose model counts are
    /// in `workspace.current` and `workspace.trial`: J += (Δm − J δ)(W δ)ᵀ / (δᵀ W δ), W = diag(α).
    func broydenUpdate(from x: UnsafePointer<Double>, to y: UnsafePointer<Double>) {
        let jacobian = workspace.jacobian.pointer, alpha = workspace.alpha.pointer
        let old = workspace.current.pointer, new = workspace.trial.pointer
        let residual = workspace.weighted.pointer
        let delta = workspace.perturbed.pointer
        var denominator = 0.0
        for k in 0..<freeCount {
            delta[k] = y[k] - x[k]
            denominator += alpha[k * freeCount + k] * delta[k] * delta[k]
        }
        guard denominator > 0, denominator.isFinite else { return }
        for g in 0..<bins { residual[g] = new[g] - old[g] }
        for k in 0..<freeCount where delta[k] != 0 {
            let row = jacobian + k * bins
            let d = delta[k]
            for g in 0..<bins { residual[g] -= row[g] * d }
        }
        for k in 0..<freeCount where delta[k] != 0 {
            let row = jacobian + k * bins
            let factor = alpha[k * freeCount + k] * delta[k] / denominator
            for g in 0..<bins { row[g] += residual[g] * factor }
        }
    }

    // MARK: - Covariance

    /// Curvature errors and covariance from the α of the last iteration (at the final point).
    func covariance() -> (errors: [Double?], matrix: [Double]?, indices: [Int], singular: Bool) {
        let m = active.count
        var errors = [Double?](repeating: nil, count: freeCount)
        guard m > 0 else { return (errors, nil, [], false) }
        guard factorise(lambda: 0) else { return (errors, nil, active.map { freeIndex[$0] }, true) }
        let scaledInverse = DenseAlgebra.inverseFromCholesky(workspace.factor.pointer, m)
        let alpha = workspace.alpha.pointer
        let scale = active.map { 1 / alpha[$0 * freeCount + $0].squareRoot() }
        var matrix = [Double](repeating: 0, count: m * m)
        for a in 0..<m {
            for b in 0..<m { matrix[a * m + b] = scaledInverse[a * m + b] * scale[a] * scale[b] }
            let variance = matrix[a * m + a]
            errors[active[a]] = variance > 0 && variance.isFinite ? variance.squareRoot() : nil
        }
        return (errors, matrix, active.map { freeIndex[$0] }, false)
    }
}
