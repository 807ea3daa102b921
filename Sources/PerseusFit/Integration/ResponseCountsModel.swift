import PerseusCore
import PerseusIO
import PerseusPhysics

/// Expected counts of a spectral model observed through a response, XSPEC's forward model:
///
///     counts_c = AREASCAL_c · Σ_E RMF[E][c] · model_E(θ) · ARF_E · exposure  (+ b_c),
///
/// with model_E in photons cm⁻² s⁻¹ per energy bin (a ``CompiledModel`` of an additive
/// expression prepared on the response's energy grid), ARF in cm² (1 cm² without an ARF, as
/// XSPEC does for a bare RMF; an RSP carries its area in the matrix), exposure in s, and b_c an
/// optional fixed background expectation [counts per channel] (e.g. a simulated instrument
/// background that is part of the data but not of the source model).
///
/// **Only the channels a fit needs.** With `channels`, only those channels are folded (the
/// others are reported as not computed, see ``computedChannels``), so a fit in a band costs only
/// the matrix values that reach the band.
///
/// **How it folds.** The matrix is re-laid out channel by channel (one dot product per channel).
/// The Jacobian's columns (``predict(points:parameters:into:reference:referenceCounts:changed:changedStarts:)``)
/// are folded four at a time in one pass over the matrix, as differences from the current point's
/// photons; a column whose photons change in only a few energy rows (e.g. a narrow line's energy
/// or norm) is instead added row by row onto the current counts. The model evaluator recomputes
/// only the components whose parameters changed. Results agree with a plain fold to rounding.
///
/// One value per thread (the evaluator and buffers are scratch); copies share the immutable
/// response layout.
public struct ResponseCountsModel: CountsModel, Sendable {
    public let response: ResponsePair
    /// Exposure [s].
    public let exposure: Double
    /// Fixed expected background counts per channel added to the prediction, if any.
    public let backgroundCounts: [Double]?
    let effectiveExposure: [Double]
    let areaScale: [Double]?
    let layout: ChannelMajorResponse
    var evaluator: ModelEvaluator
    /// Photons × ARF × exposure of the last full evaluation, and its parameters.
    var photons: [Double]
    var photonParameters: [Double]
    var scratch: [Double]
    /// Differences of up to eight points' photons from `photons` (vectors one after another,
    /// single precision: see ``ChannelMajorResponse/foldDeltas(_:lanes:into:)``), and their
    /// folded values (channel-major, `lanes` per channel).
    var deltas: [Float]
    var foldedDeltas: [Double]

    /// - Parameters:
    ///   - model: an additive model prepared on `response.matrix.energies`.
    ///   - areaScale: AREASCAL of the spectrum (uniform or per channel); nil for 1.
    ///   - channels: the channels to compute (0-based indices into the response's channels),
    ///     e.g. ``ChannelEnergies/span(of:)`` of the fit's band; nil for all.
    ///   - backgroundCounts: a fixed background expectation per response channel [counts].
    /// - Throws: ``FitError/incompatibleResponse(reason:)`` for a multiplicative-only model, a
    ///   model grid that is not the response's energy grid, a bad exposure, AREASCAL or
    ///   background, or an empty channel range.
    public init(model: CompiledModel, response: ResponsePair, exposure: Double, areaScale: PHASpectrum.Scale? = nil,
                channels: Range<Int>? = nil, backgroundCounts: [Double]? = nil) throws(FitError) {
        guard model.kind == .additive else {
            throw .incompatibleResponse(reason: "the model is a multiplicative expression only; counts need an additive (photon) model")
        }
        let energies = response.matrix.energies
        guard model.grid.count == energies.count, model.grid.matches(energies) else {
            throw .incompatibleResponse(reason: "the model was prepared on a \(model.grid.count)-bin grid \(model.grid.range) keV but the response "
                                        + "\(response.matrix.source ?? "") has \(energies.count) energy bins \(energies.range) keV")
        }
        guard exposure.isFinite, exposure > 0 else {
            throw .incompatibleResponse(reason: "exposure is \(exposure) s; expected a finite value > 0")
        }
        let channelCount = response.matrix.channelCount
        if let channels {
            guard channels.lowerBound >= 0, channels.upperBound <= channelCount, !channels.isEmpty else {
                throw .incompatibleResponse(reason: "channels \(channels.lowerBound)..<\(channels.upperBound) are not a non-empty range of the response's \(channelCount) channels")
            }
        }
        if let backgroundCounts {
            guard backgroundCounts.count == channelCount else {
                throw .incompatibleResponse(reason: "the background expectation has \(backgroundCounts.count) channels; the response has \(channelCount)")
            }
            if let i = backgroundCounts.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw .incompatibleResponse(reason: "the background expectation is \(backgroundCounts[i]) counts in channel \(i); expected a finite value ≥ 0")
            }
        }
        self.response = response
        self.exposure = exposure
        self.backgroundCounts = backgroundCounts
        if let area = response.ancillary?.effectiveArea {
            effectiveExposure = area.map { $0 * exposure }
        } else {
            effectiveExposure = [Double](repeating: exposure, count: energies.count)
        }
        switch areaScale {
        case nil, .uniform(1)?:
            self.areaScale = nil
        case let .uniform(value)?:
            guard value.isFinite, value > 0 else { throw .incompatibleResponse(reason: "AREASCAL is \(value); expected > 0") }
            self.areaScale = [Double](repeating: value, count: channelCount)
        case let .perChannel(values)?:
            guard values.count == channelCount else {
                throw .incompatibleResponse(reason: "AREASCAL has \(values.count) entries for \(channelCount) response channels")
            }
            guard values.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw .incompatibleResponse(reason: "AREASCAL has a value ≤ 0 or non-finite") }
            self.areaScale = values
        }
        layout = ChannelMajorResponse(matrix: response.matrix, channels: channels)
        evaluator = model.makeEvaluator()
        photons = [Double](repeating: 0, count: energies.count)
        scratch = photons
        photonParameters = []
        deltas = []
        foldedDeltas = []
    }

    /// A model for another compiled model on the same response, sharing this one's response
    /// layout (the re-laid matrix is built once; give each thread its own copy).
    public func with(model: CompiledModel) throws(FitError) -> ResponseCountsModel {
        guard model.kind == .additive, model.grid.count == response.matrix.energyCount, model.grid.matches(response.matrix.energies) else {
            throw .incompatibleResponse(reason: "the model is not an additive model on the response's energy grid")
        }
        var copy = self
        copy.evaluator = model.makeEvaluator()
        copy.photonParameters = []
        return copy
    }

    public var channelCount: Int { response.matrix.channelCount }

    /// Matrix values one fold multiplies (those reaching the computed channels).
    public var storedValueCount: Int { layout.storedCount }

    public var computedChannels: Range<Int>? {
        layout.channels.count == channelCount ? nil : layout.channels
    }

    /// AREASCAL and the fixed background on the computed channels.
    func finish(_ counts: UnsafeMutablePointer<Double>) {
        if let areaScale {
            for c in layout.channels { counts[c] *= areaScale[c] }
        }
        if let backgroundCounts {
            for c in layout.channels { counts[c] += backgroundCounts[c] }
        }
    }

    public mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) throws {
        try photons.withUnsafeMutableBufferPointer { p throws(ModelEvaluationError) in
            try evaluator.evaluate(parameters, into: p)
        }
        Self.scale(&photons, by: effectiveExposure)
        photonParameters = Array(parameters)
        guard let out = counts.baseAddress else { return }
        photons.withUnsafeBufferPointer { layout.fold($0.baseAddress!, into: out) }
        finish(out)
    }

    /// values[i] *= factors[i] (through buffers: element-wise writes to a stored array would
    /// check its uniqueness every time).
    static func scale(_ values: inout [Double], by factors: [Double]) {
        values.withUnsafeMutableBufferPointer { v in
            factors.withUnsafeBufferPointer { f in
                for i in 0..<v.count { v[i] *= f[i] }
            }
        }
    }

    /// Whether `reference` is the point of the last full evaluation (whose photons are kept).
    func isCurrent(_ reference: UnsafeBufferPointer<Double>) -> Bool {
        photonParameters.count == reference.count && zip(photonParameters, reference).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    /// Adds R · Δ (AREASCAL applied) onto `counts` for the energy rows where `Δ = new − photons`
    /// is non-zero, through the row-major matrix, clipped to the computed channels.
    func addChangedRows(_ new: UnsafePointer<Double>, into counts: UnsafeMutablePointer<Double>) {
        let matrix = response.matrix
        let lo = Int32(layout.channels.lowerBound), hi = Int32(layout.channels.upperBound)
        let scale = areaScale
        matrix.rowRunStarts.withUnsafeBufferPointer { starts in
            matrix.runs.withUnsafeBufferPointer { runs in
                matrix.values.withUnsafeBufferPointer { values in
                    photons.withUnsafeBufferPointer { old in
                        guard let valueBase = values.baseAddress else { return }
                        for row in 0..<old.count {
                            let delta = new[row] - old[row]
                            if delta == 0 { continue }
                            for r in Int(starts[row])..<Int(starts[row + 1]) {
                                let run = runs[r]
                                let first = max(run.channel, lo), end = min(run.channel + run.count, hi)
                                guard first < end else { continue }
                                let source = valueBase + Int(run.valueOffset) + Int(first - run.channel)
                                let target = counts + Int(first)
                                let n = Int(end - first)
                                if let scale {
                                    for k in 0..<n { target[k] += Double(source[k]) * delta * scale[Int(first) + k] }
                                } else {
                                    for k in 0..<n { target[k] += Double(source[k]) * delta }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Number of energy rows where `new` differs from the current photons.
    func changedRowCount(_ new: UnsafePointer<Double>) -> Int {
        photons.withUnsafeBufferPointer { old in
            var count = 0
            for i in 0..<old.count where new[i] != old[i] { count += 1 }
            return count
        }
    }

    /// Rows-changed fraction below which a point is refolded row by row.
    static let sparseFraction = 0.1

    public mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                                 reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                                 changed: UnsafeBufferPointer<Int>) throws {
        guard isCurrent(reference), let out = counts.baseAddress else {
            return try predict(parameters: parameters, into: counts)
        }
        // A copy of the evaluator, so that its component cache keeps describing the reference
        // point for the next column (a copy's buffers are copied when first written).
        var columnEvaluator = evaluator
        try scratch.withUnsafeMutableBufferPointer { p throws(ModelEvaluationError) in
            try columnEvaluator.evaluate(parameters, into: p)
        }
        Self.scale(&scratch, by: effectiveExposure)
        let model = self
        scratch.withUnsafeBufferPointer { new in
            let changedRows = model.changedRowCount(new.baseAddress!)
            if Double(changedRows) < Self.sparseFraction * Double(new.count) {
                for c in model.layout.channels { out[c] = referenceCounts[c] }
                model.addChangedRows(new.baseAddress!, into: out)
            } else {
                model.layout.fold(new.baseAddress!, into: out)
                model.finish(out)
            }
        }
    }

    public mutating func predict(points count: Int, parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                                 reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                                 changed: UnsafeBufferPointer<Int>, changedStarts: UnsafeBufferPointer<Int>) throws {
        let p = reference.count, c = channelCount, e = photons.count
        guard count > 0, let out = counts.baseAddress, let parameterBase = parameters.baseAddress else { return }
        guard isCurrent(reference) else {
            for j in 0..<count {
                try predict(parameters: UnsafeBufferPointer(start: parameterBase + j * p, count: p),
                            into: UnsafeMutableBufferPointer(start: out + j * c, count: c))
            }
            return
        }
        if deltas.count != 8 * e { deltas = [Float](repeating: 0, count: 8 * e) }
        if foldedDeltas.count != 8 * c { foldedDeltas = [Double](repeating: 0, count: 8 * c) }
        // Points whose photons change in many rows are folded up to eight at a time in one pass
        // over the matrix (lane l of a group is its l-th such point); the others are refolded
        // row by row.
        var group: [Int] = []
        group.reserveCapacity(8)
        for j in 0..<count {
            // Each point starts from the evaluator of the reference, so only the components
            // whose parameters the point changes are recomputed.
            var columnEvaluator = evaluator
            try scratch.withUnsafeMutableBufferPointer { s throws(ModelEvaluationError) in
                try columnEvaluator.evaluate(UnsafeBufferPointer(start: parameterBase + j * p, count: p), into: s)
            }
            // One pass: photons × area × exposure, the difference (into the next free lane) and
            // how many rows changed.
            let offset = group.count * e
            var changedRows = 0
            scratch.withUnsafeMutableBufferPointer { s in
                effectiveExposure.withUnsafeBufferPointer { x in
                    photons.withUnsafeBufferPointer { old in
                        deltas.withUnsafeMutableBufferPointer { d in
                            for i in 0..<e {
                                let value = s[i] * x[i]
                                s[i] = value
                                let delta = value - old[i]
                                d[offset &+ i] = Float(delta)
                                if delta != 0 { changedRows &+= 1 }
                            }
                        }
                    }
                }
            }
            let target = out + j * c
            if Double(changedRows) < Self.sparseFraction * Double(e) {
                for ch in layout.channels { target[ch] = referenceCounts[ch] }
                scratch.withUnsafeBufferPointer { addChangedRows($0.baseAddress!, into: target) }
                continue
            }
            group.append(j)
            if group.count == 8 {
                foldDeltaGroup(group, lanes: 8, into: out, referenceCounts: referenceCounts)
                group.removeAll(keepingCapacity: true)
            }
        }
        if !group.isEmpty {
            let lanes = group.count <= 4 ? 4 : 8
            deltas.withUnsafeMutableBufferPointer { d in
                for i in (group.count * e)..<(lanes * e) { d[i] = 0 }
            }
            foldDeltaGroup(group, lanes: lanes, into: out, referenceCounts: referenceCounts)
        }
    }

    /// Folds the deltas of one group of up to `lanes` points and writes reference + R·Δ
    /// (AREASCAL applied) into each point's counts.
    private mutating func foldDeltaGroup(_ points: [Int], lanes: Int, into out: UnsafeMutablePointer<Double>,
                                         referenceCounts: UnsafeBufferPointer<Double>) {
        let c = channelCount
        let layout = self.layout
        deltas.withUnsafeBufferPointer { d in
            foldedDeltas.withUnsafeMutableBufferPointer { f in layout.foldDeltas(d.baseAddress!, lanes: lanes, into: f.baseAddress!) }
        }
        foldedDeltas.withUnsafeBufferPointer { folded in
            for (lane, j) in points.enumerated() {
                let target = out + j * c
                if let areaScale {
                    for ch in layout.channels { target[ch] = referenceCounts[ch] + folded[ch * lanes + lane] * areaScale[ch] }
                } else {
                    for ch in layout.channels { target[ch] = referenceCounts[ch] + folded[ch * lanes + lane] }
                }
            }
        }
    }
}
