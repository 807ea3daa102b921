import PerseusCore

/// Why a simulation could not produce a sample or its output.
public enum SimulationError: PerseusError, Equatable {
    case parameterOutOfLimits(sample: Int, className: String, parameter: String, value: Double, limits: ClosedRange<Double>)
    case nonFiniteModel(sample: Int, className: String, channel: Int)
    case invalidShard(String)
    case emptySelection(String)
    case output(String)

    public var description: String {
        switch self {
        case let .parameterOutOfLimits(sample, className, parameter, value, limits):
            return "sample \(sample) (class \(className)): \(parameter) = \(value) is outside its limits [\(limits.lowerBound), \(limits.upperBound)]"
        case let .nonFiniteModel(sample, className, channel):
            return "sample \(sample) (class \(className)): expected counts in channel \(channel) are not finite"
        case let .invalidShard(text): return "--shard \(text): expected K/N with 1 ≤ K ≤ N (e.g. 3/8)"
        case let .emptySelection(message): return message
        case let .output(message): return message
        }
    }
}
