/// What a random stream is used for. Streams with different purposes never share numbers, so
/// adding a new use of randomness (say, background counts) does not change the draws of an
/// existing one (source counts) for the same seed and sample.
///
/// Modules declare their own purposes in extensions with distinct raw values. Values below
/// 1000 are reserved for Perseus's own modules.
public struct StreamPurpose: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Draws of model parameters from their priors.
    public static let parameters = StreamPurpose(rawValue: 1)
    /// Poisson draws of source counts.
    public static let sourceCounts = StreamPurpose(rawValue: 2)
    /// Poisson draws of background counts.
    public static let backgroundCounts = StreamPurpose(rawValue: 3)
    /// Class assignment and shuffling of samples.
    public static let shuffling = StreamPurpose(rawValue: 4)
    /// Initial values of neural-network weights.
    public static let weightInitialisation = StreamPurpose(rawValue: 5)
    /// Dropout masks and other stochastic layers during training.
    public static let dropout = StreamPurpose(rawValue: 6)
    /// Latent-variable noise (e.g. the reparametrisation trick of a VAE).
    public static let latentNoise = StreamPurpose(rawValue: 7)
    /// Starting points of multi-start optimisation.
    public static let fitting = StreamPurpose(rawValue: 8)
    /// Cross-validation fold assignment.
    public static let folds = StreamPurpose(rawValue: 9)
    /// Simulated images and events (clusters, showers).
    public static let scenes = StreamPurpose(rawValue: 10)
    /// Tests and benchmarks.
    public static let testing = StreamPurpose(rawValue: 999)

    public var description: String { "purpose \(rawValue)" }
}
