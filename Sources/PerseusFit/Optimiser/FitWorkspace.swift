/// Scratch memory for fits, reused from one fit to the next on the same thread so that the
/// optimiser's inner loop allocates nothing.
///
/// Not thread-safe: give each thread its own (``BatchFitter`` does).
public final class FitWorkspace {
    /// A growable raw buffer of doubles (contents are not kept when it grows).
    struct Buffer {
        private(set) var pointer: UnsafeMutablePointer<Double>
        private(set) var capacity: Int

        init() {
            pointer = .allocate(capacity: 1)
            capacity = 1
        }

        mutating func reserve(_ count: Int) {
            guard count > capacity else { return }
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            capacity = count
        }

        func free() { pointer.deallocate() }
    }

    /// Model counts per detector channel.
    var channels = Buffer()
    /// The full parameter vector, and the one of the current point with its channel counts
    /// (the reference of the Jacobian's model calls).
    var full = Buffer()
    var referenceFull = Buffer()
    var referenceChannels = Buffer()
    /// Model counts per bin at the current point, at a trial point, and one spare.
    var current = Buffer()
    var trial = Buffer()
    /// Jacobian rows ∂m/∂θ_k, one row of `bins` per free parameter.
    var jacobian = Buffer()
    /// γ and κ per bin, and a weighted row.
    var gradient = Buffer()
    var curvature = Buffer()
    var weighted = Buffer()
    /// Small matrices and vectors (free × free).
    var alpha = Buffer()
    var beta = Buffer()
    var factor = Buffer()
    var step = Buffer()
    var rhs = Buffer()
    var trialFree = Buffer()
    var perturbed = Buffer()
    /// The Jacobian's points in one batch: full parameter vectors and channel counts, one per
    /// free parameter (see ``CountsModel/predict(points:parameters:into:reference:referenceCounts:changed:changedStarts:)``).
    var batchFull = Buffer()
    var batchChannels = Buffer()

    public init() {}

    deinit {
        for buffer in [channels, full, referenceFull, referenceChannels, current, trial, jacobian, gradient, curvature, weighted,
                       alpha, beta, factor, step, rhs, trialFree, perturbed, batchFull, batchChannels] {
            buffer.free()
        }
    }

    /// Makes room for a problem of this size.
    func reserve(channels c: Int, parameters p: Int, bins g: Int, free k: Int) {
        channels.reserve(c)
        full.reserve(p)
        referenceFull.reserve(p)
        referenceChannels.reserve(c)
        current.reserve(g)
        trial.reserve(g)
        jacobian.reserve(max(1, k) * g)
        gradient.reserve(g)
        curvature.reserve(g)
        weighted.reserve(g)
        alpha.reserve(k * k)
        beta.reserve(k)
        factor.reserve(k * k)
        step.reserve(k)
        rhs.reserve(k)
        trialFree.reserve(k)
        perturbed.reserve(k)
        batchFull.reserve(max(1, k) * p)
        batchChannels.reserve(max(1, k) * c)
    }
}
