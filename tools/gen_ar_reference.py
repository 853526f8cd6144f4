#!/usr/bin/env python3
"""gen_ar_reference.py -- reference numbers for recur's AR(p) least-squares fit (ArModelTest), from NumPy.

Regenerate (from the repository root; not part of the build):

    /usr/bin/python3 tools/gen_ar_reference.py

It prints Java array literals to paste into
recur-core/src/test/java/dev/recur/forecast/ArModelTest.java:

  SERIES        a fixed 40-point series: an AR(2) process y_t = 0.3 + 0.5 y_{t-1} - 0.2 y_{t-2} + e_t,
                e_t ~ N(0, 0.5^2) from numpy.random.default_rng(20240517), rounded to 4 decimals
                (the rounded values are the data; the test hard-codes them)
  for p in (1, 3):
  AR<p>_BETA    [intercept, phi_1 .. phi_p]: numpy.linalg.lstsq of y_t on [1, y_{t-1} .. y_{t-p}],
                t = p .. 39 (0-based)
  AR<p>_FORECAST the 5-step recursive forecast after the whole series, each forecast fed back as a lag

The fit is independent of recur's (NumPy's LAPACK SVD-based least squares, not EJML's QR); the
numbers are printed with repr, i.e. the shortest decimal that reads back to the same double.
"""
import numpy as np

rng = np.random.default_rng(20240517)
y = [1.0, 0.5]
for _ in range(38):
    y.append(0.3 + 0.5 * y[-1] - 0.2 * y[-2] + rng.normal(0.0, 0.5))
series = np.round(np.array(y), 4)


def java(name, values):
    body = ", ".join(repr(float(v)) for v in values)
    return "    private static final double[] %s = {%s};" % (name, body)


print(java("SERIES", series))
for p in (1, 3):
    n = len(series)
    X = np.column_stack([np.ones(n - p)] + [series[p - i:n - i] for i in range(1, p + 1)])
    target = series[p:]
    beta, *_ = np.linalg.lstsq(X, target, rcond=None)
    z = list(series[-p:])
    out = []
    for _ in range(5):
        f = beta[0] + sum(beta[i] * z[-i] for i in range(1, p + 1))
        out.append(f)
        z.append(f)
    print(java("AR%d_BETA" % p, beta))
    print(java("AR%d_FORECAST" % p, out))
