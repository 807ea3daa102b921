import PerseusCore

/// Evaluates a ``CompiledModel`` into caller buffers with preallocated scratch.
///
/// Each evaluator owns its buffers, so keep one per thread (evaluators are values: a copy has its
/// own storage once written). Component outputs are cached: a component whose parameter values
/// are bit-for-bit those of the previous call is not recomputed (e.g. a frozen `tbabs` while
/// `apec` varies). Components are pure functions of their parameters, so results do not depend
/// on the cache.
public struct ModelEvaluator: Sendable {
    public let model: CompiledModel
    private var buffers: [Double]
    private var cachedParameters: [Double]
    private var cacheValid: [Bool]

    init(model: CompiledModel) {
        self.model = model
        buffers = [Double](repeating: 0, count: model.slotCount * model.grid.count)
        cachedParameters = [Double](repeating: 0, count: model.parameterCount)
        cacheValid = [Bool](repeating: false, count: model.instanceRanges.count)
    }

    /// Evaluates with `values` (all parameters, ``Model/values`` order) into `output`
    /// (one value per bin: photons cm⁻² s⁻¹, or the factor for a multiplicative model).
    /// - Throws: ``ModelEvaluationError`` if a count is wrong or a value is outside its hard
    ///   limits; `output` is then untouched.
    public mutating func evaluate(_ values: UnsafeBufferPointer<Double>,
                                  into output: UnsafeMutableBufferPointer<Double>) throws(ModelEvaluationError) {
        let n = model.grid.count
        guard values.count == model.parameterCount else {
            throw .parameterCount(expected: model.parameterCount, got: values.count)
        }
        guard output.count == n else { throw .outputCount(expected: n, got: output.count) }
        for i in 0..<values.count {
            let v = values[i]
            guard v.isFinite, v >= model.hardMin[i], v <= model.hardMax[i] else {
                throw .outOfLimits(parameter: model.parameterNames[i], value: v, min: model.hardMin[i], max: model.hardMax[i])
            }
        }
        let model = self.model
        buffers.withUnsafeMutableBufferPointer { scratch in
            cachedParameters.withUnsafeMutableBufferPointer { cached in
                let base = scratch.baseAddress!
                for instance in 0..<model.instanceRanges.count {
                    let range = model.instanceRanges[instance]
                    if cacheValid[instance] {
                        var same = true
                        for p in range where values[p].bitPattern != cached[p].bitPattern { same = false; break }
                        if same { continue }
                    }
                    let slot = UnsafeMutableBufferPointer(start: base + instance * n, count: n)
                    let parameters = UnsafeBufferPointer(rebasing: values[range])
                    model.prepared[model.instancePrepared[instance]].evaluate(parameters: parameters, into: slot)
                    for p in range { cached[p] = values[p] }
                    cacheValid[instance] = true
                }
                for step in model.steps {
                    let destination = step.output.map { base + $0 * n } ?? output.baseAddress!
                    let first = base + step.inputs[0] * n
                    switch step.operation {
                    case .copy:
                        destination.update(from: first, count: n)
                    case .sum:
                        let second = base + step.inputs[1] * n
                        for i in 0..<n { destination[i] = first[i] + second[i] }
                        for input in step.inputs.dropFirst(2) {
                            let next = base + input * n
                            for i in 0..<n { destination[i] += next[i] }
                        }
                    case .product:
                        let second = base + step.inputs[1] * n
                        for i in 0..<n { destination[i] = first[i] * second[i] }
                        for input in step.inputs.dropFirst(2) {
                            let next = base + input * n
                            for i in 0..<n { destination[i] *= next[i] }
                        }
                    }
                }
            }
        }
    }

    /// Evaluates into an array of the grid's size.
    public mutating func evaluate(_ values: [Double], into output: inout [Double]) throws(ModelEvaluationError) {
        if output.count != model.grid.count { output = [Double](repeating: 0, count: model.grid.count) }
        try values.withUnsafeBufferPointer { (v: UnsafeBufferPointer<Double>) throws(ModelEvaluationError) in
            try output.withUnsafeMutableBufferPointer { (o: inout UnsafeMutableBufferPointer<Double>) throws(ModelEvaluationError) in
                try evaluate(v, into: o)
            }
        }
    }

    /// Evaluates into a new array.
    public mutating func evaluate(_ values: [Double]) throws(ModelEvaluationError) -> [Double] {
        var output = [Double](repeating: 0, count: model.grid.count)
        try evaluate(values, into: &output)
        return output
    }
}

/// Bad input to ``ModelEvaluator``.
public enum ModelEvaluationError: PerseusError, Equatable {
    case parameterCount(expected: Int, got: Int)
    case outputCount(expected: Int, got: Int)
    case outOfLimits(parameter: String, value: Double, min: Double, max: Double)

    public var description: String {
        switch self {
        case let .parameterCount(expected, got):
            return "model evaluation needs \(expected) parameter values (Model.values order), got \(got)"
        case let .outputCount(expected, got):
            return "model evaluation writes \(expected) bins, but the output buffer holds \(got)"
        case let .outOfLimits(parameter, value, min, max):
            return "\(parameter) = \(value) is outside its hard limits [\(min), \(max)]"
        }
    }
}
