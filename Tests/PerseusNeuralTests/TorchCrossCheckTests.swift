import Foundation
import Testing
import PerseusCore
import PerseusTestSupport
@testable import PerseusNeural

/// Values and gradients of the layers against PyTorch (CPU, float64) on the same inputs: shows
/// that layouts, padding conventions, output sizes, GELU, softplus, batch statistics and the
/// optimisers' update rules match the library users come from. Skipped without torch.
@Suite(.enabled(if: Python.canImport("torch", "numpy"), "PyTorch is not importable by python3"))
struct TorchCrossCheckTests {
    /// Runs `script` with the JSON of `inputs` in the file named by sys.argv[1]; returns its JSON.
    func torch(_ script: String, _ inputs: [String: [Float]]) throws -> [String: [Double]] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-torch-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: inputs.mapValues { $0.map(Double.init) }).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let prelude = """
        import json, sys, torch, numpy as np
        import torch.nn.functional as F
        torch.set_default_dtype(torch.float64)
        d = {k: torch.tensor(v) for k, v in json.load(open(sys.argv[1])).items()}
        out = {}
        def emit(name, t): out[name] = t.detach().reshape(-1).tolist()

        """
        let text = try Python.run(prelude + script + "\nprint(json.dumps(out))", arguments: [url.path])
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: [Double]]
        return object
    }

    func expectClose(_ a: [Float], _ b: [Double]?, _ what: String, tolerance: Double = 1e-4) {
        guard let b else { Issue.record("\(what): no reference"); return }
        #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values")
        let worst = zip(a, b).map { abs(Double($0) - $1) / (1 + abs($1)) }.max() ?? 0
        #expect(worst < tolerance, "\(what): worst scaled difference \(worst)")
    }

    @Test func convolutionsAndPooling() throws {
        let x1 = try GradientCheck.uniform([2, 3, 11]), w1 = try GradientCheck.uniform([4, 3, 3], seed: 2), b1 = try GradientCheck.uniform([4], seed: 3)
        let wt = try GradientCheck.uniform([3, 2, 3], seed: 4), bt = try GradientCheck.uniform([2], seed: 5)
        let x2 = try GradientCheck.uniform([2, 2, 7, 8], seed: 6), w2 = try GradientCheck.uniform([3, 2, 3, 3], seed: 7)
        let pw1 = Parameter(w1), pwt = Parameter(wt), pw2 = Parameter(w2)
        let y1 = try conv1d(x1, weight: pw1.tensor, bias: b1, stride: 2, padding: 1, dilation: 2)
        let yt = try convTranspose1d(x1, weight: pwt.tensor, bias: bt, stride: 2, padding: 1, outputPadding: 1)
        let y2 = try conv2d(x2, weight: pw2.tensor, stride: (2, 1), padding: (1, 1))
        let mp = try maxPool2d(x2, kernel: (2, 2)), ap = try avgPool1d(x1, kernel: 3, stride: 2, padding: 1)
        try (y1.sum() + (yt * yt).sum() + y2.sum()).backward()
        let r = try torch("""
        w1 = d['w1'].reshape(4, 3, 3).requires_grad_(); wt = d['wt'].reshape(3, 2, 3).requires_grad_()
        w2 = d['w2'].reshape(3, 2, 3, 3).requires_grad_()
        x1 = d['x1'].reshape(2, 3, 11); x2 = d['x2'].reshape(2, 2, 7, 8)
        y1 = F.conv1d(x1, w1, d['b1'], stride=2, padding=1, dilation=2)
        yt = F.conv_transpose1d(x1, wt, d['bt'], stride=2, padding=1, output_padding=1)
        y2 = F.conv2d(x2, w2, stride=(2, 1), padding=(1, 1))
        (y1.sum() + (yt * yt).sum() + y2.sum()).backward()
        emit('y1', y1); emit('yt', yt); emit('y2', y2); emit('gw1', w1.grad); emit('gwt', wt.grad); emit('gw2', w2.grad)
        emit('shapes', torch.tensor([float(s) for s in list(y1.shape) + list(yt.shape) + list(y2.shape)]))
        emit('mp', F.max_pool2d(x2, 2)); emit('ap', F.avg_pool1d(x1, 3, stride=2, padding=1))
        """, ["x1": x1.scalars, "w1": w1.scalars, "b1": b1.scalars, "wt": wt.scalars, "bt": bt.scalars, "x2": x2.scalars, "w2": w2.scalars])
        #expect((y1.shape + yt.shape + y2.shape).map(Double.init) == r["shapes"]!)
        expectClose(y1.scalars, r["y1"], "conv1d")
        expectClose(yt.scalars, r["yt"], "conv_transpose1d")
        expectClose(y2.scalars, r["y2"], "conv2d")
        expectClose(pw1.gradient!.scalars, r["gw1"], "conv1d weight gradient")
        expectClose(pwt.gradient!.scalars, r["gwt"], "conv_transpose1d weight gradient")
        expectClose(pw2.gradient!.scalars, r["gw2"], "conv2d weight gradient")
        expectClose(mp.scalars, r["mp"], "max_pool2d")
        expectClose(ap.scalars, r["ap"], "avg_pool1d")
    }

    @Test func activationsAndBatchNorm() throws {
        let x = try Tensor(shape: [4, 3, 5], values: (0..<60).map { Float($0 - 30) * 0.37 })
        let stats = RunningStatistics(channels: 3)
        let gamma = try GradientCheck.uniform([3], 0.5..<1.5), beta = try GradientCheck.uniform([3], seed: 2)
        let bn = try batchNorm(x, scale: gamma, shift: beta, statistics: stats, training: true)
        let r = try torch("""
        x = d['x'].reshape(4, 3, 5)
        emit('gelu', F.gelu(x)); emit('softplus', F.softplus(x)); emit('tanh', torch.tanh(x)); emit('sigmoid', torch.sigmoid(x))
        rm = torch.zeros(3); rv = torch.ones(3)
        emit('bn', F.batch_norm(x, rm, rv, d['gamma'], d['beta'], training=True, momentum=0.1, eps=1e-5))
        emit('rm', rm); emit('rv', rv)
        """, ["x": x.scalars, "gamma": gamma.scalars, "beta": beta.scalars])
        expectClose(gelu(x).scalars, r["gelu"], "gelu", tolerance: 2e-6)
        expectClose(softplus(x).scalars, r["softplus"], "softplus", tolerance: 2e-6)
        expectClose(tanh(x).scalars, r["tanh"], "tanh", tolerance: 2e-6)
        expectClose(sigmoid(x).scalars, r["sigmoid"], "sigmoid", tolerance: 2e-6)
        expectClose(bn.scalars, r["bn"], "batch_norm")
        expectClose(stats.mean.scalars, r["rm"], "running mean")
        expectClose(stats.variance.scalars, r["rv"], "running variance")
    }

    @Test func optimisersFollowPyTorch() throws {
        // Five steps of each optimiser on f(w) = Σ (w ⊙ c)² + Σ w, from the same start.
        let start = try GradientCheck.uniform([7]), c = try GradientCheck.uniform([7], 0.5..<2, seed: 2)
        func run(_ make: ([Parameter]) -> any Optimiser) throws -> [Float] {
            let p = Parameter(start)
            let opt = make([p])
            for _ in 0..<5 {
                opt.zeroGradients()
                try (square(p.tensor * c).sum() + p.tensor.sum()).backward()
                opt.step()
            }
            return p.value.scalars
        }
        let sgd = try run { SGD($0, learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false) }
        let nesterov = try run { SGD($0, learningRate: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true) }
        let adam = try run { Adam($0, learningRate: 0.1, weightDecay: 0.05) }
        let adamw = try run { AdamW($0, learningRate: 0.1, weightDecay: 0.05) }
        let r = try torch("""
        def run(make):
            w = d['start'].clone().requires_grad_(); opt = make([w])
            for _ in range(5):
                opt.zero_grad(); (((w * d['c']) ** 2).sum() + w.sum()).backward(); opt.step()
            return w
        emit('sgd', run(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)))
        emit('nesterov', run(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.01, nesterov=True)))
        emit('adam', run(lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.05)))
        emit('adamw', run(lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.05)))
        """, ["start": start.scalars, "c": c.scalars])
        expectClose(sgd, r["sgd"], "SGD momentum", tolerance: 1e-5)
        expectClose(nesterov, r["nesterov"], "SGD Nesterov", tolerance: 1e-5)
        expectClose(adam, r["adam"], "Adam", tolerance: 1e-5)
        expectClose(adamw, r["adamw"], "AdamW", tolerance: 1e-5)
    }
}
