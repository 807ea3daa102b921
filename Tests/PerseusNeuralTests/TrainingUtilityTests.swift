import Foundation
import Testing
import PerseusCore
@testable import PerseusNeural

/// Modules (names, counts, freezing, modes), schedules, clipping, early stopping, mini-batches.
@Suite struct TrainingUtilityTests {
    @Test func moduleTraversal() throws {
        var s = RandomStream(seed: 1, purpose: .weightInitialisation)
        let model = Sequential([Linear(4, 3, stream: &s), BatchNorm(3), Activation(.relu),
                                Residual(Linear(3, 3, bias: false, stream: &s)), Dropout(probability: 0.5, seed: 2)])
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "3.main.weight"])
        #expect(model.parameterCount == 12 + 3 + 3 + 3 + 9)
        #expect(model.namedStatistics.map(\.name) == ["1.running"])
        #expect(model.namedCounters.map(\.name) == ["4.seed", "4.calls"])
        model.layers[0].freeze()
        #expect(model.trainableParameterCount == 15)
        model.unfreeze()
        #expect(model.trainableParameterCount == 30)
        model.eval()
        #expect(model.layers.allSatisfy { !$0.isTraining })
        model.train()
        #expect(model.layers.allSatisfy { $0.isTraining })
        let snapshot = model.snapshot()
        let x = try Tensor(normal: [6, 4], stream: &s)
        _ = try model(x)          // training mode: running statistics move
        try model.restore(snapshot)
        #expect(model.snapshot()["1.running.mean"]!.scalars == snapshot["1.running.mean"]!.scalars)
        #expect(throws: NeuralError.self) { try Linear(4, 3, stream: &s)(try Tensor(zeros: [2, 5])) }
    }

    @Test func reduceLearningRateOnPlateauFollowsPyTorch() {
        // torch.optim.lr_scheduler.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1) on this
        // loss sequence gives these learning rates after each step (torch 2.x, computed once).
        let p = Parameter(Tensor(0))
        let opt = SGD([p], learningRate: 1)
        var schedule = ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, cooldown: 1)
        var rates: [Float] = []
        for loss: Float in [5, 4, 4, 4.1, 4, 3.99999, 4, 4, 4, 4] {
            schedule.step(loss: loss, optimiser: opt)
            rates.append(opt.learningRate)
        }
        #expect(rates == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25])
        #expect(schedule.reductions == 2)
        var restored = ReduceLearningRateOnPlateau(factor: 0.5, patience: 2, cooldown: 1)
        restored.restore(schedule.state)
        #expect(restored == schedule)
    }

    @Test func earlyStopping() {
        var stop = EarlyStopping(patience: 3, minimumDelta: 0.01)
        let decisions = [1.0, 0.5, 0.495, 0.6, 0.45, 0.46, 0.47, 0.44].enumerated().map { stop.update(validationLoss: Float($1), epoch: $0) }
        #expect(decisions == [.improved, .improved, .wait, .wait, .improved, .wait, .wait, .stop])
        #expect(stop.bestEpoch == 4 && stop.bestLoss == 0.45)
        var nan = EarlyStopping(patience: 1)
        #expect(nan.update(validationLoss: .nan, epoch: 0) == .stop)
    }

    @Test func gradientClipping() throws {
        let a = Parameter(try Tensor(shape: [2], values: [0, 0] as [Float])), b = Parameter(Tensor(0))
        try a.setGradient(Tensor(shape: [2], values: [3, 0] as [Float]))
        try b.setGradient(Tensor(4))
        let norm = GradientClipping.clipNorm([a, b], maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(a.gradient!.scalars[0] - 0.6) < 1e-6 && abs(b.gradient!.scalar! - 0.8) < 1e-6)
        GradientClipping.clipValues([a, b], limit: 0.7)
        #expect(abs(a.gradient!.scalars[0] - 0.6) < 1e-6 && a.gradient!.scalars[1] == 0 && b.gradient!.scalar == 0.7)
    }

    @Test func miniBatchesAreSeededPermutations() throws {
        let epoch3 = try MiniBatches(count: 10, batchSize: 4, seed: 9, epoch: 3)
        let batches = Array(epoch3)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<10))
        #expect(Array(try MiniBatches(count: 10, batchSize: 4, seed: 9, epoch: 3)) == batches)
        #expect(Array(try MiniBatches(count: 10, batchSize: 4, seed: 9, epoch: 4)) != batches)
        #expect(Array(try MiniBatches(count: 10, batchSize: 4, seed: 9, epoch: 0, dropLast: true)).count == 2)
        #expect(Array(try MiniBatches(count: 5, batchSize: 2, seed: 0, epoch: 0, shuffle: false)) == [[0, 1], [2, 3], [4]])
        #expect(throws: NeuralError.self) { try MiniBatches(count: 5, batchSize: 0, seed: 0, epoch: 0) }
    }
}
