import CGSL
import Foundation

/// Context handed to GSL's C callback through `params`.
private final class SimplexObjective {
    let body: (UnsafePointer<Double>) -> Double
    var scratch: [Double]
    init(dimension: Int, body: @escaping (UnsafePointer<Double>) -> Double) {
        self.body = body
        scratch = [Double](repeating: 0, count: dimension)
    }
}

/// GSL's default error handler aborts the process; it is switched off once, before the first
/// simplex (a thread-safe lazy global).
private let gslErrorHandlerDisabled: Bool = {
    gsl_set_error_handler_off()
    return true
}()

private let simplexCallback: @convention(c) (UnsafePointer<gsl_vector>?, UnsafeMutableRawPointer?) -> Double = { vector, params in
    let objective = Unmanaged<SimplexObjective>.fromOpaque(params!).takeUnretainedValue()
    let v = vector!
    let n = objective.scratch.count
    return objective.scratch.withUnsafeMutableBufferPointer { s in
        for i in 0..<n { s[i] = gsl_vector_get(v, i) }
        return objective.body(UnsafePointer(s.baseAddress!))
    }
}

extension Minimiser {
    /// One coordinate of the bounded-to-unbounded map the simplex works in (MINUIT's transforms):
    /// x = lo + (hi − lo)(sin u + 1)/2 with both limits, x = lo − 1 + √(u² + 1) with a lower one,
    /// x = hi + 1 − √(u² + 1) with an upper one, x = u otherwise. A limit farther than 10⁴ times
    /// the parameter's scale from the start is not used in the map (the sine map would lose all
    /// precision, e.g. a norm of 1e-3 within [0, 1e24]); values are clamped to the soft limits
    /// when evaluated instead.
    struct Coordinate {
        var lo: Double?
        var hi: Double?
        var origin: Double
        var unit: Double

        func value(_ w: Double) -> Double {
            let u = origin + unit * w
            switch (lo, hi) {
            case let (lo?, hi?): return lo + (hi - lo) * (Foundation.sin(u) + 1) / 2
            case let (lo?, nil): return lo - 1 + (u * u + 1).squareRoot()
            case let (nil, hi?): return hi + 1 - (u * u + 1).squareRoot()
            case (nil, nil): return u
            }
        }

        static func make(start x: Double, lower: Double, upper: Double, step: Double) -> Coordinate {
            let scale = max(abs(x), step * 10)
            let lo: Double? = lower.isFinite && (x - lower) <= 1e4 * scale ? lower : nil
            let hi: Double? = upper.isFinite && (upper - x) <= 1e4 * scale ? upper : nil
            var u: Double
            var slope: Double
            switch (lo, hi) {
            case let (lo?, hi?):
                let s = min(1, max(-1, 2 * (x - lo) / (hi - lo) - 1))
                u = Foundation.asin(s)
                slope = (hi - lo) / 2 * Foundation.cos(u)
            case let (lo?, nil):
                let t = x - lo + 1
                u = max(0, t * t - 1).squareRoot()
                slope = u / (u * u + 1).squareRoot()
            case let (nil, hi?):
                let t = hi - x + 1
                u = max(0, t * t - 1).squareRoot()
                slope = u / (u * u + 1).squareRoot()
            case (nil, nil):
                u = x
                slope = 1
            }
            // Simplex unit: the step in x, mapped through the local slope (bounded in angle).
            var unit = slope > 1e-12 ? step / slope : 0.1
            if lo != nil && hi != nil { unit = min(unit, 0.5) }
            if lo != nil || hi != nil, unit < 1e-8 { unit = 0.1 }
            return Coordinate(lo: lo, hi: hi, origin: u, unit: unit)
        }
    }

    /// Runs GSL's `nmsimplex2` on the free parameters from `x` (updated in place with the best
    /// point found, clamped to the soft limits). Returns the statistic there (+∞ if nothing could
    /// be evaluated), with its bin counts in `workspace.current`.
    func nelderMead(_ x: UnsafeMutablePointer<Double>) -> Double {
        let n = freeCount
        let coordinates = (0..<n).map { k -> Coordinate in
            let step = abs(x[k]) > 0 ? 0.1 * abs(x[k]) : 0.1 * min(1, upper[k] - lower[k])
            return Coordinate.make(start: x[k], lower: lower[k], upper: upper[k], step: step)
        }
        let trial = workspace.trialFree.pointer
        let objective = SimplexObjective(dimension: n) { [unowned self] w in
            for k in 0..<n { trial[k] = min(self.upper[k], max(self.lower[k], coordinates[k].value(w[k]))) }
            let s = self.evaluate(trial, into: self.workspace.trial.pointer)
            return s.isFinite ? s : Double.greatestFiniteMagnitude / 4
        }
        guard gslErrorHandlerDisabled, let minimizer = gsl_multimin_fminimizer_alloc(perseus_gsl_nmsimplex2(), n) else { return .infinity }
        defer { gsl_multimin_fminimizer_free(minimizer) }
        let start = gsl_vector_calloc(n)!, steps = gsl_vector_alloc(n)!
        defer { gsl_vector_free(start); gsl_vector_free(steps) }
        gsl_vector_set_all(steps, 1)
        let context = Unmanaged.passUnretained(objective).toOpaque()
        var function = gsl_multimin_function(f: simplexCallback, n: n, params: context)
        let status = withExtendedLifetime(objective) { () -> Int32 in
            var status = gsl_multimin_fminimizer_set(minimizer, &function, start, steps)
            guard status == GSL_SUCCESS else { return status }
            for _ in 0..<options.nelderMeadIterations {
                status = gsl_multimin_fminimizer_iterate(minimizer)
                if status != GSL_SUCCESS { break }
                if gsl_multimin_test_size(gsl_multimin_fminimizer_size(minimizer), 1e-7) == GSL_SUCCESS { break }
            }
            return status
        }
        _ = status
        let best = gsl_multimin_fminimizer_x(minimizer)!
        for k in 0..<n { x[k] = min(upper[k], max(lower[k], coordinates[k].value(gsl_vector_get(best, k)))) }
        return evaluate(x, into: workspace.current.pointer)
    }
}
