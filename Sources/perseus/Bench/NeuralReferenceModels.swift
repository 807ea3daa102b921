import Foundation
import Perseus

/// The four reference architectures of DESIGN.md, as timed by `perseus bench neural`. Their
/// PyTorch twins in Benchmarks/neural_torch.py define the same layers, losses and optimiser.
protocol NeuralBenchmarkModel: Module {
    /// Mean loss of one mini-batch (`rows` are the sample indices of the batch).
    func loss(rows: [Int], step: Int) throws -> Tensor
    var sampleCount: Int { get }
    var batchSize: Int { get }
}

/// VAE of Ichinohe & Yamada (2019): 7200-128-128-128-(8)-128-128-128-7200, ReLU, softplus output,
/// Poisson negative log-likelihood (their Stirling form) plus the KL term, batch 32.
final class BenchVAE: NeuralBenchmarkModel {
    let encoder: Sequential, mean: Linear, logVariance: Linear, decoder: Sequential
    let data: Tensor
    var isTraining = true
    let batchSize = 32
    var sampleCount: Int { data.shape[0] }

    init(samples: Int, bins: Int = 7200, hidden: Int = 128, latent: Int = 8) throws {
        var s = RandomStream(seed: 1, purpose: .weightInitialisation)
        encoder = Sequential([Linear(bins, hidden, stream: &s), Activation(.relu), Linear(hidden, hidden, stream: &s), Activation(.relu),
                              Linear(hidden, hidden, stream: &s), Activation(.relu)])
        mean = Linear(hidden, latent, stream: &s)
        logVariance = Linear(hidden, latent, stream: &s)
        decoder = Sequential([Linear(latent, hidden, stream: &s), Activation(.relu), Linear(hidden, hidden, stream: &s), Activation(.relu),
                              Linear(hidden, hidden, stream: &s), Activation(.relu), Linear(hidden, bins, stream: &s),
                              Activation(.softplus)])
        var d = RandomStream(seed: 2, purpose: .testing)
        data = try Tensor(shape: [samples, bins]) { buffer in
            for i in buffer.indices { buffer[i] = Float(d.poisson(mean: 2)) }
        }
    }

    var children: [(name: String, module: any Module)] {
        [("encoder", encoder), ("mean", mean), ("log_variance", logVariance), ("decoder", decoder)]
    }

    func loss(rows: [Int], step: Int) throws -> Tensor {
        let x = try data.rows(rows)
        let h = try encoder(x)
        let mu = try mean(h), lv = try logVariance(h)
        var noise = RandomStream(seed: 3, purpose: .latentNoise, index: UInt64(step))
        let epsilon = try Tensor(normal: mu.shape, stream: &noise)
        let z = try mu + exp(lv * 0.5) * epsilon
        let rate = try decoder(z)
        return try poissonNegativeLogLikelihood(rate: rate, counts: x) + klDivergenceToStandardNormal(mean: mu, logVariance: lv)
    }
}

/// One residual block of the conditional autoencoder of Lin et al. (2024): Conv(k3, s2, p1) → BN →
/// GELU → Conv(k3, s1, p1) → BN, plus a shortcut Conv(k1, s2) → BN, GELU after the sum. The
/// decoder's blocks mirror it with transposed convolutions (output padding 1 where the stride is 2).
final class BenchResidualBlock: Layer {
    let main: Sequential, shortcut: Sequential
    var isTraining = true

    init(_ cin: Int, _ cout: Int, transposed: Bool, stream s: inout RandomStream) {
        if transposed {
            main = Sequential([ConvTranspose1d(cin, cout, kernel: 3, stride: 2, padding: 1, outputPadding: 1, stream: &s), BatchNorm(cout),
                               Activation(.gelu), ConvTranspose1d(cout, cout, kernel: 3, stride: 1, padding: 1, stream: &s), BatchNorm(cout)])
            shortcut = Sequential([ConvTranspose1d(cin, cout, kernel: 1, stride: 2, outputPadding: 1, stream: &s), BatchNorm(cout)])
        } else {
            main = Sequential([Conv1d(cin, cout, kernel: 3, stride: 2, padding: 1, stream: &s), BatchNorm(cout), Activation(.gelu),
                               Conv1d(cout, cout, kernel: 3, stride: 1, padding: 1, stream: &s), BatchNorm(cout)])
            shortcut = Sequential([Conv1d(cin, cout, kernel: 1, stride: 2, stream: &s), BatchNorm(cout)])
        }
    }

    var children: [(name: String, module: any Module)] { [("main", main), ("shortcut", shortcut)] }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        gelu(try main(x) + shortcut(x))
    }
}

/// Conditional autoencoder of Lin et al. (2024) on 1925-bin spectra, batch 150: MSE plus 0.1 × L1
/// between the 4 latents and the conditioning parameters.
final class BenchCAE: NeuralBenchmarkModel {
    let stem: Sequential, down: Sequential, head: Sequential, expand: Sequential, up: Sequential, output: ConvTranspose1d
    let data: Tensor, conditions: Tensor
    let bins: Int, decodedLength: Int
    var isTraining = true
    let batchSize = 150
    var sampleCount: Int { data.shape[0] }

    init(samples: Int, bins: Int = 1925, latent: Int = 4) throws {
        var s = RandomStream(seed: 1, purpose: .weightInitialisation)
        self.bins = bins
        var length = bins
        for _ in 0..<5 { length = (length - 1) / 2 + 1 }
        decodedLength = (bins + 15) / 16
        stem = Sequential([Conv1d(1, 4, kernel: 3, stride: 2, padding: 1, stream: &s), BatchNorm(4)])
        down = Sequential([BenchResidualBlock(4, 16, transposed: false, stream: &s), BenchResidualBlock(16, 32, transposed: false, stream: &s),
                           BenchResidualBlock(32, 64, transposed: false, stream: &s), BenchResidualBlock(64, 128, transposed: false, stream: &s)])
        head = Sequential([Flatten(), Linear(128 * length, 500, stream: &s), Activation(.gelu), Linear(500, 50, stream: &s),
                           Activation(.gelu), Linear(50, latent, stream: &s), Activation(.gelu)])
        expand = Sequential([Linear(latent, 128 * decodedLength, stream: &s), Activation(.gelu), Reshape([128, decodedLength])])
        up = Sequential([BenchResidualBlock(128, 64, transposed: true, stream: &s), BenchResidualBlock(64, 32, transposed: true, stream: &s),
                         BenchResidualBlock(32, 16, transposed: true, stream: &s), BenchResidualBlock(16, 4, transposed: true, stream: &s)])
        output = ConvTranspose1d(4, 1, kernel: 1, stream: &s)
        var d = RandomStream(seed: 2, purpose: .testing)
        data = try Tensor(uniform: [samples, 1, bins], in: 0..<1, stream: &d)
        conditions = try Tensor(uniform: [samples, latent], in: 0..<1, stream: &d)
    }

    var children: [(name: String, module: any Module)] {
        [("stem", stem), ("down", down), ("head", head), ("expand", expand), ("up", up), ("output", output)]
    }

    func loss(rows: [Int], step: Int) throws -> Tensor {
        let x = try data.rows(rows), c = try conditions.rows(rows)
        let latent = try head(down(stem(x)))
        let y = try output(up(expand(latent))).slice(0..<bins, axis: 2)
        return try meanSquaredError(y, x) + 0.1 * meanAbsoluteError(latent, c)
    }
}

/// CNN of Ntampaka et al. (2019) on 128×128 images, batch 50, MSE.
final class BenchCNN: NeuralBenchmarkModel {
    let features: Sequential, dense: Sequential
    let data: Tensor, targets: Tensor
    var isTraining = true
    let batchSize = 50
    var sampleCount: Int { data.shape[0] }

    init(samples: Int, size: Int = 128) throws {
        var s = RandomStream(seed: 1, purpose: .weightInitialisation)
        features = Sequential([
            Conv2d(1, 16, kernel: (3, 3), padding: (1, 1), stream: &s), Activation(.relu), Pooling(.maximum, kernel: (2, 2)),
            Conv2d(16, 32, kernel: (3, 3), padding: (1, 1), stream: &s), Activation(.relu), Pooling(.maximum, kernel: (2, 2)),
            Conv2d(32, 64, kernel: (3, 3), padding: (1, 1), stream: &s), Activation(.relu), Pooling(.maximum, kernel: (2, 2))])
        let side = size / 8
        dense = Sequential([Flatten(), Linear(64 * side * side, 128, stream: &s), Activation(.relu), Linear(128, 64, stream: &s),
                            Activation(.relu), Linear(64, 1, stream: &s)])
        var d = RandomStream(seed: 2, purpose: .testing)
        data = try Tensor(uniform: [samples, 1, size, size], in: 0..<1, stream: &d)
        targets = try Tensor(uniform: [samples, 1], in: 0..<1, stream: &d)
    }

    var children: [(name: String, module: any Module)] { [("features", features), ("dense", dense)] }

    func loss(rows: [Int], step: Int) throws -> Tensor {
        try meanSquaredError(dense(features(data.rows(rows))), targets.rows(rows))
    }
}

/// RealNVP of Kryukov et al. (2025): 8 affine couplings with 512-unit hidden layers on 6-d data,
/// batch 256, negative log-likelihood.
final class BenchFlow: NeuralBenchmarkModel {
    let flow: RealNVP
    let data: Tensor
    var isTraining = true
    let batchSize = 256
    var sampleCount: Int { data.shape[0] }

    init(samples: Int) throws {
        var s = RandomStream(seed: 1, purpose: .weightInitialisation)
        flow = RealNVP(dimensions: 6, blocks: 8, hidden: 512, stream: &s)
        var d = RandomStream(seed: 2, purpose: .testing)
        data = try Tensor(normal: [samples, 6], stream: &d)
    }

    var children: [(name: String, module: any Module)] { [("flow", flow)] }

    func loss(rows: [Int], step: Int) throws -> Tensor {
        try flow.negativeLogLikelihood(data.rows(rows))
    }
}
