#!/usr/bin/env python3
"""Read a Perseus dataset (docs/dataset-schema.md) into PyTorch.

    python3 Examples/pytorch_loader.py out/lin2024.h5 [--batch 150] [--workers 2]

Builds a torch Dataset over the HDF5 file (one lazily opened h5py handle per DataLoader worker),
splits it by class into the normal samples a detector trains on and the anomalies it is tested
on (the `class_is_anomaly` attribute of `labels`), and iterates one epoch of the training loader,
printing shapes, class counts and the mean counts per spectrum. Needs h5py, numpy and torch.
"""
import argparse

import h5py
import numpy as np
import torch


class PerseusSpectra(torch.utils.data.Dataset):
    """Samples of a Perseus spectra dataset: (counts as float32 [channels], class index)."""

    def __init__(self, path, indices=None):
        self.path = path
        with h5py.File(path, "r") as f:
            n = int(f.attrs["sample_count"])
            self.class_names = [c.decode() if isinstance(c, bytes) else str(c)
                                for c in f["labels"].attrs["class_names"]]
            self.anomalous = f["labels"].attrs["class_is_anomaly"].astype(bool)
            self.labels = f["labels"][...]
        self.indices = np.arange(n) if indices is None else np.asarray(indices)
        self.file = None

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, i):
        if self.file is None:  # opened in the worker that uses it
            self.file = h5py.File(self.path, "r")
        row = int(self.indices[i])
        counts = torch.from_numpy(self.file["spectra"][row].astype(np.float32))
        return counts, int(self.labels[row])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset")
    parser.add_argument("--batch", type=int, default=150)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    full = PerseusSpectra(args.dataset)
    normal = np.flatnonzero(~full.anomalous[full.labels])
    train = PerseusSpectra(args.dataset, normal)
    loader = torch.utils.data.DataLoader(train, batch_size=args.batch, shuffle=True,
                                         num_workers=args.workers,
                                         generator=torch.Generator().manual_seed(0))
    print(f"{args.dataset}: {len(full)} samples, classes {full.class_names}, "
          f"{len(train)} normal for training")
    total, seen, counts = 0.0, 0, np.zeros(len(full.class_names), dtype=int)
    for x, y in loader:
        if seen == 0:
            print(f"first batch: x {tuple(x.shape)} {x.dtype}, y {tuple(y.shape)}")
        total += float(x.sum())
        seen += x.shape[0]
        counts += np.bincount(y.numpy(), minlength=len(counts))
    print(f"one epoch: {seen} spectra, class counts {dict(zip(full.class_names, counts.tolist()))}, "
          f"mean {total / seen:.1f} counts per spectrum")


if __name__ == "__main__":
    main()
