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

    /// Several points at once, each differing from `reference` only at its own indices: the
    /// columns of the fitter's finite-difference Jacobian in one call. Point j's parameters are
    /// `parameters[j·P ..< (j+1)·P]` (P = `reference.count`), its changed indices
    /// `changed[changedStarts[j] ..< changedStarts[j+1]]`, and its counts go to
    /// `counts[j·channelCount ..< (j+1)·channelCount]`. A model can share work between the
    /// points, e.g. fold all of them through the response in one pass over the matrix (which is
    /// what costs when the matrix does not fit in the cache). The result must equal `count`
    /// calls of the hinted ``predict(parameters:into:reference:referenceCounts:changed:)``
    /// to rounding. If it throws, the fitter falls back to one point at a time. The default
    /// implementation does exactly that.
    mutating func predict(points count: Int, parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                          reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                          changed: UnsafeBufferPointer<Int>, changedStarts: UnsafeBufferPointer<Int>) throws

    /// The channels this model computes, when it computes only some (e.g. folding only the
    /// channels of the noticed band); the others hold unspecified values. nil (the default)
    /// means every channel. The fitter refuses a spectrum with a fitted channel outside.
    var computedChannels: Range<Int>? { get }
}

extension CountsModel {
    public mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                                 reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                                 changed: UnsafeBufferPointer<Int>) throws {
        try predict(parameters: parameters, into: counts)
    }

    public mutating func predict(points count: Int, parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                                 reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                                 changed: UnsafeBufferPointer<Int>, changedStarts: UnsafeBufferPointer<Int>) throws {
        let p = reference.count, c = channelCount
        for j in 0..<count {
            try predict(parameters: UnsafeBufferPointer(rebasing: parameters[(j * p)..<((j + 1) * p)]),
                        into: UnsafeMutableBufferPointer(rebasing: counts[(j * c)..<((j + 1) * c)]),
                        reference: reference, referenceCounts: referenceCounts,
                        changed: UnsafeBufferPointer(rebasing: changed[changedStarts[j]..<changedStarts[j + 1]]))
        }
    }

    public var computedChannels: Range<Int>? { nil }
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
