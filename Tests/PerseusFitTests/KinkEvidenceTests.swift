import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// The kink probe behind ``FitWarning/nonSmoothMinimum`` (``Minimiser/kinkedParameter(_:statistic:)``):
/// it must find a jump in the statistic's derivative where there is one — at the kink and a
/// little beside it — and must not find one where the statistic is smooth, however far from its
/// minimum the point is.
///
/// Model: counts = norm · 200 · (1 + 0.3 · g(t) · shapeᵢ) over 60 channels, with g(t) = |t − 2|
/// (kinked at t = 2) or g(t) = t − 2 (smooth). The data are the expected counts at g = −0.1
/// (continued linearly), so the statistic's slope in t on either side of t = 2 is not zero and the
/// kinked statistic's derivative jumps there. No noise: the statistic is deterministic.
struct KinkEvidenceTests {
    static let channels = 60
    static let shape = (0..<channels).map { 1 + 0.5 * sin(Double($0) / 7) }
    static let data = shape.map { 200 * (1 - 0.3 * 0.1 * $0) }

    /// The probe's answer at (norm, t) with the engine prepared as Levenberg–Marquardt would
    /// leave it (counts, Jacobian, curvature and active set of that point).
    static func probe(kinked: Bool, norm: Double, t: Double) throws -> Int? {
        let shape = Self.shape
        let model = ClosureCountsModel(channelCount: channels) { p, out in
            let g = kinked ? abs(p[1] - 2) : p[1] - 2
            for i in 0..<shape.count { out[i] = p[0] * 200 * (1 + 0.3 * g * shape[i]) }
        }
        let parameters = try FitParameters([
            FitParameter(name: "norm", value: norm, hardMin: 0, hardMax: 100, isNormalisation: true),
            FitParameter(name: "t", value: t, hardMin: -10, hardMax: 10),
        ])
        let problem = try FitProblem(data: FitData(spectrum: SpectrumData(name: "probe", counts: data)), parameters: parameters)
        let engine = Minimiser(kernel: problem.kernel, map: problem.data.channelMap, parameters: parameters, options: FitOptions(),
                               workspace: FitWorkspace(), model: model)
        var x = [norm, t]
        return x.withUnsafeMutableBufferPointer { buffer -> Int? in
            let p = buffer.baseAddress!
            let statistic = engine.evaluate(p, into: engine.workspace.current.pointer)
            engine.computeJacobian(p)
            engine.computeCurvature()
            engine.updateActiveSet(p)
            return engine.kinkedParameter(p, statistic: statistic)
        }
    }

    @Test(arguments: [2.0, 2 + 1e-4, 2 - 1e-3, 2 + 2e-3])
    func kinkIsFoundAtAndBesideIt(t: Double) throws {
        #expect(try Self.probe(kinked: true, norm: 1, t: t) == 1, "t = \(t)")
    }

    @Test(arguments: [2.0, 1.9, 2.3, 1.5])
    func smoothStatisticHasNoKink(t: Double) throws {
        #expect(try Self.probe(kinked: false, norm: 1, t: t) == nil, "t = \(t)")
    }

    /// Far from the kink (farther than the probe's largest scale, 1σ), the kinked model is
    /// linear in t and there is nothing to find.
    @Test func kinkFarAwayIsNotClaimed() throws {
        #expect(try Self.probe(kinked: true, norm: 1, t: 3) == nil)
    }
}
