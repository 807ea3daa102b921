import PerseusCore
import PerseusIO
import PerseusPhysics

/// Expected counts of a spectral model observed through a response, XSPEC's forward model:
///
///     counts_c = AREASCAL_c · Σ_E RMF[E][c] · model_E(θ) · ARF_E · exposure,
///
/// with model_E in photons cm⁻² s⁻¹ per energy bin (a ``CompiledModel`` of an additive
/// expression prepared on the response's energy grid), ARF in cm² (1 cm² without an ARF, as
/// XSPEC does for a bare RMF; an RSP carries its area in the matrix) and exposure in s.
///
/// Jacobian hint: the counts of the current point are kept with its photons; a derivative
/// call refolds only the energy rows whose photons changed (the model evaluator recomputes only
/// the components whose parameters changed), so e.g. a narrow line's parameters cost a few rows.
/// Rows are refolded onto the reference counts, so results agree with a full fold to rounding.
///
/// One value per thread (the evaluator and buffers are scratch).
public struct ResponseCountsModel: CountsModel {
    public let response: ResponsePair
    /// Exposure [s].
    public let exposure: Double
    let effectiveExposure: [Double]
    let areaScale: [Double]?
    var evaluator: ModelEvaluator
    /// Photons × ARF × exposure of the last full evaluation, and its parameters.
    var photons: [Double]
    var photonParameters: [Double]
    var scratch: [Double]

    /// - Parameters:
    ///   - model: an additive model prepared on `response.matrix.energies`.
    ///   - areaScale: AREASCAL of the spectrum (uniform or per channel); nil for 1.
    /// - Throws: ``FitError/incompatibleResponse(reason:)`` for a multiplicative-only model, a
    ///   model grid that is not the response's energy grid, a bad exposure or AREASCAL.
    public init(model: CompiledModel, response: ResponsePair, exposure: Double, areaScale: PHASpectrum.Scale? = nil) throws(FitError) {
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
        self.response = response
        self.exposure = exposure
        if let area = response.ancillary?.effectiveArea {
            effectiveExposure = area.map { $0 * exposure }
        } else {
            effectiveExposure = [Double](repeating: exposure, count: energies.count)
        }
        let channels = response.matrix.channelCount
        switch areaScale {
        case nil, .uniform(1)?:
            self.areaScale = nil
        case let .uniform(value)?:
            guard value.isFinite, value > 0 else { throw .incompatibleResponse(reason: "AREASCAL is \(value); expected > 0") }
            self.areaScale = [Double](repeating: value, count: channels)
        case let .perChannel(values)?:
            guard values.count == channels else {
                throw .incompatibleResponse(reason: "AREASCAL has \(values.count) entries for \(channels) response channels")
            }
            guard values.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw .incompatibleResponse(reason: "AREASCAL has a value ≤ 0 or non-finite") }
            self.areaScale = values
        }
        evaluator = model.makeEvaluator()
        photons = [Double](repeating: 0, count: energies.count)
        scratch = photons
        photonParameters = []
    }

    public var channelCount: Int { response.matrix.channelCount }

    public mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) throws {
        try photons.withUnsafeMutableBufferPointer { p throws(ModelEvaluationError) in
            try evaluator.evaluate(parameters, into: p)
        }
        for i in photons.indices { photons[i] *= effectiveExposure[i] }
        photonParameters = Array(parameters)
        photons.withUnsafeBufferPointer { response.matrix.fold($0, into: counts) }
        if let areaScale {
            for c in 0..<counts.count { counts[c] *= areaScale[c] }
        }
    }

    public mutating func predict(parameters: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                                 reference: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                                 changed: UnsafeBufferPointer<Int>) throws {
        guard photonParameters.count == reference.count,
              zip(photonParameters, reference).allSatisfy({ $0.bitPattern == $1.bitPattern }) else {
            return try predict(parameters: parameters, into: counts)
        }
        try scratch.withUnsafeMutableBufferPointer { p throws(ModelEvaluationError) in
            try evaluator.evaluate(parameters, into: p)
        }
        for i in scratch.indices { scratch[i] *= effectiveExposure[i] }
        for c in 0..<counts.count { counts[c] = referenceCounts[c] }
        let matrix = response.matrix
        let scale = areaScale
        matrix.rowRunStarts.withUnsafeBufferPointer { starts in
            matrix.runs.withUnsafeBufferPointer { runs in
                matrix.values.withUnsafeBufferPointer { values in
                    guard let out = counts.baseAddress, let valueBase = values.baseAddress else { return }
                    for row in 0..<scratch.count {
                        let delta = scratch[row] - photons[row]
                        if delta == 0 { continue }
                        for r in Int(starts[row])..<Int(starts[row + 1]) {
                            let run = runs[r]
                            let target = out + Int(run.channel)
                            let source = valueBase + Int(run.valueOffset)
                            if let scale {
                                for k in 0..<Int(run.count) { target[k] += Double(source[k]) * delta * scale[Int(run.channel) + k] }
                            } else {
                                for k in 0..<Int(run.count) { target[k] += Double(source[k]) * delta }
                            }
                        }
                    }
                }
            }
        }
    }
}
