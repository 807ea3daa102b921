import Foundation
import Testing
import PerseusCore
import PerseusHDF5
import PerseusTestSupport
@testable import PerseusNeural

/// Saving and loading weights, running statistics, counters and optimiser state.
@Suite struct CheckpointTests {
    final class SmallNet: Module {
        let conv: Conv1d, norm: BatchNorm, drop: Dropout, dense: Linear
        var isTraining = true
        init(seed: UInt64) {
            var s = RandomStream(seed: seed, purpose: .weightInitialisation)
            conv = Conv1d(1, 3, kernel: 3, padding: 1, stream: &s)
            norm = BatchNorm(3)
            drop = Dropout(probability: 0.2, seed: seed)
            dense = Linear(3 * 8, 2, stream: &s)
        }
        var children: [(name: String, module: any Module)] { [("conv", conv), ("norm", norm), ("drop", drop), ("dense", dense)] }
        func callAsFunction(_ x: Tensor) throws -> Tensor {
            try dense(drop(gelu(norm(conv(x)))).flattened())
        }
    }

    struct Data {
        let x: Tensor, y: Tensor
        init() throws {
            var s = RandomStream(seed: 11, purpose: .testing)
            x = try Tensor(normal: [40, 1, 8], stream: &s)
            y = try Tensor(normal: [40, 2], stream: &s)
        }
    }

    /// Trains `epochs` epochs from `progress`, returning the per-epoch mean losses.
    func train(_ net: SmallNet, _ opt: Adam, _ data: Data, epochs: Range<Int>, progress: inout TrainingProgress) throws -> [Double] {
        var losses: [Double] = []
        for epoch in epochs {
            var total = 0.0, batches = 0
            for rows in try MiniBatches(count: 40, batchSize: 8, seed: 5, epoch: epoch) {
                opt.zeroGradients()
                let loss = try meanSquaredError(net(data.x.rows(rows)), data.y.rows(rows))
                try loss.backward()
                GradientClipping.clipNorm(net.parameters, maxNorm: 5)
                opt.step()
                total += Double(loss.scalar!)
                batches += 1
                progress.step += 1
            }
            losses.append(total / Double(batches))
            progress.epoch = epoch + 1
            progress.trainingLosses.append(total / Double(batches))
        }
        return losses
    }

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("perseus-\(UUID().uuidString)-\(name)").path
    }

    @Test func saveLoadGivesIdenticalOutputs() throws {
        let data = try Data()
        let net = SmallNet(seed: 1)
        let opt = Adam(net.parameters, learningRate: 1e-2)
        var progress = TrainingProgress()
        _ = try train(net, opt, data, epochs: 0..<2, progress: &progress)
        net.dense.bias!.isFrozen = true
        let path = temporaryPath("model.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: net, optimiser: opt, progress: progress, metadata: ["architecture": "SmallNet"]).write(to: path)

        let other = SmallNet(seed: 99)
        let loaded = try Checkpoint(reading: path)
        try loaded.restore(into: other, source: path)
        net.eval(); other.eval()
        #expect(try net(data.x).scalars == other(data.x).scalars)
        #expect(other.norm.statistics.batchesTracked == net.norm.statistics.batchesTracked)
        #expect(other.drop.calls == net.drop.calls)
        #expect(other.dense.bias!.isFrozen)
        #expect(loaded.metadata["architecture"] == "SmallNet")
        #expect(loaded.progress == progress)
        #expect(throws: OutputError.self) { try Checkpoint(model: net).write(to: path) }   // no silent overwrite
    }

    @Test func resumedTrainingContinuesTheSameLossCurve() throws {
        let data = try Data()
        // Uninterrupted: six epochs.
        let straight = SmallNet(seed: 1)
        var p1 = TrainingProgress()
        let all = try train(straight, Adam(straight.parameters, learningRate: 1e-2), data, epochs: 0..<6, progress: &p1)
        // Interrupted after three epochs, "killed", restored into fresh objects, resumed.
        let first = SmallNet(seed: 1)
        let firstOpt = Adam(first.parameters, learningRate: 1e-2)
        var p2 = TrainingProgress()
        let before = try train(first, firstOpt, data, epochs: 0..<3, progress: &p2)
        let path = temporaryPath("resume.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: first, optimiser: firstOpt, progress: p2).write(to: path)

        let resumed = SmallNet(seed: 42)
        let resumedOpt = Adam(resumed.parameters, learningRate: 1e-2)
        let checkpoint = try Checkpoint(reading: path)
        try checkpoint.restore(into: resumed, optimiser: resumedOpt, source: path)
        var p3 = checkpoint.progress!
        let after = try train(resumed, resumedOpt, data, epochs: p3.epoch..<6, progress: &p3)
        #expect(before + after == all)
        #expect(p3.step == p1.step)
        #expect(resumedOpt.steps == 30)
    }

    @Test func mismatchesAreReportedByName() throws {
        let net = SmallNet(seed: 1)
        let path = temporaryPath("bad.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var checkpoint = Checkpoint(model: net, optimiser: SGD(net.parameters, learningRate: 0.1, momentum: 0.9))
        checkpoint.parameters["dense.weight"] = try Tensor(zeros: [3, 3])
        try checkpoint.write(to: path)
        let loaded = try Checkpoint(reading: path)
        #expect(throws: NeuralError.checkpoint(path: path, field: "parameters/dense.weight",
                                               detail: "has shape [3, 3]; the model expects [2, 24]")) {
            try loaded.restore(into: SmallNet(seed: 2), source: path)
        }
        var good = Checkpoint(model: net)
        good.parameters["extra.weight"] = try Tensor(zeros: [1])
        #expect(throws: NeuralError.self) { try good.restore(into: SmallNet(seed: 2)) }
        try good.restore(into: SmallNet(seed: 2), strict: false)
        #expect(throws: NeuralError.self) {   // Adam state cannot go into SGD, or vice versa
            try Checkpoint(model: net, optimiser: Adam(net.parameters)).restore(into: net, optimiser: SGD(net.parameters, learningRate: 1))
        }
        // An HDF5 file that is not a checkpoint, and a file that is not HDF5.
        let other = temporaryPath("other.h5")
        defer { try? FileManager.default.removeItem(atPath: other) }
        let f = try HDF5File(creating: other)
        try f.createDataset("x", values: [1.0, 2.0])
        try f.close()
        #expect(throws: NeuralError.self) { try Checkpoint(reading: other) }
        let text = temporaryPath("text.h5")
        defer { try? FileManager.default.removeItem(atPath: text) }
        try "not hdf5".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(throws: HDF5Error.notHDF5(path: text)) { try Checkpoint(reading: text) }
    }

    @Test(.enabled(if: Python.canImport("h5py", "numpy"), "h5py is not importable by python3"))
    func readableWithH5py() throws {
        let net = SmallNet(seed: 3)
        let opt = Adam(net.parameters)
        let data = try Data()
        var progress = TrainingProgress()
        _ = try train(net, opt, data, epochs: 0..<1, progress: &progress)
        let path = temporaryPath("h5py.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(model: net, optimiser: opt, progress: progress).write(to: path)
        let result = try Python.json("""
        import h5py, json, sys
        f = h5py.File(sys.argv[1], "r")
        print(json.dumps({"format": f.attrs["format"], "w": list(f["parameters/dense.weight"].shape),
                          "sum": float(f["parameters/conv.weight"][()].sum()), "algo": f["optimizer"].attrs["algorithm"],
                          "epoch": int(f["training"].attrs["epoch"]), "bn": list(f["statistics/norm.running/mean"].shape),
                          "calls": int(f["counters"].attrs["drop.calls"])}))
        """, arguments: [path]) as! [String: Any]
        #expect(result["format"] as? String == Checkpoint.formatName)
        #expect(result["w"] as? [Int] == [2, 24])
        #expect(abs((result["sum"] as! Double) - Double(net.conv.weight.value.scalars.reduce(0, +))) < 1e-5)
        #expect(result["algo"] as? String == "Adam")
        #expect(result["epoch"] as? Int == 1)
        #expect(result["bn"] as? [Int] == [3])
        #expect(result["calls"] as? Int == 5)
    }
}
