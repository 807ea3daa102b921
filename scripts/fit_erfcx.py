#!/usr/bin/env python3
"""Fits the polynomial behind PerseusNeural's vectorised erfc (Sources/PerseusNeural/Kernels/VectorMath.swift).

With t = 1/(1 + p·z) for z ≥ 0, the scaled complementary error function satisfies

    erfc(z)·exp(z²) = t·Q(t),

where Q is smooth on t ∈ (0, 1] (Q(0) = p/√π). Q is fitted by a Chebyshev series in 2t − 1 with
iteratively reweighted least squares on the relative error (a Lawson-style approximation to the
minimax fit), converted to monomial coefficients, rounded to float32, and the error of the float32
Horner evaluation is measured over z ∈ [0, 12]. Prints the coefficients (constant term first) and
the maximum relative error of t·Q(t) against scipy.special.erfcx.

Usage: python3 scripts/fit_erfcx.py [--p 0.47047] [--degree 9]
"""
import argparse

import numpy as np
from numpy.polynomial import chebyshev as C
from numpy.polynomial import polynomial as P
from scipy.special import erfcx

parser = argparse.ArgumentParser()
parser.add_argument("--p", type=float, default=0.47047)
parser.add_argument("--degree", type=int, default=9)
args = parser.parse_args()
p, degree = args.p, args.degree

t = 0.5 * np.cos(np.linspace(0, np.pi, 4000)) + 0.5
t = t[t > 1e-6]
z = (1 / t - 1) / p
q = erfcx(z) / t
x = 2 * t - 1
w = np.ones_like(q)
for _ in range(40):
    c = C.chebfit(x, q, degree, w=w / q)
    r = (C.chebval(x, c) - q) / q
    w = w * np.sqrt(1e-3 + np.abs(r) / np.abs(r).max())
    w /= w.mean()
monomial_in_x = C.cheb2poly(c)
coefficients = np.zeros(degree + 1)
for k, ck in enumerate(monomial_in_x):       # substitute x = 2t − 1
    term = np.array([1.0])
    for _ in range(k):
        term = P.polymul(term, np.array([-1.0, 2.0]))
    coefficients[: len(term)] += ck * term
c32 = coefficients.astype(np.float32)

zt = np.linspace(0, 12, 400001).astype(np.float32)
t32 = (np.float32(1) / (np.float32(1) + np.float32(p) * zt)).astype(np.float32)
acc = np.zeros_like(t32)
for k in range(degree, -1, -1):
    acc = (acc * t32 + c32[k]).astype(np.float32)
approx = t32.astype(np.float64) * acc.astype(np.float64)
exact = erfcx(zt.astype(np.float64))
print(f"p = {p}, degree {degree}: max relative error of t·Q(t) in float32 = {np.max(np.abs(approx - exact) / exact):.3e}")
print("coefficients (t⁰ first):")
print(", ".join(f"{v:.9e}" for v in c32))
