import ArgumentParser
import Foundation
import Perseus

/// `perseus bench neural {vae,cae,cnn,flow}`: seconds per training epoch of a reference
/// architecture (forward, backward and Adam step on every mini-batch of random data of the right
/// shape), against the PyTorch twin in Benchmarks/neural_torch.py run in the same invocation with
/// the same thread count, sample count and batch size.
struct BenchNeuralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neural",
        abstract: "Training epoch time of a reference network vs PyTorch (CPU).")

    enum Architecture: String, ExpressibleByArgument, CaseIterable {
        case vae, cae, cnn, flow
    }

    @Argument(help: "Architecture: vae, cae, cnn or flow.")
    var architecture: Architecture
    @Option(help: "Threads for BLAS and Perseus's parallel loops (and for PyTorch).")
    var threads = 2
    @Option(help: "Samples per epoch (default: the architecture's reference size).")
    var samples: Int?
    @Option(help: "Untimed optimiser steps before timing.")
    var warmup = 3
    @Option(help: "Timed epochs per side; the fastest is reported.")
    var repeats = 1
    @Flag(help: "Skip the PyTorch peer.")
    var noPeer = false
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard threads >= 1, warmup >= 0, repeats >= 1 else { throw ValidationError("--threads and --repeats must be ≥ 1, --warmup ≥ 0") }
        if let samples, samples < 2 { throw ValidationError("--samples must be ≥ 2 (batch normalisation needs two samples)") }
        ComputeThreads.set(threads)
        let model: any NeuralBenchmarkModel
        switch architecture {
        case .vae: model = try BenchVAE(samples: samples ?? 8000)
        case .cae: model = try BenchCAE(samples: samples ?? 15000)
        case .cnn: model = try BenchCNN(samples: samples ?? 8000)
        case .flow: model = try BenchFlow(samples: samples ?? 40000)
        }
        model.train()
        let optimiser = Adam(model.parameters, learningRate: 1e-3)
        var step = 0
        func trainStep(_ rows: [Int]) throws -> Float {
            optimiser.zeroGradients()
            let loss = try model.loss(rows: rows, step: step)
            try loss.backward()
            optimiser.step()
            step += 1
            return loss.scalar ?? .nan
        }
        let n = model.sampleCount
        for w in 0..<warmup {
            let batch = try MiniBatches(count: n, batchSize: model.batchSize, seed: 9, epoch: 1000 + w)
            _ = try trainStep(Array(batch.order.prefix(model.batchSize)))
        }
        var best = Double.infinity
        var lastLoss: Float = .nan
        for epoch in 0..<repeats {
            let seconds = try BenchSupport.seconds {
                for rows in try MiniBatches(count: n, batchSize: model.batchSize, seed: 9, epoch: epoch) {
                    lastLoss = try trainStep(rows)
                }
            }
            best = min(best, seconds)
        }

        var peerArguments = [architecture.rawValue, "--threads", "\(threads)", "--warmup", "\(warmup)", "--repeats", "\(repeats)"]
        if let samples { peerArguments += ["--samples", "\(samples)"] }
        let peer: BenchSupport.PeerResult = noPeer ? .unavailable("skipped (--no-peer)") :
            BenchSupport.runPeer(script: "neural_torch.py", arguments: peerArguments,
                                 environment: ["OMP_NUM_THREADS": "\(threads)", "MKL_NUM_THREADS": "\(threads)",
                                               "OPENBLAS_NUM_THREADS": "\(threads)"])
        var result: [String: Any] = [
            "benchmark": "neural", "architecture": architecture.rawValue, "threads": threads,
            "samples": n, "batch": model.batchSize, "parameters": model.parameterCount,
            "perseus_seconds_per_epoch": best, "perseus_last_loss": Double(lastLoss),
            "blas_core": ComputeThreads.blasCoreName,
        ]
        var ratio: Double?
        switch peer {
        case let .measured(object):
            let torchSeconds = (object["seconds_per_epoch"] as? Double) ?? .nan
            ratio = best / torchSeconds
            result["torch_seconds_per_epoch"] = torchSeconds
            result["torch_version"] = object["torch_version"] ?? "?"
            result["torch_parameters"] = object["parameters"] ?? "?"
            result["ratio_perseus_over_torch"] = ratio
        case let .unavailable(reason):
            result["torch_unavailable"] = reason
        }
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("neural \(architecture.rawValue): \(n) samples, batch \(model.batchSize), \(model.parameterCount) parameters, \(threads) thread(s), best of \(repeats) epoch(s) after \(warmup) warm-up steps")
            print(String(format: "  perseus  %.3f s/epoch  (BLAS core %@)", best, ComputeThreads.blasCoreName))
            switch peer {
            case let .measured(object):
                print(String(format: "  pytorch  %.3f s/epoch  (torch %@)", (object["seconds_per_epoch"] as? Double) ?? .nan,
                             "\(object["torch_version"] ?? "?")"))
                print(String(format: "  ratio perseus/pytorch %.2f", ratio ?? .nan))
            case let .unavailable(reason):
                print("  pytorch  unavailable: \(reason)")
            }
        }
    }
}
