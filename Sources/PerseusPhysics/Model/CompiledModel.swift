import PerseusCore

/// A ``Model`` prepared for one energy grid: every distinct component is prepared once (repeated
/// components share it), and the expression is flattened into a short list of array operations.
///
/// Immutable and `Sendable`: share one compiled model between threads and give each thread its
/// own ``ModelEvaluator`` (which owns the scratch buffers). Evaluation takes the full parameter
/// vector in ``Model/parameters`` order (``Model/values``), so the model's links and frozen
/// flags are applied by the ``Model`` before values reach here.
public struct CompiledModel: Sendable {
    /// One array operation: write the sum or product of `inputs` into `output`.
    struct Step: Sendable {
        enum Operation: Sendable { case sum, product, copy }
        let operation: Operation
        /// Buffer slots: 0..<instanceCount are component outputs, then intermediate results.
        let inputs: [Int]
        /// Slot to write, or nil for the caller's output.
        let output: Int?
    }

    public let grid: EnergyGrid
    /// Additive: photons cm⁻² s⁻¹ per bin. Multiplicative: the dimensionless factor per bin.
    public let kind: ComponentKind
    /// Qualified parameter names, in evaluation order.
    public let parameterNames: [String]
    let hardMin: [Double]
    let hardMax: [Double]
    let prepared: [any PreparedComponent]
    /// For each instance: its prepared component and parameter range.
    let instancePrepared: [Int]
    let instanceRanges: [Range<Int>]
    let steps: [Step]
    /// Number of buffer slots (component outputs plus intermediates).
    let slotCount: Int

    /// Prepares `model` for `grid`.
    /// - Throws: ``ModelPreparationError`` naming the component that cannot be evaluated on
    ///   this grid and why.
    public init(model: Model, grid: EnergyGrid) throws(ModelPreparationError) {
        self.grid = grid
        self.kind = model.kind
        self.parameterNames = model.parameters.map(\.name)
        self.hardMin = model.parameters.map(\.hardMin)
        self.hardMax = model.parameters.map(\.hardMax)
        var preparedByName: [String: Int] = [:]
        var prepared: [any PreparedComponent] = []
        var instancePrepared: [Int] = []
        for instance in model.instances {
            if let existing = preparedByName[instance.name] {
                instancePrepared.append(existing)
                continue
            }
            do {
                prepared.append(try instance.component.prepared(for: grid))
            } catch {
                throw ModelPreparationError(component: instance.name, grid: grid, reason: "\(error)")
            }
            preparedByName[instance.name] = prepared.count - 1
            instancePrepared.append(prepared.count - 1)
        }
        self.prepared = prepared
        self.instancePrepared = instancePrepared
        self.instanceRanges = model.instances.map(\.parameterRange)

        // Flatten the plan: children first, each internal node into a fresh slot, the root into
        // the caller's buffer.
        var steps: [Step] = []
        var nextSlot = model.instances.count
        func emit(_ plan: Model.Plan, isRoot: Bool) -> Int? {
            switch plan {
            case let .instance(index):
                if isRoot { steps.append(Step(operation: .copy, inputs: [index], output: nil)) }
                return index
            case let .sum(children), let .product(children):
                let inputs = children.map { emit($0, isRoot: false)! }
                let output: Int? = isRoot ? nil : nextSlot
                if !isRoot { nextSlot += 1 }
                let operation: Step.Operation
                if case .sum = plan { operation = .sum } else { operation = .product }
                steps.append(Step(operation: operation, inputs: inputs, output: output))
                return output
            }
        }
        _ = emit(model.plan, isRoot: true)
        self.steps = steps
        self.slotCount = nextSlot
    }

    /// Number of parameters expected by ``ModelEvaluator/evaluate(_:into:)``.
    public var parameterCount: Int { parameterNames.count }

    /// A new evaluator with its own scratch buffers, for use on one thread at a time.
    public func makeEvaluator() -> ModelEvaluator { ModelEvaluator(model: self) }

    /// Evaluates once with a temporary evaluator (convenient; allocates).
    public func evaluate(_ values: [Double]) throws(ModelEvaluationError) -> [Double] {
        var evaluator = makeEvaluator()
        return try evaluator.evaluate(values)
    }
}

extension Model {
    /// Prepares this model for `grid` (see ``CompiledModel``).
    public func compiled(for grid: EnergyGrid) throws(ModelPreparationError) -> CompiledModel {
        try CompiledModel(model: self, grid: grid)
    }
}

/// A component that cannot be prepared for an energy grid.
public struct ModelPreparationError: PerseusError, Equatable {
    public let component: String
    /// Grid extent [keV] and bin count.
    public let gridRange: ClosedRange<Double>
    public let binCount: Int
    public let reason: String

    public init(component: String, grid: EnergyGrid, reason: String) {
        self.component = component
        self.gridRange = grid.range
        self.binCount = grid.count
        self.reason = reason
    }

    public var description: String {
        "cannot prepare \(component) for the \(binCount)-bin grid \(gridRange.lowerBound)–\(gridRange.upperBound) keV: \(reason)"
    }
}
