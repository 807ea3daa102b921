/// Predicted counts per detector channel as a function of the full parameter vector: the
/// forward model a fit compares with the data.
///
/// The integrator's implementation wraps a compiled spectral model, the response (ARF × exposure,
/// RMF) and any background model: parameters → photons per energy bin → counts per channel.
/// Tests use analytic models folded through small responses.
///
/// A value is used by one thread at a time and may keep scratch buffers (hence `mutating`); give
/// each thread its own (``BatchFitter`` asks for one per worker).
public protocol CountsModel {
    /// Number of detector channels written by ``predict(parameters:into:)``.
    var channelCount: Int { get }

    /// Writes the expected counts in every channel for `parameters` (all parameters, in
    /// ``FitParameters/all`` order, links already applied).
    ///
    /// Non-finite values are allowed here; the fitter detects them. Throw when the model cannot
    /// be evaluated at these values (e.g. a parameter outside its tabulated range): at the
    /// starting point that ends the fit with ``FitError/modelFailed(spectrum:reason:)``; during
    /// the search, the trial point is rejected like a step that made the fit worse.
    mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) throws

    /// The same as ``predict(parameters:into:)``, for parameters that differ from `reference`
    /// only at the indices in `changed` (one free parameter and what is linked to it), with
    /// `referenceCounts` the counts for `reference`. The fitter calls this for each column of its
    /// finite-difference Jacobian. A model can use it to redo only what the change touches: e.g.
    /// moving a narrow line's energy changes a few energy bins, so only those rows of the
    /// response need folding again (`counts = referenceCounts + R · Δphotons`). The default
    /// implementation ignores the hint.
    mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                          reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                          changed: UnsafeBufferPointer<Int>) throws
}

extension CountsModel {
    public mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                                 reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                                 changed: UnsafeBufferPointer<Int>) throws {
        try predict(parameters: parameters, into: counts)
    }
}

/// A ``CountsModel`` from a closure (convenient for tests and small scripts; allocates nothing
/// itself).
public struct ClosureCountsModel: CountsModel {
    public let channelCount: Int
    private let body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void

    public init(channelCount: Int, _ body: @escaping (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void) {
        self.channelCount = channelCount
        self.body = body
    }

    public mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) throws {
        try body(parameters, counts)
    }
}
