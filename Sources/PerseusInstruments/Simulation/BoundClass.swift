import PerseusCore
import PerseusIO
import PerseusPhysics

/// A scenario class bound to its model on an energy grid: every model parameter has a prior
/// (the scenario's, or its XSPEC default held fixed), ready to draw sample by sample.
public struct BoundClass: Sendable {
    public let name: String
    public let isAnomaly: Bool
    public let count: Int
    /// The class's model prepared on the instrument's model grid.
    public let model: CompiledModel
    /// Qualified parameter names (`apec_2.kT`), in model order; also the truth columns.
    public var parameterNames: [String] { model.parameterNames }
    /// Units of the parameters, in model order.
    public let parameterUnits: [String]
    let sampler: ParameterSampler
    let hardLimits: [ClosedRange<Double>]

    /// Binds `scenarioClass` (the `position`-th class, 1-based, for messages) of `scenario`.
    /// - Throws: `ScenarioError` with the line and key of an unknown component or parameter, a
    ///   parameter given twice, a prior reaching outside the parameter's hard limits, or a model
    ///   that cannot be evaluated on `grid`.
    public init(_ scenarioClass: ScenarioClass, position: Int, scenario: Scenario,
                context: ModelContext, grid: EnergyGrid) throws(ScenarioError) {
        let key = "classes[\(position)]"
        func fail(_ line: Int?, _ key: String, _ message: String) -> ScenarioError {
            ScenarioError(origin: scenario.origin, line: line, key: key, message: message)
        }
        let model: Model
        do { model = try Model(scenarioClass.model, context: context) } catch {
            throw fail(scenarioClass.modelLocation.line, "\(key).model", "'\(scenarioClass.model)': \(error.summary)")
        }
        var priors: [Prior?] = Array(repeating: nil, count: model.parameters.count)
        var lines: [Int] = Array(repeating: scenarioClass.location.line, count: model.parameters.count)
        func canonical(_ address: String, line: Int, entry: String) throws(ScenarioError) -> Int {
            do { return try model.index(of: address) } catch { throw fail(line, entry, error.description) }
        }
        for parameter in scenarioClass.parameters {
            let entry = "\(key).parameters.\(parameter.address)"
            let index = try canonical(parameter.address, line: parameter.location.line, entry: entry)
            if priors[index] != nil {
                throw fail(parameter.location.line, entry, "\(model.parameters[index].name) is given more than once")
            }
            let prior = try parameter.prior.renamingDependencies { (name: String) throws(ScenarioError) -> String in
                model.parameters[try canonical(name, line: parameter.location.line, entry: entry)].name
            }
            let info = model.parameters[index]
            // Normal priors are unbounded and linked/derived ones depend on other draws: those are
            // checked per sample; every bounded prior must lie within the hard limits.
            if case .normal = prior {} else if !prior.isContained(in: info.hardMin...info.hardMax) {
                throw fail(parameter.location.line, entry,
                           "\(prior) reaches outside \(info.name)'s limits [\(info.hardMin), \(info.hardMax)]")
            }
            priors[index] = prior
            lines[index] = parameter.location.line
        }
        let entries = model.parameters.indices.map { (name: model.parameters[$0].name, prior: priors[$0] ?? .fixed(model.parameters[$0].value)) }
        do { sampler = try ParameterSampler(entries) } catch {
            throw fail(scenarioClass.location.line, "\(key).parameters", error.description)
        }
        do { self.model = try model.compiled(for: grid) } catch {
            throw fail(scenarioClass.modelLocation.line, "\(key).model", error.description)
        }
        name = scenarioClass.name
        isAnomaly = scenarioClass.isAnomaly
        count = scenarioClass.count
        parameterUnits = model.parameters.map(\.unit)
        hardLimits = model.parameters.map { $0.hardMin...$0.hardMax }
    }

    /// The parameter values of global sample `index` (model order).
    /// - Throws: `SimulationError.parameterOutOfLimits` when a normal, linked or derived prior
    ///   produced a value the model does not accept.
    public func parameters(seed: UInt64, index: Int) throws(SimulationError) -> [Double] {
        let values = sampler.draw(seed: seed, index: UInt64(index))
        for (j, value) in values.enumerated() where !(value.isFinite && hardLimits[j].contains(value)) {
            throw .parameterOutOfLimits(sample: index, className: name, parameter: parameterNames[j], value: value,
                                        limits: hardLimits[j])
        }
        return values
    }
}
