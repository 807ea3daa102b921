import PerseusCore

/// A building block of a network: it owns named trainable parameters, named running statistics
/// and named submodules, and has a training/inference mode.
///
/// Modules are classes (as in PyTorch) because a model, its optimiser and its checkpoints all
/// share the same parameters, and running statistics change during forward passes. Parameter
/// names are dotted paths through the submodules, e.g. `encoder.0.weight`, and are the keys of
/// checkpoints.
public protocol Module: AnyObject {
    /// This module's own trainable parameters (not its submodules'), with local names.
    var ownParameters: [(name: String, parameter: Parameter)] { get }
    /// This module's own running statistics (batch normalisation), with local names.
    var ownStatistics: [(name: String, statistics: RunningStatistics)] { get }
    /// Direct submodules, with local names.
    var children: [(name: String, module: any Module)] { get }
    /// Whether the module is in training mode (batch statistics, dropout) or inference mode.
    var isTraining: Bool { get set }
    /// This module's own integer state saved in checkpoints (e.g. a dropout layer's call
    /// counter, which selects its next random stream), with local names.
    var ownCounters: [(name: String, value: UInt64)] { get }
    /// Sets one of `ownCounters`.
    func setOwnCounter(_ name: String, to value: UInt64) throws
}

/// A module mapping one tensor to one tensor.
public protocol Layer: Module {
    func callAsFunction(_ input: Tensor) throws -> Tensor
}

extension Module {
    public var ownParameters: [(name: String, parameter: Parameter)] { [] }
    public var ownStatistics: [(name: String, statistics: RunningStatistics)] { [] }
    public var children: [(name: String, module: any Module)] { [] }
    public var ownCounters: [(name: String, value: UInt64)] { [] }
    public func setOwnCounter(_ name: String, to value: UInt64) throws {
        throw NeuralError.invalidArgument(operation: "setOwnCounter", detail: "\(type(of: self)) has no counter '\(name)'")
    }

    /// Every counter of the module and its submodules, with dotted names.
    public var namedCounters: [(name: String, value: UInt64)] {
        var out = ownCounters
        for (childName, child) in children {
            out += child.namedCounters.map { ("\(childName).\($0.name)", $0.value) }
        }
        return out
    }

    /// Sets the counter with dotted name `name`.
    public func setCounter(_ name: String, to value: UInt64) throws {
        if name.contains(".") {
            // Child names may themselves contain dots ("blocks.3"): try the longest match first.
            for (childName, child) in children.sorted(by: { $0.name.count > $1.name.count })
            where name.hasPrefix(childName + ".") {
                return try child.setCounter(String(name.dropFirst(childName.count + 1)), to: value)
            }
            throw NeuralError.invalidArgument(operation: "setCounter", detail: "no submodule for counter '\(name)'")
        }
        try setOwnCounter(name, to: value)
    }

    /// Every parameter of the module and its submodules, depth first, with dotted names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var out = ownParameters
        for (childName, child) in children {
            out += child.namedParameters.map { ("\(childName).\($0.name)", $0.parameter) }
        }
        return out
    }

    /// Every parameter, in the order of `namedParameters`.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The parameters that are not frozen.
    public var trainableParameters: [Parameter] { parameters.filter { !$0.isFrozen } }

    /// Every running-statistics buffer, with dotted names.
    public var namedStatistics: [(name: String, statistics: RunningStatistics)] {
        var out = ownStatistics
        for (childName, child) in children {
            out += child.namedStatistics.map { ("\(childName).\($0.name)", $0.statistics) }
        }
        return out
    }

    /// Total number of scalar parameters (frozen ones included).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Number of scalar parameters that are trained.
    public var trainableParameterCount: Int { trainableParameters.reduce(0) { $0 + $1.count } }

    /// Freezes every parameter of this module and its submodules.
    public func freeze() { for p in parameters { p.isFrozen = true } }

    /// Unfreezes every parameter of this module and its submodules.
    public func unfreeze() { for p in parameters { p.isFrozen = false } }

    /// Puts this module and its submodules in training mode.
    public func train() {
        isTraining = true
        for (_, child) in children { child.train() }
    }

    /// Puts this module and its submodules in inference mode.
    public func eval() {
        isTraining = false
        for (_, child) in children { child.eval() }
    }

    /// Forgets the accumulated gradients of every parameter.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// A copy of every parameter value and running statistic, keyed by dotted name (running
    /// statistics as `name.mean`, `name.variance`), e.g. to keep the best weights seen.
    public func snapshot() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, p) in namedParameters { out[name] = p.value }
        for (name, s) in namedStatistics {
            out[name + ".mean"] = s.mean
            out[name + ".variance"] = s.variance
            out[name + ".batchesTracked"] = Tensor(Float(s.batchesTracked))
        }
        return out
    }

    /// Restores values taken by `snapshot()` (every name must be present with its shape).
    public func restore(_ snapshot: [String: Tensor]) throws {
        for (name, p) in namedParameters {
            guard let value = snapshot[name] else {
                throw NeuralError.invalidArgument(operation: "restore", detail: "snapshot has no parameter \(name)")
            }
            try p.assign(value)
        }
        for (name, s) in namedStatistics {
            guard let mean = snapshot[name + ".mean"], let variance = snapshot[name + ".variance"] else {
                throw NeuralError.invalidArgument(operation: "restore", detail: "snapshot has no running statistics \(name)")
            }
            try s.assign(mean: mean, variance: variance, batchesTracked: Int(snapshot[name + ".batchesTracked"]?.scalar ?? 0))
        }
    }
}

/// Kaiming-uniform initial values as PyTorch's default for linear and convolution layers:
/// U(−1/√fanIn, 1/√fanIn) for weights (`kaiming_uniform_` with a = √5) and biases.
func uniformInitialisation(shape: [Int], fanIn: Int, stream: inout RandomStream) -> Tensor {
    let bound = 1 / Float(Swift.max(fanIn, 1)).squareRoot()
    let storage = TensorStorage(uninitialized: Tensor.count(of: shape))
    for i in 0..<storage.count { storage.pointer[i] = Float(stream.uniform(in: -Double(bound)..<Double(bound))) }
    return Tensor(shape: shape, storage: storage)
}
