#!/usr/bin/env python3
"""Peer side of `perseus bench neural {vae,cae,cnn,flow}`: one training epoch in PyTorch (CPU).

The four reference architectures of docs/neural-benchmarks.md, defined exactly as the Swift side
defines them (same layer shapes, activations, losses, optimiser, batch size and sample count), are
trained on random data of the right shape. After `--warmup` optimiser steps (not timed), one full
epoch (shuffle, forward, backward, optimiser step for every mini-batch) is timed per repeat, and
the fastest of `--repeats` epochs is reported.

Thread count: torch.set_num_threads(--threads); OMP/MKL variables are set by the Swift caller
before this process starts.

Prints one JSON object, or {"unavailable": reason} if torch cannot be imported.
"""
import argparse
import json
import math
import os
import time

parser = argparse.ArgumentParser()
parser.add_argument("architecture", choices=["vae", "cae", "cnn", "flow"])
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--samples", type=int, default=None, help="override the sample count of an epoch")
parser.add_argument("--warmup", type=int, default=3, help="untimed optimiser steps before timing")
parser.add_argument("--repeats", type=int, default=1, help="timed epochs; the fastest is reported")
args = parser.parse_args()

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:
    print(json.dumps({"unavailable": f"torch not importable: {error}"}))
    raise SystemExit(0)

torch.set_num_threads(args.threads)
torch.manual_seed(0)


# ---------------------------------------------------------------- VAE (Ichinohe & Yamada 2019)
class VAE(nn.Module):
    def __init__(self, bins=7200, hidden=128, latent=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(bins, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, hidden), nn.ReLU())
        self.mu = nn.Linear(hidden, latent)
        self.log_variance = nn.Linear(hidden, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, bins), nn.Softplus())

    def loss(self, x):
        h = self.encoder(x)
        mu, log_variance = self.mu(h), self.log_variance(h)
        z = mu + torch.exp(0.5 * log_variance) * torch.randn_like(mu)
        rate = self.decoder(z)
        eps = 1e-7
        # Poisson negative log-likelihood with the Stirling form of log x! (Ichinohe & Yamada 2019)
        nll = rate - x * torch.log(rate + eps) + x * torch.log(x + eps) - x + 0.5 * torch.log(x + eps)
        kl = -0.5 * torch.sum(1 + log_variance - mu * mu - torch.exp(log_variance), dim=1)
        return (nll.sum(dim=1) + kl).mean()


def vae_setup():
    n = args.samples or 8000
    x = torch.poisson(torch.full((n, 7200), 2.0))
    model = VAE()
    return model, (x,), 32, lambda m, batch: m.loss(*batch)


# ---------------------------------------------------------------- CAE (Lin et al. 2024)
class DownBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, cout, 3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm1d(cout)
        self.conv2 = nn.Conv1d(cout, cout, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm1d(cout)
        self.shortcut = nn.Conv1d(cin, cout, 1, stride=2)
        self.bn_shortcut = nn.BatchNorm1d(cout)

    def forward(self, x):
        y = self.bn2(self.conv2(F.gelu(self.bn1(self.conv1(x)))))
        return F.gelu(y + self.bn_shortcut(self.shortcut(x)))


class UpBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.ConvTranspose1d(cin, cout, 3, stride=2, padding=1, output_padding=1)
        self.bn1 = nn.BatchNorm1d(cout)
        self.conv2 = nn.ConvTranspose1d(cout, cout, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm1d(cout)
        self.shortcut = nn.ConvTranspose1d(cin, cout, 1, stride=2, output_padding=1)
        self.bn_shortcut = nn.BatchNorm1d(cout)

    def forward(self, x):
        y = self.bn2(self.conv2(F.gelu(self.bn1(self.conv1(x)))))
        return F.gelu(y + self.bn_shortcut(self.shortcut(x)))


class CAE(nn.Module):
    def __init__(self, bins=1925, latent=4):
        super().__init__()
        self.bins = bins
        self.stem = nn.Sequential(nn.Conv1d(1, 4, 3, stride=2, padding=1), nn.BatchNorm1d(4))
        self.down = nn.Sequential(DownBlock(4, 16), DownBlock(16, 32), DownBlock(32, 64), DownBlock(64, 128))
        length = bins
        for _ in range(5):
            length = (length - 1) // 2 + 1
        self.encoded_length = length                    # 61 for 1925 bins
        self.decoded_length = -(-bins // 16)            # 121: four doublings reach ≥ bins
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(128 * length, 500), nn.GELU(), nn.Linear(500, 50), nn.GELU(),
                                  nn.Linear(50, latent), nn.GELU())
        self.expand = nn.Sequential(nn.Linear(latent, 128 * self.decoded_length), nn.GELU())
        self.up = nn.Sequential(UpBlock(128, 64), UpBlock(64, 32), UpBlock(32, 16), UpBlock(16, 4))
        self.out = nn.ConvTranspose1d(4, 1, 1)

    def loss(self, x, parameters):
        latent = self.head(self.down(self.stem(x)))
        y = self.expand(latent).view(-1, 128, self.decoded_length)
        y = self.out(self.up(y))[:, :, : self.bins]
        return F.mse_loss(y, x) + 0.1 * F.l1_loss(latent, parameters)


def cae_setup():
    n = args.samples or 15000
    x = torch.rand(n, 1, 1925)
    p = torch.rand(n, 4)
    return CAE(), (x, p), 150, lambda m, batch: m.loss(*batch)


# ---------------------------------------------------------------- CNN (Ntampaka et al. 2019)
class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.dense = nn.Sequential(nn.Flatten(), nn.Linear(64 * 16 * 16, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                   nn.Linear(64, 1))

    def loss(self, x, y):
        return F.mse_loss(self.dense(self.features(x)), y)


def cnn_setup():
    n = args.samples or 8000
    x = torch.rand(n, 1, 128, 128)
    y = torch.rand(n, 1)
    return CNN(), (x, y), 50, lambda m, batch: m.loss(*batch)


# ---------------------------------------------------------------- RealNVP (Kryukov et al. 2025)
class Coupling(nn.Module):
    def __init__(self, mask, hidden=512):
        super().__init__()
        d = mask.numel()
        self.register_buffer("mask", mask)
        self.scale = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, d), nn.Tanh())
        self.shift = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, d))

    def forward(self, x):
        kept = x * self.mask
        s = self.scale(kept) * (1 - self.mask)
        t = self.shift(kept) * (1 - self.mask)
        return kept + (1 - self.mask) * (x * torch.exp(s) + t), s.sum(dim=1)


class RealNVP(nn.Module):
    def __init__(self, d=6, blocks=8):
        super().__init__()
        even = torch.tensor([float(i % 2 == 0) for i in range(d)])
        self.blocks = nn.ModuleList([Coupling(even if b % 2 == 0 else 1 - even) for b in range(blocks)])

    def loss(self, x):
        log_det = torch.zeros(x.shape[0])
        for block in self.blocks:
            x, ld = block(x)
            log_det = log_det + ld
        log_base = -0.5 * (x * x).sum(dim=1) - 0.5 * x.shape[1] * math.log(2 * math.pi)
        return -(log_base + log_det).mean()


def flow_setup():
    n = args.samples or 40000
    x = torch.randn(n, 6)
    return RealNVP(), (x,), 256, lambda m, batch: m.loss(*batch)


# ---------------------------------------------------------------- timing
model, data, batch_size, loss_fn = {"vae": vae_setup, "cae": cae_setup, "cnn": cnn_setup, "flow": flow_setup}[
    args.architecture]()
model.train()
optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
n = data[0].shape[0]


def step(indices):
    batch = tuple(d[indices] for d in data)
    optimiser.zero_grad(set_to_none=True)
    loss = loss_fn(model, batch)
    loss.backward()
    optimiser.step()
    return loss


def epoch():
    order = torch.randperm(n)
    loss = None
    for start in range(0, n, batch_size):
        loss = step(order[start:start + batch_size])
    return float(loss.detach())


for i in range(args.warmup):
    step(torch.randperm(n)[:batch_size])

best = float("inf")
last_loss = float("nan")
for _ in range(max(1, args.repeats)):
    start = time.perf_counter()
    last_loss = epoch()
    best = min(best, time.perf_counter() - start)

print(json.dumps({
    "architecture": args.architecture,
    "seconds_per_epoch": best,
    "samples": n,
    "batch": batch_size,
    "threads": torch.get_num_threads(),
    "parameters": sum(p.numel() for p in model.parameters()),
    "last_loss": last_loss,
    "torch_version": torch.__version__,
    "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
}))
